"""Login, logout, password change, language and the three home pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import selectors
from .forms import EgovPasswordChangeForm, LoginForm
from .portal import render_panels


def home_url_for(user) -> str:
    """Where a user lands after login: backend "/" (also cockpit for now), portal "/portal/"."""
    shell = getattr(user, "home_shell", "backend")
    if shell == "portal":
        return reverse("egov_base:portal_home")
    return reverse("egov_base:home")


def _set_language_cookie(response, language: str):
    if language and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class LoginView(auth_views.LoginView):
    template_name = "egov_base/auth/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        return _set_language_cookie(response, getattr(form.get_user(), "language", ""))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        return ctx


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("egov_base:login")
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "egov_base/auth/password_change.html"
    form_class = EgovPasswordChangeForm
    success_url = reverse_lazy("egov_base:password_change_done")

    def get_form_kwargs(self):
        # the concrete User (not the request's lazy wrapper): password validators inspect type(user)
        from django.contrib.auth import get_user_model

        kwargs = super().get_form_kwargs()
        kwargs["user"] = get_user_model()._default_manager.get(pk=self.request.user.pk)
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        fields = []
        if hasattr(user, "must_change_password"):
            user.must_change_password = False
            fields.append("must_change_password")
        if hasattr(user, "password_changed_at"):
            user.password_changed_at = timezone.now()
            fields.append("password_changed_at")
        if fields:
            user.save(update_fields=fields)
        messages.success(self.request, _("密码已修改。"))
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["forced"] = bool(getattr(self.request.user, "must_change_password", False))
        return ctx


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "egov_base/auth/password_change_done.html"


@require_POST
def set_language(request):
    """Switch the interface language and remember it on the user (then Django's set_language)."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and hasattr(request.user, "language"):
        if request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return django_set_language(request)


def _shortcuts(user):
    from .menu import menu_for

    items = [i for m in menu_for(user) for i in m["items"] if i["url"] != "/"]
    return items[:8]


@login_required
def home(request):
    user = request.user
    if user.home_shell == "portal" and not request.GET.get("backend"):
        return redirect("egov_base:portal_home")
    is_leader = user.home_shell == "cockpit" or user.has_role("centre_leader")
    from ..content.selectors import article_latest

    ctx = {
        "todo": selectors.home_todo(user, 10),
        "messages_latest": selectors.home_messages(user, 6),
        "shortcuts": _shortcuts(user),
        "is_leader": is_leader,
        "headlines": selectors.leader_headlines(user) if is_leader else [],
        "notices": article_latest(user=user, limit=5),
        "now": timezone.now(),
    }
    return render(request, "egov_base/ui/home.html", ctx)


PORTAL_SERVICES = [
    # label, icon, url names (a tuple: the first installed one wins; greyed out when none is), description,
    # mobile url names (None = the same as the desktop ones)
    (_("云资源申请"), "ti ti-cloud", ("egov_service_catalog:catalog",), _("政务云主机、存储、数据库"),
     ("egov_service_catalog:m_catalog",)),
    (_("网络接入"), "ti ti-network", ("egov_service_catalog:catalog",), _("电子政务外网接入与变更"),
     ("egov_service_catalog:m_catalog",)),
    (_("机房托管"), "ti ti-server-2", ("egov_service_catalog:catalog",), _("机柜、上架与出入登记"),
     ("egov_service_catalog:m_catalog",)),
    (_("故障报修"), "ti ti-tool", ("egov_helpdesk:ticket_new", "egov_service_catalog:ops_portal_ticket_new"),
     _("7×24 小时服务台"), None),
    (_("项目预审"), "ti ti-clipboard-check", ("egov_project_review:proposal_list",), _("信息化项目方案预审"), None),
    (_("政策文件"), "ti ti-file-text", ("egov_base:portal_article_list",), _("政策、标准规范与通知公告"),
     ("egov_base:mobile_article_list",)),
]


def _first_url(names) -> str | None:
    from django.urls import NoReverseMatch

    for name in names or ():
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _portal_services(mobile: bool = False):
    out = []
    for entry in PORTAL_SERVICES:
        # (label, icon, url name(s), description[, mobile url name(s)]); a name may be one string or a list
        label, icon, names, desc, *rest = entry
        names = [names] if isinstance(names, str) else names
        mobile_names = rest[0] if rest else None
        mobile_names = [mobile_names] if isinstance(mobile_names, str) else mobile_names
        url = (_first_url(mobile_names) if mobile and mobile_names else None) or _first_url(names)
        out.append({"label": label, "icon": icon, "url": url, "desc": desc})
    return out


@login_required
def portal_home(request):
    from ..content.models import Article
    from ..content.selectors import article_latest

    user = request.user
    ctx = {
        "notices": article_latest(user=user, limit=6, category=Article.Category.NOTICE),
        "policies": article_latest(user=user, limit=6, category=Article.Category.POLICY),
        "standards": article_latest(user=user, limit=4, category=Article.Category.STANDARD),
        "services": _portal_services(),
        "todo": selectors.home_todo(user, 8),
        "panels": render_panels(request),
    }
    return render(request, "egov_base/ui/portal_home.html", ctx)


@login_required
def mobile_home(request):
    from ..content.selectors import article_latest

    ctx = {
        "notices": article_latest(user=request.user, limit=5),
        "todo": selectors.home_todo(request.user, 5),
        "services": [s for s in _portal_services(mobile=True) if s["url"]],
        "panels": render_panels(request, mobile=True),
        "tab": "home",
    }
    return render(request, "egov_base/ui/mobile_home.html", ctx)


@login_required
def mobile_todo(request):
    return render(request, "egov_base/ui/mobile_todo.html",
                  {"todo": selectors.home_todo(request.user, 50), "tab": "todo"})


@login_required
def mobile_messages(request):
    return render(request, "egov_base/ui/mobile_messages.html",
                  {"messages_latest": selectors.home_messages(request.user, 50), "tab": "messages"})


@login_required
def mobile_me(request):
    return render(request, "egov_base/ui/mobile_me.html", {"tab": "me"})


@login_required
def profile(request):
    return render(request, "egov_base/ui/profile.html", {})
