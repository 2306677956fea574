"""What the seed article says, asked of the API: one representative fact per question, each with its source words."""

from __future__ import annotations

from tests.conftest import SOURCE_FILE
from tests.helpers import all_items

TEXT = SOURCE_FILE.read_text(encoding="utf-8")
DOC = "lemonde-2025-03-26-coalition-of-the-willing"


def one(items: list[dict], slug: str) -> dict:
    [item] = [i for i in items if i["slug"] == slug]
    return item


def quotes(record: dict) -> list[str]:
    for citation in record["citations"]:
        assert TEXT[citation["start"]:citation["end"]] == citation["quote"]
    return [c["quote"] for c in record["citations"]]


def test_get_briefing_names_its_source_document(client):
    briefing = client.get("/api/v1/briefings/coalition-of-the-willing-paris-2025").get_json()
    assert briefing["documents"] == [DOC]
    assert "€2 billion" in briefing["summary"]


def test_get_document_is_a_dated_translation(client):
    document = client.get(f"/api/v1/documents/{DOC}").get_json()
    assert (document["publisher"], document["language"], document["original_language"]) == ("Le Monde", "en", "fr")
    assert document["published_date"] == "2025-03-26" and "Wednesday" in document["date_note"]


def test_get_actor_resolves_metonyms_to_their_actor(client):
    russia = client.get("/api/v1/actors/russia").get_json()
    kremlin = client.get("/api/v1/actors/russian-government").get_json()
    elysee = client.get("/api/v1/actors/french-presidency").get_json()
    assert "Moscow" in russia["aliases"] and kremlin["aliases"] == ["the Kremlin"]
    assert kremlin["parent"] == "russia" and elysee["parent"] == "france"
    assert "the sanctions imposed on Moscow" in quotes(russia)


def test_get_actor_macron_is_the_french_president(client):
    macron = client.get("/api/v1/actors/emmanuel-macron").get_json()
    assert (macron["kind"], macron["role"], macron["parent"]) == ("person", "President of France", "france")
    assert {"the French president", "the French leader"} <= set(macron["aliases"])


def test_list_actor_relations_shows_who_hosts_and_who_leads(client):
    uk = all_items(client, "/api/v1/actors/united-kingdom/relations")
    assert {(r["predicate"], r["object"]) for r in uk} == {("co_hosts", "coalition-of-the-willing"),
                                                           ("leads", "europeans")}
    assert "Europeans, led by the British" in quotes(one(uk, "uk-leads-europeans"))
    welcomed = all_items(client, "/api/v1/actors/french-presidency/relations?direction=incoming")
    assert [(r["subject"], r["predicate"]) for r in welcomed] == [("volodymyr-zelensky", "welcomed_by")]


def test_list_positions_on_sanctions_separate_holder_demand_and_condition(client):
    positions = all_items(client, "/api/v1/positions?topic=sanctions")
    macron = one(positions, "macron-sanctions-far-too-early")
    assert (macron["actor"], macron["stance"], macron["speech"]) == ("emmanuel-macron", "opposes", "direct")
    assert macron["proposal"] == "sanctions-relief-for-russia"
    assert "international law" in macron["conditions"][0]["description"]
    kremlin = one(positions, "kremlin-demands-sanctions-relief")
    assert (kremlin["actor"], kremlin["stance"]) == ("russian-government", "demands")
    assert quotes(kremlin["conditions"][0]) == ["in exchange for a cessation of hostilities in the Black Sea"]


def test_list_positions_reported_by_the_elysee_name_reporter_and_holder(client):
    [first, *rest] = all_items(client, "/api/v1/positions?reported_by=french-presidency")
    assert first["slug"] == "elysee-first-guarantee-strengthen-ukrainian-army"
    assert first["actor"] == "emmanuel-macron" and first["stated_on"] is None
    assert quotes(first)[0].startswith('According to the Elysée, "the first guarantee of security"')


def test_list_positions_shows_who_rejects_the_reassurance_force_and_why(client):
    positions = all_items(client, "/api/v1/positions?proposal=reassurance-force&actor=russia")
    assert {(p["stance"], p["summary"]) for p in positions} == {
        ("rejects", "Moscow rejects such an intervention."),
        ("assesses", "Moscow considers that such an intervention would constitute an act of war.")}


def test_list_positions_shows_the_us_refusing_a_backstop(client):
    [refusal] = all_items(client, "/api/v1/positions?actor=united-states")
    assert (refusal["stance"], refusal["proposal"]) == ("rejects", "us-security-backstop")
    assert quotes(refusal)[0].startswith("the US refuses to provide the slightest security backstop")


def test_list_aid_items_separates_announced_delivered_and_discussed(client):
    items = all_items(client, "/api/v1/aid-items?donor=france")
    statuses = {i["slug"]: i["status"] for i in items}
    assert statuses["france-2025-03-mica"] == "announced"
    assert statuses["france-mirage-jets-supplied"] == "delivered"
    assert statuses["france-mirage-increase"] == "discussed"
    mica = one(items, "france-2025-03-mica")
    assert "Mirage" in mica["role"] and mica["category"] == "air defense missile"
    assert quotes(one(items, "france-2025-03-amx-10-rc")) == ["AMX-10 RC tanks"]


def test_get_aid_package_has_value_schedule_and_announcer(client):
    [package] = all_items(client, "/api/v1/aid-packages?donor=france")
    assert (package["amount"], package["currency"], package["announced_on"]) == ("2000000000.00", "EUR", "2025-03-26")
    assert package["delivery_schedule"] == "in installments over the coming weeks or months"
    assert "President Macron announced a new French military aid package, worth €2 billion." in quotes(package)


def test_get_proposal_reassurance_force_has_structured_attributes(client):
    force = client.get("/api/v1/proposals/reassurance-force").get_json()
    assert force["status"] == "under_discussion" and force["proposers"] == ["emmanuel-macron"]
    attributes = {(a["key"], a["value"]) for a in force["attributes"]}
    assert ("deployment", "Important cities or strategic sites") in attributes
    assert ("constraint", "Would not go to the front to fight") in attributes
    assert any(key == "rules_of_engagement" and "own rules" in value for key, value in attributes)
    assert any(key == "size" and "30,000" in value for key, value in attributes)
    assert {p["actor"] for p in force["positions"] if p["stance"] == "rejects"} == {"russia"}


def test_get_proposal_monitoring_mechanism_has_a_un_mandate(client):
    mechanism = client.get("/api/v1/proposals/ceasefire-monitoring-mechanism").get_json()
    assert (mechanism["kind"], mechanism["status"]) == ("ceasefire_monitoring", "floated")
    assert mechanism["mandate"].startswith("a mandate from the United Nations")
    assert ("mandate", "United Nations mandate, if possible") in {(a["key"], a["value"])
                                                                   for a in mechanism["attributes"]}


def test_list_events_resolves_relative_dates_against_the_article(client):
    events = all_items(client, "/api/v1/events")
    summit = one(events, "paris-summit-2025-03-27")
    assert (summit["date"], summit["place"]) == ("2025-03-27", "Elysée Palace, Paris")
    welcomed = one(events, "zelensky-welcomed-elysee-2025-03-26")
    assert welcomed["date"] == "2025-03-26" and "Wednesday" in welcomed["date_reasoning"]
    assert one(events, "trump-zelensky-washington-2025-02-28")["date"] == "2025-02-28"


def test_list_events_marks_dates_taken_from_outside_the_source(client):
    events = all_items(client, "/api/v1/events")
    outside = {e["slug"] for e in events if (e["date_reasoning"] or "").startswith("DATE FROM OUTSIDE THE SOURCE.")}
    assert outside == {"russian-invasion-2022-02-24", "us-aid-suspension-2025-03", "us-aid-resumption-2025-03"}
    suspension = one(events, "us-aid-suspension-2025-03")
    assert suspension["place"] is None and "a few days' suspension" in quotes(suspension)[0]
