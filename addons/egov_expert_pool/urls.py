from egov_base.generic.urls import urlpatterns_for

app_name = "egov_expert_pool"

urlpatterns = [
    *urlpatterns_for("egov_expert_pool"),
]
