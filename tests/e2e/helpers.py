"""Small helpers shared by the egov_base browser tests (generic views, inbox/messages, shells)."""

from __future__ import annotations

from .conftest import SCREENSHOT_DIR, has_cjk, screenshot_to


def shot(page, name: str):
    """Full-page screenshot to var/screenshots/e2e_<name>.png."""
    return screenshot_to(page, f"e2e_{name}")


def assert_local(page):
    """No request left 127.0.0.1 (the conftest aborts and records them). JavaScript console errors are logged
    to var/screenshots/e2e_console_errors.txt for review (not failed on)."""
    errors = getattr(page, "console_errors", None)
    if errors:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        with open(SCREENSHOT_DIR / "e2e_console_errors.txt", "a", encoding="utf-8") as fh:
            for e in errors:
                fh.write(f"{page.url}\t{e}\n")
    assert page.external_requests == [], f"external requests: {page.external_requests}"


def assert_chinese(page, *texts: str):
    """The page body contains CJK text and every given Chinese string is visible."""
    body = page.locator("body").inner_text()
    assert has_cjk(body), "no Chinese text on the page"
    for text in texts:
        loc = page.get_by_text(text, exact=False)
        assert any(loc.nth(i).is_visible() for i in range(min(loc.count(), 20))), (
            f"“{text}” is not visible on {page.url}"
        )


def wait_htmx(page):
    """Wait until HTMX has no request in flight (swaps done)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def table_headers(page, scope: str = "#generic-table") -> list[str]:
    return [t.strip() for t in page.locator(f"{scope} thead th").all_inner_texts()]


def column_texts(page, index: int, scope: str = "#generic-table") -> list[str]:
    """Texts of the ``index``-th (0-based) cell of every body row that is not the empty-row placeholder."""
    rows = page.locator(f"{scope} tbody tr")
    out = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.count() > index and not cells.first.get_attribute("colspan"):
            out.append(cells.nth(index).inner_text().strip())
    return out


def switch_language(page, code: str):
    """Submit the language form (it may sit in a closed dropdown) with ``code`` and wait for the reload."""
    with page.expect_navigation():
        page.evaluate(
            """(code) => {
                const sel = document.querySelector('select[name=language]');
                sel.value = code;
                sel.form.submit();
            }""",
            code,
        )
    page.wait_for_load_state("networkidle")


def assert_single(page, selector: str):
    """An HTMX swap replaced the fragment instead of nesting a whole page inside it (duplicate ids)."""
    n = page.locator(selector).count()
    assert n == 1, f"{selector} occurs {n} times: the HTMX request got the full page instead of the fragment"
    assert page.locator(f"{selector} .navbar, {selector} header").count() == 0, f"a page shell is nested in {selector}"
