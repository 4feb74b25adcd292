"""Dagster code location of the SpaceX ELT product (``dagster_spacex.definitions``)."""
