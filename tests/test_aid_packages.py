"""/api/v1/aid-packages: value, currency, schedule, donor and recipient."""



from tests.conftest import make_aid_item, make_aid_package
from tests.helpers import all_items, assert_problem, said_by


def test_list_aid_packages_shows_the_french_two_billion(client):
    [package] = all_items(client, "/api/v1/aid-packages?donor=france")
    assert package["amount"] == "2000000000.00"
    assert package["currency"] == "EUR"
    assert package["recipient"]["slug"] == "ukraine"
    assert package["announced_by"]["slug"] == "emmanuel-macron"
    assert "installments" in package["delivery_schedule"]
    assert "france-2025-03-milan" in [i["slug"] for i in package["items"]]
    assert any("€2 billion" in c["quote"] for c in package["citations"])


def test_get_aid_package(client):
    [package] = all_items(client, "/api/v1/aid-packages?recipient=ukraine")
    assert client.get(f"/api/v1/aid-packages/{package['slug']}").get_json() == package


def test_get_unknown_aid_package_is_404(client):
    assert_problem(client.get("/api/v1/aid-packages/424242"), 404)


# Writing

def test_create_aid_package_then_item(writer):
    package = make_aid_package(writer, amount="2000000000", currency="EUR",
                               **said_by("emmanuel-macron", "President Macron announced"))
    item = make_aid_item(writer, package["slug"], system="Mistral", category="surface-to-air missile",
                         description="Mistral missiles",
                         citations=[{"quote": "Mistral ground-to-air defense missiles"}])
    assert item["donor"]["slug"] == "france"
    assert writer.get(package["url"]).get_json()["items"] == [{"slug": item["slug"], "url": item["url"]}]


def test_delete_aid_package_with_items_is_409(writer):
    package = writer.get("/api/v1/aid-packages?donor=france&limit=1").get_json()["items"][0]
    assert_problem(writer.delete(package["url"], headers={"If-Match": "*"}), 409)
