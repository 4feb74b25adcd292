"""Dagster resources: Meltano (subprocess), dbt (dagster-dbt's, lighter) and the warehouse."""
