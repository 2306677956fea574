"""The relational model: every mapped class, importable from one place (Alembic reads Base.metadata)."""

from service.models.actors import Actor, ActorAlias, ActorRelation
from service.models.aid import AidItem, AidPackage
from service.models.base import Base, Record, RecordBody, as_bytes, utf8_bytes
from service.models.briefings import Briefing, BriefingComposition, Document, briefing_documents
from service.models.citations import Citation
from service.models.curation import ApiToken, Change, IdempotencyKey
from service.models.events import Event, event_participants
from service.models.positions import Position, PositionCondition
from service.models.proposals import Proposal, ProposalAttribute, proposal_proposers
from service.models.search_text import record_text
from service.models.slugs import add_slug_columns

add_slug_columns()

# Every record type, in the order the API lists them (the search's `type`, refs.RECORD_TYPES).
RECORDS: tuple[type[Record], ...] = (Actor, ActorRelation, Position, PositionCondition, AidPackage, AidItem, Proposal,
                                     ProposalAttribute, Event)

__all__ = [
    "ApiToken", "Change", "IdempotencyKey",
    "Actor", "ActorAlias", "ActorRelation", "AidItem", "AidPackage", "Base", "Briefing", "BriefingComposition",
    "Citation", "Document", "Event", "Position", "PositionCondition", "Proposal",
    "ProposalAttribute", "RECORDS", "Record", "RecordBody", "record_text", "as_bytes", "utf8_bytes",
    "briefing_documents", "event_participants", "proposal_proposers",
]
