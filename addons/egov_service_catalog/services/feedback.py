"""我要建议 / 我要投诉 (complaints need the 投诉须知 confirmation) and 问卷 (信息填报 / 问卷调查 / 满意度调查) built on
SC-core's form engine (ServiceForm kind questionnaire): publish to departments, answer, result statistics."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from egov_base.numbers import next_number

from ..models import Feedback, Survey, SurveyResponse

FEEDBACK_EVENT = "service_catalog.feedback_new"
SURVEY_EVENT = "service_catalog.survey_published"


def feedback_submit(*, user, kind: str, title: str, content: str, item=None, contact_phone: str = "",
                    notice_accepted: bool = False, idempotency_key: str) -> Feedback:
    from egov_base.notify.services import notify

    if not user.is_authenticated or not user.organization_id:
        raise PermissionDenied
    errors = {}
    if kind not in Feedback.Kind.values:
        errors["kind"] = gettext("类型无效。")
    if not (title or "").strip():
        errors["title"] = gettext("请填写标题。")
    if not (content or "").strip():
        errors["content"] = gettext("请填写内容。")
    elif len(content) > 5000:
        errors["content"] = gettext("内容不能超过 5000 字。")
    if kind == Feedback.Kind.COMPLAINT and not notice_accepted:
        errors["notice_accepted"] = gettext("请阅读并确认《投诉须知》后再提交。")
    if not idempotency_key:
        errors["__all__"] = gettext("请求缺少幂等键，请刷新页面后重试。")
    if errors:
        raise ValidationError(errors)
    existing = Feedback.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitter_id != user.pk:
            raise PermissionDenied
        return existing
    try:
        with transaction.atomic():
            fb = Feedback.objects.create(
                number=next_number("TS" if kind == Feedback.Kind.COMPLAINT else "JY"), kind=kind,
                organization=user.organization, submitter=user, item=item, title=title.strip()[:200],
                content=content.strip(), contact_phone=contact_phone,
                notice_accepted_at=timezone.now() if kind == Feedback.Kind.COMPLAINT else None,
                idempotency_key=idempotency_key,
            )
            from egov_base.org.models import User

            desk = list(User.objects.filter(is_active=True, groups__role__code__in=("service_desk", "dept_head"))
                        .distinct())
            if desk:
                notify(desk, FEEDBACK_EVENT, {"feedback": {"number": fb.number, "title": fb.title,
                                                           "kind": fb.get_kind_display(),
                                                           "org": str(fb.organization)}},
                       obj=fb, key=f"sc-feedback:{fb.pk}:new")
    except IntegrityError:
        return Feedback.objects.get(idempotency_key=idempotency_key)
    return fb


def feedback_reply(*, user, feedback: Feedback, reply: str, close: bool = False) -> Feedback:
    from egov_base.notify.services import notify

    if not user.has_perm("egov_service_catalog.reply_feedback"):
        raise PermissionDenied
    if not (reply or "").strip():
        raise ValidationError({"reply": gettext("请填写答复内容。")})
    with transaction.atomic():
        fb = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if fb.status == Feedback.Status.CLOSED:
            raise ValidationError(gettext("已办结的事项不能再答复。"))
        fb.reply, fb.replied_by, fb.replied_at = reply.strip(), user, timezone.now()
        fb.status = Feedback.Status.CLOSED if close else Feedback.Status.REPLIED
        fb.save()
        notify([fb.submitter], "notify.message",
               {"title": gettext("您的%(kind)s已答复：%(t)s") % {"kind": fb.get_kind_display(), "t": fb.title},
                "body": fb.reply}, obj=fb, key=f"sc-feedback:{fb.pk}:reply:{fb.replied_at:%s}")
    return fb


# --- surveys ---------------------------------------------------------------------------------------------------

def survey_publish(*, user, survey: Survey) -> Survey:
    from egov_base.notify.services import notify
    from egov_base.org.models import User

    if not user.has_perm("egov_service_catalog.publish_survey"):
        raise PermissionDenied
    with transaction.atomic():
        s = Survey.objects.select_for_update().get(pk=survey.pk)
        if s.status != Survey.Status.DRAFT:
            raise ValidationError(gettext("只有草稿状态的问卷可以发布。"))
        if not (s.form.schema or {}).get("components"):
            raise ValidationError(gettext("问卷表单还没有题目，请先设计表单。"))
        if s.end_at and s.end_at <= timezone.now():
            raise ValidationError({"end_at": gettext("截止时间必须晚于当前时间。")})
        s.status, s.published_at = Survey.Status.PUBLISHED, timezone.now()
        s.start_at = s.start_at or s.published_at
        s.save()
        targets = list(s.targets.values_list("pk", flat=True))
        users = User.objects.filter(is_active=True, groups__role__code="dept_user")
        if targets:
            users = users.filter(organization_id__in=targets)
        notify(list(users.distinct()[:2000]), SURVEY_EVENT, {"survey": {"title": s.title,
                                                                          "kind": s.get_kind_display()}},
               obj=s, url=f"/service-catalog/portal/surveys/{s.pk}/", key=f"sc-survey:{s.pk}:published")
    return s


def survey_close(*, user, survey: Survey) -> Survey:
    if not user.has_perm("egov_service_catalog.publish_survey"):
        raise PermissionDenied
    with transaction.atomic():
        s = Survey.objects.select_for_update().get(pk=survey.pk)
        if s.status != Survey.Status.PUBLISHED:
            raise ValidationError(gettext("只有进行中的问卷可以结束。"))
        s.status = Survey.Status.CLOSED
        s.save()
    return s


def surveys_for(user):
    """Published surveys addressed to the user's organisation (or to all)."""
    now = timezone.now()
    qs = Survey.objects.filter(status=Survey.Status.PUBLISHED).filter(Q(end_at__isnull=True) | Q(end_at__gt=now))
    org_id = user.organization_id
    return qs.filter(Q(targets__isnull=True) | Q(targets=org_id)).distinct().order_by("-published_at")


def survey_can_answer(user, survey: Survey) -> bool:
    return surveys_for(user).filter(pk=survey.pk).exists()


def survey_answer(*, user, survey: Survey, data: dict) -> SurveyResponse:
    """Validate the answers with the form engine and store them once per user (a repeat returns the first)."""
    from .. import forms_engine

    if not survey_can_answer(user, survey):
        raise PermissionDenied
    existing = SurveyResponse.objects.filter(survey=survey, respondent=user).first()
    if existing is not None:
        return existing
    cleaned, errors = forms_engine.validate(survey.form.schema, data or {})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            resp = SurveyResponse.objects.create(survey=survey, organization=user.organization, respondent=user,
                                                 data=cleaned)
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    except IntegrityError:
        return SurveyResponse.objects.get(survey=survey, respondent=user)
    return resp


def survey_results(*, survey: Survey, responses=None) -> list[dict]:
    """Per question: counts of each option (choice fields), the average (numbers) or the text answers."""
    from .. import forms_engine

    responses = list(responses if responses is not None else survey.responses.all())
    out = []
    for f in forms_engine.fields(survey.form.schema):
        key, ctype = f["key"], f["type"]
        answers = [forms_engine._get(r.data, key) for r in responses]
        answers = [a for a in answers if a not in (None, "", [])]
        q = {"key": key, "label": f["label"], "type": ctype, "answered": len(answers)}
        if ctype in ("radio", "select", "checklist", "taglist", "checkbox"):
            labels = {str(o["value"]): o["label"] for o in f["options"]}
            counter = Counter()
            for a in answers:
                for v in (a if isinstance(a, list) else [a]):
                    counter[str(v)] += 1
            keys = list(labels) or sorted(counter)
            if ctype == "checkbox":
                keys, labels = ["True", "False"], {"True": gettext("是"), "False": gettext("否")}
            q["options"] = [{"value": k, "label": labels.get(k, k), "count": counter.get(k, 0)} for k in keys]
            q["kind"] = "choice"
        elif ctype == "number":
            nums = [float(a) for a in answers if isinstance(a, int | float | str) and _is_num(a)]
            q["kind"] = "number"
            q["average"] = round(sum(nums) / len(nums), 2) if nums else None
        else:
            q["kind"] = "text"
            q["texts"] = [str(a) for a in answers][:200]
        out.append(q)
    return out


def _is_num(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False
