"""gunicorn settings for seqf: ``gunicorn -c python:seqf.gunicorn_conf "seqf:create_app()"``.

Settings given on the command line (``--workers``, ``--bind``) still apply; this file only removes
the ``Server`` header (see ``seqf.server``). gunicorn runs it in the master before the workers fork.
"""

from seqf.server import hide_gunicorn_banner

hide_gunicorn_banner()
