from django.urls import path

from . import views

urlpatterns = [
    path("", views.dicttype_manage_list, name="dicttype_manage_list"),
    path("new/", views.dicttype_manage_add, name="dicttype_manage_add"),
    path("<int:pk>/", views.dicttype_manage, name="dicttype_manage"),
    path("<int:pk>/edit/", views.dicttype_manage_edit, name="dicttype_manage_edit"),
    path("<int:pk>/items/new/", views.dictitem_manage_add, name="dictitem_manage_add"),
    path("items/<int:pk>/edit/", views.dictitem_manage_edit, name="dictitem_manage_edit"),
    path("items/<int:pk>/delete/", views.dictitem_manage_delete, name="dictitem_manage_delete"),
]
