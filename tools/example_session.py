"""The session the OpenAPI examples are recorded from: a reader browsing the seed, an analyst adding and
correcting records cited verbatim from the seed document, and the requests that fail along the way."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from service import clock

BRIEFING = "coalition-of-the-willing-paris-2025"
DOCUMENT = "lemonde-2025-03-26-coalition-of-the-willing"
JSON, CSV, NDJSON = "application/json", "text/csv", "application/x-ndjson"
SPARSE = "application/vnd.briefing.sparse+json"
# Lists: JSON pages of two (so `next` is a real cursor), and the CSV / NDJSON exports of the same query (the
# list's export operation).
LISTS = {
    "getActors": "/api/v1/actors?kind=person&limit=2",
    "getActorPositions": "/api/v1/actors/emmanuel-macron/positions?topic=reassurance_force&limit=2",
    "getActorRelations": "/api/v1/actors/france/relations?limit=2",
    "getPositions": "/api/v1/positions?topic=security_guarantees&sort=-date&limit=2",
    "getAidPackages": "/api/v1/aid-packages?donor=france&limit=2",
    "getAidItems": "/api/v1/aid-items?donor=france&sort=system&limit=2",
    "getProposals": "/api/v1/proposals?status=under_discussion&limit=2",
    "getEvents": "/api/v1/events?sort=date&limit=2",
    "getRelations": "/api/v1/relations?object=coalition-of-the-willing&limit=2",
    "getSearch": "/api/v1/search?q=reassurance+force&limit=2",
}
ITEMS = {"getActors": "getActorBySlug", "getPositions": "getPositionBySlug", "getAidPackages": "getAidPackageBySlug",
         "getAidItems": "getAidItemBySlug", "getProposals": "getProposalBySlug", "getEvents": "getEventBySlug",
         "getRelations": "getRelationBySlug"}

# What an analyst adds: records the seed extraction lacks, each cited verbatim from the seed document.
ACTOR = {"briefing": BRIEFING, "slug": "un-peacekeeping-troops", "name": "UN peacekeeping troops",
         "kind": "armed_force", "parent": "united-nations", "aliases": ["peacekeeping troops"],
         "citations": [{"quote": "which would then deploy peacekeeping troops"}]}
WRITES = [  # (create operation, body, update operation, patch)
    ("postActors", ACTOR, "patchActorBySlug",
     {"role": "Would monitor a ceasefire under a UN mandate, distinct from the European reassurance force"}),
    ("postBriefings", {
        "slug": "reassurance-force-2025", "name": "The European reassurance force for Ukraine",
        "summary": "What the sources say about the European troops meant to guarantee a ceasefire in Ukraine: "
                   "their purpose, where they would deploy, their rules of engagement, and the obstacles "
                   "(no US backstop, Russian rejection, too few troops).",
        "documents": [DOCUMENT]},
     "patchBriefingBySlug", {"name": "The European reassurance force for Ukraine (March 2025)"}),
    ("postPositions", {
        "briefing": BRIEFING, "slug": "united-kingdom-leads-demand-for-us-backstop", "holder": "united-kingdom",
        "speaker": "united-kingdom", "reported_by": "le-monde", "speech": "reported",
        "cue": {"quote": "urgent demands from Europeans, led by the British"},
        "topic": "security_guarantees", "stance": "demands", "proposal": "us-security-backstop",
        "summary": "The British lead the Europeans' urgent demands for a US security backstop.",
        "citations": [{"quote": "led by the British"}]},
     "patchPositionBySlug", {"summary": "The British lead the Europeans' urgent demands that the US back the "
                                      "reassurance troops in a direct confrontation with the Russians."}),
    ("postAidPackages", {
        "briefing": BRIEFING, "slug": "us-military-aid-to-ukraine", "donor": "united-states",
        "recipient": "ukraine",
        "summary": "American aid to Ukraine, suspended for a few days after the stormy conversation between "
                   "Donald Trump and Zelensky on February 28, then resumed.",
        "speaker": "le-monde", "speech": "outlet",
        "citations": [{"quote": "American aid could well run out"},
                      {"quote": "although it resumed after a few days' suspension"}]},
     "patchAidPackageBySlug", {"delivery_schedule": "resumed after a few days' suspension"}),
    ("postAidItems", {
        "package": "us-military-aid-to-ukraine", "slug": "us-intelligence-support", "category": "intelligence",
        "description": "American intelligence capabilities, on which the field of intelligence currently heavily "
                       "depends", "status": "in_delivery", "speaker": "le-monde", "speech": "outlet",
        "citations": [{"quote": "heavily dependent on American capabilities"}]},
     "patchAidItemBySlug", {"review_status": "disputed",
                          "review_note": "The text says the field depends on them, not that the US supplies them."}),
    ("postProposals", {
        "briefing": BRIEFING, "slug": "direct-negotiations-with-moscow-and-washington",
        "name": "Direct negotiations with Moscow and Washington", "kind": "peace_agreement",
        "description": "Direct talks between Ukraine, Russia and the United States, for which the reassurance "
                       "force should put \"cards in the Ukrainians' hands\".",
        "status": "floated", "speaker": "emmanuel-macron", "reported_by": "le-monde", "speech": "reported",
        "cue": {"quote": "According to the French president"},
        "attributes": [{"key": "purpose", "value": "Restore Ukraine's bargaining power",
                        "speaker": "emmanuel-macron", "reported_by": "le-monde", "speech": "reported",
                        "cue": {"quote": "according to Emmanuel Macron"},
                        "citations": [{"quote": "Restoring Ukraine's bargaining power"}]}],
        "citations": [{"quote": "in the context of direct negotiations with Moscow and Washington"}]},
     "patchProposalBySlug", {"proposers": ["volodymyr-zelensky"]}),
    ("postEvents", {
        "briefing": BRIEFING, "slug": "sanctions-on-russia-in-force", "date": None, "date_precision": "unknown",
        "date_provenance": "unstated", "status": "ongoing",
        "name": "Sanctions imposed on Moscow, in force", "participants": ["russia"],
        "speaker": "le-monde", "speech": "outlet",
        "citations": [{"quote": "the sanctions imposed on Moscow"}]},
     "patchEventBySlug", {"review_status": "reviewed", "review_note": "Checked against the article."}),
    ("postRelations", {
        "briefing": BRIEFING, "slug": "macron-represents-france", "subject": "emmanuel-macron",
        "predicate": "represents", "object": "france", "speaker": "le-monde", "speech": "outlet",
        "citations": [{"quote": "According to the French president"}]},
     "patchRelationBySlug", {"review_status": "reviewed", "review_note": "Checked against the article."}),
]
DESK_NOTE = {
    "slug": "desk-note-2025-03-27-paris-summit", "name": "Desk note: what to watch at the Paris summit",
    "publisher": "Briefing desk", "language": "en", "date": "2025-03-27",
    "text": "Questions to follow at the Paris summit of 27 March 2025. Which countries commit troops to the "
            "reassurance force, and how many? Does the United States agree to any backstop? Would a ceasefire "
            "monitoring mission get a mandate from the United Nations?"}
# Change timestamps are the clock's; pinned (a minute apart) so the feed's examples are stable.
CHANGES_FROM = dt.datetime(2025, 3, 27, 9, 0, tzinfo=dt.UTC)


def play(rec, app, tokens: dict[str, str], make_app, tmp: str) -> None:
    read(rec)
    with clock.frozen(CHANGES_FROM):  # a review's date is the clock's: pinned, as the feed's
        first_etags = write(rec, {"Authorization": f"Bearer {tokens['write']}"})
    pin_change_times(app)
    record_list(rec, "getChanges", "/api/v1/changes?limit=2")
    fail(rec, app, tokens, first_etags["postActors"], make_app, tmp)


def read(rec) -> None:
    for accept in (JSON, "text/html"):
        rec.record("getIndex", "/", accept=accept)
    rec.record("getHealth", "/healthz")
    rec.record("getReady", "/readyz")
    rec.record("getBriefings", "/api/v1/briefings?limit=2")
    for accept in (JSON, "text/markdown", "text/html"):
        rec.record("getBriefingBySlug", f"/api/v1/briefings/{BRIEFING}", accept=accept)
    rec.record("getDocuments", "/api/v1/documents?limit=2")
    for accept in (JSON, "text/html"):
        rec.record("getDocumentBySlug", f"/api/v1/documents/{DOCUMENT}", accept=accept)
    rec.record("getDocumentCoverage", f"/api/v1/documents/{DOCUMENT}/coverage")
    for operation_id, url in LISTS.items():
        page = record_list(rec, operation_id, url)
        if operation_id in ITEMS:  # the first item of the page, fetched by its permalink
            rec.record(ITEMS[operation_id], page["items"][0]["url"])
            if operation_id in ("getActors", "getProposals"):  # their human pages (service/briefings/pages.py)
                rec.record(ITEMS[operation_id], page["items"][0]["url"], accept="text/html")


def write(rec, auth: dict) -> dict[str, str]:
    """Create each record, then correct it with the ETag its creation returned; those ETags, by operation."""
    rec.record("postDocuments", "/api/v1/documents", status=201, body=DESK_NOTE, headers=auth)
    etags = {}
    for create, body, update, patch in WRITES:
        created = rec.record(create, url_of(create), status=201, body=body, headers=auth)
        etags[create] = created.headers["ETag"]
        rec.record(update, created.headers["Location"], body=patch, headers={**auth, "If-Match": etags[create]})
    return etags


def record_list(rec, operation_id: str, url: str) -> dict:
    """A page of the list at URL, the same with two of its fields (the sparse media type), and its exports."""
    page = rec.record(operation_id, url).get_json()
    if SPARSE in rec.operations[operation_id][1]["responses"]["200"]["content"]:  # the list takes `fields`
        sparse = ",".join(list(page["items"][0])[:2])
        rec.record(operation_id, f"{url}&fields={sparse}", accept=SPARSE)
    for accept in (CSV, NDJSON):
        rec.record(operation_id + "Export", export_url(url), accept=accept)
    return page


def export_url(url: str) -> str:
    """A list's URL -> its export's: `/export` after the path, the query without `limit`."""
    path, _, query = url.partition("?")
    kept = "&".join(part for part in query.split("&") if part and not part.startswith("limit="))
    return f"{path}/export" + (f"?{kept}" if kept else "")


def url_of(operation_id: str) -> str:
    """postAidPackages -> /api/v1/aid-packages"""
    words = "".join("-" + c.lower() if c.isupper() else c for c in operation_id.removeprefix("post"))
    return "/api/v1/" + words.lstrip("-")


def pin_change_times(app) -> None:
    from service.extensions import db
    from service.models import Change

    with app.app_context():
        for change in db.session.scalars(select(Change).order_by(Change.id)):
            change.at = CHANGES_FROM + dt.timedelta(minutes=change.id)
        db.session.commit()


def fail(rec, app, tokens: dict[str, str], stale_etag: str, make_app, tmp: str) -> None:
    """One real failing request per shared error response."""
    write_auth = {"Authorization": f"Bearer {tokens['write']}"}
    actor_url = f"/api/v1/actors/{ACTOR['slug']}"
    rec.record_problem("BAD_REQUEST", "get", "/api/v1/positions?limit=0", 400)
    rec.record_problem("NOT_FOUND", "get", "/api/v1/actors/boris-johnson", 404)
    rec.record_problem("NOT_ACCEPTABLE", "get", f"/api/v1/briefings/{BRIEFING}", 406,
                       headers={"Accept": "application/pdf"})
    rec.record_problem("UNAUTHORIZED", "post", "/api/v1/actors", 401, body=ACTOR)
    rec.record_problem("FORBIDDEN", "post", "/api/v1/actors", 403, body=ACTOR,
                       headers={"Authorization": f"Bearer {tokens['read']}"})
    paraphrase = {**ACTOR, "slug": "un-peacekeepers", "citations": [{"quote": "which would deploy UN peacekeepers"}]}
    rec.record_problem("UNPROCESSABLE_ENTITY", "post", "/api/v1/actors", 422, body=paraphrase, headers=write_auth)
    rec.record_problem("CONFLICT", "post", "/api/v1/actors", 409, headers=write_auth, body={
        "briefing": BRIEFING, "slug": "emmanuel-macron", "name": "Emmanuel Macron", "kind": "person",
        "citations": [{"quote": "according to Emmanuel Macron"}]})
    role = {"role": "Peacekeepers"}
    rec.record_problem("PRECONDITION_REQUIRED", "patch", actor_url, 428, body=role, headers=write_auth)
    rec.record_problem("PRECONDITION_FAILED", "patch", actor_url, 412, body=role,  # the ETag before the update
                       headers={**write_auth, "If-Match": stale_etag})
    # A JSON Merge Patch document is refused: a PATCH body is a partial record sent as application/json.
    rec.keep_problem("BODY_NOT_JSON", rec.client.patch(actor_url, data=json.dumps(role), headers={
        **write_auth, "If-Match": "*", "Content-Type": "application/merge-patch+json"}), 415)
    rec.record_problem("DEFAULT_ERROR", "patch", f"/api/v1/documents/{DOCUMENT}", 405,
                       body={"name": "Macron announces €2 billion in military aid"},
                       headers={**write_auth, "If-Match": "*"})
    source = rec.client.get(f"/api/v1/documents/{DOCUMENT}").get_json()["text"]
    cap = app.config["MAX_CONTENT_LENGTH"]
    rec.record_problem("BODY_TOO_LARGE", "post", "/api/v1/documents", 413, headers=write_auth, body={
        **DESK_NOTE, "slug": "lemonde-archive-dump", "text": source * (cap // len(source) + 1)})
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="1/second").test_client()
    for _ in range(10):  # the second request inside a one-second window is refused
        response = limited.get("/api/v1/actors?limit=2")
        if response.status_code == 429:
            break
    rec.keep_problem("RATE_LIMITED", response, 429)
    # A database that cannot be opened (the path is a folder): the readiness probe's 503.
    unreachable = make_app(DATABASE_URL=f"sqlite:///{tmp}").test_client()
    rec.record_problem("SERVICE_UNAVAILABLE", "get", "/readyz", 503, client=unreachable)
