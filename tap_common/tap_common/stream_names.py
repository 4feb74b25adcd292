"""Stream names every tap shares, importable without the Singer SDK.

The orchestration imports these to name its raw assets: the code location loads in every
Dagster process, and the SDK (with its joblib and numpy) is needed only by a tap's own run.
"""

#: The stream (and raw table) recording each run's provenance; every tap names it alike, so dbt
#: has one raw table name and Dagster one select pattern.
PROVENANCE_STREAM = "extract_provenance"
