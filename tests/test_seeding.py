"""The seed loader: validation with named errors, verbatim quotes, atomicity, idempotency."""

from __future__ import annotations

import re

import yaml
from sqlalchemy import select

from service.extensions import db
from service.models import Base, Position

SEED = "seeds/coalition-of-the-willing-paris-2025"


def snapshot(app) -> dict:
    """Every row of every table, to compare the database before and after."""
    with app.app_context():
        return {t.name: sorted(map(tuple, db.session.execute(select(t)).all()), key=repr)
                for t in Base.metadata.sorted_tables}


def edit(folder, change) -> None:
    path = folder / "briefing.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_load_seed_creates_records(runner, empty_app):
    result = runner.invoke(args=["seed", "load", SEED])
    assert result.exit_code == 0, result.output
    assert re.search(r"coalition-of-the-willing-paris-2025: \d+ created", result.output)
    assert snapshot(empty_app)["positions"]


def test_load_seed_twice_changes_nothing(runner, empty_app):
    assert runner.invoke(args=["seed", "load", SEED]).exit_code == 0
    before = snapshot(empty_app)
    result = runner.invoke(args=["seed", "load", SEED])
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert snapshot(empty_app) == before


def test_load_seed_updates_a_changed_record_in_place(runner, empty_app, seed_copy):
    assert runner.invoke(args=["seed", "load", str(seed_copy)]).exit_code == 0
    edit(seed_copy, lambda d: d["positions"][0].update(summary="Edited summary."))
    result = runner.invoke(args=["seed", "load", str(seed_copy)])
    assert "0 created, 1 updated, 0 deleted" in result.output, result.output
    with empty_app.app_context():
        assert db.session.scalar(select(Position.summary).where(
            Position.slug == "macron-summit-objective-bargaining-power")) == "Edited summary."


def test_load_seed_with_non_verbatim_quote_names_record_and_loads_nothing(runner, empty_app, seed_copy):
    edit(seed_copy, lambda d: d["positions"][0]["citations"][0].update(quote="words nobody wrote"))
    before = snapshot(empty_app)
    result = runner.invoke(args=["seed", "load", str(seed_copy)])
    assert result.exit_code != 0
    assert "positions[0] (macron-summit-objective-bargaining-power)" in result.output
    assert "'words nobody wrote'" in result.output and "nothing was loaded" in result.output
    assert snapshot(empty_app) == before


def test_load_bad_seed_over_a_loaded_one_leaves_it_exactly_as_it_was(runner, empty_app, seed_copy):
    assert runner.invoke(args=["seed", "load", str(seed_copy)]).exit_code == 0
    before = snapshot(empty_app)

    def break_it(data):
        data["positions"][0]["summary"] = "This change must not land."
        data["events"][0]["date"] = "2025-02-30"

    edit(seed_copy, break_it)
    result = runner.invoke(args=["seed", "load", str(seed_copy)])
    assert result.exit_code != 0 and "events[0]" in result.output and "date" in result.output
    assert snapshot(empty_app) == before


def test_load_seed_whose_document_text_changed_rolls_back_everything(runner, empty_app, seed_copy):
    assert runner.invoke(args=["seed", "load", str(seed_copy)]).exit_code == 0
    before = snapshot(empty_app)
    edit(seed_copy, lambda d: d["positions"][0].update(summary="Must not land either."))
    source = seed_copy / "000_1f0f2164c84a68db.txt"
    source.write_bytes(source.read_bytes() + b"\n")
    result = runner.invoke(args=["seed", "load", str(seed_copy)])
    assert result.exit_code != 0 and "stored text differs" in result.output
    assert snapshot(empty_app) == before


def test_seed_check_reports_every_shape_error_with_file_record_field(runner, seed_copy):
    def break_it(data):
        data["aid_packages"][0]["items"][0]["citations"] = []
        data["proposals"][0]["status"] = "imagined"

    edit(seed_copy, break_it)
    result = runner.invoke(args=["seed", "check", str(seed_copy)])
    assert result.exit_code != 0
    assert "briefing.yaml: aid_packages[0] (france-military-aid-2025-03): items[0].citations" in result.output
    assert "at least one citation" in result.output
    assert "proposals[0] (reassurance-force): status: Must be one of" in result.output


def test_seed_check_reports_every_reference_error(runner, seed_copy):
    def break_it(data):
        data["positions"][1]["about"] = "nobody-at-all"
        data["positions"][2]["speaker"] = "no-such-speaker"
        data["actors"][1]["slug"] = data["actors"][0]["slug"]

    edit(seed_copy, break_it)
    result = runner.invoke(args=["seed", "check", str(seed_copy)])
    assert result.exit_code != 0
    assert "positions[1] (le-monde-trump-administration-seems-ready-to-concede): about: unknown actor " \
        "'nobody-at-all'" in result.output
    assert "positions[2] (macron-sanctions-far-too-early): speaker: unknown actor 'no-such-speaker'" in result.output
    assert "duplicate slug 'le-monde'" in result.output


def test_seed_check_rejects_an_ambiguous_quote_without_start(runner, seed_copy):
    def ambiguous(data):
        data["actors"][0]["citations"] = [{"quote": "Macron"}]

    edit(seed_copy, ambiguous)
    result = runner.invoke(args=["seed", "check", str(seed_copy)])
    assert result.exit_code != 0 and "occurs more than once" in result.output


def test_seed_check_locates_a_unique_quote_without_start(runner, seed_copy):
    edit(seed_copy, lambda d: d["actors"][0].update(citations=[{"quote": "according to Emmanuel Macron"}]))
    result = runner.invoke(args=["seed", "check", str(seed_copy)])
    assert result.exit_code == 0, result.output


def test_seed_check_rejects_invalid_yaml(runner, seed_copy):
    (seed_copy / "briefing.yaml").write_text("briefing: [unclosed", encoding="utf-8")
    result = runner.invoke(args=["seed", "check", str(seed_copy)])
    assert result.exit_code != 0 and "not valid YAML" in result.output


def test_init_migrates_and_seeds_only_when_empty(runner, empty_app):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and "created" in first.output, first.output
    before = snapshot(empty_app)
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0 and "created" not in second.output
    assert snapshot(empty_app) == before


def test_load_seed_into_unmigrated_database_says_to_migrate_first(backend, databases):
    from tests.conftest import make_app

    app = make_app(databases.new(backend, migrated=False))
    result = app.test_cli_runner().invoke(args=["seed", "load"])
    assert result.exit_code == 1 and result.exception is not None and "Traceback" not in result.output
    assert "flask --app service db upgrade" in result.output and "migration none" in result.output, result.output
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0  # then the advice works
