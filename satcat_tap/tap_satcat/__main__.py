"""``python -m tap_satcat`` is ``tap-satcat``."""

from tap_satcat.tap import TapSatcat

TapSatcat.cli()
