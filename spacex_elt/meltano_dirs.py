"""A private Meltano system folder: the project's installed plugins, its own run files and database.

Two `meltano run`s in one project share `.meltano/run/<plugin>/` (the catalog file) and the
system database; tests and the benchmark run Meltano in a private copy so that they never collide
with each other or with a developer's own `make run`. Use it as ``MELTANO_SYS_DIR_ROOT``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from spacex_elt.settings import MELTANO_PROJECT_DIR


def private_meltano_dir(root: Path) -> Path:
    """Create ``root/.meltano`` with the plugin venvs linked and the system db copied."""
    shared = MELTANO_PROJECT_DIR / ".meltano"
    sys_dir = root / ".meltano"
    sys_dir.mkdir(parents=True)
    for name in ("extractors", "loaders", "utilities"):
        if (shared / name).exists():
            (sys_dir / name).symlink_to(shared / name)
    if (shared / "meltano.db").exists():  # a consistent copy even if someone is writing to it
        with (
            sqlite3.connect(shared / "meltano.db") as src,
            sqlite3.connect(sys_dir / "meltano.db") as dst,
        ):
            src.backup(dst)
    return sys_dir
