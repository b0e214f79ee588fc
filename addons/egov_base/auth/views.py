"""System token management (系统管理 > 系统令牌): list, create (the key is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..api.models import SystemToken
from ..api.services import system_token_create, system_token_revoke
from ..scope import scope_queryset
from .forms import SystemTokenForm


@login_required
@permission_required("egov_base.view_systemtoken", raise_exception=True)
def token_list(request):
    tokens = scope_queryset(SystemToken.objects.select_related("user", "created_by"), request.user)
    return render(request, "egov_base/api/token_list.html", {"tokens": tokens})


@login_required
@permission_required("egov_base.add_systemtoken", raise_exception=True)
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = SystemTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        token, raw = system_token_create(name=d["name"], user=d["user"], expires_at=d["expires_at"],
                                         allowed_ips=d["allowed_ips"], description=d["description"],
                                         created_by=request.user)
        return render(request, "egov_base/api/token_created.html", {"token": token, "raw": raw})
    return render(request, "egov_base/api/token_form.html", {"form": form})


@login_required
@permission_required("egov_base.change_systemtoken", raise_exception=True)
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(scope_queryset(SystemToken.objects.all(), request.user), pk=pk)
    system_token_revoke(token=token, user=request.user)
    messages.success(request, _("令牌已停用。"))
    return redirect("egov_base:api_token_list")
