from django.urls import path

from . import views

urlpatterns = [
    path("tokens/", views.token_list, name="api_token_list"),
    path("tokens/add/", views.token_create, name="api_token_add"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
