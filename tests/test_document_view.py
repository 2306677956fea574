"""The annotated source view: GET /api/v1/documents/{slug} as text/html, checked as markup and in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.browser import browser, csp_violations, live_server, screenshot  # noqa: F401
from tests.conftest import SOURCE_FILE
from tests.helpers import BRIEFING, all_items, assert_problem

DOC = "lemonde-2025-03-26-coalition-of-the-willing"
URL = f"/api/v1/documents/{DOC}"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
TEXT = SOURCE_FILE.read_text(encoding="utf-8")


class Highlights(HTMLParser):
    """Collects the highlighted spans, the record links and anything that would load an external asset."""

    def __init__(self):
        super().__init__()
        self.spans, self.record_links, self.assets, self._open = [], set(), [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "cite" in (attrs.get("class") or "").split():
            self._open = {**attrs, "text": ""}
        if tag == "a" and attrs.get("class") == "record":
            self.record_links.add(attrs["href"])
        source = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if tag == "script" or (source is not None and not source.startswith("data:")):
            self.assets.append((tag, attrs))

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.spans.append(self._open)
            self._open = None


def parse(response) -> Highlights:
    parser = Highlights()
    parser.feed(response.get_data(as_text=True))
    return parser


def cited_ranges(client) -> set[int]:
    """Every character offset some served citation covers (records, nested records, relations)."""
    chars = set()
    records = [r for url in ("/api/v1/actors", "/api/v1/positions", "/api/v1/aid-packages",
                             "/api/v1/aid-items", "/api/v1/proposals", "/api/v1/events")
               for r in all_items(client, url)]
    records += [child for r in records for child in r.get("conditions", []) + r.get("attributes", [])]
    records += [rel for actor in all_items(client, "/api/v1/actors")
                for rel in all_items(client, f"/api/v1/actors/{actor['slug']}/relations")]
    for record in records:
        spans = [*record["citations"], *record.get("hedges", []), *record.get("quoted_words", []),
                 *record.get("date_evidence", []), *record.get("quantities", [])]
        spans += [record["cue"]] if record.get("cue") else []
        for span in spans:
            chars.update(range(span["start"], span["end"]))
    return chars


def test_get_document_as_html_serves_a_self_contained_page(client):
    response = client.get(URL, headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html" and response.headers["Vary"] == "Accept, Accept-Encoding"
    page = parse(response)
    assert page.assets == []
    assert "http://" not in response.get_data(as_text=True) and "https://" not in response.get_data(as_text=True)


def test_get_document_as_html_highlights_exactly_the_cited_characters(client):
    page = parse(client.get(URL, headers=HTML))
    highlighted = set()
    for span in page.spans:
        start, end = int(span["data-start"]), int(span["data-end"])
        assert TEXT[start:end] == span["text"]
        highlighted.update(range(start, end))
    assert highlighted == cited_ranges(client)


def test_get_document_as_html_links_highlights_to_the_records_citing_them(client):
    page = parse(client.get(URL, headers=HTML))
    billion = next(s for s in page.spans if "€2 billion" in s["text"])
    assert billion["href"] == f"#src-{billion['data-start']}"
    [package] = all_items(client, "/api/v1/aid-packages?donor=france")
    assert str(package["id"]) in billion["data-records"].split()
    # Each record links to a human page: its own (actors, proposals) or its anchor in the briefing page.
    assert f"/api/v1/briefings/{BRIEFING}#aid-package-{package['slug']}" in page.record_links
    briefing_ids = set(re.findall(r' id="([^"]+)"', client.get(f"/api/v1/briefings/{BRIEFING}", headers=HTML)
                                  .get_data(as_text=True)))
    for url in sorted(page.record_links):
        path, _, fragment = url.partition("#")
        response = client.get(path, headers=HTML)
        assert response.status_code == 200 and response.mimetype == "text/html", url
        assert not fragment or fragment in briefing_ids, url
    assert any("#" not in url for url in page.record_links) and any("#" in url for url in page.record_links)


def test_get_document_as_html_marks_cues_and_hedges_apart_from_content(client):
    spans = parse(client.get(URL, headers=HTML)).spans
    roles = {span["text"]: set(span["class"].split()) for span in spans}
    assert "cue" in roles["In the French president's view"] and "hedge" not in roles["In the French president's view"]
    assert "hedge" in roles["seems"] and "hedge" in roles["for example"]
    assert "quoted" in roles["far too early"]
    plain = [text for text, classes in roles.items() if not classes & {"cue", "hedge", "quoted"}]
    assert "Milan anti-tank missiles" in plain


def test_get_document_as_json_by_default_varies_on_accept(client):
    for accept in ("*/*", "application/json"):
        response = client.get(URL, headers={"Accept": accept})
        assert response.mimetype == "application/json" and response.headers["Vary"] == "Accept, Accept-Encoding"
        assert response.get_json()["text"] == TEXT


def test_get_unknown_document_as_html_is_problem_404(client):
    assert_problem(client.get("/api/v1/documents/nope", headers=HTML), 404)


def test_render_document_view_in_chromium_shows_highlights(browser, live_server, backend):  # noqa: F811
    csp_violations(browser)
    browser.get(live_server + URL)
    assert csp_violations(browser) == []  # styled by the inline block its Content-Security-Policy hashes
    assert "annotated source" in browser.title
    highlights = browser.find_elements("css selector", "article a.cite")
    assert len(highlights) > 100
    colour = browser.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", highlights[0])
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    billion = next(h for h in highlights if "€2 billion" in h.text)
    billion.click()
    target = browser.find_element("css selector", f"#src-{billion.get_attribute('data-start')}")
    assert browser.current_url.endswith(f"#src-{billion.get_attribute('data-start')}")
    assert target.is_displayed()
    assert any(f"/api/v1/briefings/{BRIEFING}#aid-package-" in a.get_attribute("href")
               for a in target.find_elements("css selector", "a.record"))
    browser.execute_script("window.scrollTo(0, 0)")
    path = screenshot(browser, f"document-view-{backend}")
    assert path.stat().st_size > 20_000
