"""The composed briefing: one document of every record of a briefing (compose.py), rendered as Markdown and HTML
(render.py), and the HTML pages of an actor or a proposal (pages.py)."""
