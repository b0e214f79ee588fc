"""Inbox JSON API routes; mounted by egov_base/api/urls.py as ``path("v1/inbox/", include("egov_base.inbox.api_urls"))``."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.InboxListView.as_view(), name="api-inbox-list"),
    path("counts/", api.InboxCountsView.as_view(), name="api-inbox-counts"),
    path("<int:pk>/claim/", api.TaskClaimView.as_view(), name="api-inbox-claim"),
    path("<int:pk>/read/", api.TaskReadView.as_view(), name="api-inbox-read"),
]
