import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD
from egov_base.ui.menu import MenuItem, menu_for, register_menu, unregister_menu

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov_base.tests.ui.urls_for_tests")]


@pytest.fixture(autouse=True)
def _plain_settings(settings):
    settings.AXES_ENABLED = False
    settings.OIDC_ENABLED = False
    settings.LANGUAGE_CODE = "zh-hans"


def login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("egov_base:login"), {"username": username, "password": password, **extra})


def test_login_page_renders_in_chinese(client):
    resp = client.get("/login/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "用户登录" in html and "政务统一运营管理平台" in html
    assert "统一身份认证登录" not in html
    assert 'src="http' not in html and 'href="http' not in html  # nothing from the internet


def test_login_url_setting_resolves(client):
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_URL) == "/login/"
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/?next=/")


def test_oidc_button_when_enabled(client, settings):
    settings.OIDC_ENABLED = True
    html = client.get("/login/").content.decode()
    assert "统一身份认证登录" in html
    assert reverse("oidc_authentication_init") in html


@pytest.mark.parametrize("username, target", [
    ("dept_user", "/portal/"), ("city_admin", "/"), ("leader", "/"), ("sysadmin", "/"),
])
def test_login_redirects_by_home_shell(client, users, username, target):
    resp = login(client, username)
    assert resp.status_code == 302
    assert resp["Location"] == target


def test_login_honours_safe_next_only(client, users):
    resp = login(client, "city_admin", next="/content/articles/")
    assert resp["Location"] == "/content/articles/"
    client.logout()
    resp = login(client, "city_admin", next="https://evil.example.com/")
    assert resp["Location"] == "/"


def test_bad_password_gets_chinese_message_and_no_session(client, users):
    resp = login(client, "city_admin", "wrong-password")
    assert resp.status_code == 200
    assert "用户名或密码不正确" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, users):
    login(client, "city_admin")
    assert client.get("/logout/").status_code == 405
    resp = client.post("/logout/")
    assert resp.status_code == 302 and resp["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_backend_home_shows_inbox_and_leader_section(client, users):
    client.force_login(users["leader"])
    html = client.get("/").content.decode()
    assert "我的待办" in html and "领导驾驶舱" in html and "服务单位" in html
    client.force_login(users["city_admin"])
    html = client.get("/").content.decode()
    assert "我的待办" in html and "领导驾驶舱" not in html
    # shell: search box, bell, user menu, sidebar
    assert 'action="/search/"' in html and "ti-bell" in html and "退出登录" in html and "内容发布" in html


def test_portal_user_is_sent_to_portal(client, users):
    client.force_login(users["dept_user"])
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"] == "/portal/"


def test_portal_shell_renders(client, users):
    client.force_login(users["dept_user"])
    resp = client.get("/portal/")
    html = resp.content.decode()
    assert resp.status_code == 200
    for text in ("政务云网服务门户", "服务入口", "通知公告", "政策文件", "我的待办", "故障报修"):
        assert text in html


def test_mobile_shell_renders(client, users):
    client.force_login(users["dept_user"])
    for url, title in (("/m/", "政务云网服务"), ("/m/todo/", "我的待办"), ("/m/messages/", "消息"), ("/m/me/", "退出登录")):
        resp = client.get(url)
        html = resp.content.decode()
        assert resp.status_code == 200, url
        assert title in html
        assert "egov-tabbar" in html and "首页" in html and "待办" in html and "我的" in html
        assert 'name="viewport"' in html


def test_shells_require_login(client, db):
    for url in ("/portal/", "/m/", "/portal/content/", "/m/content/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_language_switch_shows_english_and_is_remembered(client, users):
    user = users["city_admin"]
    client.force_login(user)
    resp = client.post("/language/", {"language": "en", "next": "/"})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    html = client.get("/").content.decode()
    assert "My inbox" in html and "Log out" in html
    # a new session picks the remembered language at login
    client.logout()
    client.cookies.clear()
    resp = login(client, "city_admin")
    assert resp.cookies["django_language"].value == "en"


def test_django_setlang_still_works(client, users):
    client.force_login(users["dept_user"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert "Service entries" in client.get("/portal/").content.decode()


def test_menu_is_filtered_by_permissions_and_roles(users):
    register_menu("zz_test", "测试模块", "ti ti-flask", 999, items=[
        MenuItem("需要权限", "/zz/perm/", perm="egov_base.view_dicttype"),
        MenuItem("仅系统管理员", url="/zz/role/", roles=["sysadmin"]),
        MenuItem("不存在的地址", "no_such:url_name"),
    ])
    try:
        def labels(user):
            return {i["label"] for m in menu_for(user) for i in m["items"]}

        assert "需要权限" in labels(users["city_admin"])
        assert "需要权限" not in labels(users["dept_user"])
        assert "仅系统管理员" in labels(users["sysadmin"])
        assert "仅系统管理员" not in labels(users["city_admin"])
        assert "不存在的地址" not in labels(users["sysadmin"])
        keys = [m["key"] for m in menu_for(users["dept_user"])]
        assert "zz_test" not in keys  # no visible item -> module hidden
    finally:
        unregister_menu("zz_test")


def test_active_menu_item(users):
    menu = menu_for(users["city_admin"], "/content/articles/12/")
    active = [(m["key"], i["url"]) for m in menu for i in m["items"] if i["active"]]
    assert active == [("content", "/content/articles/")]
    assert [m["key"] for m in menu if m["active"]] == ["content"]


def test_error_pages_in_chinese(client, users):
    client.force_login(users["dept_user"])
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404
    assert "页面不存在" in resp.content.decode()
    resp = client.get("/content/articles/")
    assert resp.status_code == 403
    assert "无权访问" in resp.content.decode()


def test_password_change_clears_forced_flag(client, users):
    user = users["dept_user"]
    user.must_change_password = True
    user.save()
    client.force_login(user)
    html = client.get("/password/change/").content.decode()
    assert "请先修改初始密码" in html
    resp = client.post("/password/change/", {"old_password": "bad", "new_password1": "x", "new_password2": "y"})
    assert resp.status_code == 200 and "原密码不正确" in resp.content.decode()
    resp = client.post("/password/change/", {"old_password": TEST_PASSWORD, "new_password1": "Chengdu#Ops2027",
                                             "new_password2": "Chengdu#Ops2027"})
    assert resp.status_code == 302 and resp["Location"] == "/password/change/done/"
    user.refresh_from_db()
    assert user.must_change_password is False and user.password_changed_at is not None
    assert user.check_password("Chengdu#Ops2027")


def test_shell_counts_are_guarded(rf, users):
    from egov_base.ui.context_processors import shell

    request = rf.get("/")
    request.user = users["city_admin"]
    ctx = shell(request)
    assert isinstance(ctx["shell"].todo_count, int)
    assert isinstance(ctx["shell"].unread_count, int)
    assert shell(request)["shell"] is ctx["shell"]  # once per request
