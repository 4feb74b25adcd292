"""``spacex check``: can the sources be read, with this configuration, right now?

Runs each tap's connection test (``meltano test <tap>``: the Singer SDK's ``--test``, one record
of every stream, defined as the plugins' ``test`` commands in meltano.yml) against what the
settings name (the local mirror in ``dev``, the live services and the Space-Track account in
``prod``) and says in one line per source whether it is reachable.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from spacex_elt.settings import (
    MELTANO_PROJECT_DIR,
    TOOLS_DIR,
    Settings,
    load_settings,
    subprocess_env,
)

#: A connection test that hangs (a black-holed address) fails after this many seconds.
TIMEOUT_SECONDS = 300
LIVE_SPACETRACK = "https://www.space-track.org"
LIVE_CELESTRAK = "https://celestrak.org"


@dataclass(frozen=True)
class SourceCheck:
    tap: str
    source: str  # what it reads, in words, with its URL
    ok: bool
    detail: str  # the last error line when not ok

    def line(self) -> str:
        return f"{self.source}: {'reachable' if self.ok else 'NOT reachable: ' + self.detail}"


def sources(settings: Settings) -> dict[str, str]:
    """tap -> the source it reads with these settings, in words."""
    catalogue = settings.catalogue
    if catalogue.identity:
        where = catalogue.spacetrack_url or LIVE_SPACETRACK
        satcat = f"Space-Track.org satellite catalogue at {where} (account {catalogue.identity})"
    else:
        satcat = f"CelesTrak satellite catalogue at {catalogue.celestrak_url or LIVE_CELESTRAK}"
    return {"tap-spacex": f"SpaceX API at {settings.api_url}", "tap-satcat": satcat}


def _last_error(output: str) -> str:
    """The last line of Meltano's structured log that looks like a cause (else the last line)."""
    lines = []
    for raw in output.splitlines():
        try:
            event = json.loads(raw).get("event", "")
        except (ValueError, AttributeError):
            event = raw
        if str(event).strip():
            lines.append(" ".join(str(event).split()))
    causes = [line for line in lines if "Error" in line or "error" in line or "failed" in line]
    return (causes or lines or ["no output"])[-1][:300]


def check_sources(settings: Settings | None = None) -> list[SourceCheck]:
    s = settings or load_settings()
    results = []
    for tap, source in sources(s).items():
        cmd = [str(TOOLS_DIR / "meltano"), "--log-format=json", "test", tap]
        try:
            done = subprocess.run(
                cmd,
                cwd=MELTANO_PROJECT_DIR,
                env=subprocess_env(s),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            results.append(SourceCheck(tap, source, False, f"no answer in {TIMEOUT_SECONDS} s"))
            continue
        ok = done.returncode == 0
        detail = "" if ok else _last_error(done.stdout + "\n" + done.stderr)
        results.append(SourceCheck(tap, source, ok, detail))
    return results
