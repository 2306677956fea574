"""The URL resources, registered in a loop; adding one means one module and one line here."""

from service.resources import (
    actors,
    aid_items,
    aid_packages,
    briefings,
    changes,
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
