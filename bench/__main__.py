"""Run the benchmarks: ``python -m bench`` (all), or ``python -m bench writes lookups``.

``--orders N`` sizes the generated station for the lookups (default 1,000,000; built
once into bench/.cache/ and reused).
"""

from __future__ import annotations

import argparse

from bench import common


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("which", nargs="*", metavar="writes|lookups|concurrency|ui|paste|walkthrough|load")
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args()
    known = ["writes", "lookups", "concurrency", "ui", "paste", "walkthrough", "load"]
    unknown = [w for w in args.which if w not in known]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(known)}")
    which = args.which or known
    print(f"machine: {common.machine()}")
    if "writes" in which:
        from bench import writes

        writes.run()
    if "lookups" in which:
        from bench import lookups

        lookups.run(orders=args.orders)
    if "concurrency" in which:
        from bench import concurrency

        concurrency.run()
    if "ui" in which:
        from bench import ui

        ui.run(orders=args.orders)
    if "paste" in which:
        from bench import paste

        paste.run(orders=args.orders)
    if "walkthrough" in which:
        from bench import walkthrough

        walkthrough.run()
    if "load" in which:
        from bench import load

        load.run()


if __name__ == "__main__":
    main()
