"""Concurrent writes: N client threads PATCH the seed's positions of the bench database through gunicorn (the
project's configuration, 2 workers x 4 threads unless WEB_CONCURRENCY/THREADS say otherwise) and the latency of
the writes is printed: what a burst of writes waits for the database's write lock.

    python -m bench.write_latency --scale 1k --threads 1 4 8 --writes 200
    python -m bench.write_latency --scale 1k --database postgresql

Each thread writes positions of its own (its topic alternates, so each write changes the record), so two writes to
one record at once, which the optimistic lock would answer 412, stay rare.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.error
import urllib.request

from sqlalchemy import create_engine, text

from bench.harness import BRIEFING, free_port, gunicorn, postgres_data, server, sqlite_data, write_token


def seed_positions(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        slugs = conn.execute(text(
            "SELECT p.slug FROM positions p JOIN records r ON r.id = p.id JOIN briefings b ON b.id = r.briefing_id "
            "WHERE b.slug = :briefing ORDER BY p.id"), {"briefing": BRIEFING}).scalars().all()
    engine.dispose()
    return list(slugs)


def burst(base: str, token: str, slugs: list[str], threads: int, writes: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    share = len(slugs) // threads

    def work(k: int) -> None:
        own = slugs[k * share:(k + 1) * share] or slugs
        for i in range(writes // threads):
            body = json.dumps({"topic": ("sanctions", "ceasefire")[(i // len(own)) % 2]}).encode()
            request = urllib.request.Request(f"{base}/api/v1/positions/{own[i % len(own)]}", data=body,
                                             method="PATCH", headers={"Authorization": f"Bearer {token}",
                                                                      "If-Match": "*",
                                                                      "Content-Type": "application/json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {"threads": threads, "writes_per_s": n / elapsed, "p50": latencies[n // 2],
            "p99": latencies[min(n - 1, int(n * 0.99))], "max": latencies[-1], "statuses": statuses}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1k")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--writes", type=int, default=200, help="writes per burst, shared by its threads")
    args = parser.parse_args(argv)
    url = sqlite_data(args.scale, False)[0] if args.database == "sqlite" else postgres_data(args.scale, False)
    slugs = seed_positions(url)
    port = free_port()
    argv_, env = gunicorn("service.wsgi:app", port, {"DATABASE_URL": url, "RESPONSE_CACHE": "0",
                                                      "RATELIMIT_DEFAULT": "1000000000/minute",
                                                      "RATELIMIT_WRITE": "1000000000/minute"})
    token = write_token(url)
    base = f"http://127.0.0.1:{port}"
    with server(argv_, env, base + "/healthz"):
        burst(base, token, slugs, 1, 20)  # warm-up: every worker's first requests cost more
        for threads in args.threads:
            r = burst(base, token, slugs, threads, args.writes)
            print(f"{args.database} {args.scale}, {r['threads']} writers: {r['writes_per_s']:.0f} writes/s, "
                  f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, slowest {r['max']:.1f} ms, statuses {r['statuses']}")


if __name__ == "__main__":
    main()
