"""The navigable pages in a headless Chromium: a click on a footnote or a citation link of the briefing page
lands on the document view with the cited span in view and highlighted; the actor and proposal pages render
under their Content-Security-Policy (screenshots in docs/screenshots/ and test-artifacts/)."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from service.config import PROJECT_ROOT
from tests.browser import browser, csp_violations, live_server, screenshot  # noqa: F401
from tests.helpers import BRIEFING

URL = f"/api/v1/briefings/{BRIEFING}"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
TIMEOUT = 30
IN_VIEW = ("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
           "return [r.top, r.bottom, window.innerHeight];")


def assert_on_span(driver, href: str) -> None:
    """The browser followed HREF (.../documents/<slug>#span-S-E) to the document view, the span's anchor in the
    viewport and its highlight outlined."""
    fragment = urlsplit(href).fragment
    WebDriverWait(driver, TIMEOUT).until(lambda d: urlsplit(d.current_url).path == urlsplit(href).path)
    WebDriverWait(driver, TIMEOUT).until(lambda d: "annotated source" in d.title)
    assert driver.execute_script("return location.hash") == f"#{fragment}"
    top, bottom, height = driver.execute_script(IN_VIEW, fragment)
    assert 0 <= top and bottom <= height, (top, bottom, height)
    outline = driver.execute_script(
        "return getComputedStyle(document.getElementById(arguments[0]).closest('a.cite')).outlineStyle", fragment)
    assert outline == "solid"
    assert csp_violations(driver) == []


@pytest.mark.parametrize("selector", ["sup.fn a", "ol.notes li a"])
def test_click_on_a_citation_lands_on_the_highlighted_span(browser, live_server, selector):  # noqa: F811
    csp_violations(browser)
    browser.get(live_server + URL)
    links = browser.find_elements(By.CSS_SELECTOR, selector)
    assert len(links) > 10
    link = links[len(links) // 2]  # one far down the document, where the top of the page is out of view
    href = link.get_attribute("href")
    assert "#span-" in href
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    assert_on_span(browser, href)
    assert browser.execute_script("return window.scrollY") > 0


@pytest.mark.parametrize(("url", "name"), [("/api/v1/actors/emmanuel-macron", "actor-page"),
                                           ("/api/v1/proposals/reassurance-force", "proposal-page")])
def test_actor_and_proposal_pages_render_and_link_to_their_quotes(
        browser, live_server, backend, url, name):  # noqa: F811
    csp_violations(browser)
    browser.get(live_server + url)
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert csp_violations(browser) == []  # styled by the briefing page's hashed inline block
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    said = browser.find_elements(By.CSS_SELECTOR, "ul.said li .stance")
    assert said and said[0].value_of_css_property("border-radius") != "0px"
    path = screenshot(browser, f"{name}-{backend}")
    assert path.stat().st_size > 20_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
    mark = browser.find_element(By.CSS_SELECTOR, "sup.fn a")
    href = mark.get_attribute("href")
    mark.click()
    assert_on_span(browser, href)
