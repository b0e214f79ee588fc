"""The review flow of a proposal (预审管理) as a django-fsm-2 state machine.

Every transition is run through ``egov_base.workflow.run_transition`` (from ``services``): permission + data scope,
row lock (a double click runs once), guards, process log, inbox tasks of the old state closed and of the new state
opened (``stage_assignees``), audit. Targets that depend on the path (city / district, where a 会商 started, where a
回函 came from) use django-fsm's ``RETURN_VALUE``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from egov_base.workflow.fsm import guard, transition


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    INTAKE = "intake", _("方案接件")
    ASSIGN = "assign", _("任务分配")
    TRANSFER = "transfer", _("转交待审核")
    PREREVIEW = "prereview", _("方案预审")
    COUNTERSIGN = "countersign", _("方案会签")
    CONSULT = "consult", _("方案会商")
    ACCEPT = "accept", _("方案受理")
    EXPERT = "expert", _("专家评审")
    IMPROVE = "improve", _("方案完善")
    AUDIT = "audit", _("方案审核")
    REPLY = "reply", _("方案回函")
    DONE = "done", _("已回函办结")
    RETURNED = "returned", _("已退回")
    TERMINATED = "terminated", _("已终止")


ACTIVE_STATES = [State.INTAKE, State.ASSIGN, State.TRANSFER, State.PREREVIEW, State.COUNTERSIGN, State.CONSULT,
                 State.ACCEPT, State.EXPERT, State.IMPROVE, State.AUDIT, State.REPLY]
CONSULT_ORIGINS = [State.PREREVIEW, State.COUNTERSIGN, State.ACCEPT, State.EXPERT, State.IMPROVE]
# Online annotation (在线批注) is offered at these steps.
ANNOTATE_STATES = [State.INTAKE, State.PREREVIEW, State.ACCEPT, State.AUDIT, State.REPLY]
PERM = "egov_project_review."


# --- who may act ------------------------------------------------------------------------------------------
def users_with_role(code, **filters):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__role__code=code, is_active=True, **filters).distinct()


def is_applicant(obj, user) -> bool:
    if user.pk == obj.applicant_id:
        return True
    return (user.organization_id == obj.organization_id and user.organization_id is not None
            and user.has_perm(PERM + "add_proposal"))


def is_district_admin_of(obj, user) -> bool:
    if not obj.is_district or not user.has_role("district_admin"):
        return False
    org = user.organization if user.organization_id else None
    return user.is_superuser or (org is not None and org.district_id == obj.region_id)


def can_intake(obj, user) -> bool:
    if obj.is_district:
        return is_district_admin_of(obj, user)
    return user.has_perm(PERM + "intake_proposal") and user.has_role("pr_intake")


def is_head(obj, user) -> bool:
    return user.pk == obj.assigned_head_id and user.has_perm(PERM + "assign_proposal")


def can_approve_transfer(obj, user) -> bool:
    return user.has_perm(PERM + "approve_transfer_proposal") and user.pk != obj.assigned_head_id


def is_reviewer(obj, user) -> bool:
    """City: the reviewer the head assigned; district self-review: the district administrator."""
    if obj.is_district and obj.route != "city":
        return is_district_admin_of(obj, user)
    return user.pk == obj.reviewer_id and user.has_perm(PERM + "review_proposal")


def can_accept(obj, user) -> bool:
    if obj.is_district:
        return is_district_admin_of(obj, user)
    return user.has_perm(PERM + "accept_proposal")


def can_audit(obj, user) -> bool:
    if obj.is_district:
        return is_district_admin_of(obj, user)
    return user.pk == obj.reviewer_id and user.has_perm(PERM + "review_proposal")


def can_reply(obj, user) -> bool:
    if obj.is_district:
        return is_district_admin_of(obj, user)
    return user.has_perm(PERM + "reply_proposal")


def is_countersigner(obj, user) -> bool:
    return obj.countersigns.filter(signer=user, result="pending").exists()


def system(obj, user) -> bool:  # for hidden transitions run by services after their own checks
    return True


# --- inbox: who gets the task when a state is reached -------------------------------------------------------
def stage_assignees(obj):
    s = obj.state
    if s in (State.RETURNED, State.IMPROVE, State.DONE):
        return [obj.applicant]
    district_admins = users_with_role("district_admin", organization__district_id=obj.region_id)
    if obj.is_district and (s in (State.INTAKE, State.ACCEPT, State.EXPERT, State.AUDIT, State.REPLY)
                            or (obj.route != "city" and s in (State.PREREVIEW, State.CONSULT))):
        return list(district_admins)
    if s == State.INTAKE:
        return list(users_with_role("pr_intake"))
    if s == State.ASSIGN:
        return [obj.assigned_head] if obj.assigned_head_id else list(users_with_role("dept_head"))
    if s == State.TRANSFER:
        return list(users_with_role("centre_leader"))
    if s in (State.PREREVIEW, State.COUNTERSIGN, State.CONSULT, State.AUDIT):
        return [obj.reviewer] if obj.reviewer_id else []
    if s in (State.ACCEPT, State.EXPERT):
        return list(users_with_role("pr_accept"))
    if s == State.REPLY:
        return list(users_with_role("pr_reply"))
    return []


def stage_title(obj):
    return _("【%(stage)s】%(title)s（%(number)s）") % {"stage": obj.get_state_display(), "title": obj.title,
                                                     "number": obj.number}


INBOX = {"assignees": stage_assignees, "title": stage_title, "due_hours": 72}
DONE_INBOX = {"assignees": stage_assignees, "title": stage_title, "kind": "toread"}


# --- guards ----------------------------------------------------------------------------------------------
@guard(_("已填写项目名称和全部必填栏目"))
def content_complete(obj):
    if not obj.title:
        return False
    sections = (obj.template.sections if obj.template_id else []) or []
    return all((obj.content or {}).get(s["key"], "").strip() for s in sections if s.get("required"))


@guard(_("已生成合并后的完整方案文档"))
def has_document(obj):
    return obj.doc_version > 0


def _reason(data, key="reason"):
    return ((data or {}).get(key) or "").strip()


class ProposalWorkflow:
    """Transition methods mixed into ``models.Proposal``. Methods only set fields; services validate input."""

    def _enter(self):
        self.stage_entered_at = timezone.now()

    # 申报 / 退回后修改再提交 / 终止 ----------------------------------------------------------------------------
    @transition(source=[State.DRAFT, State.RETURNED], target=State.INTAKE, label=_("提交"),
                permission=is_applicant, conditions=[content_complete, has_document], inbox=INBOX)
    def submit(self):
        now = timezone.now()
        self.submit_count += 1
        self.submitted_at = self.submitted_at or now
        self.return_reason = ""
        self.route = ""
        self.reviewer = None
        self.assigned_head = None
        self.transfer_to = None
        self.consult_origin = ""
        self.reply_origin = ""
        self._enter()

    @transition(source=[State.DRAFT, State.RETURNED], target=State.TERMINATED, label=_("终止"),
                permission=is_applicant, custom={"button": "danger", "needs_reason": True})
    def terminate(self, data=None):
        self.terminate_reason = _reason(data)
        self.finished_at = timezone.now()
        self._enter()

    # 方案接件 -------------------------------------------------------------------------------------------
    @transition(source=State.INTAKE, target=RETURN_VALUE(State.ASSIGN, State.PREREVIEW), label=_("接件通过"),
                permission=can_intake, inbox=INBOX, custom={"hidden": True})
    def intake_pass(self, data=None):
        self._enter()
        if self.is_district:
            self.route = (data or {}).get("route") or "self"
            if self.route == "self":
                return State.PREREVIEW
        else:
            self.route = "city"
        self.assigned_head_id = (data or {}).get("head_id")
        return State.ASSIGN

    @transition(source=[State.INTAKE, State.PREREVIEW], target=State.RETURNED, label=_("退回申报单位"),
                permission=lambda o, u: can_intake(o, u) if o.state == State.INTAKE else is_reviewer(o, u),
                inbox=INBOX, custom={"button": "danger", "needs_reason": True})
    def return_to_applicant(self, data=None):
        self.return_reason = _reason(data)
        self._enter()

    # 任务分配 / 转交 -----------------------------------------------------------------------------------------
    @transition(source=State.ASSIGN, target=State.PREREVIEW, label=_("分配预审人员"), permission=is_head,
                inbox=INBOX, custom={"hidden": True})
    def assign_reviewer(self, data=None):
        self.reviewer_id = (data or {}).get("reviewer_id")
        self._enter()

    @transition(source=State.ASSIGN, target=State.TRANSFER, label=_("转交"), permission=is_head,
                inbox=INBOX, custom={"hidden": True})
    def transfer(self, data=None):
        self.transfer_to_id = (data or {}).get("transfer_to_id")
        self._enter()

    @transition(source=State.TRANSFER, target=State.ASSIGN, label=_("同意转交"), permission=can_approve_transfer,
                inbox=INBOX)
    def transfer_approve(self):
        self.assigned_head_id = self.transfer_to_id
        self.transfer_to = None
        self._enter()

    @transition(source=State.TRANSFER, target=State.ASSIGN, label=_("不同意转交"), permission=can_approve_transfer,
                inbox=INBOX, custom={"button": "danger", "needs_reason": True})
    def transfer_reject(self):
        self.transfer_to = None
        self._enter()

    # 方案预审 -------------------------------------------------------------------------------------------
    @transition(source=State.PREREVIEW, target=RETURN_VALUE(State.COUNTERSIGN, State.ACCEPT), label=_("预审通过"),
                permission=is_reviewer, inbox=INBOX, custom={"needs_opinion": True})
    def prereview_pass(self):
        self._enter()
        return State.ACCEPT if self.is_district else State.COUNTERSIGN

    @transition(source=State.PREREVIEW, target=RETURN_VALUE(State.CONSULT, State.RETURNED), label=_("预审不通过"),
                permission=is_reviewer, inbox=INBOX, custom={"button": "danger", "needs_reason": True})
    def prereview_fail(self, data=None):
        self._enter()
        if self.is_district and self.route != "city":
            self.return_reason = _reason(data)
            return State.RETURNED
        self.consult_origin = State.PREREVIEW
        return State.CONSULT

    # 方案会签 (decided by the co-signers' votes in services.countersign_vote) ------------------------------
    @transition(source=State.COUNTERSIGN, target=State.ACCEPT, label=_("会签通过"), permission=system,
                inbox=INBOX, custom={"hidden": True})
    def countersign_pass(self):
        self._enter()

    @transition(source=State.COUNTERSIGN, target=State.CONSULT, label=_("会签不通过，转线下会商"), permission=system,
                inbox=INBOX, custom={"hidden": True})
    def countersign_fail(self):
        self.consult_origin = State.COUNTERSIGN
        self._enter()

    # 方案会商 -------------------------------------------------------------------------------------------
    @transition(source=CONSULT_ORIGINS, target=State.CONSULT, label=_("发起会商"),
                permission=lambda o, u: is_reviewer(o, u) or (o.state == State.ACCEPT and can_accept(o, u)),
                inbox=INBOX, custom={"button": "warning"})
    def consult_start(self):
        self.consult_origin = self.state
        self._enter()

    @transition(source=State.CONSULT, target=RETURN_VALUE(State.COUNTERSIGN, State.ACCEPT, State.EXPERT,
                                                          State.IMPROVE, State.AUDIT),
                label=_("会商通过"), permission=is_reviewer, inbox=INBOX, custom={"hidden": True})
    def consult_pass(self):
        self._enter()
        return consult_next(self)

    @transition(source=State.CONSULT, target=RETURN_VALUE(State.RETURNED, State.PREREVIEW, State.COUNTERSIGN,
                                                          State.ACCEPT, State.EXPERT),
                label=_("会商不通过"), permission=is_reviewer, inbox=INBOX, custom={"hidden": True})
    def consult_fail(self, data=None):
        self._enter()
        target = consult_back(self)
        if target == State.RETURNED:
            self.return_reason = _reason(data)
        return target

    # 方案受理 -------------------------------------------------------------------------------------------
    @transition(source=State.ACCEPT, target=State.EXPERT, label=_("受理：需专家评审"), permission=can_accept,
                inbox=INBOX)
    def accept_expert(self):
        self._enter()

    @transition(source=State.ACCEPT, target=State.IMPROVE, label=_("受理：需完善"), permission=can_accept,
                inbox=INBOX, custom={"needs_opinion": True})
    def accept_improve(self):
        self._enter()

    @transition(source=State.ACCEPT, target=State.REPLY, label=_("受理：直接回函"), permission=can_accept,
                inbox=INBOX)
    def accept_reply(self):
        self.reply_origin = State.ACCEPT
        self._enter()

    # 专家评审 -------------------------------------------------------------------------------------------
    @transition(source=State.EXPERT, target=RETURN_VALUE(State.IMPROVE, State.REPLY), label=_("专家评审通过"),
                permission=can_accept, inbox=INBOX, custom={"hidden": True})
    def expert_pass(self, data=None):
        self.expert_reviewed = True
        self._enter()
        if (data or {}).get("needs_improve"):
            return State.IMPROVE
        self.reply_origin = State.EXPERT
        return State.REPLY

    @transition(source=State.EXPERT, target=State.PREREVIEW, label=_("专家评审不通过，退回预审"),
                permission=can_accept, inbox=INBOX, custom={"hidden": True})
    def expert_fail(self):
        self.expert_reviewed = True
        self._enter()

    # 方案完善 → 方案审核 → 方案回函 -------------------------------------------------------------------------
    @transition(source=State.IMPROVE, target=State.AUDIT, label=_("提交完善方案"), permission=is_applicant,
                conditions=[has_document], inbox=INBOX)
    def improve_submit(self):
        self._enter()

    @transition(source=State.AUDIT, target=State.REPLY, label=_("审核通过"), permission=can_audit, inbox=INBOX,
                custom={"needs_opinion": True})
    def audit_pass(self):
        self.reply_origin = State.AUDIT
        self._enter()

    @transition(source=State.AUDIT, target=State.IMPROVE, label=_("审核不通过，退回完善"), permission=can_audit,
                inbox=INBOX, custom={"button": "danger", "needs_reason": True})
    def audit_return(self):
        self._enter()

    @transition(source=State.REPLY, target=State.DONE, label=_("回函"), permission=can_reply, inbox=DONE_INBOX,
                custom={"hidden": True})
    def reply_issue(self):
        self.finished_at = timezone.now()
        self._enter()

    @transition(source=State.REPLY, target=RETURN_VALUE(State.AUDIT, State.IMPROVE), label=_("回函退回"),
                permission=can_reply, inbox=INBOX, custom={"button": "danger", "needs_reason": True})
    def reply_return(self):
        self._enter()
        return State.AUDIT if self.reply_origin == State.AUDIT else State.IMPROVE


def _path(obj) -> list[str]:
    """The linear path of this proposal (for 会商 next/back)."""
    path = [State.PREREVIEW]
    if not obj.is_district:
        path.append(State.COUNTERSIGN)
    path += [State.ACCEPT, State.EXPERT, State.IMPROVE, State.AUDIT]
    return path


def consult_next(obj) -> str:
    """会商通过 → the step after the one where the 会商 started."""
    origin = obj.consult_origin or State.PREREVIEW
    path = _path(obj)
    if origin == State.ACCEPT:  # the acceptance decided to consult: continue with the expert review
        return State.EXPERT
    if origin == State.EXPERT:
        return State.IMPROVE
    i = path.index(origin) if origin in path else 0
    return path[min(i + 1, len(path) - 1)]


def consult_back(obj) -> str:
    """会商不通过 → one step back from where it started; from 预审 back to the applicant."""
    origin = obj.consult_origin or State.PREREVIEW
    if origin == State.PREREVIEW:
        return State.RETURNED
    path = _path(obj)
    if origin == State.IMPROVE:
        return State.EXPERT if obj.expert_reviewed else State.ACCEPT
    if origin == State.EXPERT:
        return State.ACCEPT
    i = path.index(origin)
    return path[i - 1]
