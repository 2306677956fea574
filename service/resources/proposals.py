"""/proposals: a reassurance force, a monitoring mechanism ... with attributes and the positions on them."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from service import vocabulary as v
from service.briefings import pages
from service.http.request_input import Blueprint
from service.models import Actor, Proposal, ProposalAttribute
from service.read_model import Body
from service.resources.common import (
    get_or_404,
    list_endpoint,
    list_route,
    options,
    shape,
)
from service.resources.record_fields import ClaimArgs, filter_claims
from service.resources.record_writing import assign_claim, check
from service.resources.schemas import POSITION, PROPOSAL, PositionSchema, ProposalSchema
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    briefing_of,
    create,
    delete_record,
    partial,
    refs,
    set_plain,
    update_record,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("proposals", __name__, url_prefix="/api/v1/proposals",
                description="Proposals under discussion, their structured attributes and who stands where.")


class ProposalDetailSchema(ProposalSchema):
    positions = fields.List(fields.Nested(PositionSchema), required=True,
                            metadata={"description": "The positions held on this proposal"})


SORTS = {"name": Proposal.name, "slug": Proposal.slug, "kind": Proposal.kind, "status": Proposal.status}


class ProposalArgs(ClaimArgs):
    kind = fields.String(validate=validate.OneOf(v.PROPOSAL_KINDS))
    status = fields.String(validate=validate.OneOf(v.PROPOSAL_STATUSES))


def proposal_options() -> tuple:
    return options(Proposal, PROPOSAL)


class ProposalIn(seed_schema.ProposalIn):
    briefing = seed_schema.Slug(required=True, metadata={"description": "Slug of the briefing it belongs to"})


class ProposalPatch(seed_schema.ProposalIn):
    pass

def assign(proposal: Proposal, data: dict) -> None:
    if "briefing" in data:
        proposal.briefing = briefing_of(data)
    set_plain(proposal, data, ("slug", "name", "kind", "description", "mandate", "status"))
    if "proposers" in data:
        proposal.proposers = refs(Actor, data["proposers"], "proposers", proposal.briefing)
    assign_claim(proposal, data)
    if "attributes" in data:
        proposal.attributes = [_attribute(proposal, a, f"attributes.{i}.") for i, a in enumerate(data["attributes"])]
    check([("", proposal), *((f"attributes.{i}.", a) for i, a in enumerate(proposal.attributes))])


def _attribute(proposal: Proposal, data: dict, prefix: str) -> ProposalAttribute:
    attribute = ProposalAttribute(briefing=proposal.briefing, key=data["key"], value=data["value"])
    assign_claim(attribute, data, prefix)
    return attribute


def _select_detail():
    return select(Proposal).options(*options(Proposal, shape(PROPOSAL, {"positions": POSITION})))


# Its list item as stored in record_bodies, rendered when a record is written (service/read_model.py).
BODY = Body(Proposal, "proposals", ProposalSchema, PROPOSAL)
WRITES = WriteSpec("proposals", Proposal, "slug", "/api/v1/proposals/{slug}", ProposalDetailSchema,
                   lambda key: _select_detail().where(Proposal.slug == key), assign,
                   lambda proposal: [f"positions: {len(proposal.positions)}"] if proposal.positions else [])

@list_route(blp, "")
class Proposals(MethodView):
    @list_endpoint(blp, ProposalArgs, ProposalSchema, SORTS, model=Proposal)
    def get(self, args):
        """List proposals"""
        stmt = select(Proposal)
        for name in ("kind", "status"):
            if name in args:
                stmt = stmt.where(getattr(Proposal, name) == args[name])
        return filter_claims(stmt, Proposal, args)


    @write_op(blp, create=True)
    @blp.arguments(ProposalIn)
    @blp.response(201, ProposalDetailSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Create a proposal"""
        return create(WRITES, data)

PROPOSAL_PAGE = ("The proposal: JSON (the default), or `text/html`, its page (who stands where, how surely, "
                 "cited).")


@blp.route("/<slug>")
class ProposalBySlug(MethodView):
    @blp.response(200, ProposalDetailSchema, description=PROPOSAL_PAGE, headers=pages.VARY)
    @blp.alt_response(200, schema={"type": "string"}, content_type=pages.HTML, success=True,
                      description=PROPOSAL_PAGE, headers=pages.VARY)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(406, response="NOT_ACCEPTABLE")
    def get(self, slug):
        """Get a proposal with the positions held on it, or (Accept: text/html) its page

        Negotiated on `Accept`: `application/json` (the default) or `text/html`, a page of who supports and
        who opposes it, under which conditions and how surely, with its obstacles, linked to the quotes.
        """
        stmt = _select_detail()
        proposal = get_or_404(stmt.where(Proposal.slug == slug), f"proposal with slug {slug!r}")
        if pages.wants_html():
            return pages.proposal_page(proposal)
        return proposal, 200, {"Vary": "Accept"}

    @write_op(blp)
    @blp.arguments(partial(ProposalPatch))
    @blp.response(200, ProposalDetailSchema, headers=WRITE_HEADERS)
    def patch(self, data, slug):
        """Update a proposal (partial)"""
        return update_record(WRITES, WRITES.fetch(slug), data)

    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, slug):
        """Delete a proposal no position refers to"""
        return delete_record(WRITES, WRITES.fetch(slug))
