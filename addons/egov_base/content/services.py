"""Writes of the content area: create/edit articles and run their workflow transitions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from ..scope import org_in_scope
from .models import Article

EDIT_FIELDS = ("category", "column", "title", "summary", "body", "cover", "source", "organization", "audience",
               "pinned", "publish_at", "expire_at")
ACTIONS = {
    "submit": _("提交审核"),
    "approve": _("审核通过"),
    "reject": _("退回修改"),
    "publish": _("直接发布"),
    "withdraw": _("撤回"),
}
EDITABLE_STATES = (Article.Status.DRAFT, Article.Status.WITHDRAWN)


def _validate(article: Article, districts) -> None:
    errors = {}
    if article.expire_at and article.publish_at and article.expire_at <= article.publish_at:
        errors["expire_at"] = _("失效时间必须晚于发布时间。")
    if article.audience == Article.Audience.DISTRICTS and not districts:
        errors["districts"] = _("发布范围为“指定区(市)县”时，请至少选择一个区(市)县。")
    if errors:
        raise ValidationError(errors)


def _audit(action: str, article: Article, message: str, data: dict | None = None) -> None:
    from ..audit.services import record_event

    record_event(action=action, obj=article, message=message, data=data or {})


def _check_org(user, organization) -> None:
    if organization is not None and not org_in_scope(user, organization):
        raise ValidationError({"organization": _("不能以数据范围之外的单位发布。")})


def article_create(*, user, data: dict, districts=()) -> Article:
    if not user.has_perm("egov_base.add_article"):
        raise PermissionDenied
    with transaction.atomic():
        article = Article()
        for name in EDIT_FIELDS:
            if name in data:
                setattr(article, name, data[name])
        if article.organization_id is None and getattr(user, "organization_id", None):
            article.organization_id = user.organization_id
        _check_org(user, article.organization)
        _validate(article, districts)
        article.full_clean(exclude=["cover"])
        if article.created_by_id is None:
            article.created_by = user
        article.updated_by = user
        article.save()
        article.districts.set(districts or [])
        _audit("create", article, _g("新建文章：%s") % article.title)
        return article


def article_update(*, user, article: Article, data: dict, districts=None) -> Article:
    if not user.has_perm("egov_base.change_article"):
        raise PermissionDenied
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status not in EDITABLE_STATES:
            raise ValidationError(_("只有草稿或已撤回的文章可以修改；请先撤回或等待审核结果。"))
        for name in EDIT_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        _check_org(user, locked.organization)
        effective_districts = districts if districts is not None else list(locked.districts.all())
        _validate(locked, effective_districts)
        locked.full_clean(exclude=["cover"])
        locked.updated_by = user
        locked.save()
        if districts is not None:
            locked.districts.set(districts)
        _audit("update", locked, _g("修改文章：%s") % locked.title)
        return locked


def available_actions(*, user, article: Article) -> list[tuple[str, str]]:
    out = []
    for name, label in ACTIONS.items():
        method = getattr(article, name)
        if can_proceed(method) and has_transition_perm(method, user):
            out.append((name, label))
    return out


def article_transition(*, user, article: Article, action: str, comment: str = "") -> Article:
    """Run one workflow action. Locks the row, so a double click or a retry does not run it twice: the
    second call finds the state already changed and gets a clear error."""
    if action not in ACTIONS:
        raise ValidationError(_("未知的操作。"))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        method = getattr(locked, action)
        if not can_proceed(method):
            raise ValidationError(
                _("文章当前状态为“%(status)s”，不能执行“%(action)s”。"),
                params={"status": locked.get_status_display(), "action": ACTIONS[action]},
            )
        if not has_transition_perm(method, user):
            raise PermissionDenied
        if action == "reject" and not comment.strip():
            raise ValidationError({"comment": _("退回时请填写审核意见。")})
        if action == "publish" or action == "approve":
            _validate(locked, list(locked.districts.all()))
        source = locked.status
        method()
        if action in ("approve", "reject"):
            locked.reviewed_by = user
            locked.review_comment = comment.strip()[:500]
        locked.updated_by = user
        locked.save()
        _audit("transition", locked, _g("%(action)s：%(title)s") % {"action": ACTIONS[action], "title": locked.title},
               {"from": source, "to": locked.status, "action": action, "comment": comment})
        _sync_inbox(locked, action, user)
        return locked


def _sync_inbox(article: Article, action: str, user) -> None:
    from ..inbox.services import task_cancel, task_complete, task_open

    key = f"content.article:{article.pk}:review"
    if action == "submit":
        task_open(
            obj=article, roles=["dept_head"], org=article.organization, kind="todo",
            title=_g("内容审核：%s") % article.title, url=article.get_absolute_url(), due_at=None, key=key,
            source="egov_base.content",
        )
    elif action in ("approve", "reject"):
        task_complete(key=key, user=user, result=action)
    elif action == "withdraw":
        task_cancel(key=key)


def article_delete(*, user, article: Article) -> None:
    if not user.has_perm("egov_base.delete_article"):
        raise PermissionDenied
    if article.status == Article.Status.PUBLISHED:
        raise ValidationError(_("已发布的文章请先撤回再删除。"))
    with transaction.atomic():
        _audit("delete", article, _g("删除文章：%s") % article.title)
        article.delete()


def article_register_view(*, article: Article) -> None:
    from django.db.models import F

    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
