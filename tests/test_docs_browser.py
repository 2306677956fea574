"""/docs in a headless Chromium: every tag renders, "Try it out" gets a 200, no request leaves the server."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import CHROMIUM_FLAGS, _executable, csp_violations, live_server, screenshot  # noqa: F401

TIMEOUT = 30
OPERATION = "#operations-actors-getActors"
# Chromium's own pages (a new tab's chrome:// resources) and in-memory URLs never reach a network.
BROWSER_INTERNAL = {"chrome", "chrome-extension", "chrome-untrusted", "devtools", "about", "data", "blob"}


@pytest.fixture(scope="module")
def logging_browser(tmp_path_factory):
    """Chromium as tests/browser.py starts it, plus DevTools performance logs (its Network events):
    the shared `browser` fixture does not record them, and only they show every request the page made."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-docs')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(_executable("chromedriver")))
    driver.set_page_load_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    """Every URL the page asked the network for since the last call (DevTools Network events)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def click(wait, selector: str) -> None:
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector))).click()


def test_try_it_out_in_docs_gets_200_without_leaving_the_server(
    logging_browser, live_server, client, backend  # noqa: F811
):
    driver, wait = logging_browser, WebDriverWait(logging_browser, TIMEOUT)
    tags = [tag["name"] for tag in client.get("/openapi.json").get_json()["tags"]]
    requested_urls(driver)  # drop whatever an earlier test left in the log
    csp_violations(driver)
    driver.get(f"{live_server}/docs")

    wait.until(lambda d: set(tags) <= {
        e.get_attribute("data-tag") for e in d.find_elements(By.CSS_SELECTOR, "h3.opblock-tag")})
    click(wait, f"{OPERATION} .opblock-summary")
    click(wait, f"{OPERATION} .try-out__btn")
    click(wait, f"{OPERATION} .execute")
    status = wait.until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, f"{OPERATION} .live-responses-table tr.response .response-col_status")))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", status)
    screenshot(driver, f"docs-try-it-out-{backend}")

    assert status.text.strip() == "200"
    assert csp_violations(driver) == []  # the page works under its Content-Security-Policy
    urls = requested_urls(driver)
    assert any(urlsplit(u).path == "/api/v1/actors" for u in urls), urls
    network = [u for u in urls if urlsplit(u).scheme not in BROWSER_INTERNAL]
    origin = urlsplit(live_server).netloc
    assert network and all(urlsplit(u).netloc == origin for u in network), sorted(set(network))
