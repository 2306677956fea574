"""GET /api/v1/briefings/{slug}: the composed briefing as JSON and Markdown, in bounded queries."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import SOURCE_FILE
from tests.helpers import assert_problem, count_statements

URL = "/api/v1/briefings/coalition-of-the-willing-paris-2025"
TEXT = SOURCE_FILE.read_text(encoding="utf-8")


@pytest.fixture()
def briefing(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    return response.get_json()


def citations_in(node) -> list[dict]:
    """Every citation anywhere in the composed document."""
    if isinstance(node, dict):
        found = [node] if {"quote", "start", "end", "document"} <= node.keys() else []
        return found + [c for value in node.values() for c in citations_in(value)]
    if isinstance(node, list):
        return [c for value in node for c in citations_in(value)]
    return []


def content_citations(node) -> list[dict]:
    """The citations that state records (each record's `citations`), which the Markdown footnotes."""
    if isinstance(node, dict):
        return list(node.get("citations", [])) + [c for key, value in node.items() if key != "citations"
                                                  for c in content_citations(value)]
    if isinstance(node, list):
        return [c for value in node for c in content_citations(value)]
    return []


def by_slug(items: list[dict], slug: str) -> dict:
    [item] = [item for item in items if item["slug"] == slug]
    return item


def test_get_briefing_timeline_is_sorted_by_date_with_undated_events_last(briefing):
    dates = [event["date"] for event in briefing["timeline"]]
    dated = [d for d in dates if d is not None]
    assert dates == sorted(dated) + [None] * (len(dates) - len(dated)) and len(dated) < len(dates)
    assert briefing["timeline"][0]["slug"] == "russian-invasion-2022-02-24"
    assert all(event["citations"] for event in briefing["timeline"])


def test_get_briefing_whos_who_groups_every_actor_once_by_kind(briefing, client):
    groups = briefing["whos_who"]
    assert [g["kind"] for g in groups][:3] == ["person", "state", "government"]
    assert all(actor["kind"] == group["kind"] for group in groups for actor in group["actors"])
    listed = [actor["slug"] for group in groups for actor in group["actors"]]
    assert len(listed) == len(set(listed)) == len(client.get("/api/v1/actors?limit=500").get_json()["items"])
    macron = next(a for g in groups for a in g["actors"] if a["slug"] == "emmanuel-macron")
    assert macron["parent"] == {"slug": "france", "url": "/api/v1/actors/france", "name": "France", "kind": "state"}
    assert "the French president" in macron["aliases"]


def test_get_briefing_stance_matrix_cell_gives_stance_and_citation(briefing):
    matrix = briefing["stance_matrix"]
    keys = [column["key"] for column in matrix["columns"]]
    assert "proposal:sanctions-relief-for-russia" in keys and "topic:pressure_on_russia" in keys
    assert keys.index("proposal:sanctions-relief-for-russia") < keys.index("topic:pressure_on_russia")
    [macron] = [row for row in matrix["rows"] if row["holder"]["slug"] == "emmanuel-macron"]
    [cell] = [c for c in macron["cells"] if c["column"] == "proposal:sanctions-relief-for-russia"]
    assert cell["stance"] == "opposes"
    assert any("far too early" in c["quote"] for p in cell["positions"] for c in p["citations"])


def test_get_briefing_stance_matrix_holds_every_position_once(briefing, client):
    in_matrix = [p["position"]["slug"] for row in briefing["stance_matrix"]["rows"]
                 for cell in row["cells"] for p in cell["positions"]]
    positions = client.get("/api/v1/positions?limit=500").get_json()["items"]
    assert sorted(in_matrix) == sorted(p["slug"] for p in positions)


def test_get_briefing_aid_package_lists_items_as_table_rows(briefing):
    package = by_slug(briefing["aid_packages"], "france-military-aid-2025-03")
    assert package["donor"]["slug"] == "france" and package["recipient"]["slug"] == "ukraine"
    assert package["amount"] == "2000000000.00" and package["currency"] == "EUR"
    columns = {"slug", "system", "category", "role", "description", "quantity", "status", "citations", "speaker",
               "cue", "speech", "factuality", "hedges"}
    assert all(set(item) == set(package["items"][0]) >= columns for item in package["items"])
    assert "Milan" in [item["system"] for item in package["items"]]
    assert "Mirage" not in [item["system"] for item in package["items"]]  # context, not contents
    assert [item["status"] for item in briefing["other_aid"]] == ["delivered", "discussed"]


def test_get_briefing_proposal_has_supporters_opponents_and_obstacles(briefing):
    force = by_slug(briefing["proposals"], "reassurance-force")
    assert "emmanuel-macron" in {e["holder"]["slug"] for e in force["supporters"]}
    assert [(e["holder"]["slug"], e["stance"]) for e in force["opponents"]] == [("russia", "rejects")]
    sources = {o["source"] for o in force["obstacles"]}
    assert sources == {"attribute", "opposition", "condition"}
    assert any("US refuses" in o["text"] for o in force["obstacles"] if o["source"] == "attribute")
    assert {a["key"] for a in force["attributes"]} >= {"purpose", "deployment", "obstacle"}


def test_get_briefing_every_citation_is_verbatim_and_pasteable(briefing):
    citations = citations_in(briefing)
    assert len(citations) > 100
    for c in citations:
        assert TEXT[c["start"]:c["end"]] == c["quote"]
        assert c["reference"].startswith("Le Monde, [Macron announces")
        assert "26 March 2025" in c["reference"] and c["reference"].endswith(f"\u201c{c['quote']}\u201d")


def test_get_briefing_stance_matrix_marks_hedged_and_outlet_voiced_cells(briefing):
    rows = {row["holder"]["slug"]: {c["column"]: c for c in row["cells"]} for row in briefing["stance_matrix"]["rows"]}
    assert rows["le-monde"]["topic:peace_talks"]["outlet"] and rows["le-monde"]["topic:peace_talks"]["hedged"]
    force = rows["emmanuel-macron"]["proposal:reassurance-force"]
    assert force["hedged"] and not force["outlet"]  # "would", "for example": not certain
    sanctions = rows["emmanuel-macron"]["proposal:sanctions-relief-for-russia"]
    assert not sanctions["hedged"] and not sanctions["outlet"]
    assert all(p["voice"] == "outlet" for cell in rows["le-monde"].values() for p in cell["positions"])
    assert not any(p["voice"] == "outlet" for holder, cells in rows.items() if holder != "le-monde"
                   for cell in cells.values() for p in cell["positions"])


def test_get_briefing_as_markdown_says_who_says_what_with_cue_and_hedge(client):
    text = client.get(URL, headers={"Accept": "text/markdown"}).get_data(as_text=True)
    assert ("**Le Monde** assesses (about Trump administration) (Le Monde, in its own voice; probable, hedged by "
            "“seems”): In peace talks with Russia") in text
    assert ("**Emmanuel Macron** proposes (“he insisted”, partly quoted; underspecified, hedged by “would”, “for "
            "example”): They would, for example, be sent to") in text
    assert "**The Elysée (French presidency)** proposes (“According to the Elysée”, partly quoted)" in text
    assert "| Le Monde | assesses*" in text and "proposes~" in text


def test_get_briefing_without_accept_is_json_that_varies_on_accept(client):
    response = client.get(URL)
    assert response.mimetype == "application/json"
    assert "Accept" in response.headers["Vary"]


def test_get_briefing_as_markdown_footnotes_every_citation(client, briefing):
    response = client.get(URL, headers={"Accept": "text/markdown"})
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.startswith(f"# {briefing['name']}\n")
    for heading in ("## Timeline", "## Who's who", "## Stance matrix", "## Aid packages", "## Proposals"):
        assert f"\n{heading}\n" in text
    defined = re.findall(r"^\[\^(\d+)\]: ", text, flags=re.M)
    used = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    assert defined == [str(n) for n in range(1, len(defined) + 1)]
    assert used == set(defined)
    spans = {(c["document"]["slug"], c["start"], c["end"]) for c in content_citations(briefing)}
    assert len(defined) == len(spans)


def test_get_briefing_markdown_matrix_is_a_table_with_a_row_per_holder(client, briefing):
    text = client.get(URL, headers={"Accept": "text/markdown"}).get_data(as_text=True)
    header = next(line for line in text.splitlines() if line.startswith("| Holder |"))
    assert header.count("|") == len(briefing["stance_matrix"]["columns"]) + 2
    assert re.search(r"^\| Emmanuel Macron \|.*opposes\[\^\d+\]", text, flags=re.M)


def test_get_briefing_with_unproducible_accept_is_406_problem(client):
    body = assert_problem(client.get(URL, headers={"Accept": "application/xml"}), 406)
    assert "text/markdown" in body["detail"]


def test_get_unknown_briefing_as_markdown_is_404_problem(client):
    response = client.get("/api/v1/briefings/nope", headers={"Accept": "text/markdown"})
    assert_problem(response, 404)


def test_get_briefing_as_markdown_revalidates_with_its_own_etag(client):
    first = client.get(URL, headers={"Accept": "text/markdown"})
    assert first.headers["ETag"] != client.get(URL).headers["ETag"]
    again = client.get(URL, headers={"Accept": "text/markdown", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def grow(folder, copies: int) -> None:
    """Add COPIES extra positions, events and aid items (re-citing existing quotes) to a seed copy."""
    path = folder / "briefing.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for n in range(copies):
        for key in ("positions", "events"):
            data[key].append({**data[key][n % len(data[key])], "slug": f"extra-{key}-{n}"})
        position = data["positions"][-1]
        conditions = position.get("conditions", [])
        position["conditions"] = [{**c, "slug": f"extra-{c['slug']}-{n}"} for c in conditions]
        items = data["aid_packages"][0]["items"]
        items.append({**items[0], "slug": f"extra-item-{n}"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_get_briefing_query_count_does_not_grow_with_records(app, empty_app, runner, seed_copy):
    grow(seed_copy, 40)
    assert runner.invoke(args=["seed", "load", str(seed_copy)]).exit_code == 0
    grown = empty_app.test_client().get(URL).get_json()
    assert len(grown["timeline"]) == 40 + len(app.test_client().get(URL).get_json()["timeline"])
    baseline = count_statements(app, URL)
    assert baseline <= 15
    assert count_statements(empty_app, URL) == baseline


def test_get_openapi_documents_the_three_briefing_media_types(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/api/v1/briefings/{slug}"]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ComposedBriefing"}
    assert content["text/markdown"]["schema"] == content["text/html"]["schema"] == {"type": "string"}
    assert {"404", "406"} <= operation["responses"].keys()
