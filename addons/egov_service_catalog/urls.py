from django.urls import path

from egov_base.generic.urls import urlpatterns_for

from .urls_ops import urlpatterns as ops_urlpatterns
from .views import forms as form_views
from .views import mobile, portal, staff

app_name = "egov_service_catalog"

urlpatterns = [
    # staff backend
    path("manage/", staff.catalog_manage, name="catalog_manage"),
    path("manage/category/move/", staff.category_move, name="category_move"),
    path("manage/item/<int:pk>/action/", staff.item_action, name="item_action"),
    path("requests/", staff.request_list, name="request_list"),
    path("requests/<int:pk>/", staff.request_detail, name="request_detail"),
    path("requests/<int:pk>/act/", staff.request_act, name="request_act"),
    path("requests/<int:pk>/form.pdf", staff.request_form_pdf, name="request_form_pdf"),
    path("requests/fulfilment/<int:pk>/", staff.fulfilment_update, name="fulfilment_update"),
    path("documents/", staff.document_list, name="document_list"),
    path("documents/<int:pk>/<str:fmt>/", staff.document_download, name="document_download"),
    path("forms/", form_views.form_list, name="form_list"),
    path("forms/new/", form_views.form_designer_new, name="form_designer_new"),
    path("forms/<int:pk>/designer/", form_views.form_designer, name="form_designer"),
    path("forms/<int:pk>/activate/", form_views.form_activate, name="form_activate"),
    path("forms/<int:pk>/preview/", form_views.form_preview, name="form_preview"),
    path("forms/item/<int:pk>/", form_views.form_designer_item, name="form_designer_item"),
    # department portal
    path("portal/", portal.catalog, name="catalog"),
    path("portal/item/<int:pk>/", portal.portal_item, name="portal_item"),
    path("portal/item/<int:pk>/apply/", portal.portal_apply, name="portal_apply"),
    path("portal/requests/", portal.portal_requests, name="portal_requests"),
    path("portal/requests/<int:pk>/", portal.portal_request_detail, name="portal_request_detail"),
    path("portal/requests/<int:pk>/edit/", portal.portal_request_edit, name="portal_request_edit"),
    path("portal/requests/<int:pk>/action/", portal.portal_request_action, name="portal_request_action"),
    path("portal/ratings/", portal.portal_ratings, name="portal_ratings"),
    path("portal/resources/", portal.portal_resources, name="portal_resources"),
    path("portal/resources/<int:pk>/", portal.portal_subscription, name="portal_subscription"),
    path("portal/resources/<int:pk>/secret/", portal.portal_capability_secret, name="portal_capability_secret"),
    path("portal/resources/<int:pk>/<str:kind>/", portal.portal_subscription_change, name="portal_subscription_change"),
    # mobile H5
    path("m/", mobile.m_catalog, name="m_catalog"),
    path("m/item/<int:pk>/", mobile.m_item, name="m_item"),
    path("m/requests/", mobile.m_requests, name="m_requests"),
    path("m/requests/<int:pk>/", mobile.m_request_detail, name="m_request_detail"),
    *ops_urlpatterns,
    *urlpatterns_for("egov_service_catalog"),
]
