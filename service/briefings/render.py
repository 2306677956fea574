"""The composed briefing as Markdown and as an HTML page, every statement footnoted to its quote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask import render_template
from markupsafe import Markup

from service.briefings.markdown_escape import md

STANCE_GROUPS = {
    "supports": "for", "proposes": "for", "announces": "for", "demands": "push", "urges": "push",
    "opposes": "against", "rejects": "against", "conditional": "conditional", "assesses": "neutral",
    "reports": "neutral", "discusses": "neutral", "questions": "neutral", "warns": "against", "mixed": "mixed",
}
SPEECH_LABELS = {"direct": "quoted", "partial": "partly quoted", "reported": "reported", "outlet": "in its own voice"}
DATE_BASES = {"stated": "date stated", "inferred": "date inferred", "outside": "date from outside the source",
              "unstated": "no date in the source"}
SYMBOLS = {"EUR": "\u20ac", "USD": "$", "GBP": "\u00a3"}


def doc_slug(citation: dict) -> str:
    """A citation's document: a slug, or a reference object carrying one."""
    document = citation["document"]
    return document["slug"] if isinstance(document, dict) else document


def span_url(citation: dict) -> str:
    """Where the cited passage is highlighted: the document view, at the span's anchor (see documents.py)."""
    return f"/api/v1/documents/{doc_slug(citation)}#span-{citation['start']}-{citation['end']}"


class Footnotes:
    """Numbers citations in order of first appearance; the same passage keeps its number."""

    def __init__(self) -> None:
        self.notes: list[dict] = []
        self._numbers: dict[tuple, int] = {}

    def numbers(self, citations: list[dict]) -> list[int]:
        found = []
        for citation in citations:
            key = (doc_slug(citation), citation["start"], citation["end"])
            if key not in self._numbers:
                self.notes.append(citation)
                self._numbers[key] = len(self.notes)
            if self._numbers[key] not in found:
                found.append(self._numbers[key])
        return found

    def markdown(self, citations: list[dict]) -> str:
        return "".join(f"[^{n}]" for n in self.numbers(citations))

    def html(self, citations: list[dict]) -> Markup:
        return Markup("").join(
            Markup('<sup class="fn"><a href="{2}" title="{1}">{0}</a></sup>').format(
                n, self.notes[n - 1]["quote"], span_url(self.notes[n - 1]))
            for n in self.numbers(citations))


def day(value: dt.date | None, precision: str | None = "day") -> str:
    if value is None:
        return "undated"
    if precision == "month":
        return f"{value:%B %Y}"
    if precision == "year":
        return f"{value.year}"
    return ("about " if precision == "approximate" else "") + f"{value.day} {value:%B %Y}"


def attribution(claim: dict) -> str:
    """Who says it and how, in words: 'Le Monde, in its own voice' or '“In the French president's view” (partly
    quoted)'; with the hedge and the factuality when it is not certain."""
    if claim["voice"] == "outlet":
        said = f"{(claim['speaker'] or {}).get('name', 'the outlet')}, in its own voice"
    else:
        cue = f"\u201c{claim['cue']['quote']}\u201d" if claim["cue"] else "no cue"
        said = f"{cue}, {SPEECH_LABELS.get(claim['speech'] or '', claim['speech'] or '')}"
        reporter = claim["reported_by"]
        if reporter and reporter["kind"] != "outlet":  # an intermediary ("according to the Elysée, Macron ...")
            said += f", reported by {reporter['name']}"
    return said + hedging(claim)


def reviewed(record: dict, esc: Callable[[str], str] = str) -> str:
    """' [disputed: why]' or ' [reviewed]'; nothing for a record as extracted. ESC escapes the note (the
    Markdown passes md(); the HTML page's autoescape escapes the whole phrase)."""
    if record["review_status"] == "disputed":
        return f" [disputed: {esc(record['review_note'])}]"
    return " [reviewed]" if record["review_status"] == "reviewed" else ""


def outside(record: dict, field: str) -> str:
    """' (outside the source)' when RECORD's FIELD is outside knowledge, else ''."""
    return " (outside the source)" if any(p["field"] == field and p["basis"] == "outside"
                                          for p in record["provenance"]) else ""


def hedging(claim: dict) -> str:
    if claim["factuality"] == "certain":
        return ""
    words = ", ".join(f"\u201c{h['quote']}\u201d" for h in claim["hedges"])
    return f"; {claim['factuality']}" + (f", hedged by {words}" if words else "")


def money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "amount not stated"
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if amount >= size:
            number = f"{amount / size:.2f}".rstrip("0").rstrip(".") + f" {word}"
            break
    else:
        number = f"{amount:,.2f}".removesuffix(".00")
    symbol = SYMBOLS.get(currency or "")
    return f"{symbol}{number}" if symbol else f"{number} {currency or ''}".strip()


def label(value: str | None) -> str:
    return (value or "").replace("_", " ")


def gap_label(earlier: dt.date, later: dt.date) -> str | None:
    """'3 years later' between timeline events far apart, so the drawing shows the jump."""
    days = (later - earlier).days
    if days >= 365:
        return f"{days // 365} year{'s' if days >= 730 else ''} later"
    if days >= 60:
        return f"{days // 30} months later"
    return None


def render_html(briefing: dict) -> str:
    notes = Footnotes()
    events = briefing["timeline"]
    gaps = [None] + [gap_label(a["date"], b["date"]) if a["date"] and b["date"] else None
                     for a, b in zip(events, events[1:], strict=False)]
    grid = {(row["holder"]["slug"], cell["column"]): cell
            for row in briefing["stance_matrix"]["rows"] for cell in row["cells"]}
    return render_template("briefing.html", b=briefing, fn=notes.html, notes=notes, day=day, money=money,
                           label=label, gaps=gaps, grid=grid, group=STANCE_GROUPS, cell_class=cell_class,
                           attribution=attribution, marks=marks, outside=outside, date_bases=DATE_BASES,
                           reviewed=reviewed, span_url=span_url,
                           sources={s["slug"]: s for s in briefing["sources"]})


def cell_class(cell: dict) -> str:
    """A matrix cell takes its positions' colour when they lean the same way, else stays white; hedged and
    outlet-voiced cells are marked too."""
    groups = {STANCE_GROUPS[p["stance"]] for p in cell["positions"]}
    classes = [groups.pop() if len(groups) == 1 else "mixed"]
    classes += [name for name in ("hedged", "outlet") if cell[name]]
    return " ".join(classes)


def marks(entry: dict) -> str:
    """The matrix's marks for a position: ~ hedged (not certain), * the outlet's own voice."""
    return ("~" if entry["factuality"] != "certain" else "") + ("*" if entry["voice"] == "outlet" else "")


def render_markdown(b: dict) -> str:
    """Every curated string passes through md() (markdown_escape.py) on its way in, whole phrases made of
    it too (attribution(), day(), label() ...): what stays raw is only the Markdown this function writes."""
    fn = Footnotes()
    out = [f"# {md(b['name'])}", "", md(b["summary"]), ""]
    out += ["Sources: " + "; ".join(f"{md(s['publisher'] or 'Unknown outlet')}, *{md(s['name'])}*, "
                                   f"{day(s['date'])}" for s in b["sources"]), "",
            "Every statement says who says it: an actor, with the words that introduce it, or the outlet in its "
            "own voice; and how surely, when the source hedges it.", "",
            "Review: " + ", ".join(f"{n} {md(status)}" for status, n in b["review"].items()) + ".", ""]
    out += ["## Timeline", ""]
    for e in b["timeline"]:
        where = f" ({md(e['place'])})" if e["place"] else ""
        who = ", ".join(md(p["name"]) for p in e["participants"])
        when = day(e["date"], e["date_precision"]) + (f", {DATE_BASES[e['date_provenance']]}" if e["date"] else "")
        out.append(f"- **{md(when)}** [{md(label(e['status']))}]: {md(e['name'])}{where}{fn.markdown(e['citations'])}"
                   + (f". With {who}." if who else "")
                   + (f" ({md(hedging(e).removeprefix('; '))})" if hedging(e) else "") + reviewed(e, md))
    out += ["", "## Who's who"]
    for group in b["whos_who"]:
        out += ["", f"### {md(group['label'])}", ""]
        for a in group["actors"]:
            extra = [x for x in (a["role"] and a["role"] + outside(a, "role"),
                                 a["parent"] and a["parent"]["name"] + outside(a, "parent")) if x]
            aliases = [alias for alias in a["aliases"] if alias.casefold() != a["name"].casefold()]
            aka = f" Also called: {md(', '.join(aliases))}." if aliases else ""
            out.append(f"- **{md(a['name'])}**" + (f", {md('; '.join(extra))}" if extra else "")
                       + f"{fn.markdown(a['citations'])}.{aka}{reviewed(a, md)}")
    matrix = b["stance_matrix"]
    out += ["", "## Stance matrix", "",
            "`~` hedged (not certain); `*` the outlet's own voice, not an actor's.", "",
            "| Holder | " + " | ".join(md(c["label"]) for c in matrix["columns"]) + " |",
            "|---" * (len(matrix["columns"]) + 1) + "|"]
    for row in matrix["rows"]:
        cells = {c["column"]: c for c in row["cells"]}
        out.append(f"| {md(row['holder']['name'])} | " + " | ".join(
            "; ".join(f"{md(p['stance'])}{marks(p)}{fn.markdown(p['citations'])}"
                      for p in cells[c["key"]]["positions"])
            if c["key"] in cells else "" for c in matrix["columns"]) + " |")
    out += ["", "### Positions on topics", ""]
    for column in (c for c in matrix["columns"] if c["kind"] == "topic"):
        for row in matrix["rows"]:
            for cell in (c for c in row["cells"] if c["column"] == column["key"]):
                out += [_stance_line(p, fn, f"{md(column['label'])}: ") for p in cell["positions"]]
    out += ["", "## Aid packages"]
    for p in b["aid_packages"]:
        amount = money(p["amount"], p["currency"])
        out += ["", f"### {md(p['donor']['name'])} to {md(p['recipient']['name'])}: {md(amount)}",
                "", f"Announced {md(day(p['date']))}"
                + (f" by {md(p['announced_by']['name'])}" if p["announced_by"] else "")
                + (f"; schedule: {md(p['delivery_schedule'])}" if p["delivery_schedule"] else "")
                + f".{fn.markdown(p['citations'])}", ""]
        if p["summary"]:
            out += [md(p["summary"]), ""]
        out += _item_table(p["items"], fn)
    if b["other_aid"]:
        out += ["", "### Aid mentioned outside any package", ""] + _item_table(b["other_aid"], fn)
    out += ["", "## Proposals"]
    for p in b["proposals"]:
        out += ["", f"### {md(p['name'])} ({md(label(p['status']))})", "",
                md(p["description"]) + fn.markdown(p["citations"])]
        if p["proposers"]:
            out += ["", "Proposed by " + ", ".join(md(a["name"]) for a in p["proposers"]) + "."]
        if p["mandate"]:
            out += ["", f"Mandate: {md(p['mandate'])}."]
        sections = [("Attributes", [f"- {md(label(a['key']).capitalize())}: {md(a['value'])} ({md(attribution(a))})"
                                    f"{fn.markdown(a['citations'])}{reviewed(a, md)}"
                                    for a in p["attributes"] if a["key"] != "obstacle"]),
                    ("Supporters", [_stance_line(e, fn) for e in p["supporters"]]),
                    ("Opponents", [_stance_line(e, fn) for e in p["opponents"]]),
                    ("Other positions", [_stance_line(e, fn) for e in p["others"]]),
                    ("Obstacles", [f"- {md(o['text'])} ({md(attribution_short(o))}){fn.markdown(o['citations'])}"
                                   for o in p["obstacles"]])]
        for title, lines in sections:
            if lines:
                out += ["", f"**{title}**", "", *lines]
    out += ["", "## Notes", ""]
    # A document's slug is a slug ([a-z0-9-], checked on every write): safe inside a code span as it is.
    out += [f"[^{n}]: {md(c['reference'])} ([`{doc_slug(c)}`, characters {c['start']}-{c['end']}]({span_url(c)}))"
            for n, c in enumerate(fn.notes, 1)]
    return "\n".join(out) + "\n"


def _item_table(items: list[dict], fn: Footnotes) -> list[str]:
    out = ["| System | Category | Role | Quantity | Status | Who says it | Source |", "|---|---|---|---|---|---|---|"]
    out += [f"| {md(i['system'] or i['description'])} | {md(i['category'])} | {md(i['role'])} | "
            f"{md(i['quantity'])} | {md(label(i['status']))} | {md(attribution_short(i))} | "
            f"{fn.markdown(i['citations'])}{reviewed(i, md)} |" for i in items]
    return out


def _speaker(claim: dict) -> str:
    return (claim["speaker"] or {}).get("name", "unattributed")


def attribution_short(obstacle: dict) -> str:
    """An obstacle restated: who says it, and its hedge."""
    said = f"{_speaker(obstacle)}, in its own voice" if obstacle["voice"] == "outlet" else _speaker(obstacle)
    if obstacle["cue"] and obstacle["voice"] != "outlet":
        said += f", \u201c{obstacle['cue']['quote']}\u201d"
    return said + hedging(obstacle)


def _stance_line(entry: dict, fn: Footnotes, prefix: str = "") -> str:
    """PREFIX is Markdown already (escaped by the caller)."""
    about = f" (about {md(entry['about']['name'])})" if entry["about"] else ""
    conditions = "".join(f" Condition ({md(label(c['kind']))}; {md(attribution(c))}): {md(c['description'])}"
                         f"{fn.markdown(c['citations'])}" for c in entry["conditions"])
    speaker = "" if entry["speaker"] is None or entry["speaker"]["slug"] == entry["holder"]["slug"] else \
        f", said by {md(entry['speaker']['name'])}"
    return (f"- {prefix}**{md(entry['holder']['name'])}** {md(entry['stance'])}{about}{speaker} "
            f"({md(attribution(entry))}): {md(entry['summary'])}{fn.markdown(entry['citations'])}"
            f"{reviewed(entry, md)}{conditions}")
