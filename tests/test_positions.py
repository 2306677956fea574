"""/api/v1/positions: who holds what, reported by whom, under which conditions."""



from sqlalchemy import func, select, text

from service.extensions import db
from service.models import Change
from service.resources import positions
from tests.conftest import make_actor, make_position, position_body, unique
from tests.helpers import all_items, assert_problem, first_write, recorded_statements, said_by, slugs


def test_list_positions_filtered_by_holder_and_stance(client):
    positions = all_items(client, "/api/v1/positions?holder=russia&stance=rejects")
    assert slugs(positions) == ["russia-rejects-reassurance-force"]


def test_list_positions_filtered_by_proposal(client):
    positions = all_items(client, "/api/v1/positions?proposal=reassurance-force")
    assert "russia-rejects-reassurance-force" in slugs(positions)
    assert all(p["proposal"]["slug"] == "reassurance-force" for p in positions)


def test_list_positions_filtered_by_topic(client):
    positions = all_items(client, "/api/v1/positions?topic=sanctions")
    assert {"macron-sanctions-far-too-early", "kremlin-demands-sanctions-relief"} <= set(slugs(positions))


def test_list_positions_filtered_by_date_range(client):
    inside = all_items(client, "/api/v1/positions?from=2025-03-26&to=2025-03-26")
    assert inside and all(p["date"] == "2025-03-26" for p in inside)
    assert all_items(client, "/api/v1/positions?from=2030-01-01") == []


def test_get_position_carries_condition_as_data(client):
    position = next(p for p in all_items(client, "/api/v1/positions?topic=sanctions")
                    if p["slug"] == "macron-sanctions-far-too-early")
    body = client.get(f"/api/v1/positions/{position['slug']}").get_json()
    assert body["stance"] == "opposes"
    assert body["speech"] == "partial"
    assert any("far too early" in c["quote"] for c in body["citations"])
    [condition] = body["conditions"]
    assert condition["slug"] == "sanctions-relief-depends-on-international-law"
    assert any("comply with international law" in c["quote"] for c in condition["citations"])


def test_position_said_by_the_elysee_names_the_elysee_as_speaker(client):
    positions = all_items(client, "/api/v1/positions?speaker=french-presidency")
    assert "elysee-first-guarantee-strengthen-ukrainian-army" in slugs(positions)
    assert {p["reported_by"]["slug"] for p in positions} == {"le-monde"}


def test_list_positions_with_bad_stance_is_400(client):
    assert_problem(client.get("/api/v1/positions?stance=maybe"), 400, "stance")


def test_list_positions_with_bad_date_is_400(client):
    assert_problem(client.get("/api/v1/positions?from=yesterday"), 400, "from")


def test_get_unknown_position_is_404(client):
    assert_problem(client.get("/api/v1/positions/999999"), 404)


# Writing

def test_create_position_with_condition(writer):
    actor = make_actor(writer)
    response = writer.post("/api/v1/positions", json=position_body(
        holder=actor["slug"], topic="reassurance_force", stance="demands", quoted_words=[],
        summary="Europeans, led by the British, demand a US backstop.", proposal="us-security-backstop",
        **said_by(actor["slug"], "urgent demands from Europeans"),
        conditions=[{"slug": unique("cond"), "description": "In the event of a direct confrontation.",
                     **said_by(actor["slug"], "urgent demands from Europeans"),
                     "citations": [{"quote": "in the event of a direct confrontation"}]}],
        citations=[{"quote": "urgent demands from Europeans, led by the British"}]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["holder"]["slug"] == actor["slug"] and body["proposal"]["slug"] == "us-security-backstop"
    assert [s["slug"] for s in body["speaker_chain"]] == [actor["slug"], "le-monde"]
    assert body["conditions"][0]["citations"][0]["quote"].startswith("in the event")


def test_a_patch_reads_its_references_and_citations_before_its_first_write(writable_app, writer):
    # Its first write statement queues it behind the other writers (SQLite) or locks the data version's row
    # (PostgreSQL) until its commit: what it only reads is read before, and that row is its first lock.
    position = make_position(writer)
    holder = make_actor(writer)["slug"]
    change = {"holder": holder, **said_by(holder, "Macron deemed", "partial"),
              "citations": [{"quote": "far too early"}]}
    with recorded_statements(writable_app) as statements:
        response = writer.patch(position["url"], json=change, headers={"If-Match": "*"})
    assert response.status_code == 200, response.get_json()
    words = [" ".join(s.split()).upper() for s in statements]
    quotes = [i for i, s in enumerate(words) if s.startswith("SELECT DOCUMENTS.TEXT")]  # the citation verified
    tokens = [i for i, s in enumerate(words) if "FROM API_TOKENS" in s]
    assert quotes and tokens and max(quotes + tokens) < first_write(words), statements
    assert words[first_write(words)].startswith("UPDATE DATA_VERSION"), statements


def test_a_patch_of_a_record_deleted_after_it_was_read_is_a_412_and_writes_nothing(writable_app, writer,
                                                                                    monkeypatch):
    # Its lock is taken after its reads: a DELETE that commits in between leaves its flush no row to update.
    position = make_position(writer)
    assign = positions.WRITES.assign
    with writable_app.app_context():
        engine = db.engine  # used outside any app context: pushing one inside the request would end its session

    def deleted_meanwhile(obj, data):
        assign(obj, data)
        with engine.begin() as conn:  # another connection, committed at once
            conn.execute(text("DELETE FROM records WHERE id = :id"), {"id": obj.id})

    monkeypatch.setattr(positions.WRITES, "assign", deleted_meanwhile)
    response = writer.patch(position["url"], json={"topic": "ceasefire"}, headers={"If-Match": "*"})
    assert_problem(response, 412)
    monkeypatch.undo()
    assert_problem(writer.get(position["url"]), 404)
    with writable_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Change).where(
            Change.record_key == position["slug"], Change.action == "update")) == 0


def test_a_create_locks_the_data_version_before_it_writes_its_rows(writable_app, writer):
    with recorded_statements(writable_app) as statements:
        response = writer.post("/api/v1/positions", json=position_body(holder=make_actor(writer)["slug"]))
    assert response.status_code == 201, response.get_json()
    creating = statements[[i for i, s in enumerate(statements) if "FROM API_TOKENS" in s.upper()][-1]:]
    assert creating[first_write(creating)].lstrip().upper().startswith("UPDATE DATA_VERSION"), creating
