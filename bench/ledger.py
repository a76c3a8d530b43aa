"""Ledger benchmark: concurrent wallet-to-wallet transfers, against pgbench on the same server.

N client threads (each with its own database connection) move small random amounts between
random wallets through `payments.ledger.transfer` for a fixed time; then `verify_ledger` checks
every invariant. In the same run, on the same PostgreSQL cluster, pgbench's TPC-B-like
workload gives the baseline; the figure that matters is the ratio ours / pgbench.

Needs DATABASE_URL (a role that can create databases), as `make bench` provides:

    bin/with-test-services .venv/bin/python -m bench ledger --clients 16 --seconds 10
"""

from __future__ import annotations

import argparse
import glob
import json
import logging
import multiprocessing
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from bench import cpu

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 0.3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench ledger", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time (default 10)")
    parser.add_argument("--users", type=int, default=200, help="funded wallets (default 200)")
    parser.add_argument(
        "--balance",
        type=Decimal,
        default=Decimal("1000"),
        help="each wallet's opening balance (default 1000)",
    )
    parser.add_argument(
        "--max-amount", type=Decimal, default=Decimal("10"), help="largest transfer (default 10)"
    )
    parser.add_argument("--currency", default="USD")
    parser.add_argument(
        "--mode",
        choices=["threads", "processes"],
        default="threads",
        help="clients as threads of this process, each with its own connection (default), or as "
        "forked processes (no shared GIL, but on a small machine they crowd out the server)",
    )
    parser.add_argument(
        "--transfer",
        default="payments.ledger.transfer",
        help="the transfer function to measure, as a dotted path (default payments.ledger.transfer); "
        "another one with the same signature lets a candidate ledger change be measured",
    )
    parser.add_argument(
        "--pgbench-scale",
        type=int,
        default=None,
        help="pgbench -i scale factor (default: --clients, so that pgbench clients rarely contend "
        "on one branch row, as our clients rarely contend on one wallet)",
    )
    parser.add_argument(
        "--pgbench", default=None, help="pgbench executable (default: found on PATH or PGDG dir)"
    )
    parser.add_argument("--skip-pgbench", action="store_true", help="measure the ledger only (ratio is null)")
    parser.add_argument("--database", default="lyceum_bench", help="database created for the ledger run")
    parser.add_argument("--pgbench-database", default="lyceum_pgbench", help="database created for pgbench")
    parser.add_argument("--keep-databases", action="store_true", help="do not drop the databases at the end")
    parser.add_argument("--settings", default="config.settings.test", help="Django settings module")
    parser.add_argument(
        "--ledger-engine",
        choices=["default", "database", "python"],
        default="default",
        help="payments.ledger's PostgreSQL posting function (database) or its Python path; default: "
        "as the settings say (LYCEUM_LEDGER_DATABASE_ENGINE)",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "ledger.json")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.users < 2:
        parser.error("--clients must be >= 1, --seconds > 0 and --users >= 2")
    if args.pgbench_scale is None:
        args.pgbench_scale = args.clients
    return args


# --- The cluster: fresh databases -----------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(url: str):
    """An autocommit connection to the cluster: the URL's database, else a maintenance database.

    `bin/with-test-services` starts a bare cluster, so DATABASE_URL's database need not exist.
    """
    import psycopg

    failure: Exception | None = None
    for name in (unquote(urlsplit(url).path.lstrip("/")), "postgres", "template1"):
        if not name:
            continue
        try:
            return psycopg.connect(with_database(url, name), autocommit=True)
        except psycopg.OperationalError as exc:
            failure = failure or exc
    raise SystemExit(f"Cannot connect to the PostgreSQL cluster in DATABASE_URL: {failure}")


def drop_database(admin_url: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(admin_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate_database(admin_url: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(admin_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_version(admin_url: str) -> str:
    with admin_connection(admin_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def local_postmaster(admin_url: str) -> int | None:
    """The server's postmaster pid when it runs on this host (for its CPU time), else None."""
    if urlsplit(admin_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    with admin_connection(admin_url) as conn:  # Read /proc while the backend is alive.
        pid = cpu.postmaster_pid(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
    try:
        is_postgres = b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        is_postgres = False
    return pid if is_postgres else None


# --- pgbench ----------------------------------------------------------------------------------------


def find_pgbench(explicit: str | None) -> str:
    if explicit:
        return explicit
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pgbench"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if not candidates:
        raise SystemExit("pgbench not found: install PostgreSQL's client tools or pass --pgbench.")
    return candidates[-1]


def pgbench_env(url: str) -> dict[str, str]:
    """libpq environment for the database in `url` (keeps the password off the command line)."""
    parts = urlsplit(url)
    env = dict(os.environ)
    env.update(
        PGHOST=parts.hostname or "localhost",
        PGPORT=str(parts.port or 5432),
        PGUSER=unquote(parts.username or ""),
        PGPASSWORD=unquote(parts.password or ""),
        PGDATABASE=unquote(parts.path.lstrip("/")),
    )
    return env


TPS_PATTERNS = (
    re.compile(r"^tps = ([\d.]+) \(without initial connection time\)", re.MULTILINE),
    re.compile(r"^tps = ([\d.]+) \(excluding connections establishing\)", re.MULTILINE),
    re.compile(r"^tps = ([\d.]+)", re.MULTILINE),
)


def parse_pgbench_tps(output: str) -> float:
    for pattern in TPS_PATTERNS:
        match = pattern.search(output)
        if match:
            return float(match.group(1))
    raise ValueError(f"No tps line in pgbench output:\n{output}")


def parse_pgbench_latency(output: str) -> float | None:
    match = re.search(r"^latency average = ([\d.]+) ms", output, re.MULTILINE)
    return float(match.group(1)) if match else None


def pgbench_init(pgbench: str, url: str, scale: int) -> None:
    subprocess.run(
        [pgbench, "-i", "-q", "-s", str(scale)],
        env=pgbench_env(url),
        check=True,
        capture_output=True,
        text=True,
    )


def pgbench_run(
    pgbench: str, url: str, clients: int, seconds: float, postmaster: int | None
) -> dict[str, Any]:
    command = [pgbench, "-c", str(clients), "-j", str(clients), "-T", str(max(1, round(seconds)))]
    client_before, server_before = cpu.client_seconds(), cpu.server_seconds(postmaster)
    done = subprocess.run(command, env=pgbench_env(url), check=True, capture_output=True, text=True)
    cpu.wait_for_backends_to_exit(postmaster, unquote(urlsplit(url).path.lstrip("/")))
    client_cpu, server_after = cpu.client_seconds() - client_before, cpu.server_seconds(postmaster)
    processed = re.search(r"^number of transactions actually processed: (\d+)", done.stdout, re.MULTILINE)
    transactions = int(processed.group(1)) if processed else None
    return {
        "tps": parse_pgbench_tps(done.stdout),
        "latency_avg_ms": parse_pgbench_latency(done.stdout),
        "transactions": transactions,
        "client_cpu_ms": per_op_ms(client_cpu, transactions),
        "server_cpu_ms": per_op_ms(delta(server_before, server_after), transactions),
        "command": " ".join([Path(command[0]).name, *command[1:]]),
    }


def delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def per_op_ms(seconds: float | None, operations: int | None) -> float | None:
    return None if seconds is None or not operations else round(seconds / operations * 1000, 3)


# --- The ledger run -----------------------------------------------------------------------------------


def setup_django(url: str, settings_module: str, ledger_engine: str = "default") -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    if ledger_engine != "default":
        os.environ["LYCEUM_LEDGER_DATABASE_ENGINE"] = "true" if ledger_engine == "database" else "false"
    import django

    django.setup()


@dataclass
class Fixture:
    tenant_id: int
    wallet_ids: list[int]
    currency: str


def populate(args: argparse.Namespace) -> Fixture:
    """A tenant and `args.users` members with funded wallets, as a recharge funds them."""
    from djmoney.money import Money

    from marketplace.models import User
    from marketplace.services.tenants import create_tenant
    from payments import ledger
    from payments.models import AccountKind, EntryKind

    tenant = create_tenant(name="Bench", slug="bench", hostname="bench.localhost")
    clearing = ledger.platform_account(tenant, AccountKind.GATEWAY_CLEARING, args.currency)
    wallet_ids = []
    for n in range(args.users):
        # No password: an unusable one costs no hashing.
        user = User.objects.create_user(email=f"bench{n}@example.com", handle=f"bench{n}", password=None)
        wallet = ledger.wallet_of(user, tenant, args.currency)
        ledger.transfer(
            tenant=tenant,
            kind=EntryKind.RECHARGE,
            idempotency_key=f"bench-fund:{n}",
            source=clearing,
            destination=wallet,
            amount=Money(args.balance, args.currency),
        )
        wallet_ids.append(wallet.pk)
    return Fixture(tenant_id=tenant.pk, wallet_ids=wallet_ids, currency=args.currency)


def client(
    index: int,
    fixture: Fixture,
    args: argparse.Namespace,
    run_id: str,
    seed: int,
    barrier: Any,
    clock: Any,
    results: Any,
) -> None:
    """One client: transfers between random wallets until the deadline; puts its figures on `results`."""
    from django.db import connection
    from django.utils.module_loading import import_string
    from django_scopes import scopes_disabled
    from djmoney.money import Money

    from marketplace.models import Tenant
    from payments.exceptions import InsufficientFunds
    from payments.models import Account, EntryKind

    rng = random.Random(seed * 1000 + index)
    cents = int(args.max_amount * 100)
    latencies: list[float] = []
    insufficient = 0
    errors: Counter = Counter()
    samples: list[str] = []
    finished_at = 0.0
    try:
        try:
            transfer = import_string(args.transfer)
            # Own copies of the tenant and the wallets; this also opens the client's connection
            # before the clock starts (pgbench, too, reports tps without initial connection time).
            tenant = Tenant.objects.get(pk=fixture.tenant_id)
            with scopes_disabled():
                by_pk = Account.objects.in_bulk(fixture.wallet_ids)
            wallets = [by_pk[pk] for pk in fixture.wallet_ids]
        except BaseException:
            barrier.abort()
            raise
        barrier.wait()
        perf_counter = time.perf_counter
        deadline = clock.value + args.seconds
        n = 0
        while perf_counter() < deadline:
            source, destination = rng.sample(wallets, 2)
            amount = Money(Decimal(rng.randint(1, cents)) / 100, fixture.currency)
            n += 1
            started = perf_counter()
            try:
                transfer(
                    tenant=tenant,
                    kind=EntryKind.TRANSFER,
                    idempotency_key=f"bench:{run_id}:{index}:{n}",
                    source=source,
                    destination=destination,
                    amount=amount,
                )
            except InsufficientFunds:
                insufficient += 1
                continue
            except Exception as exc:  # Deadlocks, serialization failures...: there must be none.
                errors[type(exc).__name__] += 1
                if len(samples) < 3:
                    samples.append(f"{type(exc).__name__}: {exc}".strip()[:300])
                connection.close_if_unusable_or_obsolete()
                continue
            latencies.append(perf_counter() - started)
        finished_at = perf_counter()
    except Exception as exc:
        errors[type(exc).__name__] += 1
        samples.append(f"client {index} stopped: {type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()
        results.put(
            {
                "latencies": latencies,
                "insufficient": insufficient,
                "errors": dict(errors),
                "samples": samples,
                "finished_at": finished_at or time.perf_counter(),
            }
        )


class _Clock:
    value = 0.0


def run_clients(
    fixture: Fixture, args: argparse.Namespace, seed: int, postmaster: int | None
) -> dict[str, Any]:
    """Run the clients as processes (fork) or threads; the clock starts when all are connected."""
    import queue

    from django.db import connections

    run_id = uuid.uuid4().hex[:8]
    if args.mode == "processes":
        connections.close_all()  # A forked child must open its own connection.
        ctx = multiprocessing.get_context("fork")
        clock = ctx.Value("d", 0.0, lock=False)
        results = ctx.SimpleQueue()
        make_barrier, make_worker = ctx.Barrier, ctx.Process
    else:
        clock, results = _Clock(), queue.SimpleQueue()
        make_barrier, make_worker = threading.Barrier, threading.Thread

    def start_clock() -> None:  # Runs once, in the last client to arrive at the barrier.
        clock.value = time.perf_counter()

    barrier = make_barrier(args.clients, action=start_clock)
    workers = [
        make_worker(
            target=client,
            args=(i, fixture, args, run_id, seed, barrier, clock, results),
            name=f"bench-client-{i}",
        )
        for i in range(args.clients)
    ]
    # CPU is sampled around the whole run, so it includes the clients' connecting (a few ms).
    client_before, server_before = cpu.client_seconds(), cpu.server_seconds(postmaster)
    for worker in workers:
        worker.start()
    stats = [results.get() for _ in workers]  # Before join: a child blocks until its result is read.
    for worker in workers:
        worker.join()
    cpu.wait_for_backends_to_exit(postmaster, args.database)
    client_cpu, server_after = cpu.client_seconds() - client_before, cpu.server_seconds(postmaster)
    start = clock.value
    if not start:
        raise SystemExit(f"The clients could not start: {[s['samples'] for s in stats]}")

    elapsed = max(s["finished_at"] for s in stats) - start
    latencies = sorted(latency for s in stats for latency in s["latencies"])
    errors: Counter = Counter()
    for s in stats:
        errors.update(s["errors"])
    return {
        "elapsed_s": elapsed,
        "transfers": len(latencies),
        "transfers_per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0,
        "client_cpu_ms": per_op_ms(client_cpu, len(latencies)),
        "server_cpu_ms": per_op_ms(delta(server_before, server_after), len(latencies)),
        "insufficient_funds": sum(s["insufficient"] for s in stats),
        "errors": sum(errors.values()),
        "errors_by_type": dict(errors),
        "error_samples": [sample for s in stats for sample in s["samples"]][:5],
    }


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def queries_per_transfer(fixture: Fixture, transfer_path: str) -> int:
    """Statements one transfer sends, BEGIN and COMMIT included (each one round trip)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string
    from django_scopes import scopes_disabled
    from djmoney.money import Money

    from marketplace.models import Tenant
    from payments.models import Account, EntryKind

    transfer = import_string(transfer_path)
    tenant = Tenant.objects.get(pk=fixture.tenant_id)
    with scopes_disabled():
        source, destination = Account.objects.filter(pk__in=fixture.wallet_ids[:2])
    with CaptureQueriesContext(connection) as captured:
        transfer(
            tenant=tenant,
            kind=EntryKind.TRANSFER,
            idempotency_key=f"bench-probe:{uuid.uuid4().hex}",
            source=source,
            destination=destination,
            amount=Money("0.01", fixture.currency),
        )
    return len(captured.captured_queries)


# --- Report ---------------------------------------------------------------------------------------------


def ledger_engine() -> str:
    """Which path payments.ledger posts with: its PostgreSQL function or Python."""
    from payments import ledger

    use_database = getattr(ledger, "use_database_engine", None)
    if use_database is None:
        return "python"
    return "database" if use_database() else "python"


def fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} ms"


def report(result: dict[str, Any]) -> str:
    ratio = result["ratio"]
    ratio_text = "n/a" if ratio is None else f"{ratio:.2f} (target >= {TARGET_RATIO})"
    pgbench = "skipped" if result["pgbench_tps"] is None else f"{result['pgbench_tps']:.0f}"
    lines = [
        f"ledger transfers/s {result['transfers_per_s']:.0f} | p50 {result['p50_ms']:.1f} ms | "
        f"p99 {result['p99_ms']:.1f} ms | pgbench tps {pgbench} | ratio {ratio_text} | "
        f"violations {result['violations']}",
        f"  {result['clients']} clients ({result['mode']}), {result['seconds']:g} s, "
        f"{result['transfers']} transfers, "
        f"{result['insufficient_funds']} insufficient funds, {result['errors']} errors, "
        f"ledger engine {result['ledger_engine']}, {result['queries_per_transfer']} queries per transfer; "
        f"pgbench scale {result['pgbench_scale']}, PostgreSQL {result['postgres_version']}, "
        f"{result['cpu_count']} CPUs",
    ]
    if result["client_cpu_ms_per_transfer"] is not None:
        lines.append(
            f"  CPU per transfer: client {fmt_ms(result['client_cpu_ms_per_transfer'])}, "
            f"server {fmt_ms(result['server_cpu_ms_per_transfer'])} | per pgbench transaction: "
            f"client {fmt_ms(result['pgbench_client_cpu_ms_per_tx'])}, "
            f"server {fmt_ms(result['pgbench_server_cpu_ms_per_tx'])} | "
            f"load average before {result['load_average_before'][0]}"
        )
    if result["transfer_function"] != "payments.ledger.transfer":
        lines.append(f"  transfer function: {result['transfer_function']}")
    if result["errors"]:
        lines.append(f"  errors: {result['errors_by_type']}")
        lines += [f"    {sample}" for sample in result["error_samples"]]
    if result["violation_samples"]:
        lines.append("  violations:")
        lines += [f"    {problem}" for problem in result["violation_samples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url.startswith(("postgres://", "postgresql://")):
        print(
            "The ledger benchmark needs DATABASE_URL pointing at PostgreSQL (a role that can create "
            "databases): run it with `make bench` or `bin/with-test-services .venv/bin/python -m bench`.",
            file=sys.stderr,
        )
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    bench_url = with_database(admin_url, args.database)
    pgbench_url = with_database(admin_url, args.pgbench_database)
    pgbench = None if args.skip_pgbench else find_pgbench(args.pgbench)
    postmaster = local_postmaster(admin_url)
    load_before = [round(load, 2) for load in os.getloadavg()]

    print(f"Setting up: database {args.database} (migrate, {args.users} funded wallets)", flush=True)
    recreate_database(admin_url, args.database)
    if pgbench:
        recreate_database(admin_url, args.pgbench_database)
    try:
        setup_django(bench_url, args.settings, args.ledger_engine)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        logging.getLogger("wagtail").setLevel(logging.WARNING)  # Quiet "Page created" lines.
        if settings.DEBUG:
            print("  warning: DEBUG is on, Django records every query (slower)", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        fixture = populate(args)
        if pgbench:
            print(
                f"Setting up: database {args.pgbench_database} (pgbench -i -s {args.pgbench_scale})",
                flush=True,
            )
            pgbench_init(pgbench, pgbench_url, args.pgbench_scale)
        connections.close_all()

        print(f"Running: ledger, {args.clients} clients for {args.seconds:g} s", flush=True)
        ours = run_clients(fixture, args, seed, postmaster)
        print("Verifying the ledger", flush=True)
        from payments.verification import verify_ledger

        problems = verify_ledger()
        probe = queries_per_transfer(fixture, args.transfer)
        engine = ledger_engine()
        connections.close_all()

        baseline: dict[str, Any] = {}
        if pgbench:
            print(f"Running: pgbench, {args.clients} clients for {args.seconds:g} s", flush=True)
            baseline = pgbench_run(pgbench, pgbench_url, args.clients, args.seconds, postmaster)
    finally:
        if not args.keep_databases:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django never got set up.
                pass
            drop_database(admin_url, args.database)
            if pgbench:
                drop_database(admin_url, args.pgbench_database)

    pgbench_tps = baseline.get("tps")
    result = {
        "transfers_per_s": round(ours["transfers_per_s"], 1),
        "pgbench_tps": None if pgbench_tps is None else round(pgbench_tps, 1),
        "ratio": None if not pgbench_tps else round(ours["transfers_per_s"] / pgbench_tps, 3),
        "violations": len(problems),
        "violation_samples": problems[:10],
        "clients": args.clients,
        "seconds": args.seconds,
        "mode": args.mode,
        "transfer_function": args.transfer,
        "ledger_engine": engine,
        "elapsed_s": round(ours["elapsed_s"], 3),
        "transfers": ours["transfers"],
        "p50_ms": round(ours["p50_ms"], 2),
        "p99_ms": round(ours["p99_ms"], 2),
        "mean_ms": round(ours["mean_ms"], 2),
        "insufficient_funds": ours["insufficient_funds"],
        "errors": ours["errors"],
        "errors_by_type": ours["errors_by_type"],
        "error_samples": ours["error_samples"],
        "queries_per_transfer": probe,
        "users": args.users,
        "opening_balance": str(args.balance),
        "max_amount": str(args.max_amount),
        "pgbench_scale": args.pgbench_scale if pgbench else None,
        "pgbench_latency_avg_ms": baseline.get("latency_avg_ms"),
        "pgbench_transactions": baseline.get("transactions"),
        "pgbench_command": baseline.get("command"),
        # CPU per operation, client side (this process, or pgbench) and server side (PostgreSQL).
        "client_cpu_ms_per_transfer": ours["client_cpu_ms"],
        "server_cpu_ms_per_transfer": ours["server_cpu_ms"],
        "pgbench_client_cpu_ms_per_tx": baseline.get("client_cpu_ms"),
        "pgbench_server_cpu_ms_per_tx": baseline.get("server_cpu_ms"),
        "load_average_before": load_before,
        "target_ratio": TARGET_RATIO,
        "postgres_version": server_version(admin_url),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "seed": seed,
        "settings": args.settings,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))
    print(f"Wrote {args.output}")
    # Correctness is pass/fail; speed is a figure to read against the baseline, never a failure.
    return 1 if result["violations"] or result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
