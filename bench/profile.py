"""Profile one URL in-process with pyinstrument, cache off, and list its SQL with timings and plans.

    python -m bench.profile sqlite:///bench/data/bench-1k.sqlite3 '/api/v1/positions?stance=supports&sort=-date'
"""

from __future__ import annotations

import argparse
import time

from pyinstrument import Profiler
from sqlalchemy import event

from service import create_app
from service.extensions import db


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    app = create_app({"DATABASE_URL": args.database_url, "RESPONSE_CACHE": False, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.get(args.url)
    with app.app_context():
        engine = db.engine
    statements: list[tuple[float, str, object]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, many):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def finished(conn, cursor, statement, parameters, context, many):
        statements.append((time.perf_counter() - conn.info["started"], statement, parameters))

    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            response = client.get(args.url)
    elapsed = (time.perf_counter() - began) / args.repeat
    print(f"{response.status_code}, {len(response.data)} bytes, {elapsed * 1000:.1f} ms per request (wall)")
    print(profiler.output_text(color=False, show_all=False))
    first = statements[: len(statements) // args.repeat]
    for seconds, statement, _ in first:
        print(f"{seconds * 1000:8.2f} ms  {' '.join(statement.split())[:160]}")
    _, statement, parameters = first[0]
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        for row in conn.exec_driver_sql(explain + statement, parameters):
            print("  ", row[-1] if engine.dialect.name == "sqlite" else row[0])


if __name__ == "__main__":
    main()
