"""Shared runtime of the SpaceX ELT product: settings, warehouse, API mirror process, answer."""
