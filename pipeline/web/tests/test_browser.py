"""Every page in a real browser (Debian's chromium through Playwright) against a live
server, checked with axe-core (WCAG 2.1 AA and best practice): no violation, logged out
or in, with or without problems shown. Also keyboard focus and a 320 px wide screen.

PORTAL_SCREENSHOTS=folder saves a screenshot of each page there (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import config
from pipeline.validation.problems import Level, Problem
from pipeline.web import services
from pipeline.web.tests.conftest import PASSWORD, XLSX_TYPE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=sv-SE",  # the file chooser in Swedish, as in a Swedish coach's browser
]
SHOTS = os.environ.get("PORTAL_SCREENSHOTS")

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium (/usr/bin/chromium) is not installed: apt-get install chromium",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def check(page, axe):
    """check("name"): no axe violation on the page as it is now; a screenshot if asked."""

    def checked(name: str) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        assert page.locator("h1").count() == 1, name
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    return checked


def press(page, button: str) -> None:
    """Click a button that sends a form, and wait for the answer."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def log_in(page, name: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(password)
    press(page, "Logga in")


def send(page, files=("remisser.xlsx", "aktiviteter.xlsx", "verksamhet.xlsx")) -> None:
    for fil in files:
        page.get_by_label(fil).set_input_files(config.EXAMPLE / fil)
    press(page, "Kontrollera och skicka in")


def has_focus(page, element_id: str) -> None:
    """The element has the keyboard focus (waiting a moment: focus may move after load)."""
    from playwright.sync_api import expect

    expect(page.locator(f"#{element_id}")).to_be_focused(timeout=3000)


def test_login_logged_out_and_failed(page, check, coach):
    page.goto("/")
    check("1-inloggning")
    page.keyboard.press("Tab")
    has_focus(page, "skip-link")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    has_focus(page, "innehall")

    log_in(page, "anna", "fel-lösenord")
    assert page.title() == "Fel: Logga in – Hälsocenter rapport"
    has_focus(page, "error-summary")  # the summary takes the focus (no JavaScript)
    check("2-inloggning-fel")
    page.get_by_role("link", name="Fel användarnamn eller lösenord").click()
    has_focus(page, "id_username")


def test_coach_page_with_form_errors_problems_and_outputs(
    page, check, coach, make_submission, monkeypatch
):
    make_submission(coach, "0643", 2023)
    log_in(page, "anna")
    assert page.url.endswith("/kommun/0643/")
    check("3-kommun")

    page.get_by_label("remisser.xlsx").set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}
    )
    press(page, "Kontrollera och skicka in")
    has_focus(page, "error-summary")
    summary = page.locator(".error-summary")
    assert "Filen rapport.pdf är inte en Excel-arbetsbok (.xlsx)" in summary.inner_text()
    assert "Välj filen aktiviteter.xlsx." in summary.inner_text()
    check("4-kommun-formularfel")
    summary.get_by_role("link", name="Välj filen verksamhet.xlsx.").click()
    has_focus(page, "id_verksamhet")

    problems = (
        Problem("remisser.xlsx", "Remisser", 7, "Kön", "Kvinan", "Inte ett val.", "Välj Kvinna."),
        Problem(
            "aktiviteter.xlsx", "Närvaro", 3, "Datum", None, "Ovanligt datum.", "", Level.WARNING
        ),
    )

    def submit(**kwargs):
        stored = services.store_submission(
            user=coach,
            kommunkod="0643",
            sent=kwargs["workbooks"],
            valid=False,
            outputs={"valideringsrapport.xlsx": (b"PK\x03\x04", XLSX_TYPE)},
        )
        return services.Outcome(stored, problems)

    monkeypatch.setattr(services, "submit", submit)
    send(page)
    has_focus(page, "error-summary")
    assert (
        "Hittade 1 fel i underlaget. Rätta det i Excel"
        in page.locator("#error-summary").inner_text()
    )
    check("5-kommun-problem")
    page.locator(".error-summary").get_by_role("link").first.click()
    has_focus(page, "problem-1")

    monkeypatch.setattr(
        services, "submit", lambda **kw: services.Outcome(make_submission(coach, "0643", 2024))
    )
    send(page)
    assert page.get_by_role("heading", name="Klart: rapporten och nyckeltalen är gjorda").count()
    check("6-kommun-klart")
    with page.expect_download() as download:
        page.locator(".panel").get_by_role("link", name="Habo-2024-nyckeltal.csv").click()
    assert download.value.suggested_filename == "Habo-2024-nyckeltal.csv"

    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    check("7-tillganglighet")
    press(page, "Logga ut")
    assert page.get_by_role("heading", name="Logga in").count() == 1


def test_region_overview_and_log(page, check, region_user, coach, other_coach, make_submission):
    make_submission(coach, "0643", 2024)
    make_submission(other_coach, "0665", 2024)
    make_submission(other_coach, "0665", 2023)
    log_in(page, "rita")
    assert page.url.endswith("/region/")
    check("8-region")
    page.get_by_role("navigation").get_by_role("link", name="Logg").click()
    check("9-logg")


def test_every_page_fits_a_320_px_screen(page, coach, region_user, make_submission):
    """WCAG 1.4.10 (reflow): 320 CSS pixels wide, the same as 1280 px at 400 % zoom."""
    make_submission(coach, "0643", 2024)
    page.set_viewport_size({"width": 320, "height": 640})

    def fits(url: str) -> None:
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
        if SHOTS:
            name = "320px-" + (url.strip("/").replace("/", "-") or "inloggning")
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    fits("/")
    fits("/tillganglighet/")
    log_in(page, "anna")
    fits("/kommun/0643/")
    press(page, "Logga ut")
    log_in(page, "rita")
    fits("/region/")
    fits("/region/logg/")


def test_the_portal_works_without_javascript(browser, live_server, coach):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "anna")
    assert page.url.endswith("/kommun/0643/")
    press(page, "Kontrollera och skicka in")
    assert "Välj filen remisser.xlsx." in page.locator("#error-summary").inner_text()
    press(page, "Logga ut")
    assert page.url == live_server.url + "/"
    context.close()


def test_axe_finds_what_it_should(page, axe):
    """The check above can fail: a page with an unlabelled field and no language."""
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    rules = {violation["id"] for violation in axe.run(page).response["violations"]}
    assert {"label", "html-has-lang"} <= rules
