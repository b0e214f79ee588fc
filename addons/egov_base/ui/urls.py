from django.urls import path

from ..content import views as content_views
from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/content/", content_views.portal_article_list, name="portal_article_list"),
    path("portal/content/<int:pk>/", content_views.portal_article_detail, name="portal_article_detail"),
    path("m/", views.mobile_home, name="mobile_home"),
    path("m/todo/", views.mobile_todo, name="mobile_todo"),
    path("m/messages/", views.mobile_messages, name="mobile_messages"),
    path("m/me/", views.mobile_me, name="mobile_me"),
    path("m/content/", content_views.mobile_article_list, name="mobile_article_list"),
    path("m/content/<int:pk>/", content_views.mobile_article_detail, name="mobile_article_detail"),
]
