"""Run a benchmark (`make bench`): `python -m bench [NAME] [OPTIONS]`, NAME defaults to ledger.

python -m bench                                   # the ledger benchmark, default options
python -m bench ledger --clients 16 --seconds 10  # options go to the benchmark
python -m bench ledger --help
"""

import importlib
import sys

BENCHMARKS = {"ledger": "bench.ledger", "explore": "bench.explore"}
DEFAULT = "ledger"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
        print(__doc__.strip())
        print(f"\nBenchmarks: {', '.join(sorted(BENCHMARKS))}")
        return 0
    name = argv.pop(0) if argv and not argv[0].startswith("-") else DEFAULT
    if name not in BENCHMARKS:
        print(f"Unknown benchmark {name!r}; known: {', '.join(sorted(BENCHMARKS))}", file=sys.stderr)
        return 2
    print(f"== {name}", flush=True)
    return importlib.import_module(BENCHMARKS[name]).main(argv)


if __name__ == "__main__":
    sys.exit(main())
