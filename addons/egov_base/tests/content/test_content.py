from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov_base.content import selectors, services
from egov_base.content.models import Article
from egov_base.content.sanitize import clean_body, sanitize_html

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov_base.tests.ui.urls_for_tests")]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.AXES_ENABLED = False


def make(user, **data):
    data.setdefault("category", Article.Category.NOTICE)
    data.setdefault("title", "关于政务云资源申报的通知")
    data.setdefault("body", "请各单位按时申报。")
    districts = data.pop("districts", ())
    return services.article_create(user=user, data=data, districts=districts)


def publish(article, users, **kw):
    article = services.article_transition(user=users["city_admin"], article=article, action="submit")
    return services.article_transition(user=users["dept_head"], article=article, action="approve", **kw)


def test_workflow_submit_approve_withdraw(users):
    article = make(users["city_admin"])
    assert article.status == "draft" and article.organization == users["city_admin"].organization
    article = services.article_transition(user=users["city_admin"], article=article, action="submit")
    assert article.status == "review" and article.submitted_at
    with pytest.raises(PermissionDenied):  # editors cannot approve their own work
        services.article_transition(user=users["service_desk"], article=article, action="approve")
    article = services.article_transition(user=users["dept_head"], article=article, action="approve", comment="同意")
    assert article.status == "published" and article.publish_at and article.reviewed_by == users["dept_head"]
    # a double click / retry does not run it twice
    with pytest.raises(ValidationError) as exc:
        services.article_transition(user=users["dept_head"], article=article, action="approve")
    assert "不能执行" in str(exc.value)
    article = services.article_transition(user=users["dept_head"], article=article, action="withdraw")
    assert article.status == "withdrawn"


def test_reject_requires_comment_and_changes_nothing(users):
    article = services.article_transition(user=users["city_admin"], article=make(users["city_admin"]), action="submit")
    with pytest.raises(ValidationError):
        services.article_transition(user=users["dept_head"], article=article, action="reject", comment="  ")
    article.refresh_from_db()
    assert article.status == "review"
    article = services.article_transition(user=users["dept_head"], article=article, action="reject", comment="请补充附件")
    assert article.status == "draft" and article.review_comment == "请补充附件"


def test_direct_publish_needs_permission(users):
    article = make(users["service_desk"])
    with pytest.raises(PermissionDenied):
        services.article_transition(user=users["service_desk"], article=article, action="publish")
    article = services.article_transition(user=users["city_admin"], article=article, action="publish")
    assert article.status == "published"


def test_published_article_cannot_be_edited(users):
    article = publish(make(users["city_admin"]), users)
    with pytest.raises(ValidationError):
        services.article_update(user=users["city_admin"], article=article, data={"title": "改"})


def test_bad_input_rejected(users):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make(users["city_admin"], publish_at=now, expire_at=now - timedelta(days=1))
    assert "expire_at" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        make(users["city_admin"], audience=Article.Audience.DISTRICTS)
    assert "districts" in exc.value.error_dict
    assert Article.objects.count() == 0


def test_departments_see_only_published_visible_articles(users, regions):
    admin = users["city_admin"]
    draft = make(admin, title="草稿")
    publish(make(admin, title="已发布"), users)
    expired = publish(make(admin, title="已过期", expire_at=timezone.now() + timedelta(seconds=1)), users)
    Article.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    future = publish(make(admin, title="定时发布", publish_at=timezone.now() + timedelta(days=2)), users)
    withdrawn = services.article_transition(user=users["dept_head"], article=publish(make(admin, title="已撤回"), users),
                                            action="withdraw")
    visible = {a.title for a in selectors.article_public_list(user=users["dept_user"])}
    assert visible == {"已发布"}
    for hidden in (draft, expired, future, withdrawn):
        with pytest.raises(Article.DoesNotExist):
            selectors.article_public_get(user=users["dept_user"], pk=hidden.pk)


def test_publish_scope(users, regions, make_user):
    admin = users["city_admin"]
    city_only = publish(make(admin, title="市级", audience="city"), users)
    jj_only = publish(make(admin, title="锦江", audience="districts", districts=[regions["锦江区"]]), users)
    everyone = publish(make(admin, title="全部"), users)
    city_dept_user = make_user("jxj_user", "dept_user", "city")
    qy_user = make_user("qy_user", "dept_user", "qingyang")

    def titles(user):
        return {a.title for a in selectors.article_public_list(user=user)}

    assert titles(users["dept_user"]) == {"锦江", "全部"}  # 锦江区 department
    assert titles(qy_user) == {"全部"}
    assert titles(city_dept_user) == {"市级", "全部"}
    assert titles(users["leader"]) == {"市级", "锦江", "全部"}  # data scope all
    assert {city_only.pk, jj_only.pk, everyone.pk}


def test_portal_and_mobile_pages(client, users):
    art = publish(make(users["city_admin"], title="电子政务外网割接公告", body="<p onclick='x()'>维护通知</p><script>alert(1)</script>"), users)
    hidden = make(users["city_admin"], title="未发布草稿")
    client.force_login(users["dept_user"])
    html = client.get("/portal/content/").content.decode()
    assert "电子政务外网割接公告" in html and "未发布草稿" not in html
    html = client.get(f"/portal/content/{art.pk}/").content.decode()
    assert "维护通知" in html and "<script>alert" not in html and "onclick" not in html
    assert client.get(f"/portal/content/{hidden.pk}/").status_code == 404
    assert client.get(f"/m/content/{art.pk}/").status_code == 200
    assert client.get(f"/m/content/{hidden.pk}/").status_code == 404
    assert "电子政务外网割接公告" in client.get("/m/content/").content.decode()
    assert "电子政务外网割接公告" in client.get("/portal/").content.decode()
    art.refresh_from_db()
    assert art.view_count == 2


def test_backend_views_check_permission_and_scope(client, users, orgs, make_user):
    qy_article = make(users["qy_admin"], title="青羊区通知", organization=orgs["qingyang"])
    client.force_login(users["jj_admin"])
    assert client.get(f"/content/articles/{qy_article.pk}/").status_code == 404
    assert client.post(f"/content/articles/{qy_article.pk}/submit/").status_code == 404
    client.force_login(users["qy_admin"])
    assert client.get(f"/content/articles/{qy_article.pk}/").status_code == 200
    resp = client.post(f"/content/articles/{qy_article.pk}/submit/")
    assert resp.status_code == 302
    qy_article.refresh_from_db()
    assert qy_article.status == "review"
    resp = client.post(f"/content/articles/{qy_article.pk}/approve/")
    assert resp.status_code == 403
    client.force_login(users["dept_user"])
    assert client.get("/content/articles/").status_code == 403


def test_backend_create_form(client, users):
    client.force_login(users["city_admin"])
    assert client.get("/content/articles/new/").status_code == 200
    resp = client.post("/content/articles/new/", {"category": "policy", "title": "", "audience": "all"})
    assert resp.status_code == 200 and Article.objects.count() == 0
    resp = client.post("/content/articles/new/", {"category": "policy", "title": "数据共享管理办法", "audience": "all",
                                                  "body": "第一条 总则"})
    assert resp.status_code == 302
    article = Article.objects.get()
    assert article.body == "<p>第一条 总则</p>" and article.created_by == users["city_admin"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "提交审核" in html


def test_sanitiser():
    dirty = ('<p>正文<a href="javascript:alert(1)">链接</a><a href="https://www.chengdu.gov.cn/">成都</a></p>'
             '<img src=x onerror=alert(1)><script>bad()</script><style>p{}</style><iframe src="//x"></iframe>')
    clean = sanitize_html(dirty)
    assert "javascript" not in clean and "onerror" not in clean and "bad()" not in clean and "iframe" not in clean
    assert 'href="https://www.chengdu.gov.cn/"' in clean and "正文" in clean
    assert clean_body("# 标题\n\n- 一\n- 二\n\n**重点**") == "<h2>标题</h2><ul><li>一</li><li>二</li></ul><p><strong>重点</strong></p>"
    assert clean_body("<strong>x</strong").startswith("<strong>x")  # broken HTML is closed


def test_demo_load_is_idempotent(users):
    from egov_base.content import demo

    demo.load()
    count = Article.objects.count()
    demo.load()
    assert Article.objects.count() == count >= 6
    assert selectors.article_public_list(user=users["dept_user"]).count() >= 5
