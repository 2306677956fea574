"""Faithful claims, asked of the API: who says each claim, how (cue, speech), how surely (factuality, hedges),
whether it happened, and where each value comes from; and the reading rules every write must keep."""

from __future__ import annotations

import pytest

from service.claims import inside_quotes
from tests.conftest import SOURCE_FILE, unique
from tests.helpers import BRIEFING, OUTLET, all_items, assert_problem, outlet_says, said_by

TEXT = SOURCE_FILE.read_text(encoding="utf-8")
CLAIMS = ("/api/v1/positions", "/api/v1/aid-packages", "/api/v1/aid-items", "/api/v1/proposals", "/api/v1/events")
# The cues by which the article gives Macron as the speaker: nothing else may be filed under him.
MACRON_CUES = {"according to Emmanuel Macron", "Macron deemed", "said Macron", "said Macron, calling for",
               "President Macron announced", "even calling it", "In the French president's view", "he insisted",
               "In the French leader's view", "Macron said", "According to the French president",
               "detailed Macron", "he said", "calling for"}


def claims(client) -> list[dict]:
    """Every record that states a claim, nested ones (conditions, attributes) included."""
    records = [r for url in CLAIMS for r in all_items(client, url)]
    return records + [child for r in records for child in r.get("conditions", []) + r.get("attributes", [])]


def test_list_positions_gives_every_position_a_holder_speaker_chain_cue_and_factuality(client):
    positions = all_items(client, "/api/v1/positions")
    assert len(positions) > 30
    for p in positions:
        assert p["holder"] and p["speaker_chain"] and p["speaker_chain"][0] == p["speaker"], p["slug"]
        assert p["cue"] and TEXT[p["cue"]["start"]:p["cue"]["end"]] == p["cue"]["quote"], p["slug"]
        assert p["factuality"] in ("certain", "probable", "possible", "underspecified")
        assert p["factbank"][:-1] in ("CT", "PR", "PS", "U") and p["factbank"][-1] in "+-u"


def test_list_positions_by_speaker_returns_only_what_the_article_attributes_to_him(client):
    macron = all_items(client, "/api/v1/positions?speaker=emmanuel-macron")
    assert {p["cue"]["quote"] for p in macron} <= MACRON_CUES
    slugs = {p["slug"] for p in macron}
    # Words the article gives to the Elysée, to nobody ("the idea is"), or to Le Monde are not his.
    assert slugs.isdisjoint({"elysee-first-guarantee-strengthen-ukrainian-army", "elysee-deter-new-russian-offensive",
                             "le-monde-idea-amplify-european-military-support",
                             "le-monde-macron-puts-money-where-mouth-is"})
    assert {"macron-sanctions-far-too-early", "macron-troops-not-to-the-front"} <= slugs
    assert all(p["holder"]["slug"] == "emmanuel-macron" and p["reported_by"]["slug"] == "le-monde" for p in macron)


def test_list_claims_in_the_outlet_voice_are_held_by_the_outlet_alone(client):
    outlet = all_items(client, "/api/v1/positions?voice=outlet")
    assert {p["holder"]["slug"] for p in outlet} == {p["speaker"]["slug"] for p in outlet} == {"le-monde"}
    assert all(p["reported_by"] is None and p["speech"] == "outlet" for p in outlet)
    assert {"le-monde-trump-administration-seems-ready-to-concede", "le-monde-idea-amplify-european-military-support",
            "le-monde-europe-lacks-troops"} <= {p["slug"] for p in outlet}
    actors = all_items(client, "/api/v1/positions?voice=actor")
    assert "le-monde" not in {p["holder"]["slug"] for p in actors} and all(p["speech"] != "outlet" for p in actors)
    assert len(outlet) + len(actors) == len(all_items(client, "/api/v1/positions"))
    for claim in claims(client):
        assert (claim["speech"] == "outlet") == (claim["speaker"]["slug"] == "le-monde"), claim.get("slug", claim)


def test_list_positions_filtered_by_factuality_never_serves_a_hedge_as_certain(client):
    certain = all_items(client, "/api/v1/positions?factuality=certain")
    assert certain and all(p["hedges"] == [] for p in certain)
    hedge_words = ("would", "seems", "could", "for example", "if possible", "hypothetical")
    assert not [p["slug"] for p in certain if any(w in p["summary"].casefold() for w in hedge_words)]
    for claim in claims(client):
        assert bool(claim["hedges"]) == (claim["factuality"] != "certain"), claim.get("slug", claim)


def test_get_position_seems_ready_to_concede_is_the_outlet_s_probable_assessment(client):
    [p] = [p for p in all_items(client, "/api/v1/positions?about=trump-administration")]
    assert (p["holder"]["slug"], p["stance"], p["factuality"], p["factbank"]) == (
        "le-monde", "assesses", "probable", "PR+")
    assert [h["quote"] for h in p["hedges"]] == ["seems"]
    assert all_items(client, "/api/v1/positions?holder=trump-administration") == []


def test_get_position_partial_names_exactly_the_speaker_s_words(client):
    [ceasefire] = all_items(client, "/api/v1/positions?topic=ceasefire")
    assert ceasefire["speech"] == "partial" and [w["quote"] for w in ceasefire["quoted_words"]] == ["ceasefire"]
    assert "unconditional" in ceasefire["citations"][0]["quote"]  # in the citation, but Le Monde's word
    for claim in claims(client):
        for words in claim["quoted_words"]:
            assert inside_quotes(TEXT, words["start"], words["end"]), words
        if claim["speech"] == "direct":
            assert all(inside_quotes(TEXT, c["start"], c["end"]) for c in claim["citations"]), claim
        assert (claim["speech"] == "partial") <= bool(claim["quoted_words"])


def test_list_positions_negative_polarity_says_what_does_not_happen(client):
    negative = all_items(client, "/api/v1/positions?polarity=negative")
    assert [(p["slug"], p["factbank"]) for p in negative] == [("macron-troops-not-to-the-front", "U-")]


def test_list_events_by_status_tells_what_happened_from_what_is_to_come(client):
    scheduled = all_items(client, "/api/v1/events?status=scheduled")
    assert {e["slug"] for e in scheduled} >= {"paris-summit-2025-03-27", "coalition-to-discuss-deployment-2025-03-27",
                                              "france-aid-transfer-in-installments"}
    assert all(e["date"] > "2025-03-26" for e in scheduled if e["date"] is not None)
    transfer = next(e for e in scheduled if e["date"] is None)
    assert (transfer["factuality"], [h["quote"] for h in transfer["hedges"]]) == ("probable", ["is due to"])
    happened = all_items(client, "/api/v1/events?status=happened")
    assert all(e["date"] <= "2025-03-26" for e in happened) and "paris-summit-2025-03-27" not in {
        e["slug"] for e in happened}
    [aid] = all_items(client, "/api/v1/events?status=hypothetical")
    assert (aid["slug"], aid["date"], aid["factuality"]) == ("american-aid-could-run-out", None, "probable")
    assert [e["slug"] for e in all_items(client, "/api/v1/events?status=ongoing")] == ["us-russia-peace-talks"]


def test_list_events_gives_every_event_a_status_and_its_date_s_provenance(client):
    for e in all_items(client, "/api/v1/events"):
        assert e["status"] in ("happened", "ongoing", "scheduled", "hypothetical")
        if e["date"] is None:
            assert (e["date_provenance"], e["date_precision"]) == ("unstated", "unknown"), e["slug"]
            continue
        assert e["date_provenance"] in ("stated", "inferred", "outside") and e["date_precision"] != "unknown"
        if e["date_provenance"] == "outside":
            assert e["date_reference"] and e["date_reasoning"], e["slug"]
        if e["date_provenance"] == "inferred":
            assert e["date_reasoning"], e["slug"]


def test_list_actors_marks_every_value_from_outside_the_source(client):
    actors = {a["slug"]: a for a in all_items(client, "/api/v1/actors")}
    for actor in actors.values():
        named = {p["field"]: p for p in actor["provenance"]}
        if actor["country"]:  # an ISO code is never the source's words
            assert named["country"]["basis"] == "outside" and named["country"]["reference"], actor["slug"]
    putin = {p["field"]: p for p in actors["vladimir-putin"]["provenance"]}
    assert putin["role"]["basis"] == "outside" and "no title" in putin["role"]["reasoning"]
    trump = {p["field"]: p for p in actors["donald-trump"]["provenance"]}
    assert trump["role"]["basis"] == "outside"
    assert "role" not in {p["field"] for p in actors["emmanuel-macron"]["provenance"]}  # "the French president"


def test_list_quantities_are_typed_with_their_approximation(client):
    summit = client.get(all_items(client, "/api/v1/events?status=scheduled")[0]["url"]).get_json()
    assert [(q["measure"], q["value"], q["approximation"]) for q in summit["quantities"]] == [
        ("European delegations", "30", "about")]
    [lack] = [p for p in all_items(client, "/api/v1/positions?holder=le-monde") if p["quantities"]]
    assert [(q["value"], q["unit"], q["approximation"]) for q in lack["quantities"]] == [
        ("30000", "troops", "fewer_than")]
    munitions = all_items(client, "/api/v1/aid-items?category=munitions")[0]
    assert [(q["value"], q["approximation"]) for q in munitions["quantities"]] == [(None, "vague")]


def test_list_review_status_is_filterable_and_starts_extracted(client):
    assert all_items(client, "/api/v1/positions?review_status=disputed") == []
    assert client.get(f"/api/v1/briefings/{BRIEFING}").get_json()["review"] == {
        "extracted": len([r for r in claims(client) if r["review_status"] == "extracted"])
        + len(all_items(client, "/api/v1/actors")), "reviewed": 0, "disputed": 0}
    assert len(all_items(client, "/api/v1/actors?review_status=extracted")) == len(all_items(client, "/api/v1/actors"))
    assert_problem(client.get("/api/v1/positions?review_status=maybe"), 400, "review_status")


# --- writes keep the rules: a 422 naming the field, and nothing written --------------------------------


def position(**overrides) -> dict:
    body = {"briefing": BRIEFING, "slug": unique("pos"), "holder": "emmanuel-macron", "topic": "sanctions",
            "stance": "opposes", "summary": 'It is "far too early" to consider lifting the sanctions.',
            **said_by("emmanuel-macron", "Macron deemed", "partial"),
            "quoted_words": [{"quote": "far too early"}],
            "citations": [{"quote": 'it was "far too early" to consider lifting the sanctions imposed on Moscow'}]}
    return {**body, **overrides}


def test_create_position_keeping_the_rules_is_201_with_its_attribution(writer):
    response = writer.post("/api/v1/positions", json=position())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    chain = [s["slug"] for s in body["speaker_chain"]]
    assert (chain, body["speech"], body["voice"]) == (["emmanuel-macron", "le-monde"], "partial", "actor")
    assert body["cue"]["quote"] == "Macron deemed" and body["quoted_words"][0]["start"] == 674


@pytest.mark.parametrize(("overrides", "field"), [
    ({"speech": "direct", "quoted_words": []}, "citations.0"),        # not inside quotation marks
    ({"quoted_words": []}, "quoted_words"),                             # partial names the speaker's words
    ({"quoted_words": [{"quote": "the sanctions imposed on Moscow"}]}, "quoted_words.0"),  # not quoted
    ({"cue": None}, "cue"),                                             # a position needs its cue
    ({"cue": {"quote": "Macron insisted"}}, "cue.quote"),               # not verbatim
    ({"speech": "outlet", "quoted_words": [], "reported_by": None}, "speaker"),  # the outlet's voice is Le Monde's
    ({"reported_by": None}, "reported_by"),                             # who reports it
    ({"hedges": [{"quote": "would", "start": 848}]}, "factuality"),     # a hedge is not certain
    ({"factuality": "probable"}, "hedges"),                             # not certain: which words say so
    ({"factuality": "probable", "hedges": [{"quote": "would", "start": 848}]}, "factuality"),  # would: at most U
    ({"provenance": [{"field": "date", "basis": "outside", "reasoning": "The public record."}]},
     "provenance.0.reference"),
    ({"provenance": [{"field": "colour", "basis": "inferred", "reasoning": "Guessed."}]}, "provenance"),
])
def test_create_position_breaking_a_reading_rule_is_422_naming_the_field_and_writes_nothing(writer, overrides,
                                                                                           field):
    body = position(**overrides)
    assert_problem(writer.post("/api/v1/positions", json=body), 422, field)
    assert all_items(writer, f"/api/v1/positions?holder=emmanuel-macron&q={body['slug']}") == []
    assert body["slug"] not in {p["slug"] for p in all_items(writer, "/api/v1/positions?topic=sanctions")}


def test_create_position_whose_summary_keeps_an_uncited_hedge_is_422_naming_summary(writer):
    body = position(summary="These troops would not go to the front.", speech="reported", quoted_words=[])
    problem = assert_problem(writer.post("/api/v1/positions", json=body), 422, "summary")
    assert "'would'" in problem["errors"][0]["message"]
    degree = position(summary='"Far too early", as much as possible.')  # a degree, not a hedge
    assert writer.post("/api/v1/positions", json=degree).status_code == 201


def test_create_position_in_the_outlet_voice_held_by_another_is_422_naming_holder(writer):
    body = position(**{**outlet_says("it seems ready to make"), "holder": "emmanuel-macron"}, quoted_words=[],
                    reported_by=None)
    assert_problem(writer.post("/api/v1/positions", json=body), 422, "holder")


def test_create_position_with_a_cue_from_another_document_is_422(writer):
    note = writer.post("/api/v1/documents", json={
        "slug": unique("note"), "name": "Note", "language": "en", "publisher": "Desk",
        "text": "Macron deemed it wise. A second sentence."})
    assert note.status_code == 201, note.get_json()
    briefing = writer.get(f"/api/v1/briefings/{BRIEFING}")
    attached = writer.patch(f"/api/v1/briefings/{BRIEFING}", headers={"If-Match": briefing.headers["ETag"]},
                            json={"documents": [*(d["slug"] for d in briefing.get_json()["documents"]),
                                                  note.get_json()["slug"]]})
    assert attached.status_code == 200, attached.get_json()
    body = position(cue={"quote": "Macron deemed", "document": note.get_json()["slug"]})
    body_problem = assert_problem(writer.post("/api/v1/positions", json=body), 422, "cue")
    assert "same document" in body_problem["errors"][0]["message"]


def test_patch_speech_to_direct_on_a_partial_quote_is_422_and_changes_nothing(writer):
    created = writer.post("/api/v1/positions", json=position()).get_json()
    etag = writer.get(created["url"]).headers["ETag"]
    response = writer.patch(created["url"], json={"speech": "direct", "quoted_words": []}, headers={"If-Match": etag})
    assert_problem(response, 422, "citations.0")
    assert writer.get(created["url"]).get_json()["speech"] == "partial"
    assert writer.get(created["url"]).headers["ETag"] == etag


def test_patch_review_status_records_who_and_when_and_filters(writer, tokens):
    created = writer.post("/api/v1/positions", json=position()).get_json()
    assert (created["review_status"], created["reviewed_by"]) == ("extracted", None)
    etag = writer.get(created["url"]).headers["ETag"]
    assert_problem(writer.patch(created["url"], json={"review_status": "disputed"}, headers={"If-Match": etag}),
                   422, "review_note")
    response = writer.patch(created["url"], json={"review_status": "disputed", "review_note": "Not his words."},
                            headers={"If-Match": etag})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["review_status"], body["review_note"], body["reviewed_by"]) == ("disputed", "Not his words.",
                                                                                "test-write")
    assert body["reviewed_at"]
    assert created["slug"] in {p["slug"] for p in all_items(writer, "/api/v1/positions?review_status=disputed")}
    text = writer.get(f"/api/v1/briefings/{BRIEFING}", headers={"Accept": "text/markdown"}).get_data(as_text=True)
    assert f"{created['summary']}" in text and "[disputed: Not his words.]" in text
    assert writer.get(f"/api/v1/briefings/{BRIEFING}").get_json()["review"]["disputed"] >= 1


def test_create_event_with_an_outside_date_needs_its_reference(writer):
    body = {"briefing": BRIEFING, "slug": unique("ev"), "name": "Invasion", "date": "2022-02-24",
            "date_precision": "day", "date_provenance": "outside", "date_reasoning": "Three years before.",
            "status": "happened", **OUTLET, "citations": [{"quote": "three years after the Russian invasion"}]}
    assert_problem(writer.post("/api/v1/events", json=body), 422, "date_reference")
    response = writer.post("/api/v1/events", json={**body, "date_reference": "Public record"})
    assert response.status_code == 201, response.get_json()


def test_create_event_that_happened_after_its_source_is_422_naming_status(writer):
    body = {"briefing": BRIEFING, "slug": unique("ev"), "name": "Summit", "date": "2025-03-27",
            "date_precision": "day", "date_provenance": "stated", "status": "happened", **OUTLET,
            "date_evidence": [{"quote": "on Thursday, March 27"}], "citations": [{"quote": "on Thursday, March 27"}]}
    assert_problem(writer.post("/api/v1/events", json=body), 422, "status")


def test_create_aid_item_of_a_package_with_a_donor_of_its_own_is_422_naming_donor(writer):
    body = {"package": "france-military-aid-2025-03", "slug": unique("item"), "category": "drone",
            "description": "Drones", "status": "announced", "donor": "russia",
            **said_by("emmanuel-macron", "detailed Macron"), "citations": [{"quote": "and drones"}]}
    assert_problem(writer.post("/api/v1/aid-items", json=body), 422, "donor")


def test_create_aid_item_outside_a_package_needs_donor_and_recipient(writer):
    body = {"briefing": BRIEFING, "slug": unique("item"), "system": "Mirage", "category": "fighter jet",
            "description": "More Mirages", "status": "discussed", "factuality": "underspecified",
            **said_by("volodymyr-zelensky", "Zelensky added", "partial"),
            "quoted_words": [{"quote": "discussed an increase in the number of Mirages"}],
            "hedges": [{"quote": "discussed"}],
            "citations": [{"quote": '"discussed an increase in the number of Mirages" delivered by France'}]}
    assert_problem(writer.post("/api/v1/aid-items", json=body), 422, "donor")
    response = writer.post("/api/v1/aid-items", json={**body, "donor": "france", "recipient": "ukraine"})
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["package"], response.get_json()["donor"]["slug"]) == (None, "france")


def test_create_condition_concerning_an_event_links_to_it(writer):
    body = position(conditions=[{
        "slug": unique("cond"), "kind": "precondition", "event": "paris-summit-2025-03-27",
        "description": "Once the summit has met.", **said_by("emmanuel-macron", "said Macron"),
        "cue": {"quote": "said Macron", "start": 916}, "citations": [{"quote": "on Thursday, March 27"}]}])
    response = writer.post("/api/v1/positions", json=body)
    assert response.status_code == 201, response.get_json()
    [condition] = response.get_json()["conditions"]
    assert (condition["event"]["slug"], condition["kind"]) == ("paris-summit-2025-03-27", "precondition")
