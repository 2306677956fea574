"""The briefing's Markdown keeps curated text literal: rendered by a real CommonMark/GFM renderer, hostile titles,
names, quotes and notes make no HTML, link, heading, table cell or footnote of their own."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from service.briefings import compose as briefing_compose
from service.briefings.markdown_escape import md
from service.briefings.render import render_html, render_markdown
from tests.helpers import BRIEFING

# Raw HTML, a javascript: link (inline and autolink), an entity, a heading and a list after a line break, a table
# pipe, a footnote reference and definition, emphasis, code, strikethrough, a thematic break.
PAYLOAD = ('<script>alert(1)</script> <a href="javascript:alert(2)">x</a> [click](javascript:alert(3)) '
           '<javascript:alert(4)> &lt;b&gt; | cell [^1]\n# Injected heading\n1. item\n'
           '[^1]: note *em* `code` ~~s~~\n---')
# Keys whose values are identifiers or vocabulary the rendering looks up, not curated text.
STRUCTURAL = {"slug", "document", "documents", "voice", "speech", "factuality", "polarity", "factbank", "status",
              "stance", "kind", "key", "column", "field", "basis", "currency", "date_provenance", "date_precision",
              "topic", "approximation", "source", "country", "position", "review_status"}


def hostile(node, key: str = ""):
    """NODE with every curated string replaced by PAYLOAD, and every record disputed with PAYLOAD as its note."""
    if isinstance(node, dict):
        copy = {k: hostile(v, k) for k, v in node.items()}
        if "review_status" in copy:
            copy["review_status"], copy["review_note"] = "disputed", PAYLOAD
        return copy
    if isinstance(node, list):
        return [hostile(value, key) for value in node]
    return PAYLOAD if isinstance(node, str) and key not in STRUCTURAL else node


def gfm() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


class Shape(HTMLParser):
    """The tags of an HTML fragment (with the href of each link) and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture()
def composed(app) -> dict:
    with app.test_request_context():
        return briefing_compose.compose(briefing_compose.load(BRIEFING))


def test_render_briefing_markdown_with_hostile_curated_text_makes_no_markup_of_it(app, composed):
    with app.test_request_context():
        plain, attacked = Shape(gfm().render(render_markdown(composed))), \
            Shape(gfm().render(render_markdown(hostile(composed))))
    # The only links: the footnotes' own, and each note's link to its span in the document view.
    assert "script" not in attacked.tags and not [h for h in attacked.hrefs if not h.startswith("#fn")
                                                  and not re.fullmatch(r"/api/v1/documents/[a-z0-9-]+#span-\d+-\d+", h)]
    # The same headings, table rows and cells, list items and footnotes as the real briefing: nothing injected.
    assert {tag: attacked.tags[tag] for tag in plain.tags} == dict(plain.tags)
    assert set(attacked.tags) <= set(plain.tags)
    text = " ".join("".join(attacked.text).split())
    literal = " ".join(PAYLOAD.split())
    assert text.count(literal) >= 100, text[:2000]
    assert re.search(r"<h1>(.*?)</h1>", gfm().render(render_markdown(hostile(composed)))).group(1) == \
        literal.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_render_briefing_html_with_hostile_curated_text_escapes_it(app, composed):
    with app.test_request_context():
        page = Shape(render_html(hostile(composed)))
    assert "script" not in page.tags and not [h for h in page.hrefs if h.startswith("javascript:")]
    assert page.tags["h1"] == 1 and " ".join(PAYLOAD.split()) in " ".join("".join(page.text).split())


@pytest.mark.parametrize(("text", "escaped"), [
    ("1. not a list", "1\\. not a list"), ("- not a bullet", "\\- not a bullet"), ("---", "\\---"),
    ("a | b", "a \\| b"), ("[^2]", "\\[\\^2\\]"), ("U.S. (2025)", "U.S. (2025)"), ("two\n\nlines", "two lines"),
])
def test_md_escapes_only_what_opens_a_construct(text, escaped):
    assert md(text) == escaped
