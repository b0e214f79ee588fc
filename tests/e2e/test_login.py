"""Every role logs in through the login page and lands on its own home (backend or portal), in Chinese, with no
request leaving the machine."""

import pytest

from .conftest import has_cjk, login, login_url

pytestmark = pytest.mark.e2e

BACKEND_ROLES = ["sysadmin", "city_admin", "jj_admin", "dept_head", "reviewer", "service_desk", "ops"]


def test_login_page_is_chinese_and_local(page, live_server, screenshot):
    response = page.goto(login_url())
    assert response is not None and response.ok
    assert has_cjk(page.locator("body").inner_text())
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    screenshot(page, "login_page")
    assert page.external_requests == []


@pytest.mark.parametrize("role", BACKEND_ROLES)
def test_backend_roles_land_on_backend(login_as, page, screenshot, role):
    login_as(role)
    screenshot(page, f"home_{role}")
    assert "/login" not in page.url
    assert "/portal" not in page.url and "/m/" not in page.url
    body = page.locator("body").inner_text()
    assert has_cjk(body)
    assert page.external_requests == []


def test_dept_user_lands_on_portal(login_as, page, screenshot):
    login_as("dept_user")
    screenshot(page, "home_dept_user")
    assert "/portal" in page.url
    assert has_cjk(page.locator("body").inner_text())
    assert page.external_requests == []


def test_leader_logs_in(login_as, page, screenshot):
    login_as("leader")
    screenshot(page, "home_leader")
    assert "/login" not in page.url
    assert has_cjk(page.locator("body").inner_text())
    assert page.external_requests == []


def test_wrong_password_stays_on_login_with_chinese_error(page, users, screenshot):
    login(page, "dept_user", "Wrong@2026pass")
    screenshot(page, "login_wrong_password")
    assert "/login" in page.url
    assert has_cjk(page.locator("body").inner_text())
    assert page.external_requests == []
