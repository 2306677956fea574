"""HTTP around the resources: errors, bodies, limits, CORS, logging, caching, negotiation, the spec and its docs.

Each module is one concern with an `init_app(app)`; service/__init__.py's create_app() wires them in order."""
