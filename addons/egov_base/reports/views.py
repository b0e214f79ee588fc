"""Report screens: list, run with parameters, run history, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..files.views import content_disposition
from . import services
from .models import ReportRun
from .registry import get_report, registered_reports
from .selectors import run_get, run_list


@login_required
def report_list(request):
    return render(request, "egov_base/reports/list.html", {"reports": registered_reports(request.user)})


@login_required
def report_run(request, code: str):
    spec = get_report(code)
    if spec is None or not spec.can_run(request.user):
        raise Http404(_("报表不存在或无权访问。"))
    form_class = spec.form
    if request.method == "POST":
        form = form_class(request.POST) if form_class else None
        fmt = request.POST.get("format", spec.formats[0])
        if fmt not in spec.formats:
            messages.error(request, _("不支持的报表格式。"))
        elif form is None or form.is_valid():
            params = (form.params() if hasattr(form, "params") else dict(form.cleaned_data)) if form else {}
            try:
                services.report_request(code=code, user=request.user, params=params, fmt=fmt,
                                              request_key=request.POST.get("request_key") or None)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("报表已提交生成，完成后可在生成记录中下载。"))
                return redirect("egov_base:report_history")
    else:
        form = form_class() if form_class else None
    return render(request, "egov_base/reports/run.html", {
        "spec": spec, "form": form, "request_key": services.new_request_key(),
    })


@login_required
def report_history(request):
    page = Paginator(run_list(user=request.user, code=request.GET.get("code") or None), 30).get_page(request.GET.get("page"))
    template = "egov_base/reports/partials/history_rows.html" if getattr(request, "htmx", False) else "egov_base/reports/history.html"
    return render(request, template, {"page": page, "has_running": any(r.status in ("pending", "running") for r in page.object_list)})


@login_required
def report_download(request, pk: int):
    run = run_get(user=request.user, pk=pk)
    if run is None or run.status != ReportRun.Status.DONE or not run.file:
        raise Http404(_("报表文件不存在或无权访问。"))
    from ..audit.services import record_event

    record_event(action="download", model=ReportRun, user=request.user, message=f"下载报表：{run.file_name}",
                 data={"run": run.pk})
    content_type = "application/pdf" if run.format == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = FileResponse(run.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(run.file_name or f"report.{run.format}")
    response["Cache-Control"] = "private, no-store"
    return response
