"""The briefing as an HTML page, rendered by headless Chromium: timeline drawn, matrix coloured, footnotes."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser import browser, csp_violations, live_server, screenshot  # noqa: F401

URL = "/api/v1/briefings/coalition-of-the-willing-paris-2025"


@pytest.fixture()
def page(browser, live_server, client):  # noqa: F811
    """The briefing page as Chromium renders it (Chromium sends its usual Accept: text/html,...)."""
    csp_violations(browser)  # drop what earlier pages left in the console
    browser.get(live_server + URL)
    assert browser.title == client.get(URL).get_json()["name"]
    return browser


def distinct_spans(node) -> set[tuple]:
    """(document, start, end) of every citation (a record's `citations`) anywhere in the composed JSON."""
    if isinstance(node, dict):
        own = {(c["document"]["slug"], c["start"], c["end"]) for c in node.get("citations", [])}
        return own.union(*(distinct_spans(value) for key, value in node.items() if key != "citations"))
    if isinstance(node, list):
        return set().union(*(distinct_spans(value) for value in node))
    return set()


def rgb(css_colour: str) -> tuple[int, ...]:
    return tuple(int(part) for part in css_colour[css_colour.index("(") + 1:-1].split(",")[:3])


def test_render_briefing_page_saves_a_full_page_screenshot(page, backend):
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(1280, min(height, 16000))
    try:
        path = screenshot(page, f"briefing-page-{backend}")
    finally:
        page.set_window_size(1280, 1600)
    assert path.stat().st_size > 50_000


def test_render_briefing_page_draws_the_timeline(page, client):
    events = page.find_elements(By.CSS_SELECTOR, "ol.timeline li.event")
    assert len(events) == len(client.get(URL).get_json()["timeline"])
    width, colour = page.execute_script(
        "const s = getComputedStyle(document.querySelector('ol.timeline'), '::before');"
        "return [s.width, s.backgroundColor]")
    assert float(width.removesuffix("px")) >= 2 and colour != "rgba(0, 0, 0, 0)"
    dots = [page.execute_script("return getComputedStyle(arguments[0], '::before').borderTopWidth", e)
            for e in events]
    assert all(float(d.removesuffix("px")) > 0 for d in dots)
    dates = [e.find_element(By.TAG_NAME, "time").get_attribute("datetime") for e in events]
    dated = [d for d in dates if d is not None]  # undated (ongoing, hypothetical) events come last
    assert dates == sorted(dated) + [None] * (len(dates) - len(dated))
    assert "years later" in page.find_element(By.CSS_SELECTOR, "ol.timeline li.gap").text


def test_render_briefing_page_colours_the_stance_matrix(page):
    def background(stance: str) -> tuple[int, ...]:
        cell = page.find_element(By.CSS_SELECTOR, f"table.matrix td.cell[data-stance='{stance}']")
        return rgb(cell.value_of_css_property("background-color"))

    red, green, blue = background("opposes"), background("proposes"), background("demands")
    assert red[0] > red[1] and green[1] > green[0] and blue[2] > blue[0]
    empty = page.find_element(By.CSS_SELECTOR, "table.matrix td.cell.empty")
    assert rgb(empty.value_of_css_property("background-color")) not in (red, green, blue)


def test_render_briefing_page_footnotes_every_statement_to_its_quote(page, client):
    notes = page.find_elements(By.CSS_SELECTOR, "ol.notes li")
    # Each mark N links where note N's "characters S-E" link goes: the cited span in the document view.
    marks = page.execute_script(
        "return [...document.querySelectorAll('sup.fn a')].map(a => [a.textContent, a.getAttribute('href'),"
        " document.querySelector('#note-' + a.textContent + ' a').getAttribute('href')])")
    assert marks and all(href == note_href and "#span-" in href for _, href, note_href in marks)
    assert {f"note-{n}" for n, _, _ in marks} == {note.get_attribute("id") for note in notes}
    assert len(notes) == len(distinct_spans(client.get(URL).get_json()))
    document = client.get("/api/v1/documents/lemonde-2025-03-26-coalition-of-the-willing").get_json()
    first = page.find_element(By.ID, "note-1")
    quote = first.find_element(By.TAG_NAME, "q").text
    assert quote and quote in document["text"]
    assert "Le Monde" in first.text and "26 March 2025" in first.text


def test_render_briefing_page_tells_hedged_and_outlet_claims_apart(page):
    outlet = page.find_elements(By.CSS_SELECTOR, "table.matrix td.cell[data-outlet='true']")
    hedged = page.find_elements(By.CSS_SELECTOR, "table.matrix td.cell[data-hedged='true']")
    firm = page.find_element(By.CSS_SELECTOR, "table.matrix td.cell[data-hedged='false'][data-outlet='false'] .stance")
    assert outlet and hedged
    stripes = outlet[0].find_element(By.CSS_SELECTOR, ".stance").value_of_css_property("background-image")
    dashes = hedged[0].find_element(By.CSS_SELECTOR, ".stance").value_of_css_property("outline-style")
    assert "gradient" in stripes and firm.value_of_css_property("background-image") == "none"
    assert dashes == "dashed" and firm.value_of_css_property("outline-style") == "none"
    said = [li.text for li in page.find_elements(By.CSS_SELECTOR, "ul.said li.voice-outlet")]
    assert any("Le Monde, in its own voice; probable, hedged by “seems”" in text for text in said)


def test_render_briefing_page_fetches_nothing_else(page):
    resources = page.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert resources == []
    assert page.find_elements(By.CSS_SELECTOR, "link[rel=stylesheet], script[src], img[src^=http]") == []


def test_render_briefing_page_breaks_no_rule_of_its_content_security_policy(page, live_server):  # noqa: F811
    policy = page.execute_script("return fetch(arguments[0]).then(r => r.headers.get('Content-Security-Policy'))",
                                 live_server + URL)
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    assert csp_violations(page) == []  # its inline CSS is the block the policy hashes: the page is styled
