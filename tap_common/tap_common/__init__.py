"""tap-common: what the project's Singer taps share (tap-spacex and tap-satcat).

Layered so that nothing imports in a circle: ``errors``, ``config`` and ``stream_names`` import
nothing of the package; ``http`` and ``validation`` import ``errors``; ``streams`` imports
``http``; ``tap`` imports ``streams``. A tap keeps only what is its API's own.
"""

__version__ = "0.1.0"
