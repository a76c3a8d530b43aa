"""Run every benchmark module under bench/ (`make bench`)."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = [
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    ]
    if not names:
        print("No benchmarks yet.")
        return 0
    for name in sorted(names):
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
