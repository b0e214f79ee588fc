"""Models of the topology screens (saved topology views). FKs to the CMDB models by string ("egov_cmdb.CI")."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields

__all__: list[str] = ["TopologyView"]

MAX_TOPOLOGY_DEPTH = 8


class TopologyView(TimeStampedModel):
    """A saved topology (业务拓扑): a centre CI, the direction and depth of the traversal, the relation types
    followed, the layout and the user's arrangement (node positions, hidden and extra nodes) in ``config``.

    Data scope: the view belongs to an organisation (by default the centre CI's) and its creator; users see the
    views of the organisations in their scope. The CIs drawn in it are scoped again when the graph is built."""

    class Direction(models.TextChoices):
        DOWN = "down", _("向下（依赖的资源）")
        UP = "up", _("向上（依赖它的配置项）")
        BOTH = "both", _("双向")

    class Layout(models.TextChoices):
        HIERARCHICAL = "hierarchical", _("层次布局")
        FORCE = "force", _("力导向布局")

    name = models.CharField(_("拓扑名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True, default="")
    root = models.ForeignKey("egov_cmdb.CI", verbose_name=_("中心配置项"), null=True, on_delete=models.SET_NULL,
                             related_name="+", help_text=_("通常是一个业务系统"))
    direction = models.CharField(_("展开方向"), max_length=8, choices=Direction.choices, default=Direction.DOWN)
    depth = models.PositiveSmallIntegerField(
        _("展开层数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(MAX_TOPOLOGY_DEPTH)]
    )
    layout = models.CharField(_("布局"), max_length=16, choices=Layout.choices, default=Layout.HIERARCHICAL)
    relation_types = models.ManyToManyField("egov_cmdb.RelationType", verbose_name=_("关系类型"), blank=True,
                                            related_name="+", help_text=_("留空表示依赖关系及归属、安装关系"))
    config = models.JSONField(_("布局配置"), default=dict, blank=True,
                              help_text=_("节点位置、隐藏的节点和额外展开的节点"))
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("所属单位"), on_delete=models.PROTECT,
                                     related_name="+")

    scope_fields = ScopeFields(org="organization", owner="created_by")
    audit_ignore_fields = ("config",)

    class Meta:
        verbose_name = _("拓扑视图")
        verbose_name_plural = _("拓扑视图")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="cmdb_topoview_org_name_uniq"),
            models.CheckConstraint(condition=models.Q(depth__gte=1, depth__lte=MAX_TOPOLOGY_DEPTH),
                                   name="cmdb_topoview_depth_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("egov_cmdb:topology_view", args=[self.pk])
