"""Controlled vocabularies shared by the seed schema, the models' API filters and the docs."""

ACTOR_KINDS = (
    "person", "state", "government", "institution", "organisation", "coalition", "armed_force",
    "group",
)
RELATION_PREDICATES = (
    "hosts", "co_hosts", "member_of", "represents", "welcomed_by", "leads", "part_of",
    "counterpart_of", "negotiates_with", "supplies",
)
STANCES = (
    "supports", "opposes", "conditional", "demands", "rejects", "proposes", "urges", "assesses",
    "announces",
)
SPEECH = ("direct", "reported")
AID_STATUSES = ("announced", "in_delivery", "discussed", "delivered")
PROPOSAL_KINDS = (
    "reassurance_force", "ceasefire_monitoring", "ceasefire", "sanctions_relief", "peace_agreement",
    "security_guarantee", "other",
)
PROPOSAL_STATUSES = ("floated", "under_discussion", "adopted", "rejected")
ATTRIBUTE_KEYS = (
    "purpose", "deployment", "constraint", "rules_of_engagement", "mandate", "size", "obstacle",
)
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TOPIC_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"
