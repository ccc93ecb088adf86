"""Load and scale benchmark (``make bench``); not part of ``make test``."""
