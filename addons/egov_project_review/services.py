"""Every write of project review (HackSoft style: keyword-only, one transaction, row locks, idempotent)."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egov_base.audit.services import record_event
from egov_base.files.selectors import attachments_for
from egov_base.files.services import add_version, attach
from egov_base.files.storage import read_plain
from egov_base.inbox.services import task_cancel, task_complete, task_open
from egov_base.notify.services import notify
from egov_base.numbers import next_number
from egov_base.scope import can_see, org_in_scope
from egov_base.workflow.fsm import obj_task_key, run_transition, write_log

from . import documents, tagging
from .models import (
    Consultation,
    Countersign,
    DistrictControl,
    IntensiveTemplate,
    Level,
    Proposal,
    ProposalEvent,
    ProposalKind,
    ProposalTag,
    ProposalTemplate,
    ReplyLetter,
    ReplyTemplate,
    RoutingRule,
    Tag,
)
from .workflows import (
    ANNOTATE_STATES,
    State,
    can_accept,
    can_reply,
    is_applicant,
    is_district_admin_of,
    is_reviewer,
    stage_assignees,
    users_with_role,
)

logger = logging.getLogger(__name__)

PURPOSE_BASE = "pr_base"          # 项目基础方案 (uploads)
PURPOSE_DOC = "pr_document"       # the merged proposal document, one attachment, one version per save
PURPOSE_PDF = "pr_pdf"
PURPOSE_MINUTES = "pr_minutes"    # 会商/评审材料
PURPOSE_REPLY = "pr_reply"        # 回函
PURPOSE_TEMPLATE = "pr_template"  # 回函模版 .docx

EDITABLE_STATES = (State.DRAFT, State.RETURNED, State.IMPROVE)
PERM = "egov_project_review."


def _err(msg, code=None):
    return ValidationError(msg, code=code)


def _acting(user):
    """Make ``user`` the context user (audit, created_by) when a service runs outside a request (demo, tasks)."""
    from contextlib import nullcontext

    from egov_base.context import acting_as, get_current_user

    return nullcontext() if get_current_user() is not None else acting_as(user, source="service")


def _lock(proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


# --- templates and controls -------------------------------------------------------------------------------
def clean_sections(sections) -> list[dict]:
    """Validate a template's section list: [{"key", "label", "required", "help"}] with unique keys."""
    out, seen = [], set()
    for s in sections or []:
        key = str(s.get("key", "")).strip()
        label = str(s.get("label", "")).strip()
        if not key or not label:
            raise _err(_("每个栏目都须有编码和名称。"))
        if not key.replace("_", "").isalnum():
            raise _err(_("栏目编码“%(key)s”只能包含字母、数字和下划线。") % {"key": key})
        if key in seen:
            raise _err(_("栏目编码“%(key)s”重复。") % {"key": key})
        seen.add(key)
        out.append({"key": key, "label": label, "required": bool(s.get("required")),
                    "help": str(s.get("help", "")).strip()})
    if not out:
        raise _err(_("模版至少需要一个栏目。"))
    return out


def parse_sections_text(text: str) -> list[dict]:
    """One section per line: ``编码|名称|必填(是/否)|填写说明``."""
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        rows.append({"key": parts[0], "label": parts[1], "required": parts[2] in ("是", "必填", "1", "true", "y"),
                     "help": parts[3]})
    return clean_sections(rows)


def sections_text(sections) -> str:
    return "\n".join(f"{s['key']}|{s['label']}|{'是' if s.get('required') else '否'}|{s.get('help', '')}"
                     for s in sections or [])


def template_publish(*, user, kind, name, sections, description="", activate=True) -> ProposalTemplate:
    """Publish a new version of the proposal template of ``kind``; with ``activate`` it becomes the one active
    template of its type (the previous one is deactivated in the same transaction)."""
    if not user.has_perm(PERM + "add_proposaltemplate"):
        raise PermissionDenied(_("您没有维护申报模版的权限。"))
    if kind not in ProposalKind.values:
        raise _err(_("方案类型无效。"))
    if not (name or "").strip():
        raise _err(_("请填写模版名称。"))
    sections = clean_sections(sections)
    with transaction.atomic():
        # serialise publishers of the same type
        list(ProposalTemplate.objects.select_for_update().filter(kind=kind))
        version = (ProposalTemplate.objects.filter(kind=kind).aggregate(m=Max("version"))["m"] or 0) + 1
        if activate:
            ProposalTemplate.objects.filter(kind=kind, active=True).update(active=False)
        tpl = ProposalTemplate.objects.create(kind=kind, name=name.strip(), version=version, active=activate,
                                              sections=sections, description=description)
        record_event(user=user, action="create", obj=tpl, message=f"发布申报模版 {tpl}")
    return tpl


def template_activate(*, user, template) -> ProposalTemplate:
    if not user.has_perm(PERM + "change_proposaltemplate"):
        raise PermissionDenied(_("您没有维护申报模版的权限。"))
    with transaction.atomic():
        list(ProposalTemplate.objects.select_for_update().filter(kind=template.kind))
        ProposalTemplate.objects.filter(kind=template.kind, active=True).exclude(pk=template.pk).update(active=False)
        ProposalTemplate.objects.filter(pk=template.pk).update(active=True)
        template.refresh_from_db()
        record_event(user=user, action="update", obj=template, message=f"启用申报模版 {template}")
    return template


def template_delete(*, user, template) -> None:
    if not user.has_perm(PERM + "delete_proposaltemplate"):
        raise PermissionDenied(_("您没有删除申报模版的权限。"))
    if template.active:
        raise _err(_("有效运行的模版不能删除，请先启用其他版本。"))
    if Proposal.objects.filter(template=template).exists():
        raise _err(_("已有方案使用该模版版本，不能删除。"))
    record_event(user=user, action="delete", obj=template, message=f"删除申报模版 {template}")
    template.delete()


def intensive_publish(*, user, region, name, sections) -> IntensiveTemplate:
    """Publish the 集约化建设及公共应用接入 template of the city (``region`` None) or of one district."""
    if not user.has_perm(PERM + "add_intensivetemplate"):
        raise PermissionDenied(_("您没有维护集约化建设模版的权限。"))
    if region is not None and region.level != "district":
        raise _err(_("请选择区(市)县。"))
    if not (name or "").strip():
        raise _err(_("请填写模版名称。"))
    sections = clean_sections(sections)
    with transaction.atomic():
        qs = IntensiveTemplate.objects.filter(region=region) if region else IntensiveTemplate.objects.filter(
            region__isnull=True)
        list(qs.order_by("pk").select_for_update())
        version = (qs.aggregate(m=Max("version"))["m"] or 0) + 1
        qs.filter(active=True).update(active=False)
        tpl = IntensiveTemplate.objects.create(region=region, name=name.strip(), version=version, active=True,
                                               sections=sections)
        record_event(user=user, action="create", obj=tpl, message=f"发布集约化建设模版 {tpl}")
    return tpl


def intensive_delete(*, user, template) -> None:
    if not user.has_perm(PERM + "delete_intensivetemplate"):
        raise PermissionDenied(_("您没有删除集约化建设模版的权限。"))
    if Proposal.objects.filter(intensive_template=template).exists():
        raise _err(_("已有方案使用该模版版本，不能删除。"))
    record_event(user=user, action="delete", obj=template, message=f"删除集约化建设模版 {template}")
    template.delete()


def active_template(kind) -> ProposalTemplate | None:
    return ProposalTemplate.objects.filter(kind=kind, active=True).first()


def active_intensive(region_id) -> IntensiveTemplate | None:
    if region_id:
        tpl = IntensiveTemplate.objects.filter(region_id=region_id, active=True).first()
        if tpl:
            return tpl
    return IntensiveTemplate.objects.filter(region__isnull=True, active=True).first()


def district_control_set(*, user, region, enabled: bool, note="") -> DistrictControl:
    """区县预审服务管控: open / close the city pre-review service for a district."""
    if not user.has_perm(PERM + "manage_controls"):
        raise PermissionDenied(_("您没有区县预审服务管控的权限。"))
    if region.level != "district":
        raise _err(_("请选择区(市)县。"))
    with transaction.atomic():
        ctl, _created = DistrictControl.objects.select_for_update().get_or_create(region=region)
        if ctl.prereview_enabled != enabled or ctl.note != note:
            ctl.prereview_enabled = enabled
            ctl.note = note
            ctl.save()
            record_event(user=user, action="update", obj=ctl, message=("开通" if enabled else "关闭") + f"{region}市级预审服务")
    return ctl


def district_prereview_enabled(region_id) -> bool:
    return DistrictControl.objects.filter(region_id=region_id, prereview_enabled=True).exists()


def reply_template_upload(*, user, template, file):
    if not user.has_perm(PERM + "change_replytemplate"):
        raise PermissionDenied(_("您没有维护回函模版的权限。"))
    if not (getattr(file, "name", "") or "").lower().endswith(".docx"):
        raise _err(_("回函模版须为 .docx 文件。"))
    existing = attachments_for(template, purpose=PURPOSE_TEMPLATE).first()
    if existing:
        return add_version(attachment=existing, file=file, user=user)
    return attach(obj=template, file=file, user=user, purpose=PURPOSE_TEMPLATE)


# --- proposals: draft, upload, submit -------------------------------------------------------------------
def _clean_data(data, template, intensive_tpl):
    title = (data.get("title") or "").strip()
    if not title:
        raise _err({"title": _("请填写项目名称。")})
    if len(title) > 120:
        raise _err({"title": _("项目名称不能超过 120 个字。")})
    keys = {s["key"] for s in (template.sections if template else [])}
    content = {k: str(v).strip() for k, v in (data.get("content") or {}).items() if k in keys}
    ikeys = {s["key"] for s in (intensive_tpl.sections if intensive_tpl else [])}
    intensive = {k: str(v).strip() for k, v in (data.get("intensive") or {}).items() if k in ikeys}
    budget = data.get("budget")
    if budget in ("", None):
        budget = None
    else:
        try:
            from decimal import Decimal, InvalidOperation

            budget = Decimal(str(budget))
        except (InvalidOperation, ValueError):
            raise _err({"budget": _("预算金额须为数字（万元）。")}) from None
        if budget < 0 or budget >= 10**10:
            raise _err({"budget": _("预算金额超出范围。")})
    phone = (data.get("contact_phone") or "").strip()
    if phone and not phone.replace("-", "").isdigit():
        raise _err({"contact_phone": _("联系电话格式不正确。")})
    return {"title": title, "content": content, "intensive": intensive, "budget": budget, "contact_phone": phone}


def proposal_create(*, user, data) -> Proposal:
    """申报: a new draft from the active template of its type."""
    if not user.has_perm(PERM + "add_proposal"):
        raise PermissionDenied(_("您没有申报方案的权限。"))
    kind = data.get("kind")
    if kind not in ProposalKind.values:
        raise _err({"kind": _("请选择方案类型。")})
    org = data.get("organization") or user.organization
    if org is None or not org_in_scope(user, org):
        raise _err({"organization": _("申报单位不在您的数据范围内。")})
    template = active_template(kind)
    if template is None:
        raise _err({"kind": _("该方案类型暂无有效运行的申报模版，请联系管理员。")})
    intensive_tpl = active_intensive(org.district_id)
    clean = _clean_data(data, template, intensive_tpl)
    with transaction.atomic():
        p = Proposal.objects.create(
            number=next_number("XM"), kind=kind, organization=org, applicant=user,
            level=Level.DISTRICT if org.district_id else Level.CITY, region_id=org.district_id,
            template=template, intensive_template=intensive_tpl, **clean)
        record_event(user=user, action="create", obj=p, message=f"新建方案 {p.number}")
    return p


def proposal_update(*, user, proposal, data) -> Proposal:
    """修改 / 保存 (draft, returned, 完善)."""
    with transaction.atomic():
        p = _lock(proposal)
        _check_editable(p, user)
        clean = _clean_data(data, p.template, p.intensive_template)
        changed = {k: (getattr(p, k), v) for k, v in clean.items() if getattr(p, k) != v}
        for k, v in clean.items():
            setattr(p, k, v)
        p.save()
        if changed:
            record_event(user=user, action="update", obj=p, message=f"修改方案 {p.number}",
                         data={"fields": sorted(changed)})
    return p


def _check_editable(p, user):
    if not can_see(user, p) or not is_applicant(p, user):
        raise PermissionDenied(_("只有申报单位可以修改该方案。"))
    if p.state not in EDITABLE_STATES:
        raise _err(_("方案当前为“%(state)s”，不能修改。") % {"state": p.get_state_display()})


def proposal_upload(*, user, proposal, file, comment=""):
    """上传 a base document (项目基础方案); validated and encrypted at rest."""
    with transaction.atomic():
        p = _lock(proposal)
        _check_editable(p, user)
        return attach(obj=p, file=file, user=user, purpose=PURPOSE_BASE, comment=comment, encrypt=True)


def proposal_delete(*, user, proposal) -> None:
    """删除: only a draft never submitted."""
    with transaction.atomic():
        p = _lock(proposal)
        if not is_applicant(p, user) or not user.has_perm(PERM + "delete_proposal"):
            raise PermissionDenied(_("只有申报单位可以删除草稿。"))
        if p.state != State.DRAFT or p.submit_count:
            raise _err(_("已提交过的方案不能删除，可执行“终止”。"))
        record_event(user=user, action="delete", obj=p, message=f"删除方案草稿 {p.number}")
        for a in attachments_for(p):
            from egov_base.files.services import attachment_delete

            attachment_delete(attachment=a, user=user)
        p.delete()


def proposal_handover(*, user, proposal, to_user) -> Proposal:
    """移交: hand the proposal to a colleague of the same unit (the new applicant)."""
    with transaction.atomic():
        p = _lock(proposal)
        if not is_applicant(p, user):
            raise PermissionDenied(_("只有申报单位可以移交方案。"))
        if to_user is None or to_user.organization_id != p.organization_id or not to_user.is_active:
            raise _err(_("只能移交给本单位的在职人员。"))
        if not to_user.has_perm(PERM + "add_proposal"):
            raise _err(_("接收人没有申报方案的权限。"))
        if to_user.pk == p.applicant_id:
            return p
        old = p.applicant
        p.applicant = to_user
        p.save(update_fields=["applicant"])
        write_log(obj=p, user=user, action="handover", action_label=_("移交"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=_("由 %(a)s 移交给 %(b)s") % {"a": old, "b": to_user})
        record_event(user=user, action="update", obj=p, message=f"移交方案给 {to_user}")
        if p.state in (State.RETURNED, State.IMPROVE):
            key = obj_task_key(p, p.state)
            task_cancel(key=key, user=user)
            task_open(obj=p, assignees=[to_user], title=_("【%(s)s】%(t)s") % {"s": p.get_state_display(),
                                                                             "t": p.title},
                      key=key, source="egov_project_review")
    return p


def _source_hash(p, uploads) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([p.title, p.kind, p.content, p.intensive, str(p.budget), p.contact_phone,
                         p.organization_id], sort_keys=True, ensure_ascii=False).encode())
    for a in uploads:
        h.update(f"{a.pk}:{a.current_version.sha256 if a.current_version_id else ''}".encode())
    return h.hexdigest()


def document_attachment(p):
    return attachments_for(p, purpose=PURPOSE_DOC).select_related("current_version").first()


def document_bytes(p, version: int | None = None) -> tuple[bytes, object] | tuple[None, None]:
    att = document_attachment(p)
    if att is None:
        return None, None
    v = att.current_version if version is None else att.versions.filter(version=version).first()
    if v is None:
        return None, None
    return read_plain(v), v


def _store_document(p, user, data: bytes, comment: str):
    name = f"{p.number}-{p.title}.docx"
    att = document_attachment(p)
    f = ContentFile(data, name=name)
    if att is None:
        v = attach(obj=p, file=f, user=user, purpose=PURPOSE_DOC, comment=comment, encrypt=True, name=name)
    else:
        v = add_version(attachment=att, file=f, user=user, comment=comment, encrypt=True, name=name)
    Proposal.objects.filter(pk=p.pk).update(doc_version=v.version)
    p.doc_version = v.version
    transaction.on_commit(lambda: _queue_pdf(p.pk, v.pk))
    return v


def _queue_pdf(proposal_id, version_id):
    from .tasks import render_pdf

    try:
        render_pdf.delay(proposal_id, version_id)
    except Exception:  # broker down: the PDF is a convenience, the .docx is the record
        logger.exception("could not queue PDF rendering of proposal %s", proposal_id)


def document_build(*, user, proposal, force=False):
    """合并: the structured form + uploaded .docx files → one complete proposal document (a new version).
    Skipped when nothing changed since the last merge (so online edits of the merged document are kept)."""
    p = proposal
    uploads = list(attachments_for(p, purpose=PURPOSE_BASE).select_related("current_version").order_by("pk"))
    digest = _source_hash(p, uploads)
    if not force and p.doc_version and p.doc_source_hash == digest:
        return None
    sections = p.template.sections if p.template_id else []
    isections = p.intensive_template.sections if p.intensive_template_id else []
    tags = [pt.tag.name for pt in p.proposal_tags.select_related("tag")]
    form = documents.build_form_document(proposal=p, sections=sections, intensive_sections=isections, tags=tags)
    words, others = [], []
    for a in uploads:
        v = a.current_version
        if v is None:
            continue
        if v.original_name.lower().endswith(".docx"):
            words.append((v.original_name, read_plain(v)))
        else:
            others.append(v.original_name)
    data = documents.merge(form_doc=form, attachments=words, others=others)
    v = _store_document(p, user, data, _("合并生成（第 %(n)s 次提交）") % {"n": p.submit_count + 1})
    Proposal.objects.filter(pk=p.pk).update(doc_source_hash=digest)
    p.doc_source_hash = digest
    return v


def tags_match(*, proposal) -> list[Tag]:
    """关键字匹配: structured fields + uploaded Word text against the tag vocabulary; auto tags are replaced,
    manual ones kept."""
    p = proposal
    parts = [p.title, *(p.content or {}).values(), *(p.intensive or {}).values()]
    for a in attachments_for(p, purpose=PURPOSE_BASE).select_related("current_version"):
        v = a.current_version
        if v and v.original_name.lower().endswith(".docx"):
            try:
                parts += [para["text"] for para in documents.paragraphs(read_plain(v))]
            except Exception:  # an unreadable upload does not block the submission
                logger.warning("could not read %s for tag matching", v.original_name)
    hits = tagging.match("\n".join(parts), Tag.objects.filter(active=True))
    ProposalTag.objects.filter(proposal=p, source="auto").exclude(tag__in=list(hits)).delete()
    manual = set(ProposalTag.objects.filter(proposal=p, source="manual").values_list("tag_id", flat=True))
    for tag, words in hits.items():
        if tag.pk not in manual:
            ProposalTag.objects.update_or_create(proposal=p, tag=tag,
                                                 defaults={"source": "auto", "matched": "、".join(words)[:200]})
    return list(hits)


def tags_set(*, user, proposal, tag_ids) -> None:
    """标签维护 by the reviewer at 预审 (or an administrator)."""
    with transaction.atomic():
        p = _lock(proposal)
        if not (is_reviewer(p, user) and p.state == State.PREREVIEW) and not user.has_perm(PERM + "change_tag"):
            raise PermissionDenied(_("只有预审人员可以维护标签。"))
        wanted = set(Tag.objects.filter(pk__in=tag_ids, active=True).values_list("pk", flat=True))
        current = set(ProposalTag.objects.filter(proposal=p).values_list("tag_id", flat=True))
        ProposalTag.objects.filter(proposal=p).exclude(tag_id__in=wanted).delete()
        for tid in wanted - current:
            ProposalTag.objects.create(proposal=p, tag_id=tid, source="manual")
        if wanted != current:
            record_event(user=user, action="update", obj=p, message="维护标签",
                         data={"tags": sorted(Tag.objects.filter(pk__in=wanted).values_list("name", flat=True))})


def proposal_submit(*, user, proposal, comment="") -> Proposal:
    """提交: merge the document (new version), match tags, and hand over to 接件. A double click runs once."""
    with transaction.atomic():
        p = _lock(proposal)
        if not can_see(user, p) or not is_applicant(p, user):
            raise PermissionDenied(_("只有申报单位可以提交该方案。"))
        if p.state not in (State.DRAFT, State.RETURNED):
            raise _err(_("“提交”已无法执行：方案当前为“%(state)s”，可能已提交。") % {"state": p.get_state_display()})
        sections = p.template.sections if p.template_id else []
        missing = [s["label"] for s in sections if s.get("required") and not (p.content or {}).get(s["key"])]
        if missing:
            raise _err(_("请填写必填栏目：%(list)s") % {"list": "、".join(missing)})
        tags_match(proposal=p)
        document_build(user=user, proposal=p)
        return _act(p, "submit", user=user, comment=comment)


# --- the flow --------------------------------------------------------------------------------------------
EVENT_HANDOVER = "project_review.handover"
EVENT_RETURNED = "project_review.returned"
EVENT_REPLIED = "project_review.replied"
EVENT_NOTICE = "project_review.notice"
EVENT_OVERDUE = "project_review.overdue"


def _ctx(p, **extra):
    return {"proposal": {"title": p.title, "number": p.number, "organization": str(p.organization),
                         "stage": p.get_state_display(), "reason": p.return_reason}, **extra}


EVENT_ALIASES = {("return_to_applicant", State.INTAKE): "intake_return",
                 ("return_to_applicant", State.PREREVIEW): "prereview_return",
                 ("consult_start", State.ACCEPT): "accept_consult"}


def _act(p, name, *, user, comment="", data=None, attachments=()) -> Proposal:
    """Run a transition and do what follows every hand-over: workbench event, notifications."""
    with transaction.atomic(), _acting(user):
        prev = p.state
        run_transition(p, name, user=user, comment=comment, data=data, attachments=attachments)
        p.refresh_from_db()
        action = EVENT_ALIASES.get((name, prev), name)
        ev = ProposalEvent.objects.create(proposal=p, organization_id=p.organization_id, level=p.level,
                                          action=action, actor=user, created_at=timezone.now())
        recipients = [u for u in stage_assignees(p) if u is not None and u.pk != user.pk]
        if p.state == State.RETURNED:
            notify([p.applicant], EVENT_RETURNED, _ctx(p), obj=p, key=f"pr:{p.pk}:ev:{ev.pk}:ret")
        elif p.state == State.DONE:
            notify([p.applicant], EVENT_REPLIED, _ctx(p), obj=p, key=f"pr:{p.pk}:ev:{ev.pk}:done")
        elif recipients:
            notify(recipients, EVENT_HANDOVER, _ctx(p), obj=p, key=f"pr:{p.pk}:ev:{ev.pk}")
    return p


REASON_ACTIONS = {"terminate", "return_to_applicant", "prereview_fail", "transfer_reject", "audit_return",
                  "reply_return"}
OPINION_ACTIONS = {"prereview_pass", "accept_improve", "audit_pass"}
SIMPLE_ACTIONS = REASON_ACTIONS | OPINION_ACTIONS | {"transfer_approve", "consult_start", "accept_expert",
                                                     "accept_reply", "improve_submit"}


def proposal_act(*, user, proposal, action, comment="", attachments=()) -> Proposal:
    """The transitions that need no more than a comment (pass / return with reason / start 会商 ...)."""
    if action not in SIMPLE_ACTIONS:
        raise _err(_("不支持的操作。"))
    comment = (comment or "").strip()
    if action in REASON_ACTIONS and not comment:
        raise _err(_("请填写原因。"))
    if action in OPINION_ACTIONS and not comment:
        raise _err(_("请填写意见。"))
    data = {"reason": comment} if action in REASON_ACTIONS else None
    with transaction.atomic():
        p = _lock(proposal)
        if action == "improve_submit":
            if p.state != State.IMPROVE:
                raise _err(_("方案当前为“%(state)s”，不能提交完善。") % {"state": p.get_state_display()})
            if is_applicant(p, user):
                tags_match(proposal=p)
                document_build(user=user, proposal=p)
        return _act(p, action, user=user, comment=comment, data=data, attachments=attachments)


def route_head(p):
    """任务分配规则: the first matching active rule (priority), else the first department head."""
    for rule in RoutingRule.objects.filter(active=True, head__is_active=True).select_related("head"):
        if rule.kind and rule.kind != p.kind:
            continue
        if rule.organization_id and rule.organization_id != p.organization_id:
            continue
        if rule.keyword and rule.keyword not in p.title:
            continue
        return rule.head
    return users_with_role("dept_head").order_by("pk").first()


def intake_pass(*, user, proposal, route="", comment="") -> Proposal:
    """接件通过. District: ``route`` "self" (区县自审) or "city" (市级预审, only while the district has the service
    open). City, and district with route city: routed to the responsible department head."""
    with transaction.atomic():
        p = _lock(proposal)
        data = {}
        if p.is_district:
            if route not in ("self", "city"):
                raise _err(_("请选择区县自审或市级预审。"))
            if route == "city" and not district_prereview_enabled(p.region_id):
                raise _err(_("本区(市)县未开通市级预审服务，只能区县自审。"))
            data["route"] = route
        if not p.is_district or route == "city":
            head = route_head(p)
            if head is None:
                raise _err(_("未配置对口部门负责人，请联系管理员设置任务分配规则。"))
            data["head_id"] = head.pk
        return _act(p, "intake_pass", user=user, comment=comment, data=data)


def assign_reviewer(*, user, proposal, reviewer, comment="") -> Proposal:
    if reviewer is None or not reviewer.is_active or not reviewer.has_role("reviewer"):
        raise _err(_("请选择预审人员。"))
    with transaction.atomic():
        p = _lock(proposal)
        return _act(p, "assign_reviewer", user=user, comment=comment or _("分配给 %(u)s") % {"u": reviewer},
                    data={"reviewer_id": reviewer.pk})


def transfer(*, user, proposal, to_head, comment="") -> Proposal:
    """转交 to another department head; waits for a centre leader's approval (转交待审核)."""
    if to_head is None or not to_head.is_active or not to_head.has_role("dept_head"):
        raise _err(_("请选择接收的部门负责人。"))
    if not (comment or "").strip():
        raise _err(_("请填写转交原因。"))
    with transaction.atomic():
        p = _lock(proposal)
        if to_head.pk == p.assigned_head_id:
            raise _err(_("不能转交给自己。"))
        return _act(p, "transfer", user=user, comment=comment, data={"transfer_to_id": to_head.pk})


# --- 会签 -------------------------------------------------------------------------------------------------
def countersign_candidates(p):
    leaders = list(users_with_role("centre_leader").exclude(pk=p.reviewer_id).order_by("pk"))
    heads = {u.pk: u for u in users_with_role("dept_head").exclude(pk=p.reviewer_id).order_by("pk")}
    for u in users_with_role("pr_tech_expert").exclude(pk=p.reviewer_id).order_by("pk"):
        heads.setdefault(u.pk, u)
    return leaders, [heads[k] for k in sorted(heads)]


def countersign_draw(*, user, proposal, seed: str | None = None) -> list[Countersign]:
    """Random draw of the co-signers: 1 centre leader + 1 department head or technical expert. The seed and the
    candidate lists are stored so anyone can replay the draw. Idempotent while a draw is pending."""
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != State.COUNTERSIGN:
            raise _err(_("方案当前为“%(state)s”，不能抽取会签人员。") % {"state": p.get_state_display()})
        if not is_reviewer(p, user):
            raise PermissionDenied(_("只有该方案的预审人员可以发起会签。"))
        current = list(p.countersigns.filter(result=Countersign.Result.PENDING))
        if current:
            return current
        leaders, heads = countersign_candidates(p)
        if not leaders:
            raise _err(_("没有可抽取的中心领导。"))
        if not heads:
            raise _err(_("没有可抽取的部门负责人或技术专家。"))
        seed = seed or secrets.token_hex(8)
        rng = random.Random(seed)
        leader = rng.choice(leaders)
        heads = [u for u in heads if u.pk != leader.pk] or heads
        head = rng.choice(heads)
        rnd = (p.countersigns.aggregate(m=Max("round"))["m"] or 0) + 1
        rows = []
        for slot, signer, cands in (("leader", leader, leaders), ("head", head, heads)):
            rows.append(Countersign.objects.create(
                proposal=p, round=rnd, slot=slot, signer=signer, seed=seed, drawn_by=user,
                candidates=[{"id": u.pk, "name": str(u)} for u in cands]))
        task_complete(key=obj_task_key(p, State.COUNTERSIGN), user=user, result="draw")
        for row in rows:
            task_open(obj=p, assignees=[row.signer], title=_("【会签】%(t)s（%(n)s）") % {"t": p.title, "n": p.number},
                      key=f"pr:{p.pk}:cs:{rnd}:{row.signer_id}", source="egov_project_review",
                      due_at=timezone.now() + timedelta(hours=48))
        write_log(obj=p, user=user, action="countersign_draw", action_label=_("抽取会签人员"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=_("随机抽取：%(a)s（中心领导）、%(b)s（部门负责人/技术专家）") % {"a": leader, "b": head},
                  data={"seed": seed, "round": rnd, "leaders": [u.pk for u in leaders],
                        "heads": [u.pk for u in heads], "chosen": [leader.pk, head.pk]})
        notify([leader, head], EVENT_HANDOVER, _ctx(p), obj=p, key=f"pr:{p.pk}:cs:{rnd}")
        record_event(user=user, action="update", obj=p, message="抽取会签人员", data={"seed": seed, "round": rnd})
    return rows


def countersign_vote(*, user, proposal, passed: bool, opinion="") -> Proposal:
    """A co-signer's result. Both pass → 受理; any fail → 会商 (offline)."""
    opinion = (opinion or "").strip()
    if not passed and not opinion:
        raise _err(_("不通过时请填写会签意见。"))
    with transaction.atomic():
        p = _lock(proposal)
        row = p.countersigns.select_for_update().filter(signer=user, result=Countersign.Result.PENDING).first()
        if p.state != State.COUNTERSIGN or row is None:
            raise PermissionDenied(_("您没有待办的会签任务，可能已会签。"))
        row.result = Countersign.Result.PASS if passed else Countersign.Result.FAIL
        row.opinion = opinion
        row.acted_at = timezone.now()
        row.save()
        task_complete(key=f"pr:{p.pk}:cs:{row.round}:{user.pk}", user=user, result=row.result)
        write_log(obj=p, user=user, action="countersign_vote", action_label=_("会签"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=opinion, data={"result": row.result, "round": row.round})
        ProposalEvent.objects.create(proposal=p, organization_id=p.organization_id, level=p.level,
                                     action="countersign_vote", actor=user, created_at=timezone.now())
        others = list(p.countersigns.filter(round=row.round).exclude(pk=row.pk))
        if not passed:
            for o in others:
                task_cancel(key=f"pr:{p.pk}:cs:{o.round}:{o.signer_id}")
            return _act(p, "countersign_fail", user=user, comment=opinion)
        if all(o.result == Countersign.Result.PASS for o in others):
            return _act(p, "countersign_pass", user=user, comment=opinion)
    return p


# --- 会商 -------------------------------------------------------------------------------------------------
def consult_record(*, user, proposal, participants, held_at, place, passed: bool, opinion, files=()) -> Consultation:
    """Record the offline 会商 (people, time, place, result, materials) and move on (pass → the next step of
    where it started; fail → one step back; from 预审 back to the applicant)."""
    participants, place, opinion = (participants or "").strip(), (place or "").strip(), (opinion or "").strip()
    errors = {}
    if not participants:
        errors["participants"] = _("请填写会商人员。")
    if not held_at:
        errors["held_at"] = _("请填写会商时间。")
    if not place:
        errors["place"] = _("请填写会商地点。")
    if not opinion:
        errors["opinion"] = _("请填写会商意见。") if passed else _("请填写退回原因。")
    if errors:
        raise _err(errors)
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != State.CONSULT:
            raise _err(_("方案当前为“%(state)s”，不能录入会商结果。") % {"state": p.get_state_display()})
        if not is_reviewer(p, user):
            raise PermissionDenied(_("只有该方案的预审人员可以录入会商结果。"))
        c = Consultation.objects.create(proposal=p, origin=p.consult_origin or State.PREREVIEW,
                                        participants=participants, held_at=held_at, place=place, passed=passed,
                                        opinion=opinion)
        for f in files or ():
            attach(obj=c, file=f, user=user, purpose=PURPOSE_MINUTES, encrypt=True)
        _act(p, "consult_pass" if passed else "consult_fail", user=user, comment=opinion,
             data={"consultation": c.pk, "reason": opinion})
    return c


# --- 受理: notices; 专家评审 -------------------------------------------------------------------------------
def notice_send(*, user, proposal, channel: str, message: str) -> None:
    """电话通知 (recorded) / 短信通知 (sent through the SMS adapter) to the applicant at 受理."""
    message = (message or "").strip()
    if not message:
        raise _err(_("请填写通知内容。"))
    with transaction.atomic():
        p = _lock(proposal)
        if p.state not in (State.ACCEPT, State.EXPERT) or not can_accept(p, user):
            raise PermissionDenied(_("只有受理人员可以在受理环节通知申报单位。"))
        if channel == "sms":
            phone = p.contact_phone or (str(p.applicant.phone) if p.applicant.phone else "")
            if not phone:
                raise _err(_("申报单位未留联系电话，无法发送短信。"))
            notify([p.applicant], EVENT_NOTICE, _ctx(p, message=message), obj=p, channels=["sms"],
                   key=f"pr:{p.pk}:sms:{hashlib.sha1(message.encode()).hexdigest()[:12]}:{timezone.now():%Y%m%d%H%M}")
            label = _("短信通知")
        elif channel == "phone":
            label = _("电话通知")
        else:
            raise _err(_("不支持的通知方式。"))
        write_log(obj=p, user=user, action=f"notice_{channel}", action_label=label, from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=message)


def _expert_api():
    from egov_expert_pool import service_api

    return service_api


def expert_draw(*, user, proposal, date, half_day, place, demands):
    """抽取专家 through the expert pool's service (idempotent per proposal and round). District proposals may use
    the city library only while the district is authorised (市级专家库授权管控, owned by the pool)."""
    api = _expert_api()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != State.EXPERT or not can_accept(p, user):
            raise PermissionDenied(_("只有受理人员可以在专家评审环节抽取专家。"))
        if not demands:
            raise _err(_("请至少填写一项专业需求。"))
        try:
            if p.is_district and not api.district_authorised(region_id=p.region_id):
                raise _err(_("本区(市)县未获市级专家库授权或授权已过期，不能抽取市级专家。"))
            rnd = p.events.filter(action="expert_fail").count() + 1
            info = api.activity_create_for_review(
                user=user, source_key=f"egov_project_review.proposal:{p.pk}:{rnd}", title=p.title,
                items=[api.ReviewItem(title=p.title, ref=f"egov_project_review.proposal:{p.pk}",
                                      applicant_org_id=p.organization_id)],
                date=date, half_day=half_day, place=place,
                demands=[api.Demand(specialty=d["specialty"], count=int(d["count"])) for d in demands],
                region_id=p.region_id if p.is_district else None)
            info = api.activity_draw(user=user, activity_id=info.activity_id)
        except api.ExpertPoolError as exc:
            raise _err(str(exc)) from exc
        except NotImplementedError:
            raise _err(_("专家库服务尚未启用，请稍后再试。")) from None
        p.expert_activity_id = info.activity_id
        p.save(update_fields=["expert_activity_id"])
        write_log(obj=p, user=user, action="expert_draw", action_label=_("抽取专家"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=_("专家抽取活动 %(n)s") % {"n": info.number}, data={"activity_id": info.activity_id})
    return info


def expert_info(*, user, proposal):
    if not proposal.expert_activity_id:
        return None
    api = _expert_api()
    try:
        return api.activity_get(user=user, activity_id=proposal.expert_activity_id)
    except (NotImplementedError, api.ExpertPoolError, PermissionDenied):
        return None


def expert_record(*, user, proposal, passed: bool, opinion: str, needs_improve=False, minutes=None) -> Proposal:
    """Record the offline expert review (and minutes): pass → 完善 if needed, else 回函; fail → back to 预审."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise _err(_("请填写评审意见。"))
    api = _expert_api()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != State.EXPERT or not can_accept(p, user):
            raise PermissionDenied(_("只有受理人员可以录入专家评审结果。"))
        if p.expert_activity_id:
            try:
                api.activity_record_result(user=user, activity_id=p.expert_activity_id, passed=passed,
                                           opinion=opinion, minutes=minutes)
            except api.ExpertPoolError as exc:
                raise _err(str(exc)) from exc
            except NotImplementedError:
                logger.warning("expert pool activity_record_result not implemented; result kept locally")
        attachments = [minutes] if minutes is not None else ()
        return _act(p, "expert_pass" if passed else "expert_fail", user=user, comment=opinion,
                    data={"needs_improve": bool(needs_improve)}, attachments=attachments)


# --- 回函 -------------------------------------------------------------------------------------------------
def reply_values(p, opinion="") -> dict:
    from .documents import format_date

    return {"项目名称": p.title, "申报单位": str(p.organization), "方案编号": p.number,
            "方案类型": p.get_kind_display(), "审核意见": opinion, "日期": format_date(timezone.now()),
            "预算金额": f"{p.budget:,.2f}" if p.budget is not None else ""}


def reply_template_for(p):
    qs = ReplyTemplate.objects.filter(active=True)
    return qs.filter(level=p.level).first() or qs.filter(level="").first()


def reply_issue(*, user, proposal, opinion="", template=None) -> ReplyLetter:
    """回函: the letter is generated from the configured template (.docx placeholders or body text), stored
    encrypted, and the proposal is done. A double click issues one letter."""
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != State.REPLY:
            raise _err(_("“回函”已无法执行：方案当前为“%(state)s”。") % {"state": p.get_state_display()})
        if not can_reply(p, user):
            raise PermissionDenied(_("您不是该方案的回函人员。"))
        template = template or reply_template_for(p)
        tpl_att = attachments_for(template, purpose=PURPOSE_TEMPLATE).select_related(
            "current_version").first() if template else None
        tpl_bytes = read_plain(tpl_att.current_version) if tpl_att and tpl_att.current_version_id else None
        body = template.body if template else _("{{申报单位}}：\n贵单位报送的《{{项目名称}}》（{{方案编号}}）已审核完毕。\n"
                                                "审核意见：{{审核意见}}\n成都市大数据中心\n{{日期}}")
        data = documents.render_reply(template_bytes=tpl_bytes, body=body, values=reply_values(p, opinion),
                                      title=_("关于%(t)s的回函") % {"t": p.title})
        try:
            letter = ReplyLetter.objects.create(proposal=p, number=next_number("HH"), template=template,
                                                opinion=opinion, issued_at=timezone.now())
        except IntegrityError:
            raise _err(_("该方案已回函，请勿重复提交。")) from None
        attach(obj=letter, file=ContentFile(data, name=f"{letter.number}-回函.docx"), user=user,
               purpose=PURPOSE_REPLY, encrypt=True)
        _act(p, "reply_issue", user=user, comment=opinion or _("已回函"), data={"letter": letter.number})
    return letter


# --- Word online ---------------------------------------------------------------------------------------
def can_edit_document(p, user) -> bool:
    if not can_see(user, p):
        return False
    if p.state in EDITABLE_STATES and is_applicant(p, user):
        return True
    return can_annotate(p, user)


def can_annotate(p, user) -> bool:
    if p.state not in ANNOTATE_STATES or not can_see(user, p):
        return False
    if not user.has_perm(PERM + "annotate_proposal"):
        return False
    return user.is_superuser or any(u.pk == user.pk for u in stage_assignees(p)) or (
        is_district_admin_of(p, user))


def _doc_for_write(p, base_version):
    data, v = document_bytes(p)
    if data is None:
        raise _err(_("该方案尚未生成完整方案文档。"))
    if base_version is not None and int(base_version) != v.version:
        raise _err(_("文档已被他人更新为第 %(v)s 版，请刷新后再保存。") % {"v": v.version}, code="conflict")
    return data, v


def document_edit(*, user, proposal, base_version, changes: dict) -> object:
    """Save edited paragraph texts (index → text) as a new version of the proposal document; each changed
    paragraph keeps its style and the first run's formatting."""
    if not changes:
        raise _err(_("没有需要保存的修改。"))
    with transaction.atomic():
        p = _lock(proposal)
        if not can_edit_document(p, user):
            raise PermissionDenied(_("您不能编辑该方案文档。"))
        data, _v = _doc_for_write(p, base_version)
        try:
            clean = {int(k): str(v).replace("\r", "").replace("\n", " ")[:5000] for k, v in changes.items()}
            new = documents.edit_paragraphs(data, clean)
        except (IndexError, ValueError):
            raise _err(_("段落编号无效，请刷新后重试。")) from None
        v = _store_document(p, user, new, _("在线编辑 %(n)s 段") % {"n": len(clean)})
        write_log(obj=p, user=user, action="doc_edit", action_label=_("在线编辑方案"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=_("保存为第 %(v)s 版") % {"v": v.version}, data={"paragraphs": sorted(clean)})
    return v


def document_comment(*, user, proposal, base_version, index: int, text: str) -> object:
    """在线批注: a real Word comment anchored to paragraph ``index``, saved as a new version."""
    text = (text or "").strip()
    if not text:
        raise _err(_("请填写批注内容。"))
    with transaction.atomic():
        p = _lock(proposal)
        if not can_annotate(p, user):
            raise PermissionDenied(_("当前环节您不能批注该方案。"))
        data, _v = _doc_for_write(p, base_version)
        try:
            new = documents.add_comment(data, index=int(index), text=text[:2000], author=str(user),
                                        initials=str(user)[:1])
        except (IndexError, ValueError, TypeError):
            raise _err(_("请选择有文字的段落进行批注。")) from None
        v = _store_document(p, user, new, _("在线批注"))
        write_log(obj=p, user=user, action="doc_comment", action_label=_("在线批注"), from_state=p.state,
                  from_label=p.get_state_display(), to_state=p.state, to_label=p.get_state_display(),
                  comment=text, data={"paragraph": int(index), "version": v.version})
    return v


def render_pdf(*, proposal_id, version_id) -> bool:
    """PDF of a document version (Celery task body): LibreOffice headless; stored as the proposal's PDF."""
    from egov_base.context import acting_as
    from egov_base.files.models import AttachmentVersion

    p = Proposal.objects.filter(pk=proposal_id).first()
    v = AttachmentVersion.objects.filter(pk=version_id).select_related("attachment").first()
    if p is None or v is None:
        return False
    pdf = documents.to_pdf(read_plain(v))
    if pdf is None:
        return False
    user = v.uploaded_by or p.applicant
    name = f"{p.number}-{p.title}-V{v.version}.pdf"
    with acting_as(user, source="task"), transaction.atomic():
        att = attachments_for(p, purpose=PURPOSE_PDF).first()
        f = ContentFile(pdf, name=name)
        if att is None:
            attach(obj=p, file=f, user=user, purpose=PURPOSE_PDF, encrypt=True, name=name)
        else:
            add_version(attachment=att, file=f, user=user, encrypt=True, name=name)
    return True


def remind_overdue(*, now=None, days: int = 3) -> int:
    """Remind the handlers of steps waiting longer than ``days`` (once a day per proposal and step)."""
    now = now or timezone.now()
    n = 0
    qs = Proposal.objects.filter(state__in=[s for s in State.values if s not in ("draft", "done", "terminated")],
                                 stage_entered_at__lt=now - timedelta(days=days)).select_related(
        "applicant", "organization")
    for p in qs.iterator():
        recipients = [u for u in stage_assignees(p) if u is not None]
        if recipients:
            with transaction.atomic():
                notify(recipients, EVENT_OVERDUE, _ctx(p, days=(now - p.stage_entered_at).days), obj=p,
                       key=f"pr:{p.pk}:overdue:{p.state}:{now:%Y%m%d}")
            n += 1
    return n



def workflows_can(name: str, proposal, user) -> bool:
    """Ask one of the ``workflows`` permission predicates (for showing forms)."""
    from . import workflows

    return bool(getattr(workflows, name)(proposal, user))


def document_build_for(*, user, proposal):
    """合并 on demand by the applicant (draft / returned / 完善): rebuild the complete document now."""
    with transaction.atomic():
        p = _lock(proposal)
        _check_editable(p, user)
        return document_build(user=user, proposal=p, force=True)
