"""Pages of project review (thin: selectors read, services write)."""

from __future__ import annotations

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov_base.files.selectors import attachments_for
from egov_base.org.models import Region
from egov_base.workflow.fsm import available_transitions

from . import documents, selectors, services
from .models import (
    Consultation,
    DistrictControl,
    IntensiveTemplate,
    Level,
    ProposalKind,
    ProposalTemplate,
    ReplyTemplate,
    Tag,
)
from .workflows import ANNOTATE_STATES, State, users_with_role

VIEW = "egov_project_review.view_proposal"


def _msg(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
        return "；".join(str(m) for m in exc.messages)
    return str(exc) or _("您没有执行该操作的权限。")


# --- workbench -------------------------------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def workbench(request):
    ctx = selectors.workbench(user=request.user, section_key=request.GET.get("role"),
                              range_key=request.GET.get("range", "10d"), start=request.GET.get("start"),
                              end=request.GET.get("end"))
    return render(request, "egov_project_review/workbench.html", ctx)


# --- list -------------------------------------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def proposal_list(request):
    g = request.GET
    start = parse_date(g.get("start") or "")
    end = parse_date(g.get("end") or "")
    tz = timezone.get_current_timezone()
    qs = selectors.proposal_list(
        user=request.user, q=g.get("q", "").strip(), state=g.get("state", ""), kind=g.get("kind", ""),
        level=g.get("level", ""), mine=g.get("mine") == "1",
        start=timezone.make_aware(datetime.combine(start, datetime.min.time()), tz) if start else None,
        end=timezone.make_aware(datetime.combine(end, datetime.max.time()), tz) if end else None)
    page = Paginator(qs, 20).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(request, "egov_project_review/proposal_list.html", {
        "page": page, "states": State.choices, "kinds": ProposalKind.choices, "levels": Level.choices,
        "f": g, "query": query.urlencode(),
    })


# --- create / edit ----------------------------------------------------------------------------------------
def _form_data(request):
    p = request.POST
    return {
        "title": p.get("title", ""), "kind": p.get("kind", ""), "budget": p.get("budget", ""),
        "contact_phone": p.get("contact_phone", ""),
        "content": {k[8:]: v for k, v in p.items() if k.startswith("section_")},
        "intensive": {k[10:]: v for k, v in p.items() if k.startswith("intensive_")},
    }


def _form_ctx(request, proposal=None, data=None, errors=None):
    kind = (data or {}).get("kind") or (proposal.kind if proposal else request.GET.get("kind")) or "construction"
    template = proposal.template if proposal else services.active_template(kind)
    org = proposal.organization if proposal else request.user.organization
    itpl = proposal.intensive_template if proposal else services.active_intensive(org.district_id if org else None)
    values = (data or {}).get("content") or (proposal.content if proposal else {})
    ivalues = (data or {}).get("intensive") or (proposal.intensive if proposal else {})
    return {
        "proposal": proposal, "kinds": ProposalKind.choices, "kind": kind, "template": template,
        "intensive_template": itpl, "organization": org,
        "sections": [{**s, "value": values.get(s["key"], "")} for s in (template.sections if template else [])],
        "isections": [{**s, "value": ivalues.get(s["key"], "")} for s in (itpl.sections if itpl else [])],
        "data": data or ({"title": proposal.title, "budget": proposal.budget or "",
                          "contact_phone": proposal.contact_phone} if proposal else {}),
        "errors": errors or {},
    }


@login_required
@permission_required("egov_project_review.add_proposal", raise_exception=True)
def proposal_add(request):
    if request.method == "POST":
        data = _form_data(request)
        try:
            p = services.proposal_create(user=request.user, data=data)
        except ValidationError as exc:
            errs = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
            return render(request, "egov_project_review/proposal_form.html",
                          _form_ctx(request, data=data, errors=errs), status=400)
        for f in request.FILES.getlist("files"):
            try:
                services.proposal_upload(user=request.user, proposal=p, file=f)
            except ValidationError as exc:
                messages.error(request, _("附件“%(n)s”未上传：%(e)s") % {"n": f.name, "e": _msg(exc)})
        messages.success(request, _("方案已保存为草稿，可继续上传附件后提交。"))
        return redirect(p.get_absolute_url())
    return render(request, "egov_project_review/proposal_form.html", _form_ctx(request))


@login_required
@permission_required("egov_project_review.change_proposal", raise_exception=True)
def proposal_edit(request, pk):
    p = selectors.proposal_get(user=request.user, pk=pk)
    if request.method == "POST":
        data = _form_data(request)
        data["kind"] = p.kind
        try:
            services.proposal_update(user=request.user, proposal=p, data=data)
        except ValidationError as exc:
            errs = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
            return render(request, "egov_project_review/proposal_form.html",
                          _form_ctx(request, p, data=data, errors=errs), status=400)
        except PermissionDenied as exc:
            messages.error(request, _msg(exc))
            return redirect(p.get_absolute_url())
        messages.success(request, _("已保存。"))
        return redirect(p.get_absolute_url())
    if p.state not in services.EDITABLE_STATES:
        messages.error(request, _("方案当前为“%(s)s”，不能修改。") % {"s": p.get_state_display()})
        return redirect(p.get_absolute_url())
    return render(request, "egov_project_review/proposal_form.html", _form_ctx(request, p))


# --- detail and actions ---------------------------------------------------------------------------------
def _files(p, user):
    out = {}
    for purpose in (services.PURPOSE_BASE, services.PURPOSE_DOC, services.PURPOSE_PDF):
        out[purpose] = list(attachments_for(p, user, purpose=purpose))
    return out


@login_required
@permission_required(VIEW, raise_exception=True)
def proposal_detail(request, pk):
    p = selectors.proposal_get(user=request.user, pk=pk)
    user = request.user
    tab = request.GET.get("tab", "info")
    trans = {t.name: t for t in available_transitions(p, user)}
    ctx = {
        "p": p, "tab": tab, "transitions": [t for t in trans.values() if t.name not in ("submit",)],
        "can_submit": "submit" in trans or (p.state in (State.DRAFT, State.RETURNED)
                                            and services.is_applicant(p, user)),
        "editable": p.state in services.EDITABLE_STATES and services.is_applicant(p, user),
        "files": _files(p, user),
        "sections": [{**s, "value": (p.content or {}).get(s["key"], "")}
                     for s in (p.template.sections if p.template_id else [])],
        "isections": [{**s, "value": (p.intensive or {}).get(s["key"], "")}
                      for s in (p.intensive_template.sections if p.intensive_template_id else [])],
        "tags": list(p.proposal_tags.select_related("tag")),
        "countersigns": list(p.countersigns.select_related("signer", "drawn_by")),
        "consultations": list(p.consultations.all()),
        "can_annotate": services.can_annotate(p, user), "can_edit_doc": services.can_edit_document(p, user),
        "annotate_states": ANNOTATE_STATES,
    }
    s = p.state
    if s == State.INTAKE and services.workflows_can("can_intake", p, user):
        ctx["intake_form"] = {"district": p.is_district,
                              "city_allowed": p.is_district and services.district_prereview_enabled(p.region_id)}
    if s == State.ASSIGN and services.workflows_can("is_head", p, user):
        ctx["reviewers"] = list(users_with_role("reviewer").select_related("organization"))
        ctx["heads"] = list(users_with_role("dept_head").exclude(pk=user.pk))
    if s == State.PREREVIEW and services.workflows_can("is_reviewer", p, user):
        ctx["all_tags"] = list(Tag.objects.filter(active=True))
        ctx["tag_ids"] = {pt.tag_id for pt in ctx["tags"]}
    if s == State.COUNTERSIGN:
        ctx["can_draw"] = services.workflows_can("is_reviewer", p, user) and not any(
            c.result == "pending" for c in ctx["countersigns"])
        ctx["my_vote"] = next((c for c in ctx["countersigns"] if c.signer_id == user.pk and c.result == "pending"),
                              None)
    if s == State.CONSULT and services.workflows_can("is_reviewer", p, user):
        ctx["consult_form"] = True
    if s in (State.ACCEPT, State.EXPERT) and services.workflows_can("can_accept", p, user):
        ctx["accept_tools"] = True
    if s == State.EXPERT:
        ctx["expert"] = services.expert_info(user=user, proposal=p)
    if s == State.REPLY and services.workflows_can("can_reply", p, user):
        ctx["reply_form"] = True
        ctx["reply_templates"] = list(ReplyTemplate.objects.filter(active=True))
        ctx["reply_default"] = services.reply_template_for(p)
    if hasattr(p, "reply_letter"):
        ctx["letter"] = p.reply_letter
        ctx["letter_files"] = list(attachments_for(p.reply_letter, user))
    if s in (State.DRAFT, State.RETURNED, State.IMPROVE) and services.is_applicant(p, user):
        ctx["colleagues"] = list(get_user_model().objects.filter(
            organization_id=p.organization_id, is_active=True).exclude(pk=p.applicant_id)[:50])
    return render(request, "egov_project_review/proposal_detail.html", ctx)


def _back(request, p):
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(p.get_absolute_url())


def _user(pk):
    try:
        return get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError):
        return None


def _bool(v):
    return str(v).lower() in ("1", "true", "yes", "pass", "on")


@login_required
@require_POST
def proposal_do(request, pk, op):
    """Every action button of the detail page (POST): dispatched to the matching service."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    p = selectors.proposal_get(user=request.user, pk=pk)
    u, post = request.user, request.POST
    comment = post.get("comment", "").strip()
    ok = _("操作成功。")
    try:
        if op == "submit":
            services.proposal_submit(user=u, proposal=p, comment=comment)
            ok = _("已提交，完整方案文档已合并生成。")
        elif op == "upload":
            files = request.FILES.getlist("files")
            if not files:
                raise ValidationError(_("请选择要上传的文件。"))
            for f in files:
                services.proposal_upload(user=u, proposal=p, file=f)
            ok = _("已上传 %(n)s 个文件。") % {"n": len(files)}
        elif op == "delete":
            services.proposal_delete(user=u, proposal=p)
            messages.success(request, _("草稿已删除。"))
            return redirect("egov_project_review:proposal_list")
        elif op == "handover":
            services.proposal_handover(user=u, proposal=p, to_user=_user(post.get("to_user")))
            ok = _("已移交。")
        elif op == "merge":
            services.document_build_for(user=u, proposal=p)
            ok = _("已重新合并生成完整方案文档。")
        elif op == "intake_pass":
            services.intake_pass(user=u, proposal=p, route=post.get("route", ""), comment=comment)
        elif op == "assign":
            services.assign_reviewer(user=u, proposal=p, reviewer=_user(post.get("reviewer")), comment=comment)
        elif op == "transfer":
            services.transfer(user=u, proposal=p, to_head=_user(post.get("to_head")), comment=comment)
        elif op == "tags":
            services.tags_set(user=u, proposal=p, tag_ids=[int(x) for x in post.getlist("tags") if x.isdigit()])
            ok = _("标签已更新。")
        elif op == "countersign_draw":
            rows = services.countersign_draw(user=u, proposal=p, seed=post.get("seed") or None)
            ok = _("已抽取会签人员：%(n)s") % {"n": "、".join(str(r.signer) for r in rows)}
        elif op == "countersign_vote":
            services.countersign_vote(user=u, proposal=p, passed=_bool(post.get("result")), opinion=comment)
        elif op == "consult":
            held = parse_datetime(post.get("held_at", "")) or None
            if held and timezone.is_naive(held):
                held = timezone.make_aware(held)
            services.consult_record(user=u, proposal=p, participants=post.get("participants"), held_at=held,
                                    place=post.get("place"), passed=_bool(post.get("result")), opinion=comment,
                                    files=request.FILES.getlist("files"))
        elif op in ("notice_sms", "notice_phone"):
            services.notice_send(user=u, proposal=p, channel=op[7:], message=comment)
            ok = _("已记录通知。") if op == "notice_phone" else _("短信已发送。")
        elif op == "expert_draw":
            d = parse_date(post.get("date", "")) or timezone.localdate()
            demands = [{"specialty": s, "count": c} for s, c in zip(post.getlist("specialty"), post.getlist("count"))
                       if s and c and c.isdigit() and int(c) > 0]
            services.expert_draw(user=u, proposal=p, date=d, half_day=post.get("half_day", "am"),
                                 place=post.get("place", ""), demands=demands)
            ok = _("已发起专家抽取。")
        elif op == "expert_record":
            services.expert_record(user=u, proposal=p, passed=_bool(post.get("result")), opinion=comment,
                                   needs_improve=_bool(post.get("needs_improve")),
                                   minutes=request.FILES.get("minutes"))
        elif op == "reply":
            tpl = ReplyTemplate.objects.filter(pk=post.get("template") or 0, active=True).first()
            services.reply_issue(user=u, proposal=p, opinion=comment, template=tpl)
            ok = _("已回函。")
        elif op in services.SIMPLE_ACTIONS:
            services.proposal_act(user=u, proposal=p, action=op, comment=comment,
                                  attachments=request.FILES.getlist("attachments"))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _msg(exc))
    else:
        messages.success(request, ok)
    return _back(request, p)


# --- Word online ----------------------------------------------------------------------------------------
@login_required
@permission_required(VIEW, raise_exception=True)
def document(request, pk):
    """Word online: docx-preview rendering, paragraph editor, comments beside the viewer. ``?att=<id>`` shows any
    Word attachment of the proposal (read-only)."""
    p = selectors.proposal_get(user=request.user, pk=pk)
    att_id = request.GET.get("att")
    doc_att = services.document_attachment(p)
    other = None
    if att_id:
        owners = [p, *p.consultations.all()]
        if hasattr(p, "reply_letter"):
            owners.append(p.reply_letter)
        other = next((a for o in owners for a in attachments_for(o, request.user) if str(a.pk) == att_id), None)
        if other is None:
            raise Http404
    target = other or doc_att
    ctx = {"p": p, "att": target, "is_main": other is None, "paragraphs": [], "comments": [], "version": None}
    if target is not None and target.current_version_id:
        v = target.current_version
        if request.GET.get("v", "").isdigit() and other is None:
            v = target.versions.filter(version=int(request.GET["v"])).first() or v
        data = services.read_plain(v)
        ctx["version"] = v
        ctx["download_url"] = reverse("egov_base:attachment_download", args=[target.pk]) + f"?v={v.version}"
        if v.original_name.lower().endswith(".docx"):
            ctx["paragraphs"] = documents.paragraphs(data)
            ctx["comments"] = documents.comments(data)
        ctx["versions"] = list(target.versions.order_by("-version")[:20]) if other is None else []
    latest = other is None and doc_att is not None and ctx["version"] is not None and (
        ctx["version"].pk == doc_att.current_version_id)
    ctx["can_edit"] = latest and services.can_edit_document(p, request.user)
    ctx["can_annotate"] = latest and services.can_annotate(p, request.user)
    ctx["word_files"] = [a for a in attachments_for(p, request.user, purpose=services.PURPOSE_BASE)
                         if a.name.lower().endswith(".docx")]
    return render(request, "egov_project_review/document.html", ctx)


@login_required
@require_POST
def document_save(request, pk):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    p = selectors.proposal_get(user=request.user, pk=pk)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest(_("请求格式错误"))
    try:
        if payload.get("comment") is not None:
            v = services.document_comment(user=request.user, proposal=p, base_version=payload.get("version"),
                                          index=payload.get("index"), text=payload.get("comment"))
        else:
            changes = payload.get("changes") or {}
            if not isinstance(changes, dict):
                raise ValidationError(_("请求格式错误"))
            v = services.document_edit(user=request.user, proposal=p, base_version=payload.get("version"),
                                       changes=changes)
    except PermissionDenied as exc:
        return JsonResponse({"ok": False, "message": _msg(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": _msg(exc)}, status=409 if getattr(exc, "code", "") == "conflict"
                            else 400)
    return JsonResponse({"ok": True, "version": v.version, "message": _("已保存为第 %(v)s 版。") % {"v": v.version}})


# --- templates and controls ----------------------------------------------------------------------------------
@login_required
@permission_required("egov_project_review.view_proposaltemplate", raise_exception=True)
def template_list(request):
    tab = request.GET.get("tab", "proposal")
    return render(request, "egov_project_review/template_list.html", {
        "tab": tab,
        "templates": ProposalTemplate.objects.all(),
        "intensive": IntensiveTemplate.objects.select_related("region"),
        "replies": ReplyTemplate.objects.all(),
        "kinds": ProposalKind.choices,
        "districts": Region.objects.filter(level="district").order_by("path"),
        "can_manage": request.user.has_perm("egov_project_review.add_proposaltemplate"),
    })


@login_required
@permission_required("egov_project_review.view_proposaltemplate", raise_exception=True)
def template_detail(request, pk):
    tpl = ProposalTemplate.objects.filter(pk=pk).first()
    if tpl is None:
        raise Http404
    return render(request, "egov_project_review/template_detail.html", {
        "tpl": tpl, "sections_text": services.sections_text(tpl.sections),
        "can_manage": request.user.has_perm("egov_project_review.add_proposaltemplate"),
    })


@login_required
def template_add(request):
    """New version of a proposal template (or of a 集约化 template with ``?type=intensive``)."""
    intensive = request.GET.get("type") == "intensive" or request.POST.get("type") == "intensive"
    perm = "egov_project_review.add_intensivetemplate" if intensive else "egov_project_review.add_proposaltemplate"
    if not request.user.has_perm(perm):
        raise PermissionDenied
    src = None
    if request.GET.get("from"):
        model = IntensiveTemplate if intensive else ProposalTemplate
        src = model.objects.filter(pk=request.GET["from"]).first()
    ctx = {"intensive": intensive, "kinds": ProposalKind.choices,
           "districts": Region.objects.filter(level="district").order_by("path"),
           "data": {"name": src.name if src else "", "kind": getattr(src, "kind", ""),
                    "region": getattr(src, "region_id", "") or "",
                    "sections": services.sections_text(src.sections) if src else ""}}
    if request.method == "POST":
        post = request.POST
        ctx["data"] = {"name": post.get("name", ""), "kind": post.get("kind", ""), "region": post.get("region", ""),
                       "sections": post.get("sections", "")}
        try:
            sections = services.parse_sections_text(post.get("sections", ""))
            if intensive:
                region = Region.objects.filter(pk=post.get("region") or 0, level="district").first()
                services.intensive_publish(user=request.user, region=region, name=post.get("name", ""),
                                           sections=sections)
                messages.success(request, _("集约化建设模版已发布。"))
                return redirect(reverse("egov_project_review:template_list") + "?tab=intensive")
            tpl = services.template_publish(user=request.user, kind=post.get("kind", ""), name=post.get("name", ""),
                                            sections=sections, description=post.get("description", ""))
        except ValidationError as exc:
            ctx["error"] = _msg(exc)
            return render(request, "egov_project_review/template_form.html", ctx, status=400)
        messages.success(request, _("已发布 %(t)s，并设为该类型的有效运行模版。") % {"t": tpl})
        return redirect(tpl.get_absolute_url())
    return render(request, "egov_project_review/template_form.html", ctx)


@login_required
@require_POST
def template_action(request, pk, op):
    try:
        if op in ("activate", "delete"):
            tpl = ProposalTemplate.objects.filter(pk=pk).first()
            if tpl is None:
                raise Http404
            if op == "activate":
                services.template_activate(user=request.user, template=tpl)
                messages.success(request, _("已启用 %(t)s。") % {"t": tpl})
                return redirect(tpl.get_absolute_url())
            services.template_delete(user=request.user, template=tpl)
            messages.success(request, _("已删除。"))
        elif op == "intensive_delete":
            tpl = IntensiveTemplate.objects.filter(pk=pk).first()
            if tpl is None:
                raise Http404
            services.intensive_delete(user=request.user, template=tpl)
            messages.success(request, _("已删除。"))
            return redirect(reverse("egov_project_review:template_list") + "?tab=intensive")
        elif op == "reply_upload":
            tpl = ReplyTemplate.objects.filter(pk=pk).first()
            if tpl is None or not request.FILES.get("file"):
                raise ValidationError(_("请选择 .docx 模版文件。"))
            services.reply_template_upload(user=request.user, template=tpl, file=request.FILES["file"])
            messages.success(request, _("回函模版文件已上传。"))
            return redirect(reverse("egov_project_review:template_list") + "?tab=reply")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _msg(exc))
    return redirect("egov_project_review:template_list")


@login_required
@permission_required("egov_project_review.view_districtcontrol", raise_exception=True)
def control_list(request):
    """区县预审服务管控: view / open / close per district."""
    if request.method == "POST":
        region = Region.objects.filter(pk=request.POST.get("region") or 0, level="district").first()
        if region is None:
            raise Http404
        try:
            services.district_control_set(user=request.user, region=region,
                                          enabled=request.POST.get("enabled") == "1",
                                          note=request.POST.get("note", "").strip()[:200])
            messages.success(request, _("%(r)s：已%(a)s市级预审服务。") % {
                "r": region, "a": _("开通") if request.POST.get("enabled") == "1" else _("关闭")})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _msg(exc))
        return redirect("egov_project_review:control_list")
    districts = list(Region.objects.filter(level="district").order_by("path"))
    controls = {c.region_id: c for c in DistrictControl.objects.all()}
    if request.user.has_role("district_admin") and not request.user.has_perm("egov_project_review.manage_controls"):
        own = request.user.organization.district_id if request.user.organization_id else None
        districts = [d for d in districts if d.pk == own]
    rows = [{"region": d, "control": controls.get(d.pk)} for d in districts]
    return render(request, "egov_project_review/control_list.html", {
        "rows": rows, "can_manage": request.user.has_perm("egov_project_review.manage_controls")})


@login_required
@permission_required(VIEW, raise_exception=True)
def consultation_files(request, pk):
    c = Consultation.objects.filter(pk=pk).select_related("proposal").first()
    if c is None:
        raise Http404
    p = selectors.proposal_get(user=request.user, pk=c.proposal_id)
    return render(request, "egov_project_review/partials/files.html",
                  {"atts": list(attachments_for(c, request.user)), "p": p, "word": 1})
