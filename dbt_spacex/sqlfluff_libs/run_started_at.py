"""dbt's ``run_started_at`` for sqlfluff's templater: the models call its ``isoformat()``."""


def isoformat() -> str:
    return "2000-01-01T00:00:00+00:00"
