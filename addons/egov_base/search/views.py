from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import highlight, search

PAGE_SIZE = 20


@login_required
def search_page(request):
    q = request.GET.get("q", "").strip()
    category = request.GET.get("category") or None
    result = search(user=request.user, q=q, category=category)
    page = Paginator(result.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    hits = [{"doc": d, "snippet": highlight(d.body, result.words)} for d in page.object_list]
    return render(request, "egov_base/search/search.html", {
        "q": q, "category": category, "result": result, "page": page, "hits": hits,
    })
