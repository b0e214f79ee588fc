"""URLs of egov_base, namespace ``egov_base``. Each area contributes ``<area>/urls.py`` with a plain
``urlpatterns`` list (no app_name), so its names read ``egov_base:<name>``."""


from django.urls import include, path

app_name = "egov_base"

urlpatterns = []

# Area prefixes; generic object views are mounted by the generic area under /<app_label>/<model>/.
_AREAS = [
    ("", "ui"),
    ("auth/", "auth"),
    ("inbox/", "inbox"),
    ("workflow/", "workflow"),
    ("notify/", "notify"),
    ("audit/", "audit"),
    ("content/", "content"),
    ("dictionary/", "dictionary"),
    ("files/", "files"),
    ("search/", "search"),
    ("reports/", "reports"),
    ("integration/", "integration"),
    ("org/", "org"),
    ("", "generic"),
]
for _prefix, _area in _AREAS:
    urlpatterns.append(path(_prefix, include(f"egov_base.{_area}.urls")))
