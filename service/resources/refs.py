"""How any record is named and linked when it turns up outside its own resource: search hits, the
coverage report and the annotated document view all use record_ref(). Derived from each record model's
ref_url, ref_reads and ref_label() (service/models/base.py), for every model of service.models.RECORDS."""

from __future__ import annotations

import operator
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import MANYTOONE, joinedload, selectinload

from service.models import RECORDS


@dataclass(frozen=True)
class RecordRef:
    """A record as a label and the URL of the resource that serves it (its own, or its parent's)."""

    type: str
    id: int
    label: str
    url: str


def record_ref(record: Any) -> RecordRef:
    """RECORD (an entity, or a row with the attributes READS names: search hits) named and linked.

    Below the app's root (as url_for gives it): the templates are those of the resources' routes, and slugs are
    URL-safe (SLUG_PATTERN), so nothing needs quoting; url_for cost more than the rest of a hit."""
    template, key = URLS[record.type]
    return RecordRef(record.type, record.id, LABELS[record.type](record),
                     request.script_root + template.format(key(record)))


def _url(model) -> tuple[str, Callable[[Any], Any]]:
    """(the positional template, the attribute it is formatted with) of MODEL.ref_url (one attribute, dotted
    through a related record: "/api/v1/actors/{subject.slug}/relations")."""
    (name,) = [name for _, name, _, _ in string.Formatter().parse(model.ref_url) if name]
    return model.ref_url.replace("{" + name + "}", "{}"), operator.attrgetter(name)


def _reads(model) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """What record_ref() reads of MODEL's records: its columns (the slug a search hit shows, then those of its
    label and url), and the related records it reads with the columns it reads of each. A record's label and url
    read only these (search.py reads hits as rows of them, not as entities): columns of the record's own type, and
    of one record it refers to (to one)."""
    relationships = inspect_model(model).relationships
    columns: list[str] = ["slug"] if "slug" in inspect_model(model).columns else []
    related: dict[str, list[str]] = {}
    url_name = next(name for _, name, _, _ in string.Formatter().parse(model.ref_url) if name)
    for path in (*model.ref_reads, url_name):
        head, _, rest = path.partition(".")
        if head in relationships:
            if relationships[head].direction is not MANYTOONE or "." in rest:
                raise TypeError(f"{model.__name__}.ref_reads: {path!r} is not a column of a record it refers to")
            related.setdefault(head, []).append(rest)
        else:
            columns.append(head)
    return tuple(dict.fromkeys(columns)), {name: tuple(dict.fromkeys(names)) for name, names in related.items()}


MODELS = {str(inspect_model(model).polymorphic_identity): model for model in RECORDS}
RECORD_TYPES = tuple(MODELS)
LABELS: dict[str, Callable[[Any], str]] = {kind: model.ref_label for kind, model in MODELS.items()}
# type -> (the URL template of the resource that serves it, the record's key in it)
URLS = {kind: _url(model) for kind, model in MODELS.items()}
# type -> (the columns record_ref() reads of its records, {relationship: the columns it reads of the related record})
READS = {kind: _reads(model) for kind, model in MODELS.items()}


def ref_options(record) -> tuple:
    """Loader options for a with_polymorphic(Record, "*") entity so record_ref() runs no query per record."""
    options = []
    for kind, (_, related) in READS.items():
        entity = getattr(record, MODELS[kind].__name__)
        for name, read in related.items():
            prop = inspect_model(MODELS[kind]).relationships[name]
            load = joinedload if prop.direction is MANYTOONE else selectinload  # to one: in the records' SELECT
            options.append(load(getattr(entity, name)).load_only(*(getattr(prop.mapper.class_, c) for c in read)))
    return tuple(options)
