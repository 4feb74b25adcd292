"""Recorded copies of the product's upstream APIs, served locally with their own semantics and
fault injection, for offline runs, tests and the benchmark."""

from api_mirror.faults import Fault, FaultInjector
from api_mirror.server import MirrorServer

__all__ = ["Fault", "FaultInjector", "MirrorServer"]
