from django.urls import path

from . import views

urlpatterns = [
    path("", views.message_list, name="notify_messages"),
    path("<int:pk>/open/", views.message_open, name="notify_message_open"),
    path("<int:pk>/read/", views.message_read, name="notify_message_read"),
    path("read-all/", views.message_read_all, name="notify_read_all"),
    path("badge/", views.badge, name="notify_badge"),
    path("preferences/", views.preferences, name="notify_preferences"),
    path("templates/", views.template_list, name="notify_templates"),
    path("templates/<str:event>/<str:channel>/", views.template_edit, name="notify_template_edit"),
    path("templates/<str:event>/<str:channel>/preview/", views.template_preview, name="notify_template_preview"),
    path("deliveries/", views.delivery_list, name="notify_deliveries"),
    path("deliveries/send-test/", views.send_test, name="notify_send_test"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="notify_delivery_retry"),
]
