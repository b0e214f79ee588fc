"""Browser-test infrastructure: headless Debian Chromium driven by the ``playwright`` package's sync API against
pytest-django's ``live_server``. No browser is ever downloaded (``playwright install`` is never run).

Fixtures:
    browser            session-wide Chromium (``/usr/bin/chromium``)
    page               a fresh context + page; every request to a host other than 127.0.0.1/localhost is
                       aborted and recorded in ``page.external_requests`` (tests assert it stays empty)
    login_as(role)     log in through the login page as the user of that role (keys of the root ``users``
                       fixture: sysadmin, city_admin, jj_admin, qy_admin, dept_user, leader, dept_head, reviewer,
                       service_desk, ops); returns the page
    screenshot(page, name)  save var/screenshots/<name>.png (the coordinator reviews them)

Mark browser tests with ``@pytest.mark.e2e``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# live_server and the playwright sync API (which runs an event loop in this thread) share the process: Django's
# async-safety guard would refuse the ORM calls the fixtures make.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("EGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CJK = re.compile(r"[\u4e00-\u9fff]")
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The users fixture hashes ten passwords per test; PBKDF2 at its production cost would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/test (it installs Debian's chromium) or apt-get install chromium",
            pytrace=False,
        )
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _guard_external(context) -> list[str]:
    """Abort every request leaving the machine and record its URL."""
    external: list[str] = []

    def handle(route, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about") or (parts.hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(request.url)
            route.abort()

    context.route("**/*", handle)
    return external


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 850}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    external = _guard_external(context)
    page = context.new_page()
    page.external_requests = external
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    """A phone-sized page (for the mobile H5 shell)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    external = _guard_external(context)
    page = context.new_page()
    page.external_requests = external
    yield page
    context.close()


def screenshot_to(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """``screenshot(page, "login_dept_user")`` -> var/screenshots/login_dept_user.png."""
    return screenshot_to


def login_url() -> str:
    from django.urls import NoReverseMatch, reverse

    for name in ("login", "egov_base:login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/login/"


def login(page, username: str, password: str):
    """Log in through the login page; returns the page on the user's home."""
    page.goto(login_url())
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def login_as(page, users):
    """``login_as("dept_user")`` logs the role's user in through the login page and returns the page."""
    from conftest import TEST_PASSWORD

    def _login(role: str, target=None):
        user = users[role]
        return login(target or page, user.username, TEST_PASSWORD)

    _login.users = users
    return _login


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text or ""))
