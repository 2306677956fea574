"""/api/v1/proposals: attributes, status and the positions held on each proposal."""



from tests.conftest import proposal_body
from tests.helpers import all_items, assert_problem, said_by, slugs


def test_list_proposals_includes_force_and_monitoring(client):
    proposals = slugs(all_items(client, "/api/v1/proposals"))
    assert {"reassurance-force", "ceasefire-monitoring-mechanism"} <= set(proposals)


def test_get_proposal_returns_attributes_and_positions(client):
    body = client.get("/api/v1/proposals/reassurance-force").get_json()
    keys = {a["key"] for a in body["attributes"]}
    assert {"purpose", "deployment", "rules_of_engagement", "obstacle"} <= keys
    assert body["proposers"] == []  # the text names nobody as proposing it
    stances = {(p["holder"]["slug"], p["stance"]) for p in body["positions"]}
    assert ("russia", "rejects") in stances
    assert all(p["proposal"]["slug"] == "reassurance-force" for p in body["positions"])


def test_get_monitoring_mechanism_mentions_un_mandate(client):
    body = client.get("/api/v1/proposals/ceasefire-monitoring-mechanism").get_json()
    quotes = [c["quote"] for a in body["attributes"] for c in a["citations"]] + \
             [c["quote"] for c in body["citations"]]
    assert any("United Nations" in q for q in quotes)


def test_list_proposals_filtered_by_kind(client):
    assert slugs(all_items(client, "/api/v1/proposals?kind=reassurance_force")) == ["reassurance-force"]


def test_list_proposals_with_bad_status_is_400(client):
    assert_problem(client.get("/api/v1/proposals?status=dreamt"), 400, "status")


def test_get_unknown_proposal_is_404(client):
    assert_problem(client.get("/api/v1/proposals/world-peace"), 404)


# Writing

def test_create_proposal_with_attribute(writer):
    proposal = writer.post("/api/v1/proposals", json=proposal_body(
        name="Backstop", kind="security_guarantee", description="A US backstop.", status="rejected",
        proposers=["europeans"],
        attributes=[{"key": "obstacle", "value": "The US refuses.", **said_by("united-states", "refuses"),
                     "citations": [{"quote": "the US refuses to provide the slightest"}]}]))
    assert proposal.status_code == 201, proposal.get_json()
    assert proposal.get_json()["attributes"][0]["key"] == "obstacle"


def test_delete_proposal_with_positions_is_409(writer):
    assert_problem(writer.delete("/api/v1/proposals/reassurance-force", headers={"If-Match": "*"}), 409)
