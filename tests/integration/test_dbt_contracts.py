"""The marts' contracts (dbt `contract: {enforced: true}`, each mart's models/marts/<mart>.yml).

PostgreSQL enforces a contract's constraints while dbt fills the NEW table, so a mart whose rows
break one (a fleet that does not add up, say) fails before it replaces the table the analysts
read: the old one stays, unchanged.
"""

from __future__ import annotations

from support.dbt_yaml import enforced, mart_models
from support.meltano import output_of, run_tool

from spacex_elt.settings import DBT_PROJECT_DIR

SCHEMA = "spacex_contract_test"  # a dbt schema of its own: the session's marts are never touched


def _fake_series(query, in_orbit: int) -> None:
    """The one model starlink_in_orbit_daily reads, as a one-day view: 10 launched, 0 decayed."""
    query(
        f"create or replace view {SCHEMA}_intermediate.int_starlink__in_orbit_daily as select "
        "'2021-01-01'::date as series_date, 1 as starlink_launches, 10 as satellites_launched, "
        "0 as satellites_decayed, 1 as cumulative_starlink_launches, "
        "10 as cumulative_satellites_launched, 0 as cumulative_satellites_decayed, "
        f"{in_orbit} as satellites_in_orbit, 'spacex_api'::text as satellite_source"
    )


def _build_series(settings, tmp_path, check: bool = True):
    return run_tool(
        ["dbt", "run", "--select", "starlink_in_orbit_daily"]
        + ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path)],
        DBT_PROJECT_DIR,
        settings,
        extra_env={"SPACEX_DBT_SCHEMA": SCHEMA},
        check=check,
    )


def test_a_broken_check_fails_the_mart_and_keeps_the_old_table(settings, query, tmp_path):
    query(f"drop schema if exists {SCHEMA}_intermediate cascade")
    query(f"create schema {SCHEMA}_intermediate")
    try:
        _fake_series(query, in_orbit=10)
        _build_series(settings, tmp_path)
        mart = f"{SCHEMA}_marts.starlink_in_orbit_daily"
        assert query(f"select satellites_in_orbit from {mart}") == [(10,)]

        _fake_series(query, in_orbit=9)  # 10 launched, none decayed, yet 9 in orbit
        result = _build_series(settings, tmp_path, check=False)
        assert result.returncode != 0
        assert 'violates check constraint "in_orbit_is_launched_minus_decayed"' in output_of(result)
        assert query(f"select satellites_in_orbit from {mart}") == [(10,)]  # unchanged
    finally:
        query(f"drop schema if exists {SCHEMA}_intermediate cascade")
        query(f"drop schema if exists {SCHEMA}_marts cascade")


def test_every_mart_has_a_primary_key_and_typed_not_null_columns(built, query):
    marts = f"{built.dbt_schema}_marts"
    tables = {
        name
        for (name,) in query(
            "select table_name from information_schema.tables where table_schema = %s", (marts,)
        )
    }
    assert {"starlink_42k_forecast", "starlink_data_provenance"} <= tables
    keys = dict(
        query(
            "select conrelid::regclass::text, array_agg(attname::text order by attname) "
            "from pg_constraint join pg_attribute "
            "on attrelid = conrelid and attnum = any(conkey) "
            "where contype = 'p' and connamespace = %s::regnamespace group by conrelid",
            (marts,),
        )
    )
    assert {name: keys.get(f"{marts}.{name}") for name in tables} == {
        "starlink_satellites": ["satellite_id"],
        "starlink_launches": ["launch_id"],
        "starlink_in_orbit_daily": ["series_date"],
        "starlink_launch_cadence": ["period_grain", "period_start"],
        "starlink_42k_forecast": ["scenario"],
        "starlink_forecast_path": ["path_id"],
        "starlink_forecast_backtest": ["backtest_id"],
        "starlink_forecast_skill": ["skill_id"],
        "starlink_source_reconciliation": ["norad_cat_id"],
        "starlink_quarantine": ["quarantine_id"],
        "starlink_data_provenance": ["source"],
        "starlink_what_it_takes": ["launch_class", "target_year"],
    }
    not_null = {
        column
        for (column,) in query(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = 'starlink_42k_forecast' "
            "and is_nullable = 'NO'",
            (marts,),
        )
    }
    assert {"scenario", "satellites_in_orbit", "in_orbit_at_start", "is_headline"} <= not_null
    assert "target_date_p50" not in not_null  # null when the P50 fleet never reaches the target


def test_postgres_holds_every_constraint_the_marts_declare(built, query):
    """What lets the marts go without not_null / unique data tests (tests/unit/
    test_dbt_test_economy.py): each declared not-null column is NOT NULL in PostgreSQL, and each
    declared primary key or unique column set is a constraint there."""
    marts = f"{built.dbt_schema}_marts"
    nullable = set(
        query(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = %s and is_nullable = 'YES'",
            (marts,),
        )
    )
    keys: dict[str, set[frozenset[str]]] = {}
    for table, columns in query(
        "select conrelid::regclass::text, array_agg(attname::text) "
        "from pg_constraint join pg_attribute on attrelid = conrelid and attnum = any(conkey) "
        "where contype in ('p', 'u') and connamespace = %s::regnamespace group by oid, conrelid",
        (marts,),
    ):
        keys.setdefault(table.split(".")[-1], set()).add(frozenset(columns))
    models = list(mart_models())
    assert len(models) >= 10
    for model in models:
        not_null, _, combinations = enforced(model)
        name = model["name"]
        assert not {(name, column) for column in not_null} & nullable, name
        assert {frozenset(c) for c in combinations} <= keys.get(name, set()), name
