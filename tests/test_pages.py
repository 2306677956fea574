"""Navigable pages: every citation link of the briefing (HTML and Markdown) lands on an anchor of the document
view that sits where its span starts, and the briefing page carries an anchor for each record it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from service import briefing_compose
from service.briefing_render import render_markdown
from service.extensions import db
from service.models import Citation, Document
from tests.helpers import BRIEFING

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
    wanted |= {f"position-{e['position']}" for p in b["proposals"]
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
