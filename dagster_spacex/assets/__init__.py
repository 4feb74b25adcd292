"""Software-defined assets: extract-load (Meltano), transform (dbt), the answer."""
