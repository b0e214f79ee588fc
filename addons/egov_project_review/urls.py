from egov_base.generic.urls import urlpatterns_for

app_name = "egov_project_review"

urlpatterns = [
    *urlpatterns_for("egov_project_review"),
]
