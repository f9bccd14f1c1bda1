"""A real browser (Debian's Chromium, driven by Playwright) opens an entity's Linked Data page on the
live server: asked for French, the page is in French; asked for Arabic, it reads right to left."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(initialised_store, data, ignore=shutil.ignore_patterns("LOCK"))
    with live_server(data) as base:
        yield base


def open_page(base: str, path: str, locale: str, shot: Path) -> tuple[str, str, str]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
            page = context.new_page()
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200
            page.screenshot(path=str(shot), full_page=True)
            return page.title(), page.locator("html").get_attribute("lang") or "", page.inner_text("body")
        finally:
            browser.close()


def test_an_entity_page_in_french(server: str, tmp_path: Path) -> None:
    title, lang, body = open_page(server, "/id/chemical/aldrin", "fr-FR", tmp_path / "aldrin-fr.png")
    assert "Aldrine" in title and lang == "fr"
    assert "309-00-2" in body
    assert (tmp_path / "aldrin-fr.png").stat().st_size > 10_000


def test_an_entity_page_in_arabic_reads_right_to_left(server: str, tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_context(locale="ar", extra_http_headers={"Accept-Language": "ar"}).new_page()
            page.goto(f"{server}/id/convention/stockholm")
            assert page.locator("html").get_attribute("lang") == "ar"
            assert "استكهولم" in page.title()
            assert page.locator("[dir=rtl]").count() > 0
        finally:
            browser.close()
