"""URLs of registered models. A domain app's urls.py (``app_name = "<app_label>"``)::

    from egov_base.generic.urls import urlpatterns_for
    app_name = "egov_cmdb"
    urlpatterns = [...custom views...] + urlpatterns_for("egov_cmdb")

egov_base's own registered models are mounted here under ``/base/<model_name>/``.
"""

from django.urls import path

from . import views
from .registry import iter_registered


def urlpatterns_for(app_label: str, prefix: str = ""):
    """URL patterns (names ``<model_name>_list/_detail/_add/_edit/_delete/_import/_export`` ...) for every
    model of ``app_label`` registered with the generic registry."""
    out = []
    for model, config in iter_registered(app_label):
        name = model._meta.model_name
        base = f"{prefix}{config.url_prefix or name}/"
        kw = {"config": config}
        out += [
            path(base, views.ObjectListView.as_view(**kw), name=f"{name}_list"),
            path(f"{base}add/", views.ObjectEditView.as_view(**kw), name=f"{name}_add"),
            path(f"{base}import/", views.ObjectImportView.as_view(**kw), name=f"{name}_import"),
            path(f"{base}export/", views.ObjectExportView.as_view(**kw), name=f"{name}_export"),
            path(f"{base}columns/", views.ObjectColumnsView.as_view(**kw), name=f"{name}_columns"),
            path(f"{base}bulk-delete/", views.ObjectBulkDeleteView.as_view(**kw), name=f"{name}_bulk_delete"),
            path(f"{base}<int:pk>/", views.ObjectDetailView.as_view(**kw), name=f"{name}_detail"),
            path(f"{base}<int:pk>/edit/", views.ObjectEditView.as_view(**kw), name=f"{name}_edit"),
            path(f"{base}<int:pk>/delete/", views.ObjectDeleteView.as_view(**kw), name=f"{name}_delete"),
            path(f"{base}<int:pk>/comment/", views.ObjectCommentView.as_view(**kw), name=f"{name}_comment"),
        ]
    return out


urlpatterns = urlpatterns_for("egov_base", prefix="base/")
