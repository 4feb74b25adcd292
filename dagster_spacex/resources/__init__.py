"""Dagster resources: Meltano (subprocess), dbt (dagster-dbt) and the warehouse."""
