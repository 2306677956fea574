"""/documents: the source texts every citation points into."""

from __future__ import annotations

import hashlib

import marshmallow as ma
from flask import current_app, render_template, request
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer, with_polymorphic

from service.briefings import pages
from service.coverage import annotate, attribution_cues, sentence_coverage
from service.extensions import db
from service.http.request_input import Blueprint
from service.models import Citation, Document, Record
from service.resources.common import (
    LINK_HEADER,
    Link,
    PageArgs,
    get_or_404,
    page_of,
    paginate,
    permalink,
    query_args,
)
from service.resources.record_fields import ProvenanceSchema
from service.resources.refs import RecordRef, record_ref, ref_options
from service.resources.writing import (
    WRITE_HEADERS,
    WriteSpec,
    create,
    delete_record,
    set_plain,
    write_op,
)
from service.seeding import schema as seed_schema

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents",
                description="Source documents, stored verbatim; citation offsets index into `text`.")


class DocumentSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = permalink("/api/v1/documents/{slug}")
    slug = fields.String(required=True)
    provenance = fields.List(fields.Nested(ProvenanceSchema), required=True, metadata={
        "description": "Fields not printed in the text: an editors' title, a date from the publication record"})
    name = fields.String(required=True)
    publisher = fields.String(allow_none=True)
    language = fields.String(required=True, metadata={"description": "Language of this text (BCP 47)"})
    original_language = fields.String(allow_none=True,
                                      metadata={"description": "Language of the original, for a translation"})
    source_url = fields.String(attribute="url", allow_none=True,
                               metadata={"description": "The source's own web address, if it has one"})
    date = fields.Date(allow_none=True)
    date_note = fields.String(allow_none=True, metadata={"description": "How the date was established"})
    translation_note = fields.String(allow_none=True)
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the UTF-8 bytes of `text`"})
    length = fields.Integer(required=True, metadata={"description": "Length of `text` in characters"})


class DocumentDetailSchema(DocumentSchema):
    text = fields.String(required=True, metadata={"description": "The full text, verbatim"})


DocumentPage = page_of(DocumentSchema)
VARY_HEADER = {"Vary": {"description": "`Accept`: the same URL serves JSON or HTML", "schema": {"type": "string"}}}
HTML_CONTENT = {"schema": {"type": "string", "description": "The annotated source view (HTML, no external assets)"}}


class RecordRefSchema(ma.Schema):
    type = fields.String(required=True, metadata={"description": "Record type (actor, relation, position ...)"})
    id = fields.Integer(required=True)
    label = fields.String(required=True, metadata={"description": "A readable name for the record"})
    url = fields.String(required=True, metadata={"description": "Where the API serves it (or its parent)"})


class SentenceSchema(ma.Schema):
    index = fields.Integer(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)
    covered = fields.Boolean(required=True, metadata={"description": "Cited by at least one record"})
    cited_characters = fields.Integer(required=True,
                                      metadata={"description": "Characters of the sentence inside a citation"})
    records = fields.List(fields.Nested(RecordRefSchema), required=True,
                          metadata={"description": "The records whose citations overlap the sentence"})


class CueSchema(ma.Schema):
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)
    covered = fields.Boolean(required=True, metadata={"description": "The cue of at least one record"})


class CoverageSchema(ma.Schema):
    document = Link("documents", "The document", required=True)
    sentences_total = fields.Integer(required=True)
    sentences_covered = fields.Integer(required=True)
    share_covered = fields.Float(required=True, metadata={"description": "sentences_covered / sentences_total"})
    sentences = fields.List(fields.Nested(SentenceSchema), required=True)
    cues_total = fields.Integer(required=True, metadata={"description": "Attribution cues found in the text"})
    cues_covered = fields.Integer(required=True, metadata={"description": "Those that are a record's cue"})
    cues = fields.List(fields.Nested(CueSchema), required=True, metadata={
        "description": "Every attribution cue in the text (\"said\", \"according to\", \"deemed\", \"In X's "
                       "view\" ...) and whether a record uses it as its cue"})


class DocumentIn(seed_schema.DocumentIn):
    class Meta:
        exclude = ("file",)

    text = fields.String(required=True, validate=validate.Length(min=1, max=2_000_000),
                         metadata={"description": "The full text, verbatim; immutable once stored"})


def assign(document: Document, data: dict) -> None:
    text = data.pop("text")
    document.text, document.length = text, len(text)
    document.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    set_plain(document, data, tuple(data))


def _load(slug: str):
    return select(Document).options(undefer(Document.text)).where(Document.slug == slug)


WRITES = WriteSpec("documents", Document, "slug", "/api/v1/documents/{slug}", DocumentDetailSchema, _load,
                   assign, versioned=False)


@blp.route("")
class Documents(MethodView):
    @query_args(blp, PageArgs)
    @blp.response(200, DocumentPage, headers=LINK_HEADER)
    def get(self, args):
        """List documents"""
        return paginate(select(Document), Document, args)

    @write_op(blp, create=True)
    @blp.arguments(DocumentIn)
    @blp.response(201, DocumentDetailSchema, headers=WRITE_HEADERS)
    def post(self, data):
        """Add a source document

        The text is stored verbatim and never changes, so citation offsets stay valid: a corrected text is
        a new document with its own slug.
        """
        return create(WRITES, data)


@blp.route("/<slug>")
class DocumentBySlug(MethodView):
    @blp.response(200, DocumentDetailSchema, headers=VARY_HEADER)
    @blp.doc(responses={200: {"content": {"text/html": HTML_CONTENT}}})
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Get a document with its full text, or (Accept: text/html) its annotated source view

        With `Accept: text/html` (what a browser sends) the answer is the article with every cited span
        highlighted and linked to the records that cite it.
        """
        document = _document(slug)
        if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
            return _annotated_view(document)
        return document, 200, {"Vary": "Accept"}


    @write_op(blp, delete=True)
    @blp.response(204)
    def delete(self, slug):
        """Delete a document nothing cites"""
        return delete_record(WRITES, WRITES.fetch(slug))


@blp.route("/<slug>/coverage")
class DocumentCoverage(MethodView):
    @blp.response(200, CoverageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Report which sentences of a document records cite, and the share covered"""
        document = _document(slug)
        spans = cited_spans(document)
        sentences = sentence_coverage(document.text, [(s, e, ref) for s, e, ref, _ in spans])
        covered = sum(item.covered for item in sentences)
        cues = attribution_cues(document.text, [(s, e) for s, e, _, role in spans if role == "cue"])
        return {"document": document.slug, "sentences_total": len(sentences),
                "sentences_covered": covered, "share_covered": covered / len(sentences) if sentences else 1.0,
                "sentences": [{**vars(item.sentence), "covered": item.covered,
                               "cited_characters": item.cited_characters,
                               "records": sorted(item.records, key=lambda r: r.id)} for item in sentences],
                "cues_total": len(cues), "cues_covered": sum(c.covered for c in cues),
                "cues": [vars(c) for c in cues]}


def _document(slug: str) -> Document:
    stmt = select(Document).options(undefer(Document.text)).where(Document.slug == slug)
    return get_or_404(stmt, f"document with slug {slug!r}")


def cited_spans(document: Document) -> list[tuple[int, int, RecordRef, str]]:
    """(start, end, record, role) for every span of a record in DOCUMENT, in text order."""
    record = with_polymorphic(Record, "*")
    stmt = (select(Citation).where(Citation.document_id == document.id)
            .options(selectinload(Citation.record.of_type(record)).options(*ref_options(record)))
            .order_by(Citation.start, Citation.id))
    return [(c.start, c.end, record_ref(c.record), c.role) for c in db.session.scalars(stmt)]


def page_urls(document: Document) -> dict[int, str]:
    """Record id -> the record's human page (service/briefings/pages.py), for every record citing DOCUMENT."""
    record = with_polymorphic(Record, "*")
    stmt = (select(Citation).where(Citation.document_id == document.id)
            .options(selectinload(Citation.record.of_type(record)).options(*ref_options(record))))
    return {c.record.id: pages.page_url(c.record) for c in db.session.scalars(stmt)}


def span_id(start: int, end: int) -> str:
    """The fragment a citation's URL ends with (`/api/v1/documents/<slug>#span-S-E`)."""
    return f"span-{start}-{end}"


def place_anchors(paragraphs: list[list[dict]], spans: set[tuple[int, int]]) -> None:
    """Give each segment the ids (`anchors`) of the cited spans that start in it: a span starts at a cut
    (annotate() cuts at every start), or, when it starts in the blank between two paragraphs, the first
    segment after. Spans overlap, so a segment can carry several; each span gets exactly one."""
    segments = [seg for paragraph in paragraphs for seg in paragraph]
    for seg in segments:
        seg["anchors"] = []
    index = 0
    for start, end in sorted(spans):
        while index < len(segments) and segments[index]["end"] <= start:
            index += 1
        if index < len(segments):
            segments[index]["anchors"].append(span_id(start, end))


def _annotated_view(document: Document):
    spans = cited_spans(document)
    paragraphs = [[{"start": seg.start, "end": seg.end, "text": seg.text,
                    "records": list(dict.fromkeys(ref for ref, _ in seg.records)),
                    "roles": sorted({role for _, role in seg.records})} for seg in paragraph]
                  for paragraph in annotate(document.text, [(s, e, (ref, role)) for s, e, ref, role in spans])]
    place_anchors(paragraphs, {(s, e) for s, e, _, _ in spans})
    sentences = sentence_coverage(document.text, [(s, e, ref) for s, e, ref, _ in spans])
    html = render_template("document_view.html", document=document, paragraphs=paragraphs,
                           sentences=sentences, covered=sum(s.covered for s in sentences),
                           records=len({r for _, _, r, _ in spans}), json_url=request.path,
                           page_urls=page_urls(document))
    return current_app.response_class(html, mimetype="text/html", headers={"Vary": "Accept"})
