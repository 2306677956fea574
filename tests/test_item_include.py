"""`include=` on items: every item whose list takes `include=` takes the same names and returns the same
`included` as that record's item on a list page."""

import pytest

from tests.helpers import assert_problem

INCLUDES = {"positions": "holder,speaker,reported_by,about,proposal", "events": "participants",
            "aid-items": "package,donor"}


@pytest.mark.parametrize("collection", INCLUDES)
def test_get_item_include_equals_list_item(client, collection):
    include = INCLUDES[collection]
    listed = client.get(f"/api/v1/{collection}?limit=5&include={include}").get_json()["items"]
    assert listed
    for item in listed:
        response = client.get(f"/api/v1/{collection}/{item['slug']}?include={include}")
        assert response.status_code == 200, response.get_json()
        assert response.get_json() == item
        assert set(item["included"]) == set(include.split(","))


@pytest.mark.parametrize("collection", INCLUDES)
def test_get_item_each_include_name_alone(client, collection):
    slug = client.get(f"/api/v1/{collection}?limit=1").get_json()["items"][0]["slug"]
    for name in INCLUDES[collection].split(","):
        body = client.get(f"/api/v1/{collection}/{slug}?include={name}").get_json()
        assert list(body["included"]) == [name]


@pytest.mark.parametrize("collection", INCLUDES)
def test_get_item_without_include_has_no_included(client, collection):
    slug = client.get(f"/api/v1/{collection}?limit=1").get_json()["items"][0]["slug"]
    assert "included" not in client.get(f"/api/v1/{collection}/{slug}").get_json()


@pytest.mark.parametrize("collection", INCLUDES)
def test_get_item_unknown_include_is_400(client, collection):
    slug = client.get(f"/api/v1/{collection}?limit=1").get_json()["items"][0]["slug"]
    assert_problem(client.get(f"/api/v1/{collection}/{slug}?include=bogus"), 400, "include")


def test_get_item_include_in_spec_as_on_list(client):
    spec = client.get("/openapi.json").get_json()

    def include_param(operation):
        found = [p for p in operation.get("parameters", []) if p.get("name") == "include"]
        return found[0] if found else None

    for path, item in spec["paths"].items():
        listed = include_param(item.get("get", {}))
        if listed is None or "{" in path:
            continue
        item_path = path + "/{slug}"
        param = include_param(spec["paths"][item_path]["get"])
        assert param is not None, item_path
        assert param["schema"] == listed["schema"], item_path
