"""A local HTTP mirror of the SpaceX API serving the recorded snapshot (tests, benchmarks)."""

from tap_spacex.mirror.faults import Fault, FaultInjector
from tap_spacex.mirror.server import MirrorServer, build_dataset

__all__ = ["Fault", "FaultInjector", "MirrorServer", "build_dataset"]
