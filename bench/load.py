"""Load test of issue 14 (bounded, loopback only; not part of pass/fail): 60 s of mixed reads and 5%
writes at 64 connections against a private, seeded PostgreSQL; requests/s, p99 and the count of
answers that are neither 2xx/3xx nor an expected 409/412/429.

    python -m bench.load                 # wrk against gunicorn (gunicorn.conf.py defaults)
    python -m bench.load --slow-clients  # through the compose proxy's config (Debian's nginx), while
                                         # eight clients send bodies a byte a second; /healthz latency

The rate limiter is off (one address sends everything, so it would answer most requests 429).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import tempfile
import threading
from contextlib import nullcontext
from pathlib import Path

from bench.harness import LATENCY
from tests.deploy_support import PROJECT_ROOT, PrivatePostgres, postgres_bin
from tests.serving import BIN, Nginx, SlowBodies, healthz_latencies, start_gunicorn

EXPECTED = {409, 412, 429}
# The README's "Writing" example: a quote verbatim in the seed's document.
QUOTE = "led by the British"


def seeded_database(postgres: PrivatePostgres) -> dict[str, str]:
    postgres.create_database("load")
    env = {"DATABASE_URL": postgres.url("load"), "PATH": f"{BIN}:/usr/bin:/bin", "RATELIMIT_ENABLED": "0"}
    flask = [str(BIN / "flask"), "--app", "service"]
    subprocess.run([*flask, "init"], env=env, check=True, capture_output=True, timeout=300)
    made = subprocess.run([*flask, "tokens", "create", "load", "--scope", "write"], env=env, check=True,
                          capture_output=True, text=True, timeout=60)
    return {**env, "LOAD_TOKEN": made.stdout.strip().splitlines()[-1]}


def run_wrk(base_url: str, seconds: int, connections: int, env: dict[str, str]) -> dict:
    briefing = next(p.name for p in sorted((PROJECT_ROOT / "seeds").iterdir()) if (p / "briefing.yaml").is_file())
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
            "-s", str(PROJECT_ROOT / "bench" / "load.lua"), base_url]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60,
                         env={**os.environ, "LOAD_TOKEN": env["LOAD_TOKEN"], "LOAD_BRIEFING": briefing,
                              "LOAD_QUOTE": QUOTE}).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}": float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), **latency,
            "statuses": statuses, "socket_errors": errors.group(1) if errors else "none",
            "unexpected": sum(n for s, n in statuses.items() if s >= 400 and s not in EXPECTED)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--slow-clients", action="store_true", help="through nginx, with 8 slow-body clients")
    args = parser.parse_args()
    for tool in ("wrk",) + (("nginx",) if args.slow_clients else ()):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: {tool} is not installed (Debian: apt-get install {tool}"
                             f"{'-light' if tool == 'nginx' else ''})")
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise SystemExit("bench: PostgreSQL server binaries not found (set PG_BIN)")
    postgres = PrivatePostgres(bin_dir, "load", secrets.token_urlsafe(12))
    logs = Path(tempfile.mkdtemp(prefix="briefing-load-"))
    server = proxy = None
    try:
        postgres.init()
        postgres.start()
        env = seeded_database(postgres)
        server = start_gunicorn({k: v for k, v in env.items() if k != "LOAD_TOKEN"}, logs)
        target = server.base_url
        if args.slow_clients:
            proxy = Nginx(f"127.0.0.1:{server.port}").start()
            target = proxy.base_url
            report(target, args, env, proxy.port)
        else:
            report(target, args, env, None)
    finally:
        if proxy:
            proxy.stop()
        if server:
            server.stop()
        postgres.cleanup()
        shutil.rmtree(logs, ignore_errors=True)


def report(target: str, args, env: dict[str, str], slow_port: int | None) -> None:
    """wrk's figures, and /healthz probed every half second meanwhile (with the slow clients, if any)."""
    result: dict = {}
    auth = {"Authorization": f"Bearer {env['LOAD_TOKEN']}"}
    with SlowBodies(slow_port, headers=auth) if slow_port else nullcontext():
        load = threading.Thread(target=lambda: result.update(run_wrk(target, args.seconds, args.connections, env)))
        load.start()
        latencies = healthz_latencies(target, args.seconds - 2, interval=0.5)
        load.join()
    result["healthz_s"] = {"median": round(statistics.median(latencies), 3), "max": round(max(latencies), 3),
                           "probes": len(latencies)}
    print(f"{'through nginx, 8 slow-body clients' if slow_port else 'gunicorn'}: {args.connections} connections, "
          f"{args.seconds} s, 5% writes")
    for key, value in result.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
