"""A leave request with a state machine, used only by the workflow/inbox tests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_base.scope import ScopeFields
from egov_base.workflow.fsm import FSMField, WorkflowMixin, guard, transition


@guard(_("已填写请假事由"))
def has_reason(obj):
    return bool(obj.reason)


@guard(_("请假天数不超过 30 天"))
def reasonable_days(obj):
    return 0 < obj.days <= 30


class LeaveRequest(WorkflowMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    organization = models.ForeignKey("egov_base.Organization", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True, default="")
    days = models.PositiveIntegerField(default=1)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True)

    scope_fields = ScopeFields(org="organization", owner="applicant")

    class Meta:
        permissions = [("approve_leaverequest", "Can approve leave requests")]

    def __str__(self):
        return f"请假申请 #{self.pk}"

    def get_absolute_url(self):
        return f"/testapp/leave/{self.pk}/"

    @transition(source=State.DRAFT, target=State.SUBMITTED, label=_("提交"),
                permission=lambda obj, user: user.pk == obj.applicant_id, conditions=[has_reason, reasonable_days],
                inbox={"roles": ["reviewer"], "title": lambda o: f"请审核{o}", "due_hours": 24})
    def submit(self):
        pass

    @transition(source=State.SUBMITTED, target=State.APPROVED, label=_("批准"),
                permission="testapp.approve_leaverequest",
                inbox={"assignees": lambda o: [o.applicant], "kind": "toread", "title": lambda o: f"{o}已批准"})
    def approve(self, comment=""):
        self.approved_comment = comment

    @transition(source=State.SUBMITTED, target=State.REJECTED, label=_("驳回"),
                permission="testapp.approve_leaverequest", custom={"button": "danger"})
    def reject(self):
        pass
