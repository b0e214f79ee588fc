"""Standard view checks for registered models (like NetBox's ViewTestCases). Other apps reuse them::

    from egov_base.testing import StandardViewChecks

    class TestTicketViews(StandardViewChecks):
        model = Ticket

        @pytest.fixture
        def view_case(self, users, orgs):
            return dict(
                user=users["service_desk"],             # has view/add/change/delete and sees ``obj``
                obj=TicketFactory(organization=orgs["jinjiang"]),
                outsider=users["qy_admin"],             # has the perms but ``obj`` is outside their scope (optional)
                no_perm_user=users["dept_user"],        # lacks the model perms (optional)
                add_data={...}, edit_data={...},        # POST data (optional: skips add/edit)
                delete=True,                            # also delete ``obj`` at the end
            )

Every ``test_*`` method then runs for the model. The helper functions can also be called directly.
"""

from __future__ import annotations

import io

from django.urls import reverse

from .generic.registry import get_config, object_url, url_name


def _url(model, action, pk=None):
    return reverse(url_name(model, action), kwargs={"pk": pk} if pk is not None else None)


def login(client, user):
    client.force_login(user)
    return client


def read_xlsx(content: bytes):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows[0] if rows else [], rows[1:]


def response_bytes(resp) -> bytes:
    return b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content


def assert_list(client, model, user, *, contains=None, excludes=None):
    login(client, user)
    resp = client.get(_url(model, "list"), {"view": "list", "per_page": 100})
    assert resp.status_code == 200, resp.status_code
    body = resp.content.decode()
    for obj in contains or []:
        assert object_url(obj) in body, f"{obj} missing from list"
    for obj in excludes or []:
        assert object_url(obj) not in body, f"{obj} visible outside scope"
    return resp


def assert_detail(client, obj, user, status=200):
    login(client, user)
    resp = client.get(object_url(obj))
    assert resp.status_code == status, (resp.status_code, status)
    return resp


def assert_add(client, model, user, data, status=302):
    login(client, user)
    before = model._default_manager.count()
    resp = client.get(_url(model, "add"))
    assert resp.status_code == 200
    resp = client.post(_url(model, "add"), data)
    errors = resp.context["form"].errors if status == 302 and resp.status_code == 200 and resp.context else None
    assert resp.status_code == status, (resp.status_code, errors)
    if status == 302:
        assert model._default_manager.count() == before + 1
    return resp


def assert_edit(client, obj, user, data, status=302):
    login(client, user)
    resp = client.get(object_url(obj, "edit"))
    assert resp.status_code == 200
    resp = client.post(object_url(obj, "edit"), data)
    errors = resp.context["form"].errors if status == 302 and resp.status_code == 200 and resp.context else None
    assert resp.status_code == status, (resp.status_code, errors)
    return resp


def assert_delete(client, obj, user):
    login(client, user)
    model = type(obj)
    assert client.get(object_url(obj, "delete")).status_code == 200
    resp = client.post(object_url(obj, "delete"))
    assert resp.status_code == 302, resp.status_code
    assert not model._default_manager.filter(pk=obj.pk).exists()


def assert_export(client, model, user, *, contains=None, excludes=None, label_field=None):
    login(client, user)
    resp = client.get(_url(model, "export"), {"columns": "all"})
    assert resp.status_code == 200, resp.status_code
    headers, rows = read_xlsx(response_bytes(resp))
    config = get_config(model)
    from .generic.selectors import column_label

    assert headers == [column_label(model, c) for c in config.list_display]
    flat = {str(v) for r in rows for v in r if v is not None}
    for obj in contains or []:
        assert str(getattr(obj, label_field) if label_field else obj) in flat or any(str(obj) in s for s in flat)
    for obj in excludes or []:
        value = str(getattr(obj, label_field) if label_field else obj)
        assert value not in flat, f"{value} exported outside scope"
    return headers, rows


def assert_import_template(client, model, user):
    login(client, user)
    resp = client.get(_url(model, "import"), {"template": 1})
    assert resp.status_code == 200
    headers, _rows = read_xlsx(response_bytes(resp))
    assert headers
    return headers


def assert_forbidden(client, model, obj, user):
    """A user without the model permissions gets 403 everywhere."""
    login(client, user)
    config = get_config(model)
    urls = [_url(model, "list"), _url(model, "export"), object_url(obj)]
    if config.can_add:
        urls.append(_url(model, "add"))
        if config.can_import:
            urls.append(_url(model, "import"))
    if config.can_edit:
        urls.append(object_url(obj, "edit"))
    if config.can_delete:
        urls.append(object_url(obj, "delete"))
    for u in urls:
        resp = client.get(u)
        assert resp.status_code == 403, (u, resp.status_code)


def assert_out_of_scope(client, obj, user):
    """A user with the permissions but outside ``obj``'s data scope cannot see, open, edit or delete it."""
    login(client, user)
    model = type(obj)
    config = get_config(model)
    if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        assert_list(client, model, user, excludes=[obj])
        assert client.get(object_url(obj)).status_code == 404
    if config.can_edit and user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        assert client.get(object_url(obj, "edit")).status_code == 404
        assert client.post(object_url(obj, "edit"), {}).status_code == 404
    if config.can_delete and user.has_perm(f"{model._meta.app_label}.delete_{model._meta.model_name}"):
        assert client.post(object_url(obj, "delete")).status_code == 404
        assert model._default_manager.filter(pk=obj.pk).exists()


class StandardViewChecks:
    """Mixin of standard tests; the subclass sets ``model`` and provides a ``view_case`` fixture."""

    model = None

    def test_list(self, client, view_case):
        assert_list(client, self.model, view_case["user"], contains=[view_case["obj"]])

    def test_detail(self, client, view_case):
        assert_detail(client, view_case["obj"], view_case["user"])

    def test_add(self, client, view_case):
        if view_case.get("add_data") is not None and get_config(self.model).can_add:
            assert_add(client, self.model, view_case["user"], view_case["add_data"])

    def test_edit(self, client, view_case):
        if view_case.get("edit_data") is not None and get_config(self.model).can_edit:
            assert_edit(client, view_case["obj"], view_case["user"], view_case["edit_data"])

    def test_delete(self, client, view_case):
        if view_case.get("delete") and get_config(self.model).can_delete:
            assert_delete(client, view_case["obj"], view_case["user"])

    def test_export(self, client, view_case):
        if get_config(self.model).can_export:
            assert_export(client, self.model, view_case["user"])

    def test_import_template(self, client, view_case):
        cfg = get_config(self.model)
        if cfg.can_import and cfg.can_add and view_case["user"].has_perm(
                f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"):
            assert_import_template(client, self.model, view_case["user"])

    def test_without_permission(self, client, view_case):
        if view_case.get("no_perm_user") is not None:
            assert_forbidden(client, self.model, view_case["obj"], view_case["no_perm_user"])

    def test_outside_scope(self, client, view_case):
        if view_case.get("outsider") is not None:
            assert_out_of_scope(client, view_case["obj"], view_case["outsider"])
