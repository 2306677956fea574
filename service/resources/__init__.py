"""The registry: the URL resources, registered in a loop; adding one means one module and one line here.

Everything else that names each resource reads it from here or from the record models (service/models): the
feed's replay order (feed.specs(), from each module's WRITES), the stored bodies (bodies(), from each module's
BODY), the labels and links of records shown outside their resource (refs.py, from the models)."""

from __future__ import annotations

from typing import Any

from service import read_model
from service.read_model import Body
from service.resources import (
    actors,
    aid_items,
    aid_packages,
    briefings,
    changes,
    common,
    documents,
    events,
    health,
    index,
    positions,
    proposals,
    relations,
    search,
)

RESOURCES = (index, health, briefings, documents, actors, positions, aid_packages, aid_items, proposals, events,
             relations, search, changes)


def bodies() -> dict[type[Any], Body]:
    """Model -> how its records' list items are rendered and stored, for every resource that declares a BODY
    (handed to the read model below: it cannot import this module, whose resources import it)."""
    return {module.BODY.model: module.BODY for module in RESOURCES if isinstance(getattr(module, "BODY", None), Body)}


read_model.register(bodies(), common.options)
