from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.views import AuthorizationView

LOGIN_URL = "/test-oidc/login/"


class ProviderAuthorizationView(AuthorizationView):
    login_url = LOGIN_URL


def provider_login(request):
    """The identity platform's own login page (plain HTML form)."""
    nxt = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    error = ""
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(nxt)
        error = "用户名或密码错误"
    html = (
        "<!doctype html><title>统一身份认证平台</title><form method='post'>"
        f"<input type='hidden' name='csrfmiddlewaretoken' value='{get_token(request)}'>"
        f"<input type='hidden' name='next' value='{escape(nxt)}'>"
        "<input name='username'><input name='password' type='password'><button>登录</button>"
        f"<p class='error'>{escape(error)}</p></form>"
    )
    return HttpResponse(html)
