"""Load harness: wrk against the service (cache off and warm), the bare-Flask ceiling and Datasette, one run.

    python -m bench.harness --scale 1k        # what `make bench` runs; --scale 100k or 1m for more positions
    python -m bench.harness --scale 100k --database postgresql   # the same on PostgreSQL (no Datasette there)

The four servers start together and are loaded one at a time, in rounds that turn their order, so that
a change in the machine's speed during the run falls on all of them alike; each figure is the median of
its rounds. The service runs under gunicorn.conf.py; the ceiling under stock gunicorn gthread with the same
WEB_CONCURRENCY x THREADS and no other setting; Datasette serves itself (uvicorn, one process), with its
default settings. On PostgreSQL (BENCH_POSTGRES_URL, default the local server's `postgres` user) the data
goes into a database of its own, `bench_<scale>`, and Datasette, which reads SQLite files only, is left out.

"reads under 5% writes" loads the plain list page with one PATCH of a position every 20 requests (bench/mixed.lua):
its figure over the plain page's is what a write costs the readers (a flushed cache, a lock, a re-render). "many
pages under 5% writes" spreads the reads over 100 URLs of other record types (actors, proposals, aid items), which
a position's write does not change, against the same reads without writes ("many pages alone"): what a write
costs the readers of what it did not change (with the cache on: whether it flushed their entries).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import generate

ROOT = Path(__file__).resolve().parent.parent
DATA, RESULTS = ROOT / "bench" / "data", ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
BRIEFING = "coalition-of-the-willing-paris-2025"


def scenarios(database_url: str, stem: str) -> list[dict]:
    """Each: our URL, Datasette's equivalent (or None), extra headers."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM positions")).scalar_one()
        deep_id = conn.execute(text("SELECT id FROM positions ORDER BY id LIMIT 1 OFFSET :n"),
                               {"n": int(count * 0.9)}).scalar_one()
        # The seed's own positions: synthetic ones keep no reading rule, so a PATCH of one would be a 422.
        written = conn.execute(text(
            "SELECT p.slug FROM positions p JOIN records r ON r.id = p.id JOIN briefings b ON b.id = r.briefing_id "
            "WHERE b.slug = :briefing ORDER BY p.id"), {"briefing": BRIEFING}).scalars().all()
        actors = conn.execute(text("SELECT slug FROM actors ORDER BY id LIMIT 50")).scalars().all()
    engine.dispose()
    # Records a position's write does not show: actors' items, and pages of proposals and aid items of each size.
    pages = [*(f"/api/v1/actors/{slug}" for slug in actors),
             *(f"/api/v1/{collection}?limit={n}" for collection in ("proposals", "aid-items") for n in range(1, 26))]
    writes = ",".join(f"/api/v1/positions/{slug}" for slug in written)
    cursor = base64.urlsafe_b64encode(json.dumps({"s": "", "v": [], "id": deep_id}, separators=(",", ":"))
                                      .encode()).decode().rstrip("=")
    ds = f"/{stem}/positions.json?_size=50&_shape=array"
    return [
        {"name": "plain list page", "ours": "/api/v1/positions?limit=50", "datasette": ds},
        {"name": "filtered + sorted page", "ours": "/api/v1/positions?stance=supports&sort=-date&limit=50",
         "datasette": ds + "&stance=supports&_sort_desc=date"},
        {"name": "deep cursor page (90%)", "ours": f"/api/v1/positions?limit=50&cursor={cursor}",
         "datasette": ds + f"&_next={deep_id}"},
        {"name": "search", "ours": "/api/v1/search?q=ceasefire+drone&limit=50",
         # Datasette does not detect records_fts (an external-content FTS5 table) by itself: name it.
         "datasette": f"/{stem}/records.json?_search=ceasefire+drone&_fts_table=records_fts&_fts_pk=id"
                      "&_size=50&_shape=array"},
        {"name": "page with include=", "ours": "/api/v1/positions?limit=50&include=holder,proposal",
         "datasette": None},
        {"name": "composed briefing", "ours": f"/api/v1/briefings/{BRIEFING}", "datasette": None},
        {"name": "304 revalidation", "ours": "/api/v1/positions?limit=50", "datasette": None, "revalidate": True},
        {"name": "reads under 5% writes", "ours": "/api/v1/positions?limit=50", "datasette": None, "writes": writes},
        {"name": "many pages alone", "ours": pages[0], "datasette": None, "paths": pages},
        {"name": "many pages under 5% writes", "ours": pages[0], "datasette": None, "paths": pages,
         "writes": writes},
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(argv: list[str], env: dict, probe: str):
    process = subprocess.Popen(argv, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(probe, timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{argv[0]} did not start")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def gunicorn(app: str, port: int, extra: dict) -> tuple[list[str], dict]:
    env = {"PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
           "THREADS": os.environ.get("THREADS", "4"), "LOG_LEVEL": "WARNING", **extra}
    return [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", app], env


def stock_gunicorn(app: str, port: int) -> tuple[list[str], dict]:
    """The ceiling: stock gunicorn gthread with the same worker and thread counts as ours, and nothing else of
    gunicorn.conf.py (no setting of the project can slow the reference)."""
    env = {"WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"), "THREADS": os.environ.get("THREADS", "4")}
    return [str(BIN / "gunicorn"), "--config", str(Path(__file__).with_name("stock.conf.py")),
            "--worker-class", "gthread",
            "--workers", env["WEB_CONCURRENCY"], "--threads", env["THREADS"], "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", app], env


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


WARM_UP = 1  # seconds of load before each measurement: the first requests of a fresh worker cost more
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, seconds: int, headers: dict | None = None, mixed: dict | None = None) -> dict:
    """wrk's requests/s, p50, p99 and non-2xx/3xx count; MIXED: the environment of bench/mixed.lua."""
    argv = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if mixed:
        argv += ["-s", str(Path(__file__).with_name("mixed.lua"))]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True,
                         env={**os.environ, **(mixed or {})}).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}": float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    statuses = {int(code): int(n) for code, n in re.findall(r"^status (\d+): (\d+)$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {**({"statuses": statuses} if statuses else {}), "rps": rps, **latency,
            "errors": int(bad.group(1)) if bad else 0}


# The servers compared, each started once and loaded alone in turn: (label, case key of its URL)
SERVERS = (("no_cache", "ours"), ("cache", "ours"), ("ceiling", "ceiling"), ("datasette", "datasette"))


def prepare(bases: dict[str, str], cases: list[dict], token: str) -> None:
    """Each case's URL on every server, and what a first request says (size, ETag, Datasette's rows)."""
    for case in cases:
        status, body, headers = fetch(bases["no_cache"] + case["ours"])
        if status != 200:
            raise RuntimeError(f"{case['ours']}: HTTP {status}")
        case["bytes"] = len(body)
        case["headers"] = {"If-None-Match": headers["ETag"]} if case.get("revalidate") else None
        case["ceiling"] = "/not-modified" if case.get("revalidate") else f"/bytes/{len(body)}"
        for path in case.get("paths", ())[1:]:
            if (code := fetch(bases["no_cache"] + path)[0]) != 200:
                raise RuntimeError(f"{path}: HTTP {code}")
            fetch(bases["cache"] + path)  # the response cache, warm
        if case.get("writes") or case.get("paths"):
            case["ceiling"] = None  # the reference is another case's figure, in this run
            case["env"] = {"MIXED_PATH": ",".join(case.get("paths") or [case["ours"]]),
                           "MIXED_POSITIONS": case.get("writes", ""), "MIXED_TOKEN": token}
        if case["datasette"]:
            status, body, _ = fetch(bases["datasette"] + case["datasette"])
            case["datasette_rows"] = len(json.loads(body)) if status == 200 else f"HTTP {status}"
        fetch(bases["cache"] + case["ours"], case["headers"])  # the response cache, warm


def measure(bases: dict[str, str], cases: list[dict], seconds: int, rounds: int, servers=SERVERS) -> None:
    """ROUNDS rounds; in each, every server runs every case it has (warm-up, then SECONDS of wrk), the
    servers' order turning from round to round, so a drift of the machine's speed falls on all of them.
    Each figure is the median of its rounds (requests/s, p50, p99), with the rounds kept beside it."""
    for case in cases:
        runs: dict[str, list[dict]] = {}
        for number in range(rounds):
            order = servers[number % len(servers):] + servers[:number % len(servers)]
            for label, key in order:
                if not case.get(key):
                    continue
                url = bases[label] + case[key]
                headers = case["headers"] if key == "ours" else None
                wrk(url, WARM_UP, headers, case.get("env"))  # every worker and thread, before the figure counts
                runs.setdefault(label, []).append(wrk(url, seconds, headers, case.get("env")))
        for label, results in runs.items():
            case[label + "_result"] = {name: statistics.median(r[name] for r in results)
                                       for name in ("rps", "p50", "p99", "errors")} | {"rounds": results}
        print(f"  {case['name']:<26} " + "  ".join(f"{label} {case[label + '_result']['rps']:.0f}"
                                                   for label in runs), file=sys.stderr)


def sqlite_data(scale: str, regenerate: bool) -> tuple[str, Path]:
    db = DATA / f"bench-{scale}.sqlite3"
    if regenerate or not db.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        generate.main([f"sqlite:///{db}", "--scale", scale])
    return f"sqlite:///{db}", db


def postgres_data(scale: str, regenerate: bool) -> str:
    """The URL of database bench_<scale> on BENCH_POSTGRES_URL's server, generated when new (or REGENERATE)."""
    admin = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    name = f"bench_{scale}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and regenerate:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if regenerate or not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    if regenerate or not exists:
        generate.main([url, "--scale", scale])
    return url


def write_token(database_url: str) -> str:
    """A write token for the mixed load, made with the CLI as an operator would."""
    out = subprocess.run([str(BIN / "flask"), "--app", "service", "tokens", "create", f"bench-{time.time_ns()}",
                          "--scope", "write"], env={**os.environ, "DATABASE_URL": database_url}, cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def run(scale: str, seconds: int, rounds: int, regenerate: bool, only: str | None = None,
        database_kind: str = "sqlite") -> dict:
    if database_kind == "sqlite":
        database_url, db = sqlite_data(scale, regenerate)
    else:
        database_url, db = postgres_data(scale, regenerate), None
    cases = [case for case in scenarios(database_url, db.stem if db else "")
             if not only or only in case["name"]]
    if not db:
        for case in cases:
            case["datasette"] = None
    servers = SERVERS if db else tuple(s for s in SERVERS if s[0] != "datasette")
    ports = {label: free_port() for label, _ in servers}
    bases = {label: f"http://127.0.0.1:{port}" for label, port in ports.items()}
    # Writes are limited apart (RATELIMIT_WRITE): the mixed load's must not be refused either.
    database = {"DATABASE_URL": database_url, "RATELIMIT_DEFAULT": "1000000000/minute",
                "RATELIMIT_WRITE": "1000000000/minute"}
    # The rate limiter stays on (its cost is part of ours) with a budget wrk cannot exhaust.
    ours = {flag: gunicorn("service.wsgi:app", ports[label], {**database, "RESPONSE_CACHE": flag})
            for label, flag in (("no_cache", "0"), ("cache", "1"))}
    ceiling_argv, ceiling_env = stock_gunicorn("bench.ceiling:app", ports["ceiling"])
    token = write_token(database_url)
    with contextlib.ExitStack() as stack:
        stack.enter_context(server(*ours["0"], bases["no_cache"] + "/healthz"))
        stack.enter_context(server(*ours["1"], bases["cache"] + "/healthz"))
        stack.enter_context(server(ceiling_argv, ceiling_env, bases["ceiling"] + "/bytes/1"))
        if db:
            stack.enter_context(server([str(BIN / "datasette"), "serve", str(db), "--port", str(ports["datasette"]),
                                        "--host", "127.0.0.1"], {}, bases["datasette"] + "/-/versions.json"))
        prepare(bases, cases, token)
        measure(bases, cases, seconds, rounds, servers)
    for case in cases:
        case.pop("headers", None)
        case.pop("env", None)
    return {"scale": scale, "database": database_kind, "seconds_per_run": seconds, "rounds": rounds,
            "machine": machine(),
            "time": time.strftime("%FT%TZ"),
            "settings": {"WEB_CONCURRENCY": ceiling_env.get("WEB_CONCURRENCY"), "THREADS": ceiling_env.get("THREADS"),
                         "wrk": "-t2 -c8 --latency", "warm_up_seconds": WARM_UP}, "cases": cases}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "os": platform.platform(),
            "load_average_1m": os.getloadavg()[0]}


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def table(result: dict) -> str:
    head = (f"{'scenario':<26}|{'no cache r/s':>13}|{'p50 ms':>7}|{'p99 ms':>7}|{'cache r/s':>10}|{'p99 ms':>7}|"
            f"{'ceiling r/s':>12}|{'Datasette r/s':>14}|{'p99 ms':>7}|{'nocache/DS':>11}|{'cache/DS':>9}|"
            f"{'cache/ceil':>11}")
    m = result["machine"]
    lines = [f"scale {result['scale']} on {result.get('database', 'sqlite')}, {m['cpus']} CPUs, {m['cpu']}, "
             f"load average "
             f"{m.get('load_average_start', float('nan')):.1f} at the start, {m['load_average_1m']:.1f} at the end; "
             f"medians of {result['rounds']} rounds of {result['seconds_per_run']} s (wrk {result['settings']['wrk']})",
             head,
             "-" * len(head)]
    for c in result["cases"]:
        nc, ca, ce, ds = (c.get(k) or {} for k in ("no_cache_result", "cache_result", "ceiling_result",
                                                   "datasette_result"))
        lines.append(
            f"{c['name']:<26}|{nc.get('rps', 0):>13.0f}|{nc.get('p50', 0):>7.2f}|{nc.get('p99', 0):>7.2f}|"
            f"{ca.get('rps', 0):>10.0f}|{ca.get('p99', 0):>7.2f}|{ce.get('rps', 0):>12.0f}|"
            f"{(format(ds['rps'], '.0f') if ds else 'n/a'):>14}|"
            f"{(format(ds['p99'], '.2f') if ds else 'n/a'):>7}|{ratio(nc.get('rps'), ds.get('rps')):>11}|"
            f"{ratio(ca.get('rps'), ds.get('rps')):>9}|{ratio(ca.get('rps'), ce.get('rps')):>11}")
    named = {c["name"]: c for c in result["cases"]}
    for loaded, alone in (("reads under 5% writes", "plain list page"), ("many pages under 5% writes",
                                                                        "many pages alone")):
        if loaded in named and alone in named:
            lines.append(f"{loaded} / {alone} (target: at least 0.8x): " + ", ".join(
                f"{label.replace('_', ' ')} "
                f"{ratio(named[loaded][label + '_result']['rps'], named[alone][label + '_result']['rps'])}"
                for label in ("no_cache", "cache")))
    lines.append("uncached / ceiling (targets: list pages 0.5x, composed briefing 0.25x): " + ", ".join(
        f"{c['name']} {ratio(c['no_cache_result']['rps'], c['ceiling_result']['rps'])}"
        for c in result["cases"] if c.get("ceiling_result") and c.get("no_cache_result")))
    return "\n".join(lines)


def compare_scales(database_kind: str) -> str | None:
    small, large = RESULTS / f"latest-1k-{database_kind}.json", RESULTS / f"latest-1m-{database_kind}.json"
    if not (small.exists() and large.exists()):
        return None
    a, b = (json.loads(p.read_text()) for p in (small, large))
    out = [f"p99 at 1M / p99 at 1k on {database_kind} (target: within 1.5x), cache off:"]
    for ca, cb in zip(a["cases"], b["cases"], strict=True):
        pa, pb = ca.get("no_cache_result", {}).get("p99"), cb.get("no_cache_result", {}).get("p99")
        out.append(f"  {ca['name']:<26} {pa or 0:8.2f} ms -> {pb or 0:8.2f} ms  {ratio(pb, pa)}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=generate.SCALES, default="1k")
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per figure (the median is kept)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data file")
    parser.add_argument("--only", metavar="WORD", help="only the scenarios whose name contains WORD")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install wrk)")
    load_start = os.getloadavg()[0]
    if load_start > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {load_start:.1f} before the run; other work skews every figure",
              file=sys.stderr)
    result = run(args.scale, args.seconds, args.rounds, args.regenerate, args.only, args.database)
    result["machine"]["load_average_start"] = load_start
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2)
    (RESULTS / f"bench-{args.scale}-{args.database}-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(text)
    if not args.only:  # a partial run is kept, but does not stand for the scale
        (RESULTS / f"latest-{args.scale}-{args.database}.json").write_text(text)
    print(table(result))
    if comparison := compare_scales(args.database):
        print(comparison)


if __name__ == "__main__":
    main()
