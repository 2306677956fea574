"""Controlled vocabularies shared by the seed schema, the models' API filters and the docs.

Each vocabulary with meanings is a dict value -> definition: the spec lists the definitions (in the field's
description and as `x-enum-descriptions`), the seed README repeats the reading rules that apply them.
Attribution follows the PARC 3.0 scheme (source, cue, content); factuality follows FactBank (Saurí and
Pustejovsky 2009: certain, probable, possible or underspecified, positive or negative, according to a source).
"""

ACTOR_KINDS = (
    "person", "state", "government", "institution", "organisation", "coalition", "armed_force",
    "group", "outlet",
)
RELATION_PREDICATES = (
    "hosts", "co_hosts", "member_of", "represents", "welcomed_by", "leads", "part_of",
    "counterpart_of", "negotiates_with", "supplies",
)
STANCES = {
    "supports": "Backs a course of action or a proposal someone else put forward.",
    "opposes": "Is against a course of action or a proposal, without rejecting a demand made of it.",
    "conditional": "Backs something only if a condition is met (the conditions say which).",
    "demands": "Asks for something as a claim or a price, from a position of bargaining.",
    "rejects": "Refuses a demand, an offer or a proposal addressed to it.",
    "proposes": "Puts forward a plan, or how a plan should work (its purpose, deployment, rules).",
    "urges": "Calls on others to act (\"calling for\", \"we must\").",
    "assesses": "States a judgement or an analysis of a situation (\"deemed\", \"considers\").",
    "announces": "Makes a decision public (\"announced\").",
    "reports": "States a fact or an action without a judgement (what someone does or did).",
    "discusses": "Talks about, or is to talk about, something without committing to it.",
    "questions": "Raises a question that has to be answered.",
    "warns": "Points to a danger or a likely bad outcome.",
}
SPEECH = {
    "direct": "The content is the speaker's own words, inside quotation marks in the source.",
    "partial": "Only some words are the speaker's, inside quotation marks (`quoted_words` names them); "
               "the rest is the outlet's paraphrase.",
    "reported": "A paraphrase: the outlet's words for what the speaker said or holds.",
    "outlet": "The outlet's own voice: its report, assessment or forecast, held by the document's publisher, "
              "attributed to nobody else.",
}
VOICES = {
    "actor": "Attributed by the source to a named (or clearly implied) actor.",
    "outlet": "The outlet's own voice (`speech: outlet`).",
}
FACTUALITY = {
    "certain": "FactBank CT: the source presents it as a fact, with no hedge.",
    "probable": "FactBank PR: the source presents it as likely (\"seems\", \"could well\", \"is due to\").",
    "possible": "FactBank PS: the source presents it as one possibility (\"could\", \"if possible\", "
                "\"for example\").",
    "underspecified": "FactBank U: the source does not commit to whether it happens: a conditional or "
                      "hypothetical (\"would\", \"still hypothetical\", \"in the event of\"), something only "
                      "discussed.",
}
POLARITY = {
    "positive": "FactBank +: it happens, or is the case.",
    "negative": "FactBank -: it does not happen, or is not the case (\"not go to the front\").",
    "underspecified": "FactBank u: the source does not say which.",
}
FACTBANK_CODES = {"certain": "CT", "probable": "PR", "possible": "PS", "underspecified": "U"}
FACTBANK_SIGNS = {"positive": "+", "negative": "-", "underspecified": "u"}
# Strongest first: a claim is never served as more certain than its weakest hedge.
FACTUALITY_ORDER = ("certain", "probable", "possible", "underspecified")
# The hedge words the reading rules map to a value (seeds/README.md, "Factuality"). A hedge span whose words
# contain one of these gives at most that value; other hedge words are the curator's judgement. Deontic
# modals ("must", "should") and intensional stance verbs ("calls for", "demands") are the stance, not hedges.
HEDGE_WORDS = {
    "seems": "probable", "seem": "probable", "appears": "probable", "likely": "probable",
    "could well": "probable", "is due to": "probable", "are due to": "probable", "due to be": "probable",
    "could": "possible", "may": "possible", "might": "possible", "possible": "possible",
    "if possible": "possible", "for example": "possible", "perhaps": "possible",
    "would": "underspecified", "hypothetical": "underspecified", "still hypothetical": "underspecified",
    "discussed": "underspecified", "in the event of": "underspecified",
}
# The hedge words that, in a claim's own statement (a position's summary, an attribute's value, an event's title
# ...), must be cited as hedges: a summary that keeps "would" is never served as certain. "discussed" and "in the
# event of" may describe the content rather than weaken it ("Zelensky reports that they discussed ..."), so
# they count only where a curator cites them.
STATEMENT_HEDGES = {phrase: value for phrase, value in HEDGE_WORDS.items()
                    if phrase not in ("discussed", "in the event of")}
# Phrases that hold a hedge word without hedging anything: a degree, not a likelihood.
NOT_HEDGES = ("as much as possible", "as soon as possible")
EVENT_STATUSES = {
    "happened": "Took place before the source's date.",
    "ongoing": "Under way at the source's date.",
    "scheduled": "Planned for after the source's date (\"is due to\").",
    "hypothetical": "May or may not take place; the source does not present it as planned.",
}
DATE_PRECISIONS = {
    "day": "The day is known.",
    "month": "Only the month is known (`date` is its first day).",
    "year": "Only the year is known (`date` is its first day).",
    "approximate": "Roughly known (\"about three years earlier\"); `date_reasoning` says how roughly.",
    "unknown": "No date: the source gives none and none can be worked out (`date` is null).",
}
PROVENANCE = {
    "stated": "The source's own words give it (`date_evidence` cites them).",
    "inferred": "Worked out from the source's words (`date_reasoning` says how).",
    "outside": "Not in the source: from an outside reference (`date_reference` names it, `date_reasoning` "
               "says why it is used).",
    "unstated": "The source gives no date, and none can be worked out (`date` is null): an ongoing state, or an "
                "event that may never happen.",
}
FIELD_BASES = {
    "inferred": "Worked out from the source's words; `reasoning` says how.",
    "outside": "Not in the source; `reference` names the outside reference, `reasoning` says why it is used.",
}
CONDITION_KINDS = {
    "precondition": "Must hold first (\"would depend on\", \"before becoming a reality ... must\").",
    "in_exchange_for": "What is offered or asked in return (\"in exchange for\").",
    "preference": "Wanted but not required (\"if possible\").",
}
REVIEW_STATUSES = {
    "extracted": "As extracted from the source; nobody has checked it since.",
    "reviewed": "Checked against the source by `reviewed_by` at `reviewed_at`.",
    "disputed": "Questioned: `review_note` says what is wrong.",
}
APPROXIMATIONS = {
    "exact": "Exactly `value`.",
    "about": "About `value` (\"some 30\").",
    "at_least": "`value` or more.",
    "at_most": "`value` or fewer.",
    "more_than": "More than `value`.",
    "fewer_than": "Fewer than `value` (\"lacks the resources to send even 30,000\").",
    "vague": "No number: a vague amount (\"a few\", \"numerous\"); `value` is null.",
}
SPAN_ROLES = {
    "content": "The words that state the record.",
    "cue": "The attribution cue: the words that introduce the claim and name its speaker (\"said Macron\", "
           "\"according to\", \"In the French president's view\", \"are urging\").",
    "hedge": "Words that weaken the claim's factuality (\"seems\", \"could\", \"would\", \"if possible\").",
    "quoted": "The speaker's own words, inside quotation marks in the source.",
    "date": "The words that date an event (\"on Thursday, March 27\").",
    "quantity": "A quantity other than money, with its typed value.",
}
AID_STATUSES = ("announced", "in_delivery", "discussed", "delivered")
PROPOSAL_KINDS = (
    "reassurance_force", "ceasefire_monitoring", "ceasefire", "sanctions_relief", "peace_agreement",
    "security_guarantee", "other",
)
PROPOSAL_STATUSES = ("floated", "under_discussion", "adopted", "rejected")
ATTRIBUTE_KEYS = (
    "purpose", "component", "deployment", "constraint", "rules_of_engagement", "mandate", "size", "obstacle",
)
# Lowercase kebab-case, never all digits (a letter or a hyphen somewhere): `/api/v1/positions/47` is an id URL
# (a 308 redirect to the slug URL), so no slug may look like one.
SLUG_PATTERN = r"^(?:[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*|[0-9]+(?:-[a-z0-9]+)+)$"
# `/api/v1/{collection}/export` is each list's export operation (service/resources/listing.py): not a slug.
RESERVED_SLUGS = ("export",)
TOPIC_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"
# One name per meaning across resources (README, Changelog): a record's day is `date`, its title `name`. An old
# name in a body, a provenance entry, `sort` or `fields` is an error that gives the new one, not "Unknown field".
RENAMED = {"stated_on": "date", "announced_on": "date", "published_date": "date", "title": "name"}


def renamed(name: str, known) -> str | None:
    """What to say of NAME when it is an old name whose new one is among KNOWN (else None)."""
    new = RENAMED.get(name)
    return f"`{name}` was renamed `{new}` (see the README's changelog)." if new in known and name not in known else None


def described(values: dict[str, str]) -> str:
    """The definitions as a Markdown list, for a field's description in the spec."""
    return "\n".join(f"- `{value}`: {meaning}" for value, meaning in values.items())
