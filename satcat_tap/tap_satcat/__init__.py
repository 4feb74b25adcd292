"""tap-satcat: a Singer tap for the satellite catalogue (SATCAT) of Space-Track or CelesTrak."""

__version__ = "0.1.0"
