"""A client generated from openapi.yaml (openapi-python-client) lists and fetches every resource type, and
creates and updates a record with a bearer token, as another app would."""

from __future__ import annotations

import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT
from tests.helpers import serving

PACKAGE = "briefing_client"
# (tag module, list operation, get operation, the attribute that identifies an item)
RESOURCES = [
    ("briefings", "get_briefings", "get_briefing_by_slug", "slug"),
    ("documents", "get_documents", "get_document_by_slug", "slug"),
    ("actors", "get_actors", "get_actor_by_slug", "slug"),
    ("positions", "get_positions", "get_position_by_slug", "slug"),
    ("aid_packages", "get_aid_packages", "get_aid_package_by_slug", "slug"),
    ("aid_items", "get_aid_items", "get_aid_item_by_slug", "slug"),
    ("proposals", "get_proposals", "get_proposal_by_slug", "slug"),
    ("events", "get_events", "get_event_by_slug", "slug"),
]


@pytest.fixture(scope="session")
def generated_client(tmp_path_factory):
    """Generate the client the way another app would; any generator warning is a broken contract."""
    tmp = tmp_path_factory.mktemp("client")
    config = tmp / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n", encoding="utf-8")
    # The generator installed beside the Python running the tests (the project's venv).
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator, "openapi-python-client is a test dependency (pip install -e '.[test]')"
    result = subprocess.run(
        [generator, "generate", "--path", str(PROJECT_ROOT / "openapi.yaml"), "--config", str(config),
         "--output-path", str(tmp / PACKAGE), "--meta", "none"],
        capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Warning" not in output and "Error" not in output, output
    sys.path.insert(0, str(tmp))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp))


@pytest.fixture(scope="session")
def live_server(seeded_app):
    with serving(seeded_app) as url:
        yield url


@pytest.fixture(scope="session")
def live_writable_server(writable_app):
    with serving(writable_app) as url:
        yield url


@pytest.fixture()
def api_client(generated_client, live_server):
    with generated_client.Client(base_url=live_server, raise_on_unexpected_status=True) as client:
        yield client


@pytest.mark.parametrize(("tag", "list_op", "get_op", "key"), RESOURCES, ids=[r[0] for r in RESOURCES])
def test_list_and_fetch_resource_with_generated_client(api_client, tag, list_op, get_op, key):
    lister = importlib.import_module(f"{PACKAGE}.api.{tag}.{list_op}")
    getter = importlib.import_module(f"{PACKAGE}.api.{tag}.{get_op}")
    page = lister.sync_detailed(client=api_client, limit=2)
    assert page.status_code == 200, page.content
    assert page.parsed.items and len(page.parsed.items) <= 2, page.content
    first = page.parsed.items[0]
    # The path parameter: the one positional parameter (query parameters such as `include` are keyword-only).
    (param,) = [name for name, p in inspect.signature(getter.sync_detailed).parameters.items()
                if p.kind is p.POSITIONAL_OR_KEYWORD]
    item = getter.sync_detailed(client=api_client, **{param: getattr(first, key)})
    assert item.status_code == 200, item.content
    assert getattr(item.parsed, key) == getattr(first, key)


def test_fetch_unknown_actor_with_generated_client_parses_problem(api_client):
    from briefing_client.api.actors import get_actor_by_slug
    from briefing_client.models import Problem

    response = get_actor_by_slug.sync_detailed(client=api_client, slug="nobody")
    assert response.status_code == 404
    assert isinstance(response.parsed, Problem) and response.parsed.status == 404


@pytest.fixture()
def writing_client(generated_client, live_writable_server, tokens):
    """The generated AuthenticatedClient, sending the write token as `Authorization: Bearer ...`."""
    with generated_client.AuthenticatedClient(base_url=live_writable_server, token=tokens["write"],
                                              raise_on_unexpected_status=True) as client:
        yield client


def test_create_then_update_actor_with_generated_client(writing_client):
    from briefing_client.api.actors import get_actor_by_slug, patch_actor_by_slug, post_actors
    from briefing_client.models import ActorIn, ActorInKind, ActorPatch, CitationIn, Problem

    created = post_actors.sync_detailed(client=writing_client, body=ActorIn(
        briefing="coalition-of-the-willing-paris-2025", slug="un-peacekeeping-troops", name="UN peacekeeping troops",
        kind=ActorInKind.ARMED_FORCE, parent="united-nations", aliases=["peacekeeping troops"],
        citations=[CitationIn(quote="which would then deploy peacekeeping troops")]))
    assert created.status_code == 201, created.content
    actor = created.parsed
    assert (actor.slug, actor.kind, actor.parent.slug, actor.role) == (
        "un-peacekeeping-troops", "armed_force", "united-nations", None)
    assert [(c.quote, c.start, c.end) for c in actor.citations] == [
        ("which would then deploy peacekeeping troops", 3637, 3680)]
    assert created.headers["Location"] == actor.url

    role = "Would monitor a ceasefire under a UN mandate, distinct from the European reassurance force"
    updated = patch_actor_by_slug.sync_detailed(actor.slug, client=writing_client, body=ActorPatch(role=role),
                                                if_match=created.headers["ETag"])
    assert updated.status_code == 200, updated.content
    assert updated.parsed.role == role and updated.headers["ETag"] != created.headers["ETag"]
    fetched = get_actor_by_slug.sync_detailed(actor.slug, client=writing_client)
    assert fetched.status_code == 200 and fetched.parsed.role == role
    # the same representation; compressed (the client asks for br), its strong ETag names the coding (RFC 9110 8.8.3)
    etag = updated.headers["ETag"]
    assert fetched.headers["ETag"] in (etag, etag[:-1] + ':br"', etag[:-1] + ':gzip"')

    stale = patch_actor_by_slug.sync_detailed(actor.slug, client=writing_client, body=ActorPatch(role="Observers"),
                                              if_match=created.headers["ETag"])
    assert stale.status_code == 412 and isinstance(stale.parsed, Problem)
