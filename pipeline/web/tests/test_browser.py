"""Every page in a real browser (Debian's chromium through Playwright) against a live
server, checked with axe-core (WCAG 2.1 AA and best practice): no violation, logged out
or in, with or without problems shown. Also keyboard focus and a 320 px wide screen.

PORTAL_SCREENSHOTS=folder saves a screenshot of each page there (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pipeline
from pipeline import config
from pipeline.web.tests.conftest import PASSWORD, figures_csv, folder_workbooks

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
    """check("name"): no axe violation on the page as it is now; a screenshot if asked.
    `only`: CSS selectors of the parts that changed since the page was checked (axe takes
    about a second over the region's big tables)."""

    def checked(name: str, only: tuple[str, ...] = ()) -> None:
        context = {"include": [[selector] for selector in only]} if only else None
        results = axe.run(page, context=context)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        assert page.locator("h1").count() == 1, name
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    return checked


def fits_320_px(page, name: str) -> None:
    """WCAG 1.4.10 (reflow) for the page as it is now: 320 CSS pixels wide, the same as
    1280 px at 400 % zoom, without scrolling sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"320px-{name}.png"), full_page=True)
    page.set_viewport_size(size)
    assert width <= 320, (name, width)


def press(page, button: str) -> None:
    """Click a button that sends a form, and wait for the answer."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def log_in(page, name: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(password)
    press(page, "Logga in")


def send(page, folder=config.EXAMPLE) -> None:
    """Choose the three workbooks of a folder and send them."""
    for fil in ("remisser.xlsx", "aktiviteter.xlsx", "verksamhet.xlsx"):
        page.get_by_label(fil).set_input_files(folder / fil)
    press(page, "Kontrollera och skicka in")


def with_errors(books):
    """The library's hand-counted year with two errors in it (a sex, a year of birth)."""
    books.rows["Remisser"][0][5] = "Kvinan"
    books.rows["Remisser"][1][6] = "nittonhundra"
    return books.write()


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
    page, check, other_coach, make_submission, books, fake_office
):
    """Vaggeryd's coach: a form error, then workbooks with errors, then the shipped example
    (Vaggeryd 2023) all the way to its outputs; every state checked with axe."""
    make_submission(other_coach, "0665", 2022)
    log_in(page, "bertil")
    assert page.url.endswith("/kommun/0665/")
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

    folder = with_errors(books)
    expected = pipeline.report_from_workbooks(folder_workbooks(folder))
    send(page, folder)
    assert page.title() == "Fel: Vaggeryd – Hälsocenter rapport"
    has_focus(page, "error-summary")
    summary = page.locator("#error-summary")
    assert "Hittade 2 fel i underlaget. Rätta dem i Excel" in summary.inner_text()
    assert summary.get_by_role("listitem").all_inner_texts() == expected.summary()
    check("5-kommun-problem")
    fits_320_px(page, "kommun-problem")
    summary.get_by_role("link").nth(1).click()
    has_focus(page, "problem-2")
    assert page.locator("#problem-2").inner_text().split("\t")[:5] == [
        "Fel",
        "remisser.xlsx",
        "Remisser",
        "3",
        "Födelseår",
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name="valideringsrapport.xlsx").click()
    assert download.value.suggested_filename == "valideringsrapport.xlsx"
    assert Path(download.value.path()).read_bytes() == expected.files["valideringsrapport.xlsx"]

    send(page)
    assert page.get_by_role("heading", name="Klart: rapporten och nyckeltalen är gjorda").count()
    assert page.title() == "Klart: Vaggeryd – Hälsocenter rapport"
    has_focus(page, "klart")  # the answer takes the focus, as the error summary does
    check("6-kommun-klart")
    fits_320_px(page, "kommun-klart")
    files = page.locator(".file-list--described").get_by_role("link").all_inner_texts()
    assert files == [
        "Vaggeryd-2023-verksamhetsberattelse.docx",
        "Vaggeryd-2023-verksamhetsberattelse.pdf",
        "Vaggeryd-2023-nyckeltal.csv",
        "Vaggeryd-2023-nyckeltal.datapackage.json",
        "valideringsrapport.xlsx",
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name="Vaggeryd-2023-verksamhetsberattelse.docx").first.click()
    assert download.value.suggested_filename == "Vaggeryd-2023-verksamhetsberattelse.docx"

    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    check("7-tillganglighet")
    press(page, "Logga ut")
    assert page.get_by_role("heading", name="Logga in").count() == 1


# What the e-mail form changes on /region/ (the rest is checked with axe before it).
EMAIL_FORM_PARTS = ("#error-summary", "#klart", "#epost ~ form")


def test_region_in_every_state_with_map_form_and_log(page, check, store_figures):
    """Regional staff: a year with figures (hidden values on the map), a year without, an
    e-mailed file refused and then added, and the log; each state checked with axe and at
    320 px (the map too: its names and values are in each shape's <title>)."""
    store_figures(
        {kod: [2022, 2024] for kod in ("0604", "0617", "0642", "0643", "0662", "0665")},
        hidden={("0643", 2024): ("arenden_inkomna",)},
    )
    log_in(page, "rita")
    assert page.url.endswith("/region/")
    assert page.title() == "Länets kommuner 2024 – Hälsocenter rapport"
    habo = page.locator('figure.map path[data-kommunkod="0643"] title')
    assert habo.text_content() == "Habo: .. (dolt värde)"
    assert "Dolt värde (..)" in page.locator("svg.karta").text_content()
    check("8-region")
    fits_320_px(page, "region")
    if SHOTS:
        page.locator("figure.map").screenshot(path=str(Path(SHOTS) / "region-karta.png"))
        page.set_viewport_size({"width": 320, "height": 640})
        page.locator("figure.map").screenshot(path=str(Path(SHOTS) / "320px-region-karta.png"))
        page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_label("År", exact=True).select_option("2023")
    press(page, "Visa")
    assert page.get_by_role("heading", name="Inga nyckeltal för 2023").count() == 1
    check("9-region-ar-utan-nyckeltal")
    fits_320_px(page, "region-ar-utan-nyckeltal")

    def add(kommun: str) -> None:
        page.get_by_label("Kommun", exact=True).select_option(label=kommun)
        page.get_by_label("Nyckeltalsfilen (.csv)").set_input_files(
            {"name": "Jönköping-2024-nyckeltal.csv", "mimeType": "text/csv", "buffer": csv}
        )
        press(page, "Lägg till filen")

    csv = figures_csv("0680", 2024)
    add("Aneby")
    has_focus(page, "error-summary")
    assert "men du valde Aneby" in page.locator("#error-summary").inner_text()
    check("10-region-epost-fel", only=EMAIL_FORM_PARTS)
    page.locator("#error-summary").get_by_role("link").click()
    has_focus(page, "id_kommun")
    add("Jönköping")
    has_focus(page, "klart")
    assert "markerade som komna med e-post" in page.locator("#klart").inner_text()
    check("11-region-epost-klart", only=EMAIL_FORM_PARTS)

    page.get_by_role("navigation", name="Meny").get_by_role("link", name="Logg").click()
    assert "lade till en fil som kom med e-post" in page.locator("table").inner_text()
    check("12-logg")
    fits_320_px(page, "logg")


def test_every_page_fits_a_320_px_screen(page, other_coach, region_user, make_submission):
    """WCAG 1.4.10 (reflow): 320 CSS pixels wide, the same as 1280 px at 400 % zoom (the
    problems and the outputs: in the test above)."""
    make_submission(other_coach, "0665", 2022)
    page.set_viewport_size({"width": 320, "height": 640})

    def fits(url: str) -> None:
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
        if SHOTS:
            name = url.strip("/").replace("/", "-") or "inloggning"
            page.screenshot(path=str(Path(SHOTS) / f"320px-{name}.png"), full_page=True)

    fits("/")
    fits("/tillganglighet/")
    log_in(page, "bertil")
    fits("/kommun/0665/")
    press(page, "Logga ut")
    log_in(page, "rita")
    fits("/region/")  # the region's states and the log: in the test above


def test_the_portal_works_without_javascript(browser, live_server, other_coach, books):
    """Also the validation report, which comes from a data: URI in the page."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "bertil")
    assert page.url.endswith("/kommun/0665/")
    press(page, "Kontrollera och skicka in")
    assert "Välj filen remisser.xlsx." in page.locator("#error-summary").inner_text()
    send(page, with_errors(books))
    assert "Hittade 2 fel" in page.locator("#error-summary").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="valideringsrapport.xlsx").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"PK\x03\x04"
    press(page, "Logga ut")
    assert page.url == live_server.url + "/"
    context.close()


def test_axe_finds_what_it_should(page, axe):
    """The check above can fail: a page with an unlabelled field and no language."""
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    rules = {violation["id"] for violation in axe.run(page).response["violations"]}
    assert {"label", "html-has-lang"} <= rules
