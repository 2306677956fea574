"""Lists: strict query args, sorting, keyset cursors (cursors.py), search, sparse fields, `include=` of related
records, JSON pages; and each list's export operation (`.../export`), streaming CSV or NDJSON.

flask-smorest's own @blp.paginate is offset-based and reports through an X-Pagination header; lists here
use keyset cursors (stable and fast on large tables) with RFC 8288 Link headers and a `next` link instead.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import operator
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NoReturn
from urllib.parse import quote, urlencode

import marshmallow as ma
import orjson
from flask import Response, current_app, make_response, request, stream_with_context
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    FromClause,
    Integer,
    Numeric,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
)

from service import read_model, search
from service import vocabulary as v
from service.extensions import db
from service.http import response_cache
from service.http.json_provider import encode
from service.models import RecordBody, as_bytes, utf8_bytes
from service.resources import cursors
from service.resources.shapes import Shape, options
from service.validation import FullMatch

LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 links; `rel="next"` points at the next page when there is one.',
        "schema": {"type": "string"},
    }
}
EXPORT_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
EXPORT = "export"  # the path segment of a list's export operation (so no record may have it as its slug)
EXPORTING = "service.export"  # in a view's args: the export type the export operation streams
# (last id served or None, page size) -> a WHERE condition selecting that page's rows (see paginate)
Window = Callable[[int | None, int], ColumnElement[bool]]
# (a connection, an ordered, limited select of the list's rows) -> those rows, read
Read = Callable[[Connection, Select], list]
EXPORT_BATCH = 1000


class QueryArgs(ma.Schema):
    """Query strings are strict: an unknown parameter is an error, not silently ignored."""

    class Meta:
        unknown = ma.RAISE


class PageArgs(QueryArgs):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500),
                           metadata={"description": "Items per page (1-500, default 50)"})
    cursor = cursors.Cursor(metadata={"description": "Opaque cursor from a previous page's `next` link"})


class ListArgs(PageArgs):
    sort = fields.String(validate=FullMatch(r"^-?[a-z_]+(,-?[a-z_]+)*$"), metadata={
        "description": "Comma-separated fields, `-` for descending (e.g. `-date,slug`); ties are "
                       "broken by id, in the direction of the last field; the allowed fields are listed in "
                       "this operation's description"})
    q = fields.String(validate=validate.Regexp(r"\w", error="Give at least one word to search for."),
                      metadata={"description": "Full-text search over names, summaries and quotes; "
                                               "every word must match (stemmed, case- and "
                                               "accent-insensitive)"})
    fieldset = fields.String(data_key="fields", validate=FullMatch(r"^[a-z_]+(,[a-z_]+)*$"), metadata={
        "description": "Sparse fieldset: comma-separated item fields to return (e.g. `slug,summary`)"})
    format = fields.String(validate=validate.OneOf(["json", *EXPORT_TYPES]), metadata={
        "deprecated": True,
        "description": "Deprecated: exports are their own operation now (`.../export`). `csv` or `ndjson` "
                       "answers 308 Permanent Redirect to it, the query string kept; `json` is the default"})
    total = fields.Boolean(load_default=False, metadata={"description": "Also count every matching row"})
    review_status = fields.String(validate=validate.OneOf(tuple(v.REVIEW_STATUSES)), metadata={
        "description": "Only records with this review status: " + ", ".join(v.REVIEW_STATUSES)})


class PageSchema(ma.Schema):
    next = fields.String(allow_none=True, required=True,
                         metadata={"description": "URL of the next page, or null on the last page"})
    limit = fields.Integer(required=True)
    total = fields.Integer(metadata={"description": "Number of matching rows (only with `total=true`)"})


@functools.cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A page envelope: {items: [...], next, limit[, total]}."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)})


# A page with `fields=`: its items have only the fields asked for, so it is served under a media type of its own
# whose schema requires none of them (a strict client validating against the full schema would reject it).
SPARSE = "application/vnd.briefing.sparse+json"


@functools.cache
def sparse_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """ITEM_SCHEMA's fields, none required: what an item of a `fields=` page may hold (for the spec only)."""
    def optional(field: fields.Field) -> fields.Field:
        field = copy.copy(field)
        field.required = False
        return field

    name = item_schema.__name__.removesuffix("Schema") + "SparseSchema"
    return type(name, (item_schema,), {key: optional(field) for key, field in item_schema().fields.items()})


def include_arg(names: Collection[str]) -> fields.String:
    """The `include` query parameter: a comma-separated subset of NAMES (anything else is a 400 naming it)."""
    choice, listed = "|".join(names), ", ".join(names)
    return fields.String(
        validate=FullMatch(rf"^({choice})(,({choice}))*$", error=f"Give a comma-separated list of: {listed}."),
        metadata={"description": f"Embed related records in each item's `included`: {listed}"})


def included_field(names: Collection[str]) -> fields.Dict:
    """The item field `include=` fills (paginate adds it; a record has no such attribute)."""
    return fields.Dict(metadata={
        "description": f"Only with `include=`: the related records, in full ({', '.join(names)})"})


class IncludeArgs(QueryArgs):
    """An item's query string: only `include=` (set per resource by item_include_args)."""


@functools.cache
def item_include_args(names: tuple[str, ...]) -> type[ma.Schema]:
    """The query-args schema of an item whose list takes `include=`: the same names, the same `included`."""
    return type("Include" + "".join(n.title().replace("_", "") for n in names) + "Args", (IncludeArgs,),
                {"include": include_arg(names)})


def with_included(record, schema: type[ma.Schema], embed: Embed):
    """RECORD as its item view serves it: itself (flask-smorest dumps it) without `include=`, else its dump
    with `included: {name: record, records or null}`, as on a list page."""
    if not embed:
        return record
    body = dumper(schema)(record)
    body["included"] = {name: _embedded(get(record), dump) for name, (get, dump) in embed.items()}
    return current_app.json.response(body)


def includes(args: dict) -> tuple[str, ...]:
    """The names `include=` asks for, each once, in the order given."""
    return tuple(dict.fromkeys(args["include"].split(","))) if args.get("include") else ()


# An `include` name -> (row -> the related record, a list of them or None; the dump of one record)
Embed = dict[str, tuple[Callable[[object], object], Callable[[object], dict]]]


@functools.lru_cache(maxsize=256)  # bounded: ONLY comes from a client's fields=
def dumper(schema_class: type[ma.Schema], only: tuple[str, ...] | None = None) -> Callable[[object], dict]:
    """SCHEMA_CLASS's own dump (restricted to ONLY), one schema instance per combination, built once and
    reused: marshmallow's schemas keep no state between dumps. For what no stored body serves (the documents'
    and briefings' lists and their exports, the changes feed, search hits, an item's `include=`)."""
    return schema_class(only=only).dump


def embeds_for(include: tuple[str, ...], related: dict[str, tuple[str | Callable, type[ma.Schema]]]) -> Embed:
    """An item view's EMBED (with_included, common.item_or_404) for the names asked for, from RELATED: {name: (attribute
    path on the record, or a function of it, schema of the related resource)}. Only those names."""
    def getter(path: str | Callable) -> Callable:
        return operator.attrgetter(path) if isinstance(path, str) else path

    return {name: (getter(related[name][0]), dumper(related[name][1])) for name in include}


def query_args(blp, schema: type[ma.Schema]):
    """@blp.arguments for the query string: bad or unknown parameters are a 400 naming them.

    Given an instance, built once here: given a class, webargs would build (and deep-copy the fields of)
    one per request."""
    return blp.arguments(schema(), location="query", error_status_code=400, unknown=ma.RAISE)


def list_endpoint(blp, args_schema: type[ma.Schema], item_schema: type[ma.Schema], sorts: dict | None = None,
                  model=None):
    """A list, declared once: its query ARGS_SCHEMA, ITEM_SCHEMA, SORTS ({name: column}) and, with MODEL, a view
    that returns its filtered statement (a select of MODEL), paginated here (its `include=` names, the stored bodies'
    links); a view that pages itself (search) returns its response. The decorators: strict args, the page schema, the
    Link header, and the 308 that sends the old `format=csv|ndjson` to the export operation. export_endpoint() reads
    what it records on the view."""
    page = page_of(item_schema)
    sort_note = f"Sortable by: {', '.join(sorts)}." if sorts else ""

    def decorator(view):
        def serve(*args, **kwargs):
            result = view(*args, **kwargs)
            if not isinstance(result, Select):
                return result
            query = args[-1]
            return paginate(result, model, query, item_schema, sorts, include=includes(query))

        @functools.wraps(view)
        def listing(*args, **kwargs):
            query = args[-1]
            if query.get("format") in EXPORT_TYPES:
                return export_redirect()
            return serve(*args, **kwargs)

        # The sparse type first: Prism, validating, takes the first media type a response's type matches.
        content = {SPARSE: {"schema": page_of(sparse_of(item_schema))}} if "fieldset" in args_schema().fields else {}
        content["application/json"] = {"schema": page}
        listing = blp.doc(description=(view.__doc__ or "").strip() + "\n\n" + sort_note,
                          responses={200: {"content": content}})(listing)
        listing = blp.alt_response(308, description=FORMAT_REDIRECT, headers=EXPORT_LOCATION)(listing)
        listing = blp.response(200, description=PAGE_DESCRIPTION, headers=LINK_HEADER)(listing)
        listing = query_args(blp, args_schema)(listing)
        listing.exports = Exports(args_schema, item_schema, tuple(sorts or ()), serve)
        return listing

    return decorator


PAGE_DESCRIPTION = (f"A page of items: `application/json`, or `{SPARSE}` with `fields=` (each item only has the "
                    "fields asked for)")
FORMAT_REDIRECT = ("Permanent Redirect, with the deprecated `format=csv` or `format=ndjson`: exports are the list's "
                   "own export operation (the same path with `/export` appended), in `Location` with the query "
                   "string kept but for the page's parameters (`limit`, `cursor`, `total`, `include`)")
EXPORT_LOCATION = {"Location": {"description": "The export operation's URL", "schema": {"type": "string"}}}


def export_redirect() -> Response:
    """308 to the export operation, the query kept but for a page's parameters (an export is every row)."""
    location = quote(request.path.rstrip("/"), safe="/") + "/" + EXPORT  # the path as sent: no raw CR/LF in a header
    query = [(k, v) for k, v in request.args.items(multi=True) if k not in PAGE_ONLY]
    if query:
        location += "?" + urlencode(query)
    response = make_response("", 308)
    response.headers["Location"] = location
    return response


@dataclass(frozen=True)
class Exports:
    """What a list view states, for its export operation."""

    args_schema: type[ma.Schema]
    item_schema: type[ma.Schema]
    sorts: tuple[str, ...]
    view: Callable  # (the view's self, its args, path parameters) -> its response


PAGE_ONLY = ("limit", "cursor", "total", "include")  # a page's parameters, which an export has no use for


@functools.cache
def export_args(args_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list's query args without its page parameters, and `format` choosing the export type."""
    meta = type("Meta", (getattr(args_schema, "Meta", object),),
                {"exclude": tuple(n for n in PAGE_ONLY if n in args_schema().fields)})
    fmt = fields.String(validate=validate.OneOf(list(EXPORT_TYPES)), metadata={
        "description": "`csv` or `ndjson`; without it, `Accept: text/csv` or `application/x-ndjson` chooses "
                       "(CSV by default)"})
    name = args_schema.__name__.removesuffix("Args") + "ExportArgs"
    return type(name, (args_schema,), {"format": fmt, "Meta": meta})


EXPORT_HEADERS = {
    "ETag": {"description": "The export's version: `If-None-Match` with it answers 304 while the data is unchanged",
             "schema": {"type": "string"}},
    "Content-Disposition": {"description": "`attachment`, with a file name naming the collection and the format "
                                           "(e.g. `aid-items.csv`)", "schema": {"type": "string"}},
}


def export_endpoint(blp, rule: str, lister: type[MethodView]) -> type[MethodView]:
    """Register `RULE/export` on BLP: every row LISTER's list would page through, streamed as CSV or NDJSON.

    The list view does the filtering (its filters, sorts, `q` and `fields`); paginate streams when the
    args carry EXPORTING."""
    view = getattr(lister, "get")  # noqa: B009 - MethodView declares no get
    exports: Exports = view.exports
    what = (view.__doc__ or "").strip().splitlines()[0].removeprefix("List ")
    sort_note = f"Sortable by: {', '.join(exports.sorts)}." if exports.sorts else ""

    def get(self, args, **path):
        export = args.pop("format", None) or _export_type()
        tag = export_etag(export)
        if tag is not None and request.if_none_match.contains_weak(tag):
            response = make_response("", 304)
            response.set_etag(tag)
            return response
        response = exports.view(lister(), {**args, EXPORTING: export}, **path)
        if tag is not None:
            response.set_etag(tag)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Content-Disposition"] = f'attachment; filename="{export_name(request.path)}.{export}"'
        return response

    get.__doc__ = (f"Export {what} (CSV or NDJSON)\n\nEvery row the list would page through, with the same "
                   f"filters, `sort`, `q` and `fields`, streamed. {sort_note}")
    get = blp.doc(responses={200: {"content": {t: {"schema": {"type": "string"}} for t in EXPORT_TYPES.values()},
                                   "headers": EXPORT_HEADERS, "description": "The rows, streamed"}})(get)
    get = blp.response(200, description="The rows, streamed")(get)
    get = query_args(blp, export_args(exports.args_schema))(get)
    exporter = type(lister.__name__ + "Export", (MethodView,), {"get": get, "__doc__": get.__doc__})
    return blp.route(rule.rstrip("/") + "/" + EXPORT)(exporter)


def list_route(blp, rule: str):
    """`@blp.route(RULE)` for a list view class, and its export operation at `RULE/export`."""
    def decorator(lister: type[MethodView]) -> type[MethodView]:
        blp.route(rule)(lister)
        export_endpoint(blp, rule, lister)
        return lister

    return decorator


def export_name(path: str) -> str:
    """/api/v1/actors/france/positions/export -> actors-france-positions"""
    return path.removeprefix("/api/v1/").removesuffix("/" + EXPORT).replace("/", "-")


def export_etag(export: str) -> str | None:
    """The export's strong ETag: its bytes are a function of the data version, the path and the query (and the
    type), so it is known before a row is read. None when the data version cannot be read now."""
    version = response_cache.current_version(current_app._get_current_object())  # type: ignore[attr-defined]
    if version is None:
        return None
    query = "&".join(sorted(request.query_string.decode("latin-1").split("&")))
    text = "\n".join((str(version), request.path, query, export))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def bad_query(field: str, message: str) -> NoReturn:
    abort(400, errors={"query": {field: [message]}})
    raise AssertionError("abort raises")  # flask_smorest.abort is untyped


def paginate(stmt: Select, model, args: dict, schema: type[ma.Schema] | None = None,
             sorts: dict | None = None, include: tuple[str, ...] = (), window: Window | None = None,
             shape: Shape | None = None, read: Read | None = None):
    """Serve STMT (a select of MODEL, filtered) as a list: a keyset page of JSON, or a streamed CSV/NDJSON export.

    A list of records that have stored bodies serves those (service/read_model.py). Other rows are read by READ
    ((the session's connection, an ordered select) -> its rows), else loaded by the ORM with the relationships
    SHAPE names (see shapes.py), or read as rows when it names none (see _loaded). Without SCHEMA, returns (body,
    200, headers) for flask-smorest to serialize (plain id-ordered pages). INCLUDE (names of links in the stored
    bodies) makes each item carry `included: {name: record, records or null}`, their stored bodies. WINDOW (lists
    sorted by id only) gives, for the last id served and a page size, a condition that already narrows STMT to that
    page's rows, e.g. from a full-text index (see /search)."""
    if window is not None and sorts:
        raise ValueError("a window narrows id-ordered lists only")
    keys, sort_text = _sort_keys(model, args.get("sort"), sorts or {})
    if args.get("q"):
        stmt = stmt.where(model.id.in_(search.matching_ids(db.session, args["q"])))
    if args.get("review_status"):
        stmt = stmt.where(model.review_status == args["review_status"])
    only = _fields(args.get("fieldset"), schema)
    served = _stored(model, schema, sorts or {}, keys)
    if include and served is None:
        raise ValueError(f"include= is served from stored bodies: {model.__name__} in {schema} has none")
    if served is not None:
        read = served
        if not include:  # a page of stored bodies is stale only once a write moves what its statement reads
            response_cache.scoped(stmt)
    elif read is None:
        read = _loaded(model, shape or {})
    export = args.get(EXPORTING)
    if export and schema is not None:
        dumps = _stored_dicts(schema(only=only)) if served is not None else _dumps(dumper(schema, only))
        return _stream(stmt, keys, schema, only, export, window, read, dumps)
    limit = min(args["limit"], current_app.config["PAGE_MAX_LIMIT"])
    cursor = args.get("cursor")
    if cursor is not None and cursor["s"] != sort_text:
        bad_query("cursor", "This cursor was issued for another sort; restart without it.")
    after = None
    if cursor is not None:
        after = [*_typed(cursor["v"], keys[:-1]), cursor["id"]]
    # Stored bodies are read outside the unit of work: one SELECT, in no transaction of its own (db.reading).
    reading = db.reading() if served is not None else nullcontext(db.session.connection())
    with reading as conn:
        rows = _page(conn, stmt, keys, after, limit + 1, window, read)
    body: dict = {"items": rows[:limit], "limit": limit, "next": None}
    headers = {}
    if len(rows) > limit:
        last = rows[limit - 1]
        token = cursors.encode(sort_text, [_value(last, k) for k in keys[:-1]], last.id)
        params = [*((k, v) for k, v in request.args.items(multi=True) if k != "cursor"), ("cursor", token)]
        body["next"] = f"{request.path}?{urlencode(params)}"
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    if args.get("total"):
        body["total"] = db.session.scalar(select(func.count()).select_from(
            stmt.order_by(None).options().with_only_columns(model.id).subquery()))
    if schema is None:
        return body, 200, headers
    if served is not None:
        return _stored_page(body, headers, only, include)
    dump = dumper(schema, only)
    body["items"] = [dump(row) for row in body["items"]]
    response = current_app.json.response(body)
    if only is not None:
        response.mimetype = SPARSE
    response.headers.update(headers)
    return response


def _loaded(model, wanted: Shape) -> Read:
    """The READ of a list no stored body serves: MODEL's rows loaded by the ORM in the request's session (whose
    connection it is given), with the relationships WANTED names; or, with none to load, read as rows, each a
    namespace of its columns (read as attributes, as an entity's, at a fraction of an entity's cost; a Row itself
    would make marshmallow try each field as a key first, and fail, before it reads the attribute)."""
    if not wanted:
        return lambda conn, stmt: [SimpleNamespace(**row._asdict()) for row in conn.execute(stmt)]
    loader_options = options(model, wanted)

    def read(conn: Connection, stmt: Select) -> list:
        return list(db.session.scalars(stmt.options(*loader_options)))

    return read


def _stored(model, schema: type[ma.Schema] | None, sorts: dict, keys: tuple) -> Read | None:
    """The READ of a list whose items are its rows' stored bodies (service/read_model.py): a SELECT of each
    row's id, sort values and body. None when the list serves another representation than the stored one."""
    if schema is None or not read_model.serves(model, schema):
        return None
    columns, bodies = _stored_columns(model, tuple((name, sorts[name]) for name, _, _ in keys[:-1]))

    def read(conn: Connection, stmt: Select) -> list:
        stmt = stmt.with_only_columns(*columns, maintain_column_froms=True)
        return list(conn.execute(stmt.outerjoin(bodies, bodies.c.id == model.id)).all())

    return read


@functools.lru_cache(maxsize=512)  # SQL expressions are immutable: label each list's columns once, not per request
def _stored_columns(model, sort_columns: tuple) -> tuple[tuple, FromClause]:
    bodies = RecordBody.__table__
    return (model.id.label("id"), utf8_bytes(bodies.c.body).label("body"),
            *(column.label(name) for name, column in sort_columns)), bodies


def _stored_page(body: dict, headers: dict, only: tuple[str, ...] | None, include: tuple[str, ...]) -> Response:
    """The page of stored bodies: joined as they are into the response's JSON (their bytes are the provider's,
    keys sorted), or read, narrowed to ONLY and given their `included` records' stored bodies."""
    stored = _stored_bodies(body.pop("items"))
    response: Response
    joins = read_model.joins_bodies(current_app)
    if only is None and not include and joins:
        rest = encode(body)  # {"limit":...,"next":...[,"total":...]}: sorted after "items"
        data = b'{"items":[' + b",".join(stored) + b"]," + rest[1:] + b"\n"
        response = current_app.response_class(data, mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]
    else:
        items = [orjson.loads(text) for text in stored]
        # The included records' bodies go into the page as they are stored, when the page is encoded the way
        # they are (compact, keys sorted): not parsed, not encoded again.
        included = read_model.included(db.session(), items, include, orjson.Fragment if joins else orjson.loads)
        if only is not None:
            items = [{name: item[name] for name in only if name in item} for item in items]
        for item, embedded in zip(items, included, strict=True):
            if include:
                item["included"] = embedded
        response = current_app.json.response({**body, "items": items})  # type: ignore[assignment]  # a flask Response
    if only is not None:
        response.mimetype = SPARSE
    response.headers.update(headers)
    return response


def _stored_bodies(rows: list) -> list[bytes]:
    """The stored bodies of ROWS (id, body) as bytes: those without one (written by raw SQL since the last
    rebuild) rendered now, in one go; a record deleted since it was selected left out."""
    missing = [row.id for row in rows if row.body is None]
    rendered = {r["id"]: r["body"] for r in read_model.render(db.session(), missing)} if missing else {}
    texts = (row.body if row.body is not None else rendered.get(row.id) for row in rows)
    return [as_bytes(text) for text in texts if text is not None]


def _embedded(value, dump: Callable[[object], dict]):
    if value is None:
        return None
    return [dump(each) for each in value] if isinstance(value, list) else dump(value)


def _sort_keys(model, sort: str | None, sorts: dict) -> tuple[tuple, str]:
    return _sort_keys_of(model, sort, tuple(sorts.items()))


@functools.lru_cache(maxsize=512)  # SQL expressions are immutable: build each sort once, not per request
def _sort_keys_of(model, sort: str | None, sorts_items: tuple) -> tuple[tuple, str]:
    """[(name, expression, descending)], ending with the id tiebreaker, and the canonical sort text.

    Ties go by id in the direction of the last sort key, so a one-key sort either way is a scan of its
    index ((filter,) coalesce(column), id; migration 0005), forwards or backwards: with ids ascending
    under a descending date, SQLite and PostgreSQL sorted every row of the page's date again."""
    keys, sorts = [], dict(sorts_items)
    for part in (sort or "").split(","):
        if not part:
            continue
        name = part.lstrip("-")
        if name not in sorts:
            bad_query("sort", v.renamed(name, sorts)
                      or f"Cannot sort by {name!r}; sortable fields: {', '.join(sorts) or 'none'}.")
        column = sorts[name]
        keys.append((name, func.coalesce(column, _lowest(column)), part.startswith("-")))
    keys.append(("id", model.id, keys[-1][2] if keys else False))
    return tuple(keys), ",".join(("-" if d else "") + n for n, _, d in keys[:-1])


def _lowest(column):
    """A sentinel below every value, so NULLs sort (and compare) the same on SQLite and PostgreSQL.

    Rendered as SQL text, not a bound parameter, so the expression indexes on coalesce(column, sentinel)
    (migration 0005) match the ORDER BY and the keyset comparison."""
    kind = column.type
    if isinstance(kind, Date):
        return literal_column("'0001-01-01'", Date)
    if isinstance(kind, Integer | Numeric):
        return literal_column(str(-(2**62)), kind)
    return literal_column("''", kind)


def _page(conn: Connection, stmt: Select, keys: tuple, after: list | None, size: int, window: Window | None,
          read: Read) -> list:
    """Up to SIZE rows in KEYS order, strictly after the sort values AFTER (the last row's)."""
    if window is not None:
        stmt = stmt.where(window(after[-1] if after is not None else None, size))
    if after is not None:
        clauses = []
        values = [cursors.bound(expr, value) for (_, expr, _), value in zip(keys, after, strict=True)]
        for i, (_, expr, desc) in enumerate(keys):
            equal = [keys[j][1] == values[j] for j in range(i)]
            clauses.append(and_(*equal, expr < values[i] if desc else expr > values[i]))
        stmt = stmt.where(or_(*clauses))
        if len(keys) == 1 and (base_id := _base_id(keys[0][1])) is not None:
            # The same bound on the supertype's table (records.id): PostgreSQL infers no inequality through
            # the join, and merge-joined records from its first row (23 ms at 90% of 100k positions, 0.14 ms so).
            stmt = stmt.where(base_id < values[0] if keys[0][2] else base_id > values[0])
    order = [expr.desc() if desc else expr.asc() for _, expr, desc in keys]
    return read(conn, stmt.order_by(*order).limit(size))


def _base_id(id_attribute):
    """records.id for the id of a joined-table subtype (Position.id ...), else None."""
    mapper = getattr(id_attribute, "parent", None)
    base = getattr(mapper, "base_mapper", mapper)
    if mapper is None or base is mapper or mapper.local_table is base.local_table:
        return None
    return base.local_table.c[base.primary_key[0].key]


def _typed(values: list, keys: tuple) -> list:
    if len(values) != len(keys):
        bad_query("cursor", "This cursor was issued for another sort; restart without it.")
    try:
        return cursors.typed(values, [key[1].type for key in keys])
    except (ValueError, TypeError, ArithmeticError):
        bad_query("cursor", "Not a valid cursor; use the `next` link of a previous page.")


def _value(row, key: tuple):
    name = key[0]
    value = getattr(row, name)
    return value if value is not None else _lowest_python(key[1])


def _lowest_python(expr):
    kind = expr.type
    if isinstance(kind, Date):
        return dt.date(1, 1, 1)
    if isinstance(kind, Integer | Numeric):
        return -(2**62)
    return ""


def _fields(spec: str | None, schema: type[ma.Schema] | None):
    if not spec:
        return None
    names = spec.split(",")
    known = schema().fields if schema else {}
    unknown = [n for n in names if n not in known]
    if unknown:
        bad_query("fields", " ".join(filter(None, (v.renamed(n, known) for n in unknown)))
                  or f"Unknown field(s) {', '.join(unknown)}; fields: {', '.join(known)}.")
    return tuple(dict.fromkeys(names))


def _export_type() -> str:
    """The type Accept prefers, CSV when it prefers neither."""
    best = request.accept_mimetypes.best_match(list(EXPORT_TYPES.values()), default=EXPORT_TYPES["csv"])
    return next(name for name, mime in EXPORT_TYPES.items() if mime == best)


def _stream(stmt: Select, keys: tuple, schema_class: type[ma.Schema], only: tuple[str, ...] | None,
            export: str, window: Window | None, read: Read, dumps: Callable[[list], Iterable[dict]]) -> Response:
    """Every matching row, fetched in keyset batches so memory stays flat whatever the size; DUMPS: a batch of
    READ's rows -> their records as served."""
    schema = schema_class(only=only)

    # Each batch on the session's connection (as the stream runs, db.session is the one of its request
    # context): released when that ends, however the stream does.
    first = _page(db.session.connection(), stmt, keys, None, EXPORT_BATCH, window, read)  # errors: problems

    def rows() -> Iterator[dict]:
        batch = first
        while True:
            yield from dumps(batch)
            db.session.expunge_all()  # records the ORM loaded for this batch are not kept for the next
            if len(batch) < EXPORT_BATCH:
                return
            last = batch[-1]
            after = [*(_value(last, k) for k in keys[:-1]), last.id]
            batch = _page(db.session.connection(), stmt, keys, after, EXPORT_BATCH, window, read)

    def ndjson() -> Iterator[str]:
        for row in rows():
            yield json.dumps(row, ensure_ascii=False) + "\n"

    def csv_lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        columns = [name for name in schema.fields if name != "included"]  # exports embed nothing: no column
        writer.writerow(columns)
        for row in rows():
            writer.writerow([_cell(row.get(name)) for name in columns])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    body = csv_lines() if export == "csv" else ndjson()
    # werkzeug names the charset of a text/* mimetype itself: text/csv; charset=utf-8, once.
    return Response(stream_with_context(body), mimetype=EXPORT_TYPES[export])


def _dumps(dump: Callable[[object], dict]) -> Callable[[list], Iterable[dict]]:
    """_stream's DUMPS for rows that are records: each dumped."""
    return lambda batch: map(dump, batch)


def _stored_dicts(schema: ma.Schema) -> Callable[[list], Iterable[dict]]:
    """_stream's DUMPS for rows of stored bodies (id, body): what SCHEMA's dump gives for their records, each
    body read and narrowed to SCHEMA's fields, in their order (a body's keys are sorted)."""
    names = tuple(field.data_key or name for name, field in schema.dump_fields.items())

    def dumps(batch: list) -> Iterator[dict]:
        for text in _stored_bodies(batch):
            body = orjson.loads(text)
            yield {name: body[name] for name in names if name in body}

    return dumps


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): OWASP's advice is to
# prefix such a cell with a single quote, which the spreadsheet shows as text and does not evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_link(value) -> bool:
    return isinstance(value, dict) and set(value) == {"slug", "url"}


def _cell(value) -> str:
    """A reference is its slug (a list of them, a JSON array of slugs): a spreadsheet column of names."""
    if value is None:
        return ""
    if _is_link(value):
        value = value["slug"]
    elif isinstance(value, list) and value and all(map(_is_link, value)):
        value = [link["slug"] for link in value]
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)
