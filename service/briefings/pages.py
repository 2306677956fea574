"""HTML pages of an actor ("who said what") and of a proposal: drawn from the composed briefing the record
belongs to, so they speak the briefing page's vocabulary (briefing_render: attribution, stance chips, hedges)
and share its frame and macros (templates/_base.html, _macros.html). Every statement is footnoted to its quote,
each footnote linking to the highlighted span of the document view."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_smorest import abort

from service.briefings import compose as briefing_compose
from service.briefings import render as briefing_render
from service.models import Actor, Proposal, Record

JSON, HTML = "application/json", "text/html"
VARY = {"Vary": {"description": "`Accept`: the same URL serves JSON or HTML", "schema": {"type": "string"}}}


def wants_html() -> bool:
    """Whether Accept prefers the HTML page to the JSON record (JSON when Accept is absent); a 406 problem
    when it accepts neither, as the briefing's negotiation answers."""
    offered = (JSON, HTML)
    media_type = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else JSON
    if media_type is None:
        abort(406, message=f"This resource is available as {', '.join(offered)}.")
    return media_type == HTML


def _composed(briefing_slug: str) -> dict:
    loaded = briefing_compose.load(briefing_slug)
    assert loaded is not None  # a record's briefing exists (a foreign key)
    return briefing_compose.compose(loaded)


def _helpers(composed: dict) -> dict:
    notes = briefing_render.Footnotes()
    return {"fn": notes.html, "notes": notes, "day": briefing_render.day, "money": briefing_render.money,
            "label": briefing_render.label, "group": briefing_render.STANCE_GROUPS,
            "attribution": briefing_render.attribution, "span_url": briefing_render.span_url,
            "date_bases": briefing_render.DATE_BASES, "outside": briefing_render.outside,
            "sources": {s["slug"]: s for s in composed["sources"]}, "briefing": composed}


def _page(template: str, **context) -> Response:
    html = render_template(template, **context)
    return current_app.response_class(html, mimetype="text/html", headers={"Vary": "Accept"})


def _positions(composed: dict) -> list[tuple[dict, dict]]:
    """(column, position) for every position of the briefing, in the stance matrix's order."""
    columns = {c["key"]: c for c in composed["stance_matrix"]["columns"]}
    return [(columns[cell["column"]], p) for row in composed["stance_matrix"]["rows"]
            for cell in row["cells"] for p in cell["positions"]]


def _is(ref: dict | None, slug: str) -> bool:
    return ref is not None and ref["slug"] == slug


def actor_page(actor: Actor) -> Response:
    composed = _composed(actor.briefing.slug)
    slug = actor.slug
    who = next((a for g in composed["whos_who"] for a in g["actors"] if a["slug"] == slug), None)
    positions = _positions(composed)
    return _page(
        "actor.html", actor=actor, who=who, **_helpers(composed),
        held=[(c, p) for c, p in positions if _is(p["holder"], slug)],
        spoken=[(c, p) for c, p in positions if _is(p["speaker"], slug) and not _is(p["holder"], slug)],
        about=[(c, p) for c, p in positions if _is(p["about"], slug)],
        events=[e for e in composed["timeline"] if any(_is(a, slug) for a in e["participants"])],
        packages=[p for p in composed["aid_packages"]
                  if any(_is(p[k], slug) for k in ("donor", "recipient", "announced_by"))],
        proposals=[p for p in composed["proposals"] if any(_is(a, slug) for a in p["proposers"])])


def proposal_page(proposal: Proposal) -> Response:
    composed = _composed(proposal.briefing.slug)
    entry = next(p for p in composed["proposals"] if p["slug"] == proposal.slug)
    return _page("proposal.html", p=entry, **_helpers(composed))


# Where a reader sees a record: actors and proposals on their own pages, the rest at their anchor in the
# briefing page (templates/briefing.html gives each an id `<prefix>-<slug>`).
ANCHORS = {"position": "position", "aid_package": "aid-package", "aid_item": "aid-item", "event": "event"}


def page_url(record: Record) -> str:
    """The human page (HTML) of RECORD, for the document view's links."""
    root = request.script_root
    match record.type:
        case "actor" | "proposal":
            return f"{root}/api/v1/{record.type}s/{record.slug}"  # type: ignore[attr-defined]
        case "relation":
            return f"{root}/api/v1/actors/{record.subject.slug}"  # type: ignore[attr-defined]
        case "proposal_attribute":
            return f"{root}/api/v1/proposals/{record.proposal.slug}"  # type: ignore[attr-defined]
        case "condition":
            anchor = f"position-{record.position.slug}"  # type: ignore[attr-defined]
        case _:
            anchor = f"{ANCHORS[record.type]}-{record.slug}"  # type: ignore[attr-defined]
    return f"{root}/api/v1/briefings/{record.briefing.slug}#{anchor}"
