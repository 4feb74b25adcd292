"""The dbt docs: the one-file site `make docs` writes, and the descriptions dbt persists into
PostgreSQL (`persist_docs`), so `psql \\d+` and any SQL client show them next to the data."""

from __future__ import annotations

import json

from support.meltano import run_tool

from spacex_elt.settings import DBT_PROJECT_DIR

FORECAST_DESCRIPTION = "THE answer, one row per scenario (headline, with_starship)"


def test_static_docs_site_is_one_file_with_the_marts_docs_and_owners(built, tmp_path):
    target = tmp_path / "target"  # never the project's own target/ (Dagster reads its manifest)
    run_tool(
        ["dbt", "docs", "generate", "--static", "--target-path", str(target)]
        + ["--log-path", str(tmp_path)],
        DBT_PROJECT_DIR,
        built,
    )
    site = (target / "static_index.html").read_text()
    # manifest and catalog inlined (the placeholders replaced), so it opens without a server
    assert "MANIFEST.JSON INLINE DATA" not in site and "CATALOG.JSON INLINE DATA" not in site
    assert FORECAST_DESCRIPTION in site
    assert "Forecast analysts" in site and "data-eng@example.com" in site  # the groups' owners
    # the catalog is the warehouse's: the mart's table comment is its description (persist_docs)
    catalog = json.loads((target / "catalog.json").read_text())
    node = catalog["nodes"]["model.dbt_spacex.starlink_42k_forecast"]
    assert node["metadata"]["type"] == "BASE TABLE"
    assert node["metadata"]["comment"].startswith(FORECAST_DESCRIPTION)
    assert node["columns"]["scenario"]["type"] == "text"


def test_descriptions_are_postgresql_comments(built, query):
    marts, staging = f"{built.dbt_schema}_marts", f"{built.dbt_schema}_staging"
    [(table, column)] = query(
        "select obj_description(%s::regclass, 'pg_class'), "
        "col_description(%s::regclass, ("
        "select attnum from pg_attribute where attrelid = %s::regclass and attname = 'scenario'))",
        (f"{marts}.starlink_42k_forecast",) * 3,
    )
    assert table.startswith(FORECAST_DESCRIPTION)
    assert column.startswith("headline (the headline configuration on the measured data)")
    # views too (staging, intermediate), not only the marts' tables
    [(view,)] = query(
        "select obj_description(%s::regclass, 'pg_class')", (f"{staging}.stg_spacex__starlink",)
    )
    assert view.startswith("One row per Starlink satellite")
