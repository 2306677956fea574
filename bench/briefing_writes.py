"""In-process timing of a write that clears the seed briefing's stored composition (a PATCH of one of its positions,
with a GET of the briefing every tenth write so that there is one to clear), then of the briefing's uncached GET
right after a write (composed and stored) and after that (stored). On a fresh seeded database: SQLite, or a
database of its own on BENCH_POSTGRES_URL's server.

    python -m bench.briefing_writes sqlite 300
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        python -m bench.briefing_writes postgresql 300
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app, migrate
from service.config import PROJECT_ROOT

BRIEFING = "/api/v1/briefings/coalition-of-the-willing-paris-2025"
NO_CACHE = {"Cache-Control": "no-cache"}


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def measure(url: str, count: int) -> None:
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SEED_DIR": str(PROJECT_ROOT / "seeds"),
                      "RATELIMIT_ENABLED": False, "RESPONSE_CACHE": False})
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["seed", "load"]).exit_code == 0
        token = app.test_cli_runner().invoke(args=["tokens", "create", "bench", "--scope", "write"]).output
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.strip().splitlines()[-1]}"
    position = client.get("/api/v1/positions?limit=1&sort=slug").get_json()["items"][0]
    times = []
    for i in range(count):
        if i % 10 == 0:
            client.get(BRIEFING)  # stores the composition again: the PATCH has one to clear
        etag = client.get(position["url"]).headers["ETag"]
        start = time.perf_counter()
        response = client.patch(position["url"], json={"summary": position["summary"] + " x" * (i % 2)},
                                headers={"If-Match": etag})
        times.append(ms(start))
        assert response.status_code == 200, response.get_data(as_text=True)
    times.sort()
    print(f"PATCH of a position x{count}: mean {statistics.mean(times):.2f} ms, p50 {times[count // 2]:.2f} ms, "
          f"p99 {times[int(count * 0.99)]:.2f} ms")
    start = time.perf_counter()
    client.get(BRIEFING, headers=NO_CACHE)
    first = ms(start)
    start = time.perf_counter()
    for _ in range(50):
        client.get(BRIEFING, headers=NO_CACHE)
    print(f"uncached GET of the briefing: {first:.1f} ms after a write, then {ms(start) / 50:.2f} ms each")
    app.extensions["database"].engine.dispose()


def main(argv: list[str]) -> None:
    backend, count = argv[0], int(argv[1]) if len(argv) > 1 else 300
    if backend == "sqlite":
        measure(f"sqlite:///{tempfile.mkdtemp()}/briefing-writes.sqlite3", count)
        return
    server = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    name = f"bench_briefing_writes_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        measure(server.set(database=name).render_as_string(hide_password=False), count)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
