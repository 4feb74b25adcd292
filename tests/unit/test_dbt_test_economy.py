"""dbt runs each guarantee once: no data test on a mart repeats what its enforced contract says.

A contracted mart's constraints are checked by PostgreSQL while dbt fills the new table, before
it replaces the old one; a data test on the same thing would only run after the swap, and costs
a query over the table per build (issue 22). tests/integration/test_dbt_contracts.py checks that
PostgreSQL holds each declared constraint.
"""

from __future__ import annotations

from typing import Any

import yaml
from support.dbt_yaml import enforced, mart_models

from spacex_elt.settings import PROJECT_ROOT


def _test_name(test: Any) -> str:
    return test if isinstance(test, str) else next(iter(test))


def test_the_marts_declare_a_key_and_not_null_columns():
    models = list(mart_models())
    assert len(models) >= 10
    for model in models:
        not_null, _, keys = enforced(model)
        assert keys and not_null, f"{model['name']} declares no primary key or not-null column"


def test_no_mart_test_repeats_a_constraint_of_its_contract():
    repeated = []
    for model in mart_models():
        not_null, unique, combinations = enforced(model)
        for column in model.get("columns") or []:
            for test in column.get("data_tests") or []:
                name = _test_name(test)
                if (name == "not_null" and column["name"] in not_null) or (
                    name == "unique" and column["name"] in unique
                ):
                    repeated.append(f"{model['name']}.{column['name']}: {name}")
        for test in model.get("data_tests") or []:
            if _test_name(test) == "unique_combination_of_columns":
                arguments = test["unique_combination_of_columns"]["arguments"]
                columns = set(arguments["combination_of_columns"])
                if columns in combinations:
                    repeated.append(f"{model['name']}: unique {sorted(columns)}")
    assert repeated == []


def test_the_meltano_jobs_dbt_build_leaves_the_unit_tests_out_as_dagsters_does():
    """Unit tests run once, in CI (tests/integration/test_dbt_unit_tests.py), not per build."""
    from dagster_spacex.assets.transform import NO_UNIT_TESTS

    project = yaml.safe_load((PROJECT_ROOT / "meltano_project" / "meltano.yml").read_text())
    (dbt,) = [u for u in project["plugins"]["utilities"] if u["name"] == "dbt-postgres"]
    assert dbt["commands"]["build"]["args"].split() == ["build", *NO_UNIT_TESTS]
