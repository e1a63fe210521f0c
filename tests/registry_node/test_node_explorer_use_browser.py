"""The use-side explorer pages in headless Chromium: the retirement-plan form is filled and
submitted like a user would, and the enterprise statement's CSV link downloads the statement.

Set UPDATE_SCREENSHOTS=1 to refresh docs/screenshots/statement.png and plan.png.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_node_explorer_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    needs_chromium,
    served,
)
from test_node_explorer_use_pages import UseIndex, use_index_fixture  # noqa: F401

pytestmark = needs_chromium


@pytest.fixture(name="base_url", scope="module")
def base_url_fixture(use_index: UseIndex) -> Iterator[str]:
    """Serve the node over the indexed scenario on a free local port."""
    with served(use_index.settings) as url:
        yield url


@pytest.fixture(name="page", scope="module")
def page_fixture() -> Iterator[Page]:
    """One headless Chromium page (no `playwright install`)."""
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def test_plan_form_in_the_browser(page: Page, base_url: str, use_index: UseIndex) -> None:
    holder = use_index.dev.actors.proponent.address
    page.goto(f"{base_url}/plan?lang=en")
    page.fill("#holder", holder)
    page.fill("#amount", "30")
    page.click("#plan-submit")
    expect(page.locator("#plan-result")).to_contain_text("100.00%")
    expect(page.locator("#plan-result")).to_contain_text("POST /v1/tx/retire")
    assert page.locator("#plan-result table").count() == 2
    if os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "plan.png"), full_page=True)
    page.fill("#amount", "100")
    page.click("#plan-submit")
    expect(page.locator("#plan-error")).to_contain_text("65.000000")


def test_statement_page_and_csv_download(page: Page, base_url: str, use_index: UseIndex) -> None:
    holder = use_index.dev.actors.proponent.address
    page.goto(f"{base_url}/accounts/{holder}?lang=zh")
    page.click("#summary-link")
    expect(page.locator("h1")).to_contain_text("企业碳账户报表")
    expect(page.locator("main")).to_contain_text("35.000000")
    if os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "statement.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#csv-link")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    held = sum(int(r["grams"]) for r in rows if r["section"] == "holding")
    assert held == 35_000_000
