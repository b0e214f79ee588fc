"""Custom org views beyond the generic ones: user password reset and activation, role permission matrix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _g
from django.views import View

from ..generic import selectors as generic_selectors
from ..generic.registry import get_config, object_url
from . import selectors, services
from .forms import PasswordResetForm
from .models import Role, User


class _ObjectPermView(LoginRequiredMixin, View):
    model = None
    perm = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.perm):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk):
        return generic_selectors.object_get(get_config(self.model), self.request.user, pk)


class UserResetPasswordView(_ObjectPermView):
    model = User
    perm = "egov_base.change_user"

    def get(self, request, pk):
        target = self.get_object(pk)
        return render(request, "egov_base/org/user_password.html", {"object": target, "form": PasswordResetForm()})

    def post(self, request, pk):
        target = self.get_object(pk)
        form = PasswordResetForm(request.POST)
        new_password = None
        if form.is_valid():
            try:
                new_password = services.user_reset_password(user=request.user, target=target,
                                                            password=form.cleaned_data["password"] or None)
            except ValidationError as exc:
                form.add_error("password", exc)
        status = 200 if new_password else 400
        return render(request, "egov_base/org/user_password.html",
                      {"object": target, "form": form, "new_password": new_password,
                       "generated": new_password and not form.cleaned_data.get("password")}, status=status)


class UserSetActiveView(_ObjectPermView):
    model = User
    perm = "egov_base.change_user"

    def post(self, request, pk):
        target = self.get_object(pk)
        active = request.POST.get("active") == "1"
        try:
            services.user_set_active(user=request.user, target=target, active=active)
            messages.success(request, _g("账号已启用。") if active else _g("账号已停用。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(object_url(target))


class RolePermissionsView(_ObjectPermView):
    model = Role
    perm = "egov_base.change_role"

    def get(self, request, pk, errors=None, status=200):
        role = self.get_object(pk)
        return render(request, "egov_base/org/role_permissions.html",
                      {"object": role, "matrix": selectors.permission_matrix(role), "errors": errors or []},
                      status=status)

    def post(self, request, pk):
        role = self.get_object(pk)
        try:
            services.role_set_permissions(user=request.user, role=role, permission_ids=request.POST.getlist("perm"))
        except ValidationError as exc:
            return self.get(request, pk, errors=exc.messages, status=400)
        messages.success(request, _g("角色权限已保存。"))
        return HttpResponseRedirect(object_url(role))
