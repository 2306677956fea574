"""`flask seed check|load`: validate seed folders, and load them in one transaction."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from service import migrate
from service.extensions import db
from service.models import Briefing
from service.resources import feed
from service.seeding.loader import LoadReport, SeedConflict, load_seed
from service.seeding.reader import SEED_FILE_NAME, Seed, SeedInvalid, read_seed

seed_cli = AppGroup("seed", help="Validate and load seed folders (seeds/<briefing>/briefing.yaml).")


def seed_folders(paths: tuple[str, ...]) -> list[Path]:
    """The folders named, or every folder under SEED_DIR holding a briefing.yaml."""
    if paths:
        return [Path(p) for p in paths]
    root = Path(current_app.config["SEED_DIR"])
    return sorted(p.parent for p in root.glob(f"*/{SEED_FILE_NAME}"))


def read_all(folders: list[Path]) -> list[Seed]:
    seeds, errors = [], []
    for folder in folders:
        try:
            seeds.append(read_seed(folder))
        except SeedInvalid as exc:
            errors.extend(exc.errors)
    if errors:
        for error in errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(errors)} error(s); nothing was loaded.")
    return seeds


def load_all(seeds: list[Seed], *, only_missing: bool = False) -> list[LoadReport]:
    """Load SEEDS in one transaction; any failure rolls everything back."""
    current, head = migrate.pending(db.engine)
    if head is not None:
        raise click.ClickException(f"the database is at migration {current}, the code needs {head}: run "
                                   "`flask --app service db upgrade` first (`flask --app service init` does both)")
    session, reports = db.session(), []
    try:
        for seed in seeds:
            slug = seed.data["briefing"]["slug"]
            if only_missing and session.scalar(select(Briefing.id).where(Briefing.slug == slug)):
                continue
            reports.append(load_seed(session, seed))
        if reports:
            feed.sync("seed")  # the feed from the start: the load's changes, in its transaction
        session.commit()
    except SeedConflict as exc:
        session.rollback()
        raise click.ClickException(f"{exc}; nothing was loaded.") from exc
    except Exception:
        session.rollback()
        raise
    return reports


def echo_reports(reports: list[LoadReport]) -> None:
    for r in reports:
        what = f"{r.created} created, {r.updated} updated, {r.deleted} deleted" if r.changed else "unchanged"
        click.echo(f"briefing {r.briefing}: {what}")


@seed_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
def check_command(paths: tuple[str, ...]) -> None:
    """Validate seed folders without touching the database."""
    for seed in read_all(seed_folders(paths)):
        click.echo(f"{seed.folder}: ok")


@seed_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--if-empty", is_flag=True, help="Only load briefings the database does not hold yet.")
def load_command(paths: tuple[str, ...], if_empty: bool) -> None:
    """Validate, then load seed folders in one transaction (idempotent)."""
    echo_reports(load_all(read_all(seed_folders(paths)), only_missing=if_empty))


@seed_cli.command("coverage")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--document", "document_slug", help="Only this document (slug).")
def coverage_command(paths: tuple[str, ...], document_slug: str | None) -> None:
    """Report which sentences the seeds' citations cover; fail if a fact-bearing one is uncited."""
    from service.coverage import cue_figure
    from service.seeding.coverage import seed_coverage

    reports = [r for seed in read_all(seed_folders(paths)) for r in seed_coverage(seed)
               if document_slug in (None, r.document)]
    if not reports:
        raise click.ClickException(f"no seed document with slug {document_slug!r}")
    for report in reports:
        for item in report.sentences:
            s = item.sentence
            if s.start in report.excused:
                click.echo(f"  excused  [{s.index}] @{s.start}: {report.excused[s.start]}")
            elif not item.covered:
                click.echo(f"  UNCITED  [{s.index}] @{s.start}: {s.text}")
        click.echo(report.figure())
        for cue in report.cues:
            if not cue.covered:
                click.echo(f"  NO CUE   @{cue.start}: {cue.text!r} is the cue of no record")
        click.echo(cue_figure(report.document, report.cues))
    if any(r.missing for r in reports):
        raise click.ClickException("some fact-bearing sentences are cited by no record")
    if any(not cue.covered for r in reports for cue in r.cues):
        raise click.ClickException("some attribution cues are the cue of no record")
