"""Navigable pages: every citation link of the briefing (HTML and Markdown) lands on an anchor of the document
view that sits where its span starts, and the briefing page carries an anchor for each record it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import select

from service.briefings import compose as briefing_compose
from service.briefings import pages
from service.briefings.render import attribution, render_markdown
from service.extensions import db
from service.models import Actor, Citation, Document, Proposal
from tests.helpers import BRIEFING
from tests.test_briefing_markdown import PAYLOAD, Shape, hostile

URL = f"/api/v1/briefings/{BRIEFING}"
HTML = {"Accept": "text/html"}
SPAN_URL = re.compile(r"^/api/v1/documents/([a-z0-9-]+)#(span-(\d+)-(\d+))$")


class Page(HTMLParser):
    """Every id (with the cited segment it sits in, if any) and every href of a page."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self._segment = {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "cite" in (attrs.get("class") or "").split():
            self._segment = attrs
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"duplicate id {attrs['id']}"
            self.ids[attrs["id"]] = (attrs, self._segment)
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "a":
            self._segment = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def walk_citations(node):
    """The citations (the `citations` lists) anywhere in NODE: what the footnotes cite."""
    if isinstance(node, dict):
        yield from node.get("citations", [])
        for value in node.values():
            yield from walk_citations(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_citations(value)


def slug(document) -> str:
    return document["slug"] if isinstance(document, dict) else document


def test_document_view_has_an_anchor_at_the_start_of_every_cited_span(app, client):
    with app.app_context():
        documents = db.session.scalars(select(Document)).all()
        spans = {d.slug: {(c.start, c.end) for c in db.session.scalars(
            select(Citation).where(Citation.document_id == d.id))} for d in documents}
        texts = {d.slug: d.text for d in documents}
    assert any(spans.values())
    for doc, wanted in spans.items():
        response = client.get(f"/api/v1/documents/{doc}", headers=HTML)
        assert response.status_code == 200 and response.mimetype == "text/html"
        page = parse(response.get_data(as_text=True))
        anchors = {i for i in page.ids if i.startswith("span-")}
        assert anchors == {f"span-{s}-{e}" for s, e in wanted}
        for start, end in wanted:
            attrs, segment = page.ids[f"span-{start}-{end}"]
            assert attrs.get("class") == "anchor"
            if texts[doc][start:end].strip() and not texts[doc][start].isspace():
                # a span starting on text starts a highlighted segment, and the anchor is inside it
                assert segment is not None and int(segment["data-start"]) == start, (start, end, segment)


def test_briefing_page_citation_links_land_on_span_anchors(client):
    briefing = client.get(URL).get_json()
    citations = list(walk_citations(briefing))
    assert citations
    page = parse(client.get(URL, headers=HTML).get_data(as_text=True))
    span_links = [m for m in map(SPAN_URL.match, page.hrefs) if m]
    expected = {(slug(c["document"]), f"span-{c['start']}-{c['end']}") for c in citations}
    assert {(m[1], m[2]) for m in span_links} == expected
    assert not [h for h in page.hrefs if h.startswith("/api/v1/documents/") and not SPAN_URL.match(h)]
    views = {}
    for m in span_links:
        if m[1] not in views:
            views[m[1]] = parse(client.get(f"/api/v1/documents/{m[1]}", headers=HTML).get_data(as_text=True))
        assert m[2] in views[m[1]].ids, m[0]
    # the footnote superscripts go to the span too, not to the page's own notes
    assert not [h for h in page.hrefs if h.startswith("#note-")]


def test_briefing_page_has_an_anchor_for_each_record(client):
    b = client.get(URL).get_json()
    ids = parse(client.get(URL, headers=HTML).get_data(as_text=True)).ids
    wanted = {f"event-{e['slug']}" for e in b["timeline"]}
    wanted |= {f"actor-{a['slug']}" for g in b["whos_who"] for a in g["actors"]}
    wanted |= {f"aid-package-{p['slug']}" for p in b["aid_packages"]}
    wanted |= {f"aid-item-{i['slug']}" for p in b["aid_packages"] for i in p["items"]}
    wanted |= {f"aid-item-{i['slug']}" for i in b["other_aid"]}
    wanted |= {f"proposal-{p['slug']}" for p in b["proposals"]}
    wanted |= {f"position-{e['position']['slug']}" for p in b["proposals"]
               for side in ("supporters", "opponents", "others") for e in p[side]}
    assert len(wanted) > 20
    assert wanted - set(ids) == set()


def test_briefing_markdown_notes_link_to_spans(app):
    with app.test_request_context():
        composed = briefing_compose.compose(briefing_compose.load(BRIEFING))
        text = render_markdown(composed)
    notes = re.findall(r"^\[\^\d+\]: .*\]\((\S+)\)\)$", text, flags=re.M)
    assert len(notes) == len(re.findall(r"^\[\^\d+\]:", text, flags=re.M)) > 0
    assert all(SPAN_URL.match(n) for n in notes)
    assert {SPAN_URL.match(n)[2] for n in notes} == {
        f"span-{c['start']}-{c['end']}" for c in walk_citations(composed)}


ACTOR, PROPOSAL = "emmanuel-macron", "reassurance-force"


def composed_json(client) -> dict:
    return client.get(URL).get_json()


def positions_of(b: dict) -> list[dict]:
    return [p for row in b["stance_matrix"]["rows"] for cell in row["cells"] for p in cell["positions"]]


def check_page(client, url: str) -> Page:
    """The page at URL: HTML with the briefing page's headers, every footnote on a span anchor that exists."""
    response = client.get(url, headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    briefing = client.get(URL, headers=HTML)
    assert response.headers["Content-Security-Policy"] == briefing.headers["Content-Security-Policy"]
    assert "Accept" in response.headers["Vary"]
    page = parse(response.get_data(as_text=True))
    spans = [m for m in map(SPAN_URL.match, page.hrefs) if m]
    assert spans
    views = {}
    for m in spans:
        if m[1] not in views:
            views[m[1]] = parse(client.get(f"/api/v1/documents/{m[1]}", headers=HTML).get_data(as_text=True))
        assert m[2] in views[m[1]].ids, m[0]
    return page


def test_actor_page_shows_who_said_what_with_links(client):
    b = composed_json(client)
    page = check_page(client, f"/api/v1/actors/{ACTOR}")
    held = [p for p in positions_of(b) if p["holder"]["slug"] == ACTOR]
    assert held
    assert {f"position-{p['position']['slug']}" for p in held} <= set(page.ids)
    # links to the other actors' and the proposals' pages, and back into the briefing page
    others = {h for h in page.hrefs if h.startswith("/api/v1/actors/") and h != f"/api/v1/actors/{ACTOR}"}
    proposals = {h for h in page.hrefs if h.startswith("/api/v1/proposals/")}
    assert others and proposals
    for href in sorted(others | proposals):
        assert client.get(href, headers=HTML).status_code == 200, href
    briefing_ids = parse(client.get(URL, headers=HTML).get_data(as_text=True)).ids
    anchors = [h.split("#", 1)[1] for h in page.hrefs if h.startswith(URL + "#")]
    assert anchors and all(a in briefing_ids for a in anchors)


def test_proposal_page_shows_sides_how_surely_with_links(client):
    b = composed_json(client)
    entry = next(p for p in b["proposals"] if p["slug"] == PROPOSAL)
    response = client.get(f"/api/v1/proposals/{PROPOSAL}", headers=HTML)
    page = check_page(client, f"/api/v1/proposals/{PROPOSAL}")
    sides = entry["supporters"] + entry["opponents"] + entry["others"]
    assert sides and {f"position-{e['position']['slug']}" for e in sides} <= set(page.ids)
    text = response.get_data(as_text=True)
    for e in sides:  # how surely: the briefing page's attribution wording, hedges and all
        assert str(escape(attribution(e))) in text
    assert {f"/api/v1/actors/{a['slug']}" for a in entry["proposers"]} <= set(page.hrefs)


@pytest.mark.parametrize("url", [f"/api/v1/actors/{ACTOR}", f"/api/v1/proposals/{PROPOSAL}"])
def test_actor_and_proposal_stay_json_by_default_and_refuse_what_they_do_not_offer(client, url):
    plain = client.get(url)
    assert plain.status_code == 200 and plain.mimetype == "application/json" and plain.get_json()["slug"]
    assert "Accept" in plain.headers["Vary"]
    refused = client.get(url, headers={"Accept": "application/xml"})
    assert refused.status_code == 406 and refused.mimetype == "application/problem+json"
    assert "text/html" in refused.get_json()["detail"]


@pytest.mark.parametrize(("model", "slug", "render"), [(Actor, ACTOR, pages.actor_page),
                                                         (Proposal, PROPOSAL, pages.proposal_page)])
def test_actor_and_proposal_pages_escape_curated_text(app, monkeypatch, model, slug, render):
    """Rendered directly (the response cache would answer a request with the page rendered before)."""
    real = briefing_compose.compose
    monkeypatch.setattr(briefing_compose, "compose", lambda loaded: hostile(real(loaded)))
    with app.test_request_context():
        record = db.session.scalars(select(model).where(model.slug == slug)).one()
        shape = Shape(render(record).get_data(as_text=True))
    assert "script" not in shape.tags and not [h for h in shape.hrefs if h.startswith("javascript:")]
    assert " ".join(PAYLOAD.split()) in " ".join("".join(shape.text).split())
