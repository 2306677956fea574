"""Real-browser helpers: the app served by a real HTTP server thread, and a headless Chromium.

Use from a test module with `from tests.browser import browser, live_server  # noqa: F401`; `live_server`
serves the module's `app` fixture (so it runs on SQLite and on PostgreSQL like every API test).
Chromium and its driver come from Debian (`apt-get install chromium chromium-driver`; `.ci/run` does it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT
from tests.helpers import serving

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1280,1600")


def _executable(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(f"{names[0]} is not installed: run .ci/run, or apt-get install chromium chromium-driver")


@pytest.fixture()
def live_server(app) -> Iterator[str]:
    """The app behind a real server on a free port of 127.0.0.1; yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium (fresh profile) for the whole run, driven through Selenium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console: csp_violations() reads it
    # An explicit driver path keeps Selenium Manager from looking for (and downloading) one.
    driver = webdriver.Chrome(options=options, service=Service(_executable("chromedriver")))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def csp_violations(driver) -> list[str]:
    """The console's Content-Security-Policy violations since the last read of the browser log: what the page's
    policy blocked (an inline style or script it does not allow, an asset from elsewhere)."""
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]


def screenshot(driver, name: str) -> Path:
    """Save a PNG of the current page under test-artifacts/ (git-ignored); return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"could not write {path}"
    return path
