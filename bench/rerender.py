"""A write that re-renders dependents: rename the slug of an actor that holds N positions (N=1,000 by default),
through the API (PATCH with If-Match), and print p50/p99 of the write over R rounds.

    python -m bench.rerender [--positions 1000] [--rounds 50] [--database sqlite:///tmp/rerender.sqlite3]

The database is migrated and seeded first; the N positions are created in one ORM transaction (their bodies
rendered at its commit). Each PATCH renders the actor, then replaces its Link in the N positions' stored bodies.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from service import create_app, migrate
from service.extensions import db
from service.models import Actor, Citation, Position


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database")
    args = parser.parse_args(argv)
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'rerender.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "RESPONSE_CACHE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["seed", "load"]).exit_code == 0
        token = app.test_cli_runner().invoke(args=["tokens", "create", "bench", "--scope", "write"])
        token = token.output.strip().splitlines()[-1]
        actor = db.session.scalars(select(Actor).where(Actor.slug == "france")).one()
        template = db.session.scalars(select(Position).limit(1)).one()
        for i in range(args.positions):
            position = Position(briefing_id=actor.briefing_id, slug=f"bench-position-{i}", holder=actor,
                                topic="sanctions", stance="supports", summary=f"Position {i}", speech="outlet",
                                speaker_id=template.speaker_id)
            position.citations = [Citation(document=c.document, start=c.start, end=c.end, quote=c.quote,
                                           prefix=c.prefix, suffix=c.suffix, role=c.role)
                                  for c in template.citations]
            db.session.add(position)
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    slug, timings = "france", []
    for round_ in range(args.rounds):
        etag = client.get(f"/api/v1/actors/{slug}").headers["ETag"]
        new = f"france-{round_}"
        started = time.perf_counter()
        response = client.patch(f"/api/v1/actors/{slug}", json={"slug": new}, headers={"If-Match": etag})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
        slug = new
    page = client.get(f"/api/v1/actors/{slug}/positions?limit=500").get_json()
    assert all(item["holder"]["slug"] == slug for item in page["items"])
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    print(f"rename of an actor holding {args.positions} positions, {args.rounds} PATCHes: "
          f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
