"""Explore benchmark: the search API over a large site, against a trivial view on the same server.

Seeds one tenant with many public moderator profiles and active public rooms in bulk SQL
(`INSERT ... SELECT generate_series`, cloning one row of each kind made through the ORM), fills
Wagtail's index table (wagtailsearch_indexentry) for them with INSERT ... SELECT (or, with
`--index-method backend`, through the search backend in batches), starts gunicorn on
loopback and, for a fixed time each, sends concurrent requests (httpx.AsyncClient) to
`GET /api/v1/search/?q=<word>` and then to a trivial view (`/healthz`). The figures that matter:
searches/s against baseline requests/s, and the p95 latencies.

The server caches as production does, in Redis when REDIS_URL is set (shared by the gunicorn
workers), else in each worker's memory: whole answers to anonymous visitors
(config/public_cache.py), and under them each query's ranking and pages (search/match_cache.py).
The words are drawn from a list of about a hundred, so after each one's first search most answers
come from the cache; the share replayed whole is printed. `--no-answer-cache` runs the view for
every search (rankings and pages still cached); `--no-search-cache` computes every search afresh.

Needs DATABASE_URL (a role that can create databases), as `make bench` provides:

    bin/with-test-services .venv/bin/python -m bench explore --profiles 2000 --rooms 6000 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.ledger import (
    drop_database,
    percentile,
    recreate_database,
    server_version,
    setup_django,
    with_database,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 0.5
TARGET_P95_FACTOR = 3.0
HOSTNAME = "explore-bench.localhost"

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Marie",
    "Niels",
    "Emmy",
    "Carl",
    "Rosalind",
    "Srinivasa",
    "Hedy",
    "Katherine",
    "Dorothy",
    "Barbara",
    "Claude",
    "Edsger",
    "Donald",
    "Margaret",
    "Tim",
    "Sophie",
    "Leonhard",
    "Blaise",
    "Rene",
    "Pierre",
    "Mary",
    "Ibn",
    "Hypatia",
    "Euclid",
]
LAST_NAMES = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Curie",
    "Bohr",
    "Noether",
    "Gauss",
    "Franklin",
    "Ramanujan",
    "Lamarr",
    "Johnson",
    "Hodgkin",
    "Liskov",
    "Shannon",
    "Dijkstra",
    "Knuth",
    "Hamilton",
    "Berners",
    "Germain",
    "Euler",
    "Pascal",
    "Descartes",
    "Fermat",
    "Somerville",
    "Sina",
    "Alexandria",
    "Okafor",
    "Tanaka",
    "Moreau",
    "Novak",
    "Silva",
    "Kowalski",
    "Haddad",
]
SUBJECTS = [
    "algebra",
    "calculus",
    "geometry",
    "statistics",
    "physics",
    "chemistry",
    "biology",
    "astronomy",
    "poetry",
    "history",
    "philosophy",
    "economics",
    "cardiology",
    "anatomy",
    "guitar",
    "piano",
    "violin",
    "painting",
    "sculpture",
    "photography",
    "python",
    "rust",
    "databases",
    "networking",
    "security",
    "cooking",
    "baking",
    "yoga",
    "meditation",
    "chess",
    "spanish",
    "french",
    "german",
    "japanese",
    "mandarin",
    "latin",
    "greek",
    "writing",
    "journalism",
    "marketing",
    "accounting",
    "law",
]
FORMATS = [
    "workshop",
    "clinic",
    "seminar",
    "masterclass",
    "bootcamp",
    "circle",
    "lab",
    "studio",
    "office-hours",
    "tutorial",
]
LEVELS = [
    "beginners",
    "intermediate",
    "advanced",
    "exam-prep",
    "refresher",
    "deep-dive",
    "practical",
    "weekly",
]
TOPICS = [subject.capitalize() for subject in SUBJECTS[:30]]
LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "ja", "zh", "ar", "pl"]
# Cycled by room number: a quarter of each fee model; the free ones cost 0 (a database constraint).
FEE_MODELS = ["free", "one_time", "monthly", "per_minute"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench explore", description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000, help="moderator profiles (default 100000)")
    parser.add_argument("--rooms", type=int, default=300_000, help="rooms (default 300000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per phase (default 30)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent requests (default 16)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: 2 x CPUs + 1, at most 9)"
    )
    parser.add_argument(
        "--index-method",
        choices=["sql", "backend"],
        default="sql",
        help="fill the search index with INSERT ... SELECT (default) or through the search backend in "
        "batches (the app's own indexing path: slow, a query per room for its host's topics)",
    )
    parser.add_argument(
        "--index-batch", type=int, default=2000, help="objects per search-backend batch (default 2000)"
    )
    parser.add_argument(
        "--search-params",
        default="",
        help="extra query string for every search, e.g. 'kind=room&sort=price' (default none)",
    )
    parser.add_argument("--baseline-path", default="/healthz", help="the trivial view (default /healthz)")
    parser.add_argument(
        "--no-answer-cache",
        action="store_true",
        help="keep no whole answers (PUBLIC_RESPONSE_CACHE_SECONDS=0): every search runs the view, "
        "with its cached rankings and pages",
    )
    parser.add_argument(
        "--no-search-cache",
        action="store_true",
        help="compute every search afresh: no whole answers, rankings or pages kept "
        "(PUBLIC_RESPONSE_CACHE_SECONDS=SEARCH_MATCH_CACHE_SECONDS=SEARCH_PAGE_CACHE_SECONDS=0)",
    )
    parser.add_argument("--database", default="lyceum_explore_bench", help="database created for the run")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--settings", default="config.settings.test", help="Django settings module")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "explore.json")
    args = parser.parse_args(argv)
    if args.profiles < 1 or args.rooms < 1 or args.seconds <= 0 or args.clients < 1:
        parser.error("--profiles and --rooms must be >= 1, --seconds > 0, --clients >= 1")
    if args.workers is None:
        args.workers = min(9, 2 * (os.cpu_count() or 1) + 1)  # gunicorn's own advice: 2 x cores + 1
    return args


# --- Seeding --------------------------------------------------------------------------------------------


def sql_array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + word.replace("'", "''") + "'" for word in words) + "]"


def pick(words: list[str], expression: str) -> str:
    """SQL choosing one of `words` by an integer expression (arrays are 1-based)."""
    return f"({sql_array(words)})[1 + (({expression}) % {len(words)})]"


def clone(cursor: Any, model: Any, template_pk: int, source: str, overrides: dict[str, str]) -> int:
    """Insert one row per row of `source` (aliased s), copying the template row but for `overrides`."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise RuntimeError(f"{table} has no columns {sorted(unknown)}")
    targets = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    pk = model._meta.pk.column
    cursor.execute(
        f'INSERT INTO "{table}" ({targets}) SELECT {values} FROM "{table}" t CROSS JOIN ({source}) s '
        f'WHERE t."{pk}" = {int(template_pk)}'  # No parameters: "%" is SQL's modulo here.
    )
    return cursor.rowcount


def seed(args: argparse.Namespace) -> dict[str, Any]:
    """One tenant, its topics and one ORM-made moderator; then clones of its rows in bulk SQL."""
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from marketplace.models import Membership, ModeratorProfile, Room, Topic, User
    from marketplace.roles import Role
    from marketplace.services.tenants import create_tenant

    started = time.perf_counter()
    tenant = create_tenant(name="Explore bench", slug="explore-bench", hostname=HOSTNAME)
    with scopes_disabled(), transaction.atomic():
        topics = [
            Topic.objects.create(tenant=tenant, name=name, slug=name.lower(), sort_order=n)
            for n, name in enumerate(TOPICS)
        ]
        user = User.objects.create_user(
            email="host0@example.com", handle="host0", password=None, display_name="Ada Lovelace"
        )
        membership = Membership.objects.create(tenant=tenant, user=user, role=Role.MODERATOR)
        profile = ModeratorProfile.objects.create(
            tenant=tenant, user=user, headline="Algebra workshop", bio="<p>Algebra.</p>", languages=["en"]
        )
        profile.topics.add(topics[0])
        room = Room.objects.create(
            tenant=tenant,
            owner=user,
            name="Algebra workshop for beginners",
            slug="room-0",
            description="<p>Algebra.</p>",
            fee_model="free",
            price=0,
            currency=str(tenant.default_currency),
        )

    n_users = args.profiles
    with transaction.atomic(), connection.cursor() as cursor:
        # Users: the template and n - 1 clones with consecutive ids (one statement, one sequence run).
        clone(
            cursor,
            User,
            user.pk,
            f"SELECT g FROM generate_series(1, {n_users - 1}) g",
            {
                "email": "'host' || s.g || '@example.com'",
                "handle": "'host' || s.g",
                "display_name": f"{pick(FIRST_NAMES, 's.g')} || ' ' || {pick(LAST_NAMES, 's.g / 7')}",
            },
        )
        cursor.execute(
            f'SELECT min(id), max(id), count(*) FROM "{User._meta.db_table}" WHERE id >= %s', [user.pk]
        )
        first_id, last_id, count = cursor.fetchone()
        if last_id - first_id + 1 != count or count != n_users:
            raise RuntimeError("The cloned users' ids are not consecutive; cannot spread rooms over them.")
        new_users = (
            f'SELECT id AS uid, id - {first_id} AS g FROM "{User._meta.db_table}" WHERE id > {first_id}'
        )
        clone(
            cursor,
            Membership,
            membership.pk,
            new_users,
            {"user_id": "s.uid", "public_id": "gen_random_uuid()"},
        )
        subject, fmt = pick(SUBJECTS, "s.g"), pick(FORMATS, "s.g / 3")
        clone(
            cursor,
            ModeratorProfile,
            profile.pk,
            new_users,
            {
                "user_id": "s.uid",
                "headline": f"initcap({subject}) || ' ' || {fmt} || ' with ' || {pick(FIRST_NAMES, 's.g')}",
                "bio": f"'<p>I teach ' || {subject} || ' and ' || {pick(SUBJECTS, 's.g / 11')} || "
                f"' to ' || {pick(LEVELS, 's.g / 5')} || ' learners, in small groups.</p>'",
                "languages": f"('[\"' || {pick(LANGUAGES, 's.g')} || '\"]')::jsonb",
                "created_at": "now() - s.g * interval '1 minute'",
            },
        )
        through = ModeratorProfile.topics.through
        profile_table = ModeratorProfile._meta.db_table
        topic_ids = "ARRAY[" + ", ".join(str(t.pk) for t in topics) + "]::bigint[]"
        # Each cloned profile: two topics, chosen by its id.
        cursor.execute(
            f'INSERT INTO "{through._meta.db_table}" (moderatorprofile_id, topic_id) '
            f"SELECT p.id, ({topic_ids})[1 + ((p.id + k * 7) % {len(topics)})] "
            f'FROM "{profile_table}" p CROSS JOIN (VALUES (0), (1)) v(k) WHERE p.id > {int(profile.pk)}'
        )
        price = "CASE WHEN s.g % 4 = 0 THEN 0 ELSE 5 + (s.g * 37) % 96 END"
        clone(
            cursor,
            Room,
            room.pk,
            f"SELECT g FROM generate_series(1, {args.rooms - 1}) g",
            {
                "public_id": "gen_random_uuid()",
                "owner_id": f"{first_id} + s.g % {n_users}",
                "name": f"initcap({pick(SUBJECTS, 's.g * 7')}) || ' ' || {pick(FORMATS, 's.g')} || "
                f"' for ' || {pick(LEVELS, 's.g / 10')}",
                "slug": "'room-' || s.g",
                "description": f"'<p>Agenda: ' || {pick(SUBJECTS, 's.g * 7')} || ' basics, then ' || "
                f"{pick(SUBJECTS, 's.g / 13')} || ' exercises; bring questions about ' || "
                f"{pick(SUBJECTS, 's.g / 17')} || '.</p>'",
                "fee_model": pick(FEE_MODELS, "s.g"),
                "price": price,
                "created_at": "now() - s.g * interval '1 second'",
            },
        )
        for model in (User, Membership, ModeratorProfile, Room, through):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return {"tenant": tenant, "seconds": time.perf_counter() - started}


def build_index_sql(tenant: Any) -> dict[str, Any]:
    """Fill wagtailsearch_indexentry in two INSERT ... SELECT statements, as the database backend does.

    The same entries the backend writes for these rows: each SearchField's text as a tsvector with
    the weight of its boost (title apart), the AutocompleteFields in the autocomplete config with
    weight D, the plain texts for fuzzy search, then title_norm = average title length / length.
    One difference: a profile's topic names are one text, not one vector each (same lexemes and
    weights, other positions).
    """
    from babel import Locale
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from modelsearch.backends.database.postgres.weights import get_weight
    from wagtail.search.backends import get_search_backend

    from marketplace.models import ModeratorProfile, Room, Topic, User

    started = time.perf_counter()
    backend = get_search_backend()
    if "postgres" not in type(backend).__module__:
        raise SystemExit(f"--index-method sql fills PostgreSQL's index table; the backend is {type(backend)}")
    config, ac_config = backend.config, backend.autocomplete_config

    def vector(text: str, boost: float | None, autocomplete: bool = False) -> str:
        chosen = ac_config if autocomplete else config
        weight = "D" if autocomplete else get_weight(boost)
        tsv = f"to_tsvector('{chosen}', {text})" if chosen else f"to_tsvector({text})"
        return f"setweight({tsv}, '{weight}')"

    def plain(html: str) -> str:
        return f"btrim(regexp_replace(regexp_replace({html}, '<[^>]*>', ' ', 'g'), '\\s+', ' ', 'g'))"

    def join(texts: list[str]) -> str:
        return "concat_ws(' ', " + ", ".join(f"nullif({t}, '')" for t in texts) + ")"

    names = Locale("en").languages
    language_case = (
        "CASE p.languages->>0 "
        + " ".join(f"WHEN '{code}' THEN '{names.get(code, code)}'" for code in LANGUAGES)
        + " ELSE coalesce(p.languages->>0, '') END"
    )
    users, topics = User._meta.db_table, Topic._meta.db_table
    through = ModeratorProfile.topics.through._meta.db_table
    profile_ct = ContentType.objects.get_for_model(ModeratorProfile).pk
    room_ct = ContentType.objects.get_for_model(Room).pk
    title = "coalesce(nullif(u.display_name, ''), u.handle)"
    profile_body = [
        ("p.headline", 6),
        (plain("p.bio"), None),
        (language_case, None),
        ("u.handle", 8),
        ("coalesce(tn.names, '')", 6),
    ]
    topic_names = (
        f"LEFT JOIN LATERAL (SELECT string_agg(tp.name, ' ' ORDER BY tp.sort_order, tp.name) AS names "
        f'FROM "{through}" pt JOIN "{topics}" tp ON tp.id = pt.topic_id '
        "WHERE pt.moderatorprofile_id = {profile}) tn ON true"
    )
    insert = (
        "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title, autocomplete, body, "
        "title_norm, title_text, body_text) "
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            insert + f"SELECT {profile_ct}, p.id::text, {vector(title, 10)}, "
            f"{vector('u.handle', None, True)} || {vector('u.display_name', None, True)}, "
            + " || ".join(vector(text, boost) for text, boost in profile_body)
            + f", 1.0, {title}, {join([text for text, _ in profile_body])} "
            f'FROM "{ModeratorProfile._meta.db_table}" p JOIN "{users}" u ON u.id = p.user_id '
            + topic_names.format(profile="p.id")
            + f" WHERE p.tenant_id = {int(tenant.pk)}"
        )
        room_body = [
            (plain("r.description"), None),
            ("concat(u.display_name, ' ', u.handle)", 6),
            ("coalesce(tn.names, '')", 6),
        ]
        cursor.execute(
            insert
            + f"SELECT {room_ct}, r.id::text, {vector('r.name', 10)}, {vector('r.name', None, True)}, "
            + " || ".join(vector(text, boost) for text, boost in room_body)
            + f", 1.0, r.name, {join([text for text, _ in room_body])} "
            f'FROM "{Room._meta.db_table}" r JOIN "{users}" u ON u.id = r.owner_id '
            f'LEFT JOIN "{ModeratorProfile._meta.db_table}" hp ON hp.user_id = r.owner_id '
            f"AND hp.tenant_id = r.tenant_id "
            + topic_names.format(profile="hp.id")
            + f" WHERE r.tenant_id = {int(tenant.pk)}"
        )
        cursor.execute(
            "UPDATE wagtailsearch_indexentry SET title_norm = "
            "(SELECT avg(length(title)) FROM wagtailsearch_indexentry WHERE length(title) > 0) "
            "/ length(title) WHERE length(title) > 0"
        )
    return _index_summary(started, ["sql"])


def build_index(tenant: Any, batch: int) -> dict[str, Any]:
    """Index every profile and room through the search backend, `batch` objects per call."""
    from django_scopes import scope
    from wagtail.search.backends import get_search_backends

    from marketplace.models import ModeratorProfile, Room

    started = time.perf_counter()
    backends = list(get_search_backends(with_auto_update=True))
    with scope(tenant=tenant):
        for model in (ModeratorProfile, Room):
            ids = list(model.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                objects = list(model.get_indexed_objects().filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
                for backend in backends:
                    backend.add_bulk(model, objects)
    return _index_summary(started, [type(b).__module__ + "." + type(b).__name__ for b in backends])


def _index_summary(started: float, method: list[str]) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry")
        cursor.execute("SELECT count(*) FROM wagtailsearch_indexentry")
        entries = cursor.fetchone()[0]
    return {"seconds": time.perf_counter() - started, "entries": entries, "backends": method}


# --- Server ---------------------------------------------------------------------------------------------


def caches_of(args: argparse.Namespace) -> str:
    """Which of the server's search caches run: all, all but whole answers, or none."""
    if args.no_search_cache:
        return "off"
    return "no answers" if args.no_answer_cache else "all"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cache_url() -> str:
    """The cache the server uses: Redis database 1 when REDIS_URL names a Redis, else per-process memory."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://"):
        return "locmemcache://explore-bench"
    return "rediscache://" + redis_url.removeprefix("redis://").rsplit("/", 1)[0] + "/1"


def empty_server_cache() -> None:
    """Start from a cold cache: answers of an earlier run (same tenant id, other rows) must not count."""
    url = server_cache_url()
    if url.startswith("rediscache://"):
        import redis

        redis.Redis.from_url("redis://" + url.removeprefix("rediscache://")).flushdb()


def start_server(
    url: str, settings_module: str, workers: int, port: int, log: Path, caches: str
) -> subprocess.Popen:
    """gunicorn on loopback; its output (Django's request warnings among it) goes to `log`."""
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=settings_module)
    env["CACHE_URL"] = server_cache_url()
    # As in production (README): a connection per worker kept open, not one opened per request.
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    # Every request comes from 127.0.0.1: the per-client API limit would answer most of them 429.
    env["API_USER_THROTTLE_RATE"] = "1000000000/hour"
    if caches in ("off", "no answers"):
        env["PUBLIC_RESPONSE_CACHE_SECONDS"] = "0"
    if caches == "off":
        env["SEARCH_MATCH_CACHE_SECONDS"] = env["SEARCH_PAGE_CACHE_SECONDS"] = "0"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def wait_until_ready(base: str, path: str, server: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, headers={"Host": HOSTNAME}) as http:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {server.returncode}")
            try:
                await http.get(path)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


# --- Load ---------------------------------------------------------------------------------------------


async def load(
    base: str, make_path: Any, clients: int, seconds: float, warm_paths: list[str], seed: int = 0
) -> dict[str, Any]:
    """`clients` concurrent loops, each sending GET make_path(rng) until the deadline, after one
    unmeasured GET of each of warm_paths (the server's first answers, its caches filling)."""
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    from_cache = 0  # answers replayed by the server's cache of whole answers (they carry Age)
    async with httpx.AsyncClient(
        base_url=base, headers={"Host": HOSTNAME}, limits=limits, timeout=60
    ) as http:
        pending = list(warm_paths)

        async def warm() -> None:
            while pending:
                await http.get(pending.pop())

        await asyncio.gather(*(warm() for _ in range(clients)))

        started = time.perf_counter()
        deadline = started + seconds

        async def worker(index: int) -> None:
            nonlocal from_cache
            rng = random.Random(seed * 1000 + index)
            perf_counter = time.perf_counter
            while perf_counter() < deadline:
                path = make_path(rng)
                t0 = perf_counter()
                try:
                    response = await http.get(path)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                latencies.append(perf_counter() - t0)
                statuses[response.status_code] += 1
                from_cache += "age" in response.headers

        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "elapsed_s": round(elapsed, 3),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": dict(errors),
        "from_cache": from_cache,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url.startswith(("postgres://", "postgresql://")):
        print(
            "The explore benchmark needs DATABASE_URL pointing at PostgreSQL (a role that can create "
            "databases): run it with `make bench` or "
            "`bin/with-test-services .venv/bin/python -m bench explore`.",
            file=sys.stderr,
        )
        return 2
    seed_value = args.seed if args.seed is not None else random.randrange(1 << 30)
    bench_url = with_database(admin_url, args.database)
    server = None
    print(f"Setting up: database {args.database} (migrate)", flush=True)
    recreate_database(admin_url, args.database)
    try:
        setup_django(bench_url, args.settings)
        from django.core.management import call_command
        from django.db import connections

        logging.getLogger("wagtail").setLevel(logging.WARNING)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # No line per request.
        call_command("migrate", verbosity=0, interactive=False)
        print(f"Seeding: {args.profiles} profiles, {args.rooms} rooms (bulk SQL)", flush=True)
        seeded = seed(args)
        print(f"  seeded in {seeded['seconds']:.1f} s", flush=True)
        if args.index_method == "sql":
            index_method = "INSERT ... SELECT into wagtailsearch_indexentry"
            print(f"Indexing: {index_method}", flush=True)
            indexed = build_index_sql(seeded["tenant"])
        else:
            index_method = f"search backend add_bulk, batches of {args.index_batch}"
            print(f"Indexing: {index_method}", flush=True)
            indexed = build_index(seeded["tenant"], args.index_batch)
        print(f"  {indexed['entries']} index entries in {indexed['seconds']:.1f} s", flush=True)
        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = args.output.with_name(args.output.stem + "-server.log")
        print(f"Starting: gunicorn, {args.workers} workers on {base} (log: {server_log})", flush=True)
        empty_server_cache()
        server = start_server(bench_url, args.settings, args.workers, port, server_log, caches_of(args))
        asyncio.run(wait_until_ready(base, args.baseline_path, server))

        extra = f"&{args.search_params.lstrip('&')}" if args.search_params else ""
        words = SUBJECTS + FIRST_NAMES + LAST_NAMES + FORMATS

        def search_path(rng: random.Random) -> str:
            return f"/api/v1/search/?q={rng.choice(words)}{extra}"

        def baseline_path(rng: random.Random) -> str:
            return args.baseline_path

        print(
            f"Running: search, each of {len(words)} words once unmeasured, then {args.clients} clients "
            f"for {args.seconds:g} s",
            flush=True,
        )
        every_word = [f"/api/v1/search/?q={word}{extra}" for word in words]
        search = asyncio.run(load(base, search_path, args.clients, args.seconds, every_word, seed_value))
        print(
            f"Running: baseline {args.baseline_path}, {args.clients} clients for {args.seconds:g} s",
            flush=True,
        )
        baseline = asyncio.run(
            load(base, baseline_path, args.clients, args.seconds, [args.baseline_path] * args.clients)
        )
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep_database:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django never got set up.
                pass
            drop_database(admin_url, args.database)

    all_ok = set(search["statuses"]) == {"200"} and set(baseline["statuses"]) == {"200"}
    ratio = search["per_s"] / baseline["per_s"] if baseline["per_s"] else None
    p95_factor = search["p95_ms"] / baseline["p95_ms"] if baseline["p95_ms"] else None
    result = {
        "searches_per_s": round(search["per_s"], 1),
        "baseline_per_s": round(baseline["per_s"], 1),
        "ratio": None if ratio is None else round(ratio, 3),
        "p50_ms": search["p50_ms"],
        "p95_ms": search["p95_ms"],
        "p99_ms": search["p99_ms"],
        "baseline_p50_ms": baseline["p50_ms"],
        "baseline_p95_ms": baseline["p95_ms"],
        "baseline_p99_ms": baseline["p99_ms"],
        "p95_factor": None if p95_factor is None else round(p95_factor, 2),
        # Only answered searches count: a 429 or 500 is quick, and would flatter the figures.
        "ratio_pass": all_ok and ratio is not None and ratio >= TARGET_RATIO,
        "p95_pass": all_ok and p95_factor is not None and p95_factor <= TARGET_P95_FACTOR,
        "target_ratio": TARGET_RATIO,
        "target_p95_factor": TARGET_P95_FACTOR,
        "searches": search["requests"],
        "search_statuses": search["statuses"],
        "search_errors": search["errors"],
        "baseline_requests": baseline["requests"],
        "baseline_statuses": baseline["statuses"],
        "baseline_errors": baseline["errors"],
        "baseline_path": args.baseline_path,
        "search_params": args.search_params,
        "search_caches": caches_of(args),
        "cache_url": server_cache_url(),
        "from_cache_share": round(search["from_cache"] / search["requests"], 3) if search["requests"] else 0,
        "database_conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "distinct_queries": len(SUBJECTS + FIRST_NAMES + LAST_NAMES + FORMATS),
        "profiles": args.profiles,
        "rooms": args.rooms,
        "seed_s": round(seeded["seconds"], 1),
        "index_s": round(indexed["seconds"], 1),
        "index_entries": indexed["entries"],
        "index_method": index_method,
        "search_backends": indexed["backends"],
        "clients": args.clients,
        "workers": args.workers,
        "seconds": args.seconds,
        "postgres_version": server_version(admin_url),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "seed": seed_value,
        "settings": args.settings,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    ratio_text = "n/a" if ratio is None else f"{ratio:.2f}"
    factor_text = "n/a" if p95_factor is None else f"{p95_factor:.2f}x"
    print(
        f"explore searches/s {search['per_s']:.1f} | p50 {search['p50_ms']:.1f} ms | "
        f"p95 {search['p95_ms']:.1f} ms | p99 {search['p99_ms']:.1f} ms"
    )
    print(
        f"baseline {args.baseline_path} requests/s {baseline['per_s']:.1f} | p95 {baseline['p95_ms']:.1f} ms"
    )
    print(f"ratio {ratio_text} (target >= {TARGET_RATIO}) {verdict(result['ratio_pass'])}")
    print(f"p95 {factor_text} baseline p95 (target <= {TARGET_P95_FACTOR:g}x) {verdict(result['p95_pass'])}")
    print(
        f"  {args.profiles} profiles, {args.rooms} rooms, {indexed['entries']} index entries; "
        f"seed {seeded['seconds']:.1f} s, index {indexed['seconds']:.1f} s; {args.clients} clients, "
        f"{args.workers} gunicorn workers, {os.cpu_count()} CPUs; statuses search "
        f"{search['statuses']} baseline {baseline['statuses']}"
    )
    print(
        f"  search caches: {caches_of(args)}; answers replayed whole from the cache: "
        f"{result['from_cache_share']:.1%}"
    )
    if not all_ok:
        print("Not every answer was 200 (see the statuses): both verdicts are FAIL.")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
