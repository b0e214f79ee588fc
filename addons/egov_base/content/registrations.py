"""Content: menu, role grants, generic views (when the generic area is present)."""

from django.utils.translation import gettext_lazy as _

from ..generic.registry import ModelConfig, register
from ..org.roles import grant
from ..ui.menu import MenuItem, register_menu
from .models import Article, ArticleCategory

register_menu("content", _("内容发布"), "ti ti-news", 600, items=[
    MenuItem(_("文章管理"), "egov_base:article_manage_list", perm="egov_base.view_article", order=10),
    MenuItem(_("新建文章"), "egov_base:article_manage_add", perm="egov_base.add_article", order=20),
    MenuItem(_("门户预览"), "egov_base:portal_article_list", order=90),
])

_EDIT = ("egov_base.view_article", "egov_base.add_article", "egov_base.change_article",
         "egov_base.view_articlecategory")
for _role in ("city_admin", "district_admin", "service_desk"):
    grant(_role, *_EDIT)
grant("dept_head", *_EDIT, "egov_base.review_article", "egov_base.publish_article", "egov_base.delete_article",
      "egov_base.add_articlecategory", "egov_base.change_articlecategory")
grant("city_admin", "egov_base.publish_article")

register(ArticleCategory, ModelConfig(
    menu="content", list_display=["code", "name", "sort", "is_active"], search_fields=["code", "name"],
    form_fields=["code", "name", "sort", "is_active"], import_fields=["code", "name", "sort"], import_key="code",
))
register(Article, ModelConfig(
    menu="content", list_display=["title", "category", "status", "audience", "pinned", "publish_at", "organization"],
    list_filter=["category", "status", "audience", "pinned"], search_fields=["title", "summary"],
    form_fields=["category", "column", "title", "summary", "body", "source", "organization", "audience",
                 "districts", "pinned", "publish_at", "expire_at"],
))
