"""Read queries of the core side (catalog, requests, subscriptions), scoped to the user; reused by views, API,
portal and the operations side."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from egov_base.scope import scope_queryset
from egov_base.workflow.models import ApprovalInstance, ApprovalStep

from .models import (
    CapabilityCallStat,
    RequestDocument,
    ServiceCategory,
    ServiceItem,
    ServiceRequest,
    ServiceSpec,
    Subscription,
)

# --- catalog ---------------------------------------------------------------------------------------------------

def category_tree(*, only_with_published: bool = False) -> list[ServiceCategory]:
    """All active categories as a nested list (``node.children_list``), in tree order; one query."""
    cats = list(ServiceCategory.objects.filter(is_active=True).order_by("depth", "sort", "pk"))
    counts = {}
    if only_with_published:
        counts = dict(ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED)
                      .values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    by_pk = {c.pk: c for c in cats}
    roots = []
    for c in cats:
        c.children_list = []
        c.item_count = counts.get(c.pk, 0)
    for c in cats:
        if c.parent_id and c.parent_id in by_pk:
            by_pk[c.parent_id].children_list.append(c)
        elif not c.parent_id:
            roots.append(c)
    if only_with_published:
        def total(node):
            node.total_items = node.item_count + sum(total(ch) for ch in node.children_list)
            return node.total_items
        for r in roots:
            total(r)
    return roots


def published_items(user, *, q: str = "", category: ServiceCategory | None = None, service_type: str = ""):
    qs = (scope_queryset(ServiceItem.objects.all(), user).filter(status=ServiceItem.Status.PUBLISHED)
          .select_related("category", "provider")
          .prefetch_related(Prefetch("specs", queryset=ServiceSpec.objects.filter(is_active=True).order_by("sort"))))
    if category is not None:
        qs = qs.filter(category__path__startswith=category.path)
    if service_type:
        qs = qs.filter(service_type=service_type)
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(summary__icontains=word) | Q(code__icontains=word)
                       | Q(content__icontains=word) | Q(category__name__icontains=word))
    return qs.order_by("category__path", "sort", "code")


def item_for_portal(user, pk) -> ServiceItem | None:
    return (scope_queryset(ServiceItem.objects.all(), user)
            .filter(pk=pk, status__in=[ServiceItem.Status.PUBLISHED, ServiceItem.Status.SUSPENDED])
            .select_related("category", "provider").first())


# --- requests --------------------------------------------------------------------------------------------------

def requests_for(user):
    return scope_queryset(ServiceRequest.objects.all(), user).select_related("item", "spec", "organization",
                                                                             "applicant")


def my_requests(user, *, limit: int | None = None, states=None):
    qs = requests_for(user).filter(Q(applicant=user) | Q(organization=user.organization_id)).order_by("-created_at")
    if states:
        qs = qs.filter(state__in=states)
    return qs[:limit] if limit else qs


def my_requests_with_progress(user, *, limit: int) -> list[ServiceRequest]:
    """The organisation's latest requests with their stages and percent done (portal catalog and home panel)."""
    if not user.organization_id:
        return []
    reqs = list(my_requests(user, limit=limit))
    for r in reqs:
        r.stages = progress(r)
        r.percent = progress_percent(r.stages)
    return reqs


def request_list(user, *, q="", state="", kind="", item=None, service_type="", overdue="", organization=None,
                 node=""):
    qs = requests_for(user).exclude(state=ServiceRequest.State.DRAFT)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if item:
        qs = qs.filter(item=item)
    if service_type:
        qs = qs.filter(item__service_type=service_type)
    if overdue == "1":
        qs = qs.filter(overdue=True)
    if organization:
        qs = qs.filter(organization=organization)
    if node:
        qs = qs.filter(current_node=node)
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(number__icontains=word) | Q(title__icontains=word) | Q(item__name__icontains=word)
                       | Q(organization__name__icontains=word))
    return qs.order_by("-submitted_at", "-pk")


def request_counts(user) -> dict:
    qs = requests_for(user).exclude(state=ServiceRequest.State.DRAFT)
    agg = qs.aggregate(
        in_progress=Count("pk", filter=Q(state=ServiceRequest.State.IN_PROGRESS)),
        overdue=Count("pk", filter=Q(state=ServiceRequest.State.IN_PROGRESS, overdue=True)),
        delivered=Count("pk", filter=Q(state=ServiceRequest.State.DELIVERED)),
        returned=Count("pk", filter=Q(state=ServiceRequest.State.RETURNED)),
        closed=Count("pk", filter=Q(state=ServiceRequest.State.CLOSED)),
    )
    return agg


def _instances(req: ServiceRequest):
    ct = ContentType.objects.get_for_model(ServiceRequest)
    return ApprovalInstance.objects.filter(content_type=ct, object_id=str(req.pk)).order_by("-started_at", "-pk")


def approval_history(req: ServiceRequest) -> list[ApprovalStep]:
    from egov_base.workflow.approval import ACTION_LABELS

    ct = ContentType.objects.get_for_model(ServiceRequest)
    steps = list(ApprovalStep.objects.filter(instance__content_type=ct, instance__object_id=str(req.pk))
                 .select_related("assignee", "actor", "assignee__organization").order_by("created_at", "pk"))
    for s in steps:
        s.action_label = str(ACTION_LABELS.get(s.action, s.action)) if s.action else ""
    return steps


def progress(req: ServiceRequest) -> list[dict]:
    """The request's stages for the progress bar: 申请函及需求单, each chain node, 验收评价 — status done /
    current / returned / pending / rejected."""
    from .services.setup import DEFAULT_NODES

    inst = _instances(req).first()
    nodes = [n["name"] for n in inst.nodes] if inst else [n[0] for n in DEFAULT_NODES]
    stages = [{"name": "申请函及需求单", "status": "done" if req.submitted_at else "current"}]
    state = req.state
    for i, name in enumerate(nodes):
        if state in (ServiceRequest.State.DELIVERED, ServiceRequest.State.CLOSED):
            st = "done"
        elif inst is None or state in (ServiceRequest.State.DRAFT,):
            st = "pending"
        elif inst.status == ApprovalInstance.Status.RUNNING:
            st = "done" if i < inst.current_index else ("current" if i == inst.current_index else "pending")
        elif state == ServiceRequest.State.REJECTED:
            st = "done" if i < inst.current_index else ("rejected" if i == inst.current_index else "pending")
        elif state == ServiceRequest.State.RETURNED:
            st = "done" if i < inst.current_index else ("returned" if i == inst.current_index else "pending")
        else:
            st = "pending"
        stages.append({"name": name, "status": st})
    if state == ServiceRequest.State.RETURNED:
        stages[0]["status"] = "current"
    stages.append({"name": "验收评价", "status": "done" if state == ServiceRequest.State.CLOSED
                   else ("current" if state == ServiceRequest.State.DELIVERED else "pending")})
    return stages


def progress_percent(stages) -> int:
    done = sum(1 for s in stages if s["status"] == "done")
    return int(round(100 * done / max(1, len(stages))))


def documents_for(req: ServiceRequest):
    order = {k: i for i, k in enumerate(RequestDocument.Node.values)}
    return sorted(req.documents.all(), key=lambda d: order.get(d.node, 99))


def documents_list(user, *, q="", node=""):
    qs = scope_queryset(RequestDocument.objects.all(), user).select_related("request", "request__item",
                                                                            "request__organization")
    if node:
        qs = qs.filter(node=node)
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(number__icontains=word) | Q(request__number__icontains=word)
                       | Q(request__item__name__icontains=word) | Q(request__organization__name__icontains=word))
    return qs.order_by("-created_at")


# --- subscriptions ---------------------------------------------------------------------------------------------

def subscriptions_for(user):
    return scope_queryset(Subscription.objects.all(), user).select_related("item", "spec", "organization")


def my_subscriptions(user, *, include_terminated: bool = False):
    qs = subscriptions_for(user).filter(organization=user.organization_id)
    if not include_terminated:
        qs = qs.exclude(state=Subscription.State.TERMINATED)
    return qs.order_by("item__service_type", "-started_at")


def resource_summary(user) -> list[dict]:
    """资源情况 of the user's organisation: per service type, running subscriptions and quantity."""
    rows = (my_subscriptions(user).values("item__service_type")
            .annotate(n=Count("pk"), qty=Sum("quantity")).order_by("item__service_type"))
    labels = dict(ServiceItem.ServiceType.choices)
    return [{"type": r["item__service_type"], "label": labels.get(r["item__service_type"], ""), "count": r["n"],
             "quantity": r["qty"] or 0} for r in rows]


def capability_calls(credential, days: int = 30) -> list[CapabilityCallStat]:
    since = timezone.localdate() - timezone.timedelta(days=days)
    return list(CapabilityCallStat.objects.filter(credential=credential, day__gte=since).order_by("day"))
