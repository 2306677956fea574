"""What the seed article says, asked of the API: one representative fact per question, each with its source words."""

from __future__ import annotations

from tests.conftest import SOURCE_FILE
from tests.helpers import all_items, slug

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
    assert [slug(d) for d in briefing["documents"]] == [DOC]
    assert "€2 billion" in briefing["summary"]


def test_get_document_is_a_dated_translation_whose_year_is_outside_the_text(client):
    document = client.get(f"/api/v1/documents/{DOC}").get_json()
    assert (document["publisher"], document["language"], document["original_language"]) == ("Le Monde", "en", "fr")
    assert document["date"] == "2025-03-26" and "Wednesday" in document["date_note"]
    outside = {p["field"]: p for p in document["provenance"] if p["basis"] == "outside"}
    assert {"name", "date"} <= outside.keys() and outside["date"]["reference"]


def test_get_actor_resolves_metonyms_to_their_actor(client):
    russia = client.get("/api/v1/actors/russia").get_json()
    kremlin = client.get("/api/v1/actors/kremlin").get_json()
    elysee = client.get("/api/v1/actors/french-presidency").get_json()
    assert "Moscow" in russia["aliases"] and kremlin["aliases"] == ["the Kremlin"]
    assert slug(kremlin["parent"]) == "russia" and slug(elysee["parent"]) == "france"
    assert "the sanctions imposed on Moscow" in quotes(russia)
    assert quotes(elysee) == ["According to the Elysée"]  # "at the Elysée" is a place, not the institution


def test_get_actor_macron_is_the_french_president(client):
    macron = client.get("/api/v1/actors/emmanuel-macron").get_json()
    assert (macron["kind"], macron["role"], slug(macron["parent"])) == ("person", "President of France", "france")
    assert {"the French president", "the French leader"} <= set(macron["aliases"])


def test_list_actor_relations_shows_who_hosts_the_summit(client):
    uk = all_items(client, "/api/v1/actors/united-kingdom/relations")
    assert {(r["predicate"], slug(r["object"])) for r in uk} == {("co_hosts", "coalition-of-the-willing"),
                                                           ("leads", "europeans")}
    assert {(slug(r["speaker"]), r["voice"]) for r in uk} == {("le-monde", "outlet")}


def test_list_actor_relations_the_british_lead_the_europeans_demands_in_le_monde_s_words(client):
    uk = all_items(client, "/api/v1/actors/united-kingdom/relations")
    [leads] = [r for r in uk if r["predicate"] == "leads"]
    assert (leads["slug"], leads["speech"], slug(leads["reported_by"])) == ("uk-leads-europeans", "outlet", None)
    assert quotes(leads) == ["Europeans, led by the British"]
    assert {p["field"] for p in leads["provenance"]} == {"predicate", "subject"}
    assert all(p["basis"] == "inferred" and p["reasoning"] for p in leads["provenance"])


def test_list_actor_relations_france_supplying_ukraine_is_what_macron_detailed(client):
    france = all_items(client, "/api/v1/actors/france/relations")
    [supplies] = [r for r in france if r["predicate"] == "supplies"]
    assert (slug(supplies["object"]), slug(supplies["speaker"]), slug(supplies["reported_by"]), supplies["speech"]) == (
        "ukraine", "emmanuel-macron", "le-monde", "reported")
    assert supplies["cue"]["quote"] == "detailed Macron" and supplies["voice"] == "actor"
    # "delivered by France" is Le Monde's report of Zelensky, not Macron's words: not cited for Macron.
    assert quotes(supplies) == ["French Mirage fighter jets supplied to Ukraine"]
    assert [(p["field"], p["basis"]) for p in supplies["provenance"]] == [("speaker", "inferred")]


def test_get_aid_item_mirage_jets_cite_only_what_macron_detailed(client):
    jets = client.get("/api/v1/aid-items?q=Mirage&limit=50").get_json()["items"]
    [supplied] = [item for item in jets if item["slug"] == "france-mirage-jets-supplied"]
    assert (slug(supplied["speaker"]), supplied["cue"]["quote"]) == ("emmanuel-macron", "detailed Macron")
    # "delivered by France" follows Zelensky's quoted words: the increase cites it, the jets Macron listed do not.
    assert quotes(supplied) == ["the few French Mirage fighter jets supplied to Ukraine"]
    [increase] = [item for item in jets if item["slug"] == "france-mirage-increase"]
    assert slug(increase["speaker"]) == "volodymyr-zelensky" and "delivered by France" in quotes(increase)[0]


def test_list_actor_relations_states_no_welcome_by_the_elysee(client):
    """'who was welcomed at the Elysée Palace' names a place and no agent: no relation says who welcomed him."""
    assert all_items(client, "/api/v1/actors/french-presidency/relations") == []


def test_list_positions_on_sanctions_separate_holder_demand_and_condition(client):
    positions = all_items(client, "/api/v1/positions?topic=sanctions")
    macron = one(positions, "macron-sanctions-far-too-early")
    assert (slug(macron["holder"]), macron["stance"], macron["speech"]) == ("emmanuel-macron", "opposes", "partial")
    assert [w["quote"] for w in macron["quoted_words"]] == ["far too early"]
    assert slug(macron["proposal"]) == "sanctions-relief-for-russia"
    [condition] = macron["conditions"]
    assert (condition["kind"], condition["factuality"]) == ("precondition", "underspecified")
    assert condition["cue"]["quote"] == "said Macron" and "international law" in condition["description"]
    kremlin = one(positions, "kremlin-demands-sanctions-relief")
    assert (slug(kremlin["holder"]), kremlin["stance"]) == ("kremlin", "demands")
    assert kremlin["conditions"][0]["kind"] == "in_exchange_for"
    # The slug says only what the text says: demands, in exchange for the cessation (not "sanctions relief").
    assert kremlin["conditions"][0]["slug"] == "kremlin-demands-in-exchange-for-black-sea-cessation"
    assert slug(kremlin["conditions"][0]["proposal"]) == "black-sea-cessation-of-hostilities"
    assert quotes(kremlin["conditions"][0]) == ["in exchange for a cessation of hostilities in the Black Sea"]
    # The text never says what the Kremlin demands: the link to the lifting is marked as inferred.
    assert [(p["field"], p["basis"]) for p in kremlin["provenance"]] == [("proposal", "inferred")]


def test_list_positions_of_the_elysee_are_the_elysee_s_not_macron_s(client):
    first, second = all_items(client, "/api/v1/positions?holder=french-presidency")
    assert first["slug"] == "elysee-first-guarantee-strengthen-ukrainian-army"
    assert slug(first["speaker"]) == "french-presidency" and first["cue"]["quote"] == "According to the Elysée"
    assert second["provenance"][0]["field"] == "speaker"  # the sentence continues the Elysée's by ellipsis
    assert {p["slug"] for p in all_items(client, "/api/v1/positions?holder=emmanuel-macron")}.isdisjoint(
        {first["slug"], second["slug"]})


def test_list_positions_shows_who_rejects_the_reassurance_force_and_why(client):
    positions = all_items(client, "/api/v1/positions?proposal=reassurance-force&holder=russia")
    assert {(p["stance"], p["summary"], p["factuality"]) for p in positions} == {
        ("rejects", "Moscow rejects such an intervention.", "certain"),
        ("assesses", "Moscow considers that such an intervention would constitute an act of war.", "underspecified")}


def test_list_positions_shows_the_us_refusing_a_backstop(client):
    [refusal] = all_items(client, "/api/v1/positions?holder=united-states")
    assert (refusal["stance"], slug(refusal["proposal"]), refusal["cue"]["quote"]) == (
        "rejects", "us-security-backstop", "refuses")
    assert quotes(refusal)[0].startswith("the US refuses to provide the slightest security backstop")


def test_list_aid_items_of_the_package_are_only_its_contents(client):
    items = all_items(client, "/api/v1/aid-items?package=france-military-aid-2025-03")
    assert "france-mirage-jets-supplied" not in {i["slug"] for i in items}
    assert "france-mirage-increase" not in {i["slug"] for i in items}
    assert {i["status"] for i in items} == {"announced"} and len(items) == 9
    air = one(items, "france-2025-03-air-defense-equipment")
    assert air["system"] is None and "such as MICA missiles" in air["description"]  # MICA is an example
    assert {i["cue"]["quote"] for i in items} == {"detailed Macron", "he said"}
    assert quotes(one(items, "france-2025-03-amx-10-rc")) == ["AMX-10 RC tanks"]


def test_list_aid_items_outside_packages_keeps_context_equipment_cited(client):
    items = all_items(client, "/api/v1/aid-items?in_package=false")
    statuses = {i["slug"]: (i["status"], slug(i["package"]), slug(i["donor"])) for i in items}
    assert statuses == {"france-mirage-jets-supplied": ("delivered", None, "france"),
                        "france-mirage-increase": ("discussed", None, "france")}
    increase = one(items, "france-mirage-increase")
    assert (slug(increase["speaker"]), increase["factuality"]) == ("volodymyr-zelensky", "underspecified")


def test_get_aid_package_has_value_schedule_and_announcer(client):
    [package] = all_items(client, "/api/v1/aid-packages?donor=france")
    assert (package["amount"], package["currency"], package["date"]) == ("2000000000.00", "EUR", "2025-03-26")
    assert package["delivery_schedule"] == "due to be transferred in installments over the coming weeks or months"
    assert "President Macron announced a new French military aid package, worth €2 billion." in quotes(package)
    announced = {p["field"]: p for p in package["provenance"]}["date"]
    assert announced["basis"] == "outside" and announced["reference"]  # the text never says when


def test_get_proposal_reassurance_force_keeps_its_hedges(client):
    force = client.get("/api/v1/proposals/reassurance-force").get_json()
    assert force["status"] == "under_discussion" and force["proposers"] == []  # the text names no proposer
    why = {p["field"]: p for p in force["provenance"]}
    assert {why["proposers"]["basis"], why["status"]["basis"]} == {"inferred"}
    assert "is due to discuss this issue on Thursday" in why["status"]["reasoning"]
    assert "clarified their views" in why["proposers"]["reasoning"]
    attributes = {(a["key"], a["value"]): a for a in force["attributes"]}
    prevent = attributes["purpose", "Would, for example, be sent to prevent new Russian attacks"]
    assert (prevent["factuality"], slug(prevent["speaker"]), prevent["cue"]["quote"]) == (
        "underspecified", "emmanuel-macron", "he insisted")
    assert [h["quote"] for h in prevent["hedges"]] == ["would", "for example"]
    assert not any(value == "To prevent new Russian attacks" for _, value in attributes)  # never hardened
    deployment = attributes["deployment", "Would, for example, be sent to important cities or strategic sites"]
    assert deployment["factuality"] == "underspecified"
    assert [h["quote"] for h in deployment["hedges"]] == ["would", "for example"]
    assert attributes["constraint", "Would not go to the front to fight"]["polarity"] == "negative"
    assert not any(key == "size" for key, _ in attributes)  # "lacks the resources to send even 30,000" is no size
    [lack] = [a for (key, value), a in attributes.items() if "30,000" in value]
    assert (lack["key"], lack["voice"], lack["quantities"][0]["approximation"]) == ("obstacle", "outlet",
                                                                                    "fewer_than")
    assert {slug(p["holder"]) for p in force["positions"] if p["stance"] == "rejects"} == {"russia"}


def test_get_proposal_monitoring_mechanism_has_a_un_mandate_if_possible(client):
    mechanism = client.get("/api/v1/proposals/ceasefire-monitoring-mechanism").get_json()
    assert (mechanism["kind"], mechanism["status"]) == ("ceasefire_monitoring", "floated")
    assert mechanism["mandate"].startswith("if possible")
    # "In the French leader's view" gives his view of the mechanism, not that he proposes it.
    assert mechanism["proposers"] == [] and slug(mechanism["speaker"]) == "emmanuel-macron"
    [why] = [p for p in mechanism["provenance"] if p["field"] == "proposers"]
    assert why["basis"] == "inferred" and "In the French leader's view" in why["reasoning"]
    mandate = {a["key"]: a for a in mechanism["attributes"]}["mandate"]
    assert (mandate["value"], mandate["factuality"]) == ("A United Nations mandate, if possible", "possible")


def test_list_events_resolves_relative_dates_against_the_article(client):
    events = all_items(client, "/api/v1/events")
    summit = one(events, "paris-summit-2025-03-27")
    assert (summit["date"], summit["status"], summit["date_provenance"]) == ("2025-03-27", "scheduled", "inferred")
    assert [e["quote"] for e in summit["date_evidence"]] == ["on Thursday, March 27"]
    welcomed = one(events, "zelensky-welcomed-elysee-2025-03-26")
    assert welcomed["date"] == "2025-03-26" and "Wednesday" in welcomed["date_reasoning"]
    assert one(events, "trump-zelensky-washington-2025-02-28")["date"] == "2025-02-28"


def test_list_events_marks_dates_taken_from_outside_the_source(client):
    outside = all_items(client, "/api/v1/events?date_provenance=outside")
    assert {e["slug"] for e in outside} == {"russian-invasion-2022-02-24", "us-aid-suspension-2025-03",
                                            "us-aid-resumption-2025-03", "france-aid-package-announcement-2025-03-26",
                                            "macron-zelensky-discuss-mirages-2025-03-26"}
    assert all(e["date_reference"] and e["date_reasoning"] for e in outside)
    suspension = one(outside, "us-aid-suspension-2025-03")
    assert suspension["place"] is None and "a few days' suspension" in quotes(suspension)[0]


def test_list_proposals_floated_with_no_words_for_it_say_why(client):
    proposals = {p["slug"]: p for p in all_items(client, "/api/v1/proposals")}
    for name in ("black-sea-cessation-of-hostilities", "sanctions-relief-for-russia", "lasting-peace-agreement"):
        assert proposals[name]["status"] == "floated"
        [why] = [p for p in proposals[name]["provenance"] if p["field"] == "status"]
        assert why["basis"] == "inferred" and why["reasoning"].startswith("No words give a status")


def test_get_position_intelligence_dependence_is_le_monde_s_clause_not_macron_s(client):
    """'..., he said, as well as support in the field of intelligence, which is currently heavily dependent on
    American capabilities': the relative clause is the outlet's, outside Macron's words, and says why."""
    positions = all_items(client, "/api/v1/positions?holder=le-monde&topic=military_aid")
    intelligence = one(positions, "le-monde-ukraine-intelligence-depends-on-us")
    assert (slug(intelligence["speaker"]), intelligence["speech"], slug(intelligence["reported_by"])) == (
        "le-monde", "outlet", None)
    [why] = [p for p in intelligence["provenance"] if p["field"] == "holder"]
    assert why["basis"] == "inferred" and "he said" in why["reasoning"]
    macron = all_items(client, "/api/v1/positions?speaker=emmanuel-macron")
    assert not any("American capabilities" in q for p in macron for q in quotes(p))
