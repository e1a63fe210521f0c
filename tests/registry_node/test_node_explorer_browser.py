"""The explorer in headless Chromium (Debian's package, driven by Playwright).

Set UPDATE_SCREENSHOTS=1 to refresh docs/screenshots/home.png and certificate.png.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_node_explorer_support import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    ExplorerIndex,
    explorer_index_fixture,
    needs_chromium,
    served,
)

pytestmark = needs_chromium


@pytest.fixture(name="base_url", scope="module")
def base_url_fixture(explorer_index: ExplorerIndex) -> Iterator[str]:
    """Serve the node over the indexed scenario on a free local port."""
    with served(explorer_index.settings) as url:
        yield url


@pytest.fixture(name="browser", scope="module")
def browser_fixture() -> Iterator[Browser]:
    """Headless Debian Chromium (no `playwright install`)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(name="page")
def page_fixture(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no language cookie) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _certificate(page: Page, base_url: str, event_id: int) -> str:
    response = page.request.get(f"{base_url}/v1/events/{event_id}/certificate")
    certificate_id: str = response.json()["retirements"][0]["certificate_id"]
    return certificate_id


def test_home_shows_the_seeded_totals(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # The lifecycle issued 60 t + 1.5 t of points, retired 27 t and cancelled 1 + 3 t.
    expect(page.locator("#total-issued .value")).to_have_text("61.500000")
    expect(page.locator("#total-retired .value")).to_have_text("27.000000")
    expect(page.locator("#total-cancelled .value")).to_have_text("4.000000")
    expect(page.locator("figure.chart svg")).to_have_count(3)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)


def test_search_by_certificate_number_reaches_the_certificate(
    page: Page, base_url: str, explorer_index: ExplorerIndex
) -> None:
    certificate = _certificate(page, base_url, explorer_index.ids["event"])
    page.goto(f"{base_url}/")
    page.fill("#q", certificate)
    page.click("#search-button")
    # Certificate numbers are serials, so a small one may also name a project, batch or event:
    # the results page then lists the certificate first.
    page.wait_for_load_state()
    if "/search" in page.url:
        page.click(f'ul.results a[href="/certificates/{certificate}"]')
    page.wait_for_url(f"**/certificates/{certificate}")
    expect(page.locator("#certificate-heading")).to_have_text(f"No. {certificate}")
    expect(page.locator("#verify pre").first).to_contain_text("auditor audit --rpc")
    page.click("#print-link")
    expect(page.locator("figure.qr svg")).to_be_visible()
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.goto(f"{base_url}/events/{explorer_index.ids['event']}")
        page.screenshot(path=str(SCREENSHOTS / "certificate.png"), full_page=True)


def test_language_toggle(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/projects")
    expect(page.locator("nav")).to_contain_text("项目")
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav")).to_contain_text("Projects")
    # The choice sticks (cookie) when navigating without the query parameter.
    page.click("nav >> text=Batches")
    expect(page.locator("h1")).to_have_text("Batches")
    page.click("#lang-toggle")
    expect(page.locator("h1")).to_have_text("签发批次")


def test_csv_export_downloads_and_parses(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/retirements")
    with page.expect_download() as download_info:
        page.click("#csv-link")
    download = download_info.value
    assert download.suggested_filename == "retirements.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["amount"] for r in rows) == ["2.000000", "20.000000", "5.000000"]
    assert all(r["tx_hash"].startswith("0x") and len(r["tx_hash"]) == 66 for r in rows)
