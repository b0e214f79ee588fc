import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from egov_base.audit.models import AuditEntry
from egov_base.audit.selectors import audit_chain_verify
from egov_base.audit.services import record_event
from egov_base.context import acting_as
from egov_base.org.models import Organization


def entries_for(obj):
    return AuditEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name).order_by("id")


@pytest.mark.django_db
def test_create_update_delete_are_logged_with_diffs(users, orgs, regions):
    actor = users["sysadmin"]
    with acting_as(actor, source="web"):
        org = Organization.objects.create(name="成都市测试局", code="T-1", kind="city_dept", region=regions["city"])
        org.name = "成都市测试管理局"
        org.phone = "028-61881234"
        org.save()
        pk = org.pk
        org.delete()
    rows = list(AuditEntry.objects.filter(content_type__model="organization", object_id=str(pk)).order_by("id"))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    create, update, delete = rows
    assert create.changes["name"] == [None, "成都市测试局"]
    assert create.actor == actor and create.actor_name == actor.name and create.actor_org_id == actor.organization_id
    assert set(update.changes) == {"name", "phone"}
    assert update.changes["name"] == ["成都市测试局", "成都市测试管理局"]
    assert delete.changes["name"] == ["成都市测试管理局", None]
    assert delete.object_repr == "成都市测试管理局"


@pytest.mark.django_db
def test_saving_without_changes_writes_nothing(orgs):
    org = orgs["city"]
    before = AuditEntry.objects.count()
    org.save()
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_sensitive_fields_are_not_recorded(users):
    user = users["dept_user"]
    user.set_password("Another@Pass2026x")
    user.id_card = "510104199001011234"
    user.save()
    entry = entries_for(user).filter(action="update").last()
    assert entry.changes["password"] == [None, "已修改"]
    assert entry.changes["id_card"] == [None, "已修改"]
    assert "510104199001011234" not in str(entry.changes)


@pytest.mark.django_db
def test_m2m_role_assignment_logged(users, roles):
    from egov_base.org.models import Role

    user = users["ops"]
    group = Role.objects.get(code="reviewer").group
    user.groups.add(group)
    entry = entries_for(user).filter(action="update").last()
    assert "groups" in entry.changes
    old, new = entry.changes["groups"]
    assert group.name in new and group.name not in old
    group.user_set.remove(user)  # reverse side
    entry = entries_for(user).filter(action="update").last()
    assert entry.changes["groups"] == {"removed": [group.name]}


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_leaves_no_entry(orgs, regions):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Organization.objects.create(name="回滚单位", code="RB-1", kind="city_dept", region=regions["city"])
            raise RuntimeError
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_audit_entry_is_append_only(orgs):
    entry = record_event(action="export", model=Organization, message="导出组织机构")
    from django.core.exceptions import ValidationError

    entry.message = "x"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


@pytest.mark.django_db
def test_export_event_recorded(users):
    with acting_as(users["city_admin"], source="web", ip="10.1.2.3"):
        entry = record_event(action="export", model=Organization, message="导出组织机构 12 条", data={"rows": 12})
    entry.refresh_from_db()
    assert entry.action == "export" and entry.content_type.model == "organization"
    assert entry.actor == users["city_admin"] and entry.ip == "10.1.2.3" and entry.data == {"rows": 12}


@pytest.mark.django_db
def test_chain_verify_detects_update_and_delete(orgs, users):
    for i in range(5):
        record_event(action="export", model=Organization, message=f"导出 {i}", data={"i": i, "x": [1.5, "中文"]})
    assert audit_chain_verify(batch_size=3).ok
    call_command("egov_audit_verify", "--batch-size", "4")

    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    victim = ids[len(ids) // 2]
    with connection.cursor() as c:
        c.execute("UPDATE egov_base_auditentry SET message = 'tampered' WHERE id = %s", [victim])
    result = audit_chain_verify(batch_size=3)
    assert not result.ok and result.broken_id == victim
    with pytest.raises(CommandError, match=f"#{victim}"):
        call_command("egov_audit_verify")


@pytest.mark.django_db
def test_chain_verify_detects_deleted_row_and_any_column(orgs, users):
    for i in range(6):
        record_event(action="export", model=Organization, message=f"导出 {i}")
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    victim = ids[3]
    with connection.cursor() as c:
        c.execute("DELETE FROM egov_base_auditentry WHERE id = %s", [victim])
    result = audit_chain_verify()
    assert not result.ok and result.broken_id == ids[4]

    # moving the next row into the gap still breaks the chain (the hash covers the id)
    with connection.cursor() as c:
        c.execute("UPDATE egov_base_auditentry SET id = %s WHERE id = %s", [victim, ids[4]])
    assert not audit_chain_verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize("column,value", [("actor_name", "'某人'"), ("time", "time + interval '1 second'"),
                                            ("data", "'{\"a\": 1}'::jsonb"), ("hash", "md5('x') || md5('y')")])
def test_chain_verify_detects_update_of_columns(orgs, column, value):
    for i in range(3):
        record_event(action="export", model=Organization, message=f"导出 {i}")
    first = AuditEntry.objects.order_by("id").first().id
    with connection.cursor() as c:
        c.execute(f"UPDATE egov_base_auditentry SET {column} = {value} WHERE id = %s", [first])
    assert not audit_chain_verify().ok


@pytest.mark.django_db
def test_failed_login_and_lockout_recorded(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = "/sys/django-admin/login/"
    for _ in range(3):
        response = client.post(url, {"username": "jj_admin", "password": "wrong-password"}, REMOTE_ADDR="10.9.9.9")
    failed = AuditEntry.objects.filter(action="login_failed")
    assert failed.count() >= 2
    assert failed.first().data["username"] == "jj_admin" and failed.first().ip == "10.9.9.9"
    assert AuditEntry.objects.filter(action="locked", actor_name="jj_admin").exists()
    response = client.post(url, {"username": "jj_admin", "password": "Egov@2026pass"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


@pytest.mark.django_db
def test_successful_login_and_logout_recorded(client, users):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.filter(pk=users["sysadmin"].pk).update(is_staff=True)
    response = client.post("/sys/django-admin/login/", {"username": "sysadmin", "password": "Egov@2026pass"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", actor=users["sysadmin"]).exists()
    client.logout()
    assert AuditEntry.objects.filter(action="logout", actor=users["sysadmin"]).exists()


@pytest.mark.django_db
def test_denied_request_recorded(client, users):
    client.force_login(users["dept_user"])
    response = client.get("/audit/")
    assert response.status_code == 403
    entry = AuditEntry.objects.filter(action="denied").last()
    assert entry.actor == users["dept_user"] and entry.data["path"] == "/audit/" and entry.data["method"] == "GET"


@pytest.mark.django_db
def test_audit_screens_for_auditor(client, users, orgs):
    record_event(action="export", obj=orgs["city"], message="导出", changes={"name": ["旧", "新"]})
    client.force_login(users["sysadmin"])
    r = client.get("/audit/", {"action": "export", "q": "导出"})
    assert r.status_code == 200 and "导出" in r.content.decode()
    entry = AuditEntry.objects.filter(action="export").last()
    r = client.get(f"/audit/{entry.pk}/")
    assert r.status_code == 200 and "单位名称" in r.content.decode()  # verbose name of the changed field
    assert client.get("/audit/stats/").status_code == 200
    r = client.post("/audit/verify/")
    assert r.status_code == 200 and "哈希链完整" in r.content.decode()
    r = client.get("/audit/", {"since": "not-a-date", "ip": "999"})
    assert r.status_code == 200 and "日期格式" in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(orgs):
    import threading

    from django.db import connections

    errors = []

    def writer(n):
        try:
            for i in range(8):
                with transaction.atomic():
                    record_event(action="export", model=Organization, message=f"w{n}-{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.count() == before + 24
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_history_tab_on_generic_detail(client, users, orgs):
    from egov_base.generic.registry import detail_tabs, object_url
    org = orgs["jinjiang"]
    org.short_name = "锦江审批局"
    org.save()
    client.force_login(users["sysadmin"])
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = users["sysadmin"]
    assert "history" in [t.key for t in detail_tabs(request, org)]
    response = client.get(object_url(org))
    assert response.status_code == 200
    assert "历史" in response.content.decode()
    response = client.get(object_url(org) + "?tab=history")
    html = response.content.decode()
    assert response.status_code == 200 and "锦江审批局" in html and "简称" in html


@pytest.mark.django_db
def test_hash_survives_awkward_json(orgs):
    from decimal import Decimal

    record_event(action="other", message="nul\x00 字符", data={"big": 1e20, "small": 1e-7, "nan": float("nan"),
                                                    "dec": Decimal("1.10"), "nested": [{"b": 2, "a": 1.5}]})
    assert audit_chain_verify().ok
