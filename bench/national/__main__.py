# ruff: noqa: I001
"""``python -m bench.national [--scale 1.0] [--seconds 20] [--rebuild]``: build (or reuse) the national
data set, run the load, and write the table into ``bench/README.md``."""

from __future__ import annotations

from bench.national import load  # locust patches the standard library first

import argparse

from bench.national import readme
from bench.national.generate import generate
from bench.national.settings import DATABASE, Scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    state = generate(Scale(args.scale), DATABASE, args.rebuild)
    print(f"data set: scale {args.scale:g}, built in {state['build_seconds']:.0f} s", flush=True)
    result = load.run(state, args.seconds, args.warmup, args.users)
    readme.write(state, result)


if __name__ == "__main__":
    main()
