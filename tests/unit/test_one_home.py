"""Facts with one home stay in step with the places that must repeat them.

The tap's settings live in its ``config_jsonschema``; ``meltano.yml`` repeats their names, kinds and
descriptions (Meltano needs them to pass values on) and must agree with what the tap reports in
``--about``. The SpaceX API's resources live in ``tap_spacex.resources``; dbt's sources must list
the same raw tables, plus each run's ``extract_provenance`` (a stream of the tap, not a resource),
whose name both taps share.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from singer_sdk import Tap

from spacex_elt.settings import DBT_PROJECT_DIR, MELTANO_PROJECT_DIR
from tap_spacex.resources import NAMES
from tap_spacex.streams import PROVENANCE_STREAM
from tap_spacex.tap import TapSpaceX

#: The custom extractors defined in meltano.yml, by plugin name.
CUSTOM_TAPS: dict[str, type[Tap]] = {"tap-spacex": TapSpaceX}
try:  # the second extractor (satcat_tap/), once installed
    from tap_satcat.tap import TapSatcat

    CUSTOM_TAPS["tap-satcat"] = TapSatcat
except ImportError:  # pragma: no cover
    pass


#: Settings the Singer SDK adds to every tap for its capabilities (stream maps, flattening, ...).
SDK_SETTINGS = {
    "stream_maps",
    "stream_map_config",
    "faker_config",
    "flattening_enabled",
    "flattening_max_depth",
    "flattening_max_key_length",
    "flattening_separator",
    "batch_config",
}


def _meltano_extractor(name: str) -> dict:
    project = yaml.safe_load((MELTANO_PROJECT_DIR / "meltano.yml").read_text())
    (plugin,) = [p for p in project["plugins"]["extractors"] if p["name"] == name]
    return plugin


def _meltano_kind(spec: dict) -> str:
    """The Meltano setting kind that carries a JSON-schema property faithfully."""
    types = set(spec["type"] if isinstance(spec["type"], list) else [spec["type"]]) - {"null"}
    if "enum" in spec:
        return "options"
    if types == {"integer"}:
        return "integer"
    if types == {"boolean"}:
        return "boolean"
    # number-or-string seconds: Meltano 4.4 cannot pass `decimal` on from the environment
    return "string"


@pytest.mark.parametrize("plugin_name", sorted(CUSTOM_TAPS))
def test_meltano_settings_agree_with_the_taps_about(plugin_name: str) -> None:
    about = CUSTOM_TAPS[plugin_name]._get_about_info()
    reported = about.settings["properties"]
    plugin = _meltano_extractor(plugin_name)
    declared = {setting["name"]: setting for setting in plugin["settings"]}
    assert set(reported) - set(declared) == SDK_SETTINGS, "meltano.yml declares the tap's own"
    for name, setting in declared.items():
        spec = reported[name]
        assert setting["kind"] == _meltano_kind(spec), name
        assert setting["description"] == spec["description"], name
        if "value" in setting:  # a default in meltano.yml must be the tap's own
            assert setting["value"] == spec.get("default"), name
        if setting["kind"] == "options":
            assert [o["value"] for o in setting["options"]] == spec["enum"], name
        if spec.get("secret"):
            assert setting.get("sensitive") is True, name
    assert sorted(plugin["capabilities"]) == sorted(str(c) for c in about.capabilities)


def _dbt_source_tables(source_name: str) -> set[str]:
    tables: set[str] = set()
    for path in Path(DBT_PROJECT_DIR, "models").rglob("*.yml"):
        for source in yaml.safe_load(path.read_text()).get("sources") or []:
            if source["name"] == source_name:
                tables |= {table["name"] for table in source["tables"]}
    return tables


def test_dbt_sources_list_every_resource_of_the_registry() -> None:
    assert _dbt_source_tables("spacex_raw") == {*NAMES, PROVENANCE_STREAM}


def test_dbt_sources_list_every_stream_of_the_catalogue_tap() -> None:
    from tap_satcat.streams import STREAM_TYPES

    assert _dbt_source_tables("satcat_raw") == {*(t.name for t in STREAM_TYPES), PROVENANCE_STREAM}


def test_both_taps_name_the_provenance_stream_alike() -> None:
    """One raw table name for dbt and one select pattern for Dagster's Meltano resource."""
    from tap_satcat.streams import PROVENANCE_STREAM as SATCAT_PROVENANCE_STREAM

    assert PROVENANCE_STREAM == SATCAT_PROVENANCE_STREAM == "extract_provenance"
    assert PROVENANCE_STREAM not in NAMES  # not one of the API's resources
