"""Custom org URLs (mounted at /org/, names egov_base:org_*); the generic views of org models live at
/base/<model>/ (egov_base:organization_list ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("user/<int:pk>/password/", views.UserResetPasswordView.as_view(), name="org_user_password"),
    path("user/<int:pk>/active/", views.UserSetActiveView.as_view(), name="org_user_active"),
    path("role/<int:pk>/permissions/", views.RolePermissionsView.as_view(), name="org_role_permissions"),
]
