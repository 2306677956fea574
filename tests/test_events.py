"""/api/v1/events: dates resolved from the text, filtered by range and participant."""



from tests.conftest import event_body
from tests.helpers import all_items, assert_problem


def test_list_events_resolves_thursday_march_27(client):
    summit = next(e for e in all_items(client, "/api/v1/events") if e["slug"] == "paris-summit-2025-03-27")
    assert summit["date"] == "2025-03-27"
    assert any("Thursday, March 27" in c["quote"] for c in summit["citations"])


def test_list_events_filtered_by_date_range(client):
    events = all_items(client, "/api/v1/events?from=2025-03-26&to=2025-03-27")
    assert events and all("2025-03-26" <= e["date"] <= "2025-03-27" for e in events)


def test_list_events_filtered_by_participant(client):
    events = all_items(client, "/api/v1/events?participant=donald-trump")
    assert "trump-zelensky-washington-2025-02-28" in [e["slug"] for e in events]


def test_list_events_with_reversed_range_is_400(client):
    assert_problem(client.get("/api/v1/events?from=2025-04-01&to=2025-03-01"), 400, "from")


def test_list_events_includes_participants_in_full_in_their_order(client):
    summit = next(e for e in all_items(client, "/api/v1/events?include=participants")
                  if e["slug"] == "paris-summit-2025-03-27")
    participants = summit["included"]["participants"]
    assert [actor["slug"] for actor in participants] == [a["slug"] for a in summit["participants"]]
    assert participants == [client.get(actor["url"]).get_json() for actor in participants]


def test_list_events_include_holds_on_every_page(client):
    events = all_items(client, "/api/v1/events?include=participants&limit=2")
    assert len(events) > 2
    assert all([a["slug"] for a in e["included"]["participants"]] == [a["slug"] for a in e["participants"]]
               for e in events)


def test_list_events_with_unknown_include_is_400_naming_include(client):
    body = assert_problem(client.get("/api/v1/events?include=citations"), 400, "include")
    assert body["errors"][0]["message"] == "Give a comma-separated list of: participants."


def test_get_event(client):
    event = all_items(client, "/api/v1/events?from=2025-02-28&to=2025-02-28")[0]
    assert client.get(f"/api/v1/events/{event['slug']}").get_json() == event


def test_get_unknown_event_is_404(client):
    assert_problem(client.get("/api/v1/events/31337"), 404)


# Writing

def test_create_event_with_participants(writer):
    event = writer.post("/api/v1/events", json=event_body(
        date="2025-03-27", name="Summit", status="scheduled", date_provenance="stated", date_reasoning=None,
        date_evidence=[{"quote": "on Thursday, March 27"}], participants=["emmanuel-macron"],
        citations=[{"quote": "on Thursday, March 27"}]))
    assert event.status_code == 201, event.get_json()
    assert [a["slug"] for a in event.get_json()["participants"]] == ["emmanuel-macron"]


def test_create_with_unknown_reference_is_422_naming_field(writer):
    response = writer.post("/api/v1/events", json=event_body(participants=["emmanuel-macron", "nobody"]))
    assert_problem(response, 422, "participants.1")
