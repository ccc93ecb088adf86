"""The national-scale load benchmark (issue 9): a data set the size of every SE provider and NAV team
in the Nordics, and a locust run against gunicorn + PostgreSQL that measures each key page beside a
bare ``/healthz`` in the same run. ``python -m bench.national`` does both and writes ``bench/README.md``.

One job per module: ``settings`` (sizes, names), ``database`` (create, mark, drop), ``bulk`` (fast
inserts), ``people`` (organisations, users), ``rounds_data`` (rounds and answers in bulk),
``showcase`` (the measured organisations, built through the services), ``generate`` (the build),
``pages`` (what is measured), ``statements`` (SQL statements per request, unloaded latency),
``server`` (gunicorn), ``load`` (locust), ``readme`` (the table).
"""
