"""backpath: evidence-based care for low back pain."""

__version__ = "0.3.0"
