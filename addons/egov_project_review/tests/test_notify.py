"""Notifications at hand-over (in-app + SMS rows), to the applicant on return, overdue reminders, inbox tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from egov_base.inbox.models import Task
from egov_base.notify.models import Delivery
from egov_project_review import services
from egov_project_review.models import Proposal

from .conftest import new_proposal

pytestmark = pytest.mark.django_db


def test_handover_notifications_and_inbox(pr_setup):
    u = pr_setup
    u["intake"].phone = "13800000009"
    u["intake"].save()
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    rows = Delivery.objects.filter(event="project_review.handover", recipient=u["intake"])
    assert {d.channel for d in rows} == {"inapp", "sms"}
    assert "方案接件" in rows.get(channel="inapp").body
    assert Task.objects.filter(key=f"wf:egov_project_review.proposal:{p.pk}:intake", status="open",
                               assignee=u["intake"]).exists()
    services.proposal_act(user=u["intake"], proposal=p, action="return_to_applicant", comment="缺少测算依据")
    assert not Task.objects.filter(key=f"wf:egov_project_review.proposal:{p.pk}:intake", status="open").exists()
    ret = Delivery.objects.get(event="project_review.returned", recipient=u["city_applicant"], channel="inapp")
    assert "缺少测算依据" in ret.body
    assert Task.objects.filter(key=f"wf:egov_project_review.proposal:{p.pk}:returned",
                               assignee=u["city_applicant"], status="open").exists()


def test_overdue_reminder_once_a_day(pr_setup):
    u = pr_setup
    p = new_proposal(u["city_applicant"])
    services.proposal_submit(user=u["city_applicant"], proposal=p)
    Proposal.objects.filter(pk=p.pk).update(stage_entered_at=timezone.now() - timedelta(days=5))
    assert services.remind_overdue() == 1
    services.remind_overdue()
    assert Delivery.objects.filter(event="project_review.overdue", recipient=u["intake"], channel="inapp").count() == 1
