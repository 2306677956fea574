"""/api/v1/aid-items: what the French package contains, each item cited."""

from tests.helpers import all_items, assert_problem, slugs


def test_list_aid_items_lists_french_items_with_citations(client):
    items = all_items(client, "/api/v1/aid-items")
    systems = {i["system"] for i in items}
    assert {"Milan", "Mistral", "VAB", "AMX-10 RC", "Mirage"} <= systems
    assert all(i["citations"] and i["donor"]["slug"] == "france" for i in items)


def test_list_aid_items_filtered_by_status_separates_discussed(client):
    discussed = all_items(client, "/api/v1/aid-items?status=discussed")
    assert slugs(discussed) == ["france-mirage-increase"]
    assert "Mirages" in discussed[0]["citations"][0]["quote"]


def test_list_aid_items_filtered_by_category(client):
    items = all_items(client, "/api/v1/aid-items?category=anti-tank%20missile")
    assert [i["system"] for i in items] == ["Milan"]


def test_list_aid_items_filtered_by_package_and_donor(client):
    by_package = all_items(client, "/api/v1/aid-items?package=france-military-aid-2025-03")
    by_donor = all_items(client, "/api/v1/aid-items?donor=france")
    assert slugs(by_package) and set(slugs(by_package)) <= set(slugs(by_donor))
    assert all_items(client, "/api/v1/aid-items?donor=russia") == []


def test_list_aid_items_includes_package_and_donor_as_their_own_endpoints_serve_them(client):
    item = client.get("/api/v1/aid-items?system=Mistral&include=package,donor").get_json()["items"][0]
    package, donor = item["included"]["package"], item["included"]["donor"]
    assert package["slug"] == item["package"]["slug"] and item["slug"] in [i["slug"] for i in package["items"]]
    assert client.get(package["url"]).get_json() == package
    assert donor["slug"] == item["donor"]["slug"] == "france"
    assert client.get(donor["url"]).get_json() == donor


def test_list_aid_items_includes_the_own_donor_of_aid_outside_a_package(client):
    item = client.get("/api/v1/aid-items?in_package=false&include=donor,package&limit=1").get_json()["items"][0]
    assert item["package"] is None and item["included"]["package"] is None
    assert item["included"]["donor"]["slug"] == item["donor"]["slug"] == "france"


def test_list_aid_items_includes_only_what_is_asked_on_every_page(client):
    items = all_items(client, "/api/v1/aid-items?include=donor&limit=2")
    assert len(items) > 2 and all(list(i["included"]) == ["donor"] for i in items)
    assert "included" not in client.get("/api/v1/aid-items?limit=1").get_json()["items"][0]


def test_list_aid_items_with_unknown_include_is_400_naming_include(client):
    body = assert_problem(client.get("/api/v1/aid-items?include=package,recipient"), 400, "include")
    assert body["errors"][0]["message"] == "Give a comma-separated list of: package, donor."


def test_get_aid_item(client):
    item = all_items(client, "/api/v1/aid-items?system=Mistral")[0]
    body = client.get(f"/api/v1/aid-items/{item['slug']}").get_json()
    assert body["slug"] == "france-2025-03-mistral"
    assert body["package"]["slug"] == "france-military-aid-2025-03"


def test_list_aid_items_with_bad_status_is_400(client):
    assert_problem(client.get("/api/v1/aid-items?status=lost"), 400, "status")


def test_get_unknown_aid_item_is_404(client):
    assert_problem(client.get("/api/v1/aid-items/0"), 404)
