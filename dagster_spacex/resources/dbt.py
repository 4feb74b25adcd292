"""dbt as a Dagster resource: dagster-dbt's ``DbtCliResource`` without two costs the project
never uses.

Before its `dbt build`s, ``DbtCliResource`` (dagster-dbt 0.29):

* runs ``dbt --version`` once per run, to tell dbt Core from the Fusion engine. dbt's
  ``--version`` also asks PyPI for the latest release (dbt-core#6085): a request off the machine
  and a whole dbt start-up on every run;
* builds a dbt adapter inside the Dagster process for every invocation (most of dbt-core
  imported, the profile and project loaded; the README's benchmark section has the cost).
  dagster-dbt uses it only for ``fetch_row_counts()`` and ``fetch_column_metadata()``; the dbt
  step counts the rows it built with the warehouse resource instead (``assets/transform.py``
  says why), so the adapter was built and never used.

The executable is this environment's own dbt (``TOOLS_DIR``, the interpreter's ``bin``), so its
version is the installed dbt-core's. ``tests/unit/test_dbt_resource.py`` fails if dagster-dbt
renames what is overridden here, or if the step starts calling the adapter's methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


class SpaceXDbtCliResource(DbtCliResource):
    """``DbtCliResource`` that knows its dbt's version and builds no in-process adapter."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        # No adapter: DbtCliInvocation takes None (as for the Fusion engine); only
        # fetch_row_counts()/fetch_column_metadata() would need one.
        return None
