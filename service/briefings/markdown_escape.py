"""Curated text made literal in Markdown (CommonMark and GFM), as Jinja's autoescape makes it literal in HTML.

A title, a name or a quote is text, never markup: without this a summary could carry raw HTML (`<script>`),
a `[link](javascript:...)`, a heading, a footnote reference `[^3]` or a `|` that splits a table row.
CommonMark lets any ASCII punctuation be backslash-escaped and then renders it as itself; only the
characters that can open or close a construct are escaped, so the source stays readable ("U.S." stays).
"""

from __future__ import annotations

import re

# Inline constructs: escapes, code, emphasis, strikethrough, links and footnotes, raw HTML and autolinks,
# entities, table cells, headings; `^` for renderers with superscripts.
INLINE = re.compile(r"([\\`*_\[\]<>&|~#^])")
# What opens a block at the start of a line: a list item (`-`, `+`, `1.`, `1)`) or a thematic break (`---`).
BULLET, ORDERED = re.compile(r"^( ?)([-+])"), re.compile(r"^( ?\d{1,9})([.)])")


def md(value: object) -> str:
    """VALUE as Markdown text that renders as VALUE, on one line: a run of white space, line breaks included,
    becomes one space (a blank line would end the paragraph, an indented one start a code block)."""
    text = INLINE.sub(r"\\\1", re.sub(r"\s+", " ", str("" if value is None else value)))
    return ORDERED.sub(r"\1\\\2", BULLET.sub(r"\1\\\2", text))
