"""Read by gunicorn when started from this folder without ``-c``: the same as ``-c python:seqf.gunicorn_conf``."""

from seqf.gunicorn_conf import *  # noqa: F403 - gunicorn reads this module's settings
