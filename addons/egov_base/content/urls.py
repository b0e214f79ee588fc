from django.urls import path

from . import views

urlpatterns = [
    path("articles/", views.article_manage_list, name="article_manage_list"),
    path("articles/new/", views.article_manage_add, name="article_manage_add"),
    path("articles/<int:pk>/", views.article_manage, name="article_manage"),
    path("articles/<int:pk>/edit/", views.article_manage_edit, name="article_manage_edit"),
    path("articles/<int:pk>/<slug:action>/", views.article_action, name="article_action"),
]
