"""CMDB models: CI classes and attributes as data, CIs, relation types and relations, versions.

Contract (other apps and CMDB-topology build on these names):

* ``CIClass`` — a class of configuration items, defined as data; ``parent`` gives attribute inheritance.
* ``AttributeDef`` — one attribute of a class (stored in ``CI.attrs[code]``); adding one needs no migration.
* ``CI`` — a configuration item; ``attrs`` JSONB holds the attribute values; ``lifecycle`` is an FSM.
* ``RelationType`` / ``Relation`` — typed, directed relations with a cardinality enforced in the database
  (partial unique indexes on the denormalised ``Relation.cardinality``) and by the services (row locks).
  "X depends on Y" = Relation(source=X, target=Y) of a type with ``is_dependency``; impact flows target → source.
* ``CIVersion`` — every change of a CI: full snapshot, field diff, source, user.
* ``SourcePriority`` — reconciliation rules: which collection source wins for which attribute.
* ``SavedQuery`` — saved CI list filters; ``CIImportJob`` — the import wizard; ``WarrantyReminder`` — sent
  warranty reminders (idempotency of the periodic task); ``AttributeUniqueValue`` — DB-enforced uniqueness
  of attributes flagged ``unique``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from egov_base.mixins import TimeStampedModel
from egov_base.scope import ScopeFields
from egov_base.workflow.fsm import FSMField, WorkflowMixin, transition


def _localized(obj, field="name"):
    """The English name when the UI language is English and one is set (class/attribute names are data)."""
    if (translation.get_language() or "").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


SOURCE_LABELS = {
    "manual": _("人工维护"), "import": _("批量导入"), "api": _("接口"), "monitoring": _("监控采集"),
    "cloud_api": _("云管平台"), "demo": _("演示数据"), "discovery": _("自动发现"),
}


def source_label(code: str) -> str:
    return str(SOURCE_LABELS.get(code, code))


class CIClass(TimeStampedModel):
    """A configuration-item class (机房, 服务器, 虚拟机 ...). A class inherits the attributes of its parents."""

    code = models.SlugField(_("类编码"), max_length=64, unique=True)
    name = models.CharField(_("类名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True, default="")
    parent = models.ForeignKey(
        "self", verbose_name=_("父类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    icon = models.CharField(_("图标"), max_length=48, blank=True, default="box",
                            help_text=_("Tabler 图标名，例如 server、database、router"))
    is_abstract = models.BooleanField(_("抽象类"), default=False, help_text=_("抽象类不能直接创建配置项"))
    code_prefix = models.CharField(_("编码前缀"), max_length=16, blank=True, default="",
                                   help_text=_("自动生成内部标识时使用的前缀，例如 SRV"))
    sort = models.IntegerField(_("排序"), default=100)
    description = models.TextField(_("说明"), blank=True, default="")
    is_system = models.BooleanField(_("内置"), default=False, editable=False)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("配置项类")
        verbose_name_plural = _("配置项类")
        ordering = ["sort", "code"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        return _localized(self)

    def get_absolute_url(self):
        return reverse("egov_cmdb:class_designer") + f"?cls={self.pk}"

    def ancestors(self) -> list[CIClass]:
        """Parents from the root down to (excluding) this class."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def lineage_ids(self) -> list[int]:
        """Root first, this class last."""
        return [c.pk for c in self.ancestors()] + [self.pk]

    def all_attributes(self) -> list[AttributeDef]:
        """Own and inherited attributes, parents' first, each class's in ``sort`` order."""
        ids = self.lineage_ids()
        order = {pk: i for i, pk in enumerate(ids)}
        attrs = list(AttributeDef.objects.filter(ci_class_id__in=ids).select_related("ref_class", "ci_class"))
        attrs.sort(key=lambda a: (order[a.ci_class_id], a.sort, a.pk))
        return attrs

    def descendant_ids(self) -> list[int]:
        """This class and all its subclasses (one query over the small class table)."""
        return CIClass.descendant_ids_of([self.pk])

    @staticmethod
    def descendant_ids_of(ids) -> list[int]:
        rows = list(CIClass.objects.values_list("pk", "parent_id"))
        children: dict[int, list[int]] = {}
        for pk, parent in rows:
            children.setdefault(parent, []).append(pk)
        out, stack = [], list(ids)
        seen = set()
        while stack:
            pk = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            out.append(pk)
            stack.extend(children.get(pk, []))
        return out

    def is_subclass_of(self, other: CIClass) -> bool:
        return other.pk in self.lineage_ids()


class AttributeGroup(models.TextChoices):
    BASIC = "basic", _("基本信息")
    MANAGEMENT = "management", _("管理信息")
    PROPERTY = "property", _("属性信息")
    MAINTENANCE = "maintenance", _("维护信息")
    CUSTOM = "custom", _("自定义")


class AttributeType(models.TextChoices):
    TEXT = "text", _("文本")
    TEXTAREA = "textarea", _("多行文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    DATETIME = "datetime", _("日期时间")
    BOOL = "bool", _("是/否")
    ENUM = "enum", _("枚举（业务字典）")
    IPV4 = "ipv4", _("IPv4 地址")
    IPV6 = "ipv6", _("IPv6 地址")
    IP = "ip", _("IP 地址")
    CIDR = "cidr", _("网段（CIDR）")
    MAC = "mac", _("MAC 地址")
    CI_REF = "ci_ref", _("引用配置项")
    USER = "user", _("用户")
    ORGANIZATION = "organization", _("组织机构")
    JSON = "json", _("JSON")


class AttributeDef(TimeStampedModel):
    """One attribute of a class; values live in ``CI.attrs[code]`` (a list when ``multi``)."""

    Group = AttributeGroup
    Type = AttributeType

    ci_class = models.ForeignKey(CIClass, verbose_name=_("所属类"), on_delete=models.CASCADE,
                                 related_name="attributes")
    code = models.SlugField(_("属性编码"), max_length=64,
                            help_text=_("小写字母、数字和下划线，例如 intranet_ip"))
    name = models.CharField(_("属性名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True, default="")
    group = models.CharField(_("分组"), max_length=16, choices=AttributeGroup.choices, default=AttributeGroup.BASIC)
    type = models.CharField(_("类型"), max_length=16, choices=AttributeType.choices, default=AttributeType.TEXT)
    dict_type = models.CharField(_("字典类型编码"), max_length=64, blank=True, default="",
                                 help_text=_("枚举类型属性取值的业务字典编码"))
    ref_class = models.ForeignKey(CIClass, verbose_name=_("引用类"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    multi = models.BooleanField(_("多值"), default=False)
    required = models.BooleanField(_("必填"), default=False)
    unique = models.BooleanField(_("唯一"), default=False)
    indexed = models.BooleanField(_("建索引"), default=False)
    list_display = models.BooleanField(_("列表显示"), default=False)
    pattern = models.CharField(_("校验正则"), max_length=255, blank=True, default="")
    pattern_message = models.CharField(_("校验失败提示"), max_length=128, blank=True, default="")
    default = models.JSONField(_("默认值"), null=True, blank=True)
    sort = models.IntegerField(_("排序"), default=100)
    help_text = models.CharField(_("填写说明"), max_length=255, blank=True, default="")
    is_system = models.BooleanField(_("内置"), default=False, editable=False)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("属性定义")
        verbose_name_plural = _("属性定义")
        ordering = ["ci_class", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["ci_class", "code"], name="cmdb_attrdef_class_code_uniq")]

    def __str__(self):
        return f"{self.ci_class.label}.{self.label}"

    @property
    def label(self) -> str:
        return _localized(self)


class Lifecycle(models.TextChoices):
    PLANNED = "planned", _("规划中")
    IN_STOCK = "in_stock", _("库存")
    RUNNING = "running", _("运行中")
    MAINTENANCE = "maintenance", _("维护中")
    RETIRED = "retired", _("已退役")


class RunStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    WARNING = "warning", _("告警")
    FAULTY = "faulty", _("故障")
    OFFLINE = "offline", _("离线")


class CI(WorkflowMixin, TimeStampedModel):
    """A configuration item. Fixed columns for what every CI has; the class's attributes in ``attrs``."""

    Lifecycle = Lifecycle
    Status = RunStatus

    workflow_field = "lifecycle"

    ci_class = models.ForeignKey(CIClass, verbose_name=_("配置项类"), on_delete=models.PROTECT, related_name="cis")
    code = models.CharField(_("内部标识"), max_length=128, unique=True)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("管理部门"), on_delete=models.PROTECT,
                                      related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    lifecycle = FSMField(_("生命周期"), max_length=16, choices=Lifecycle.choices, default=Lifecycle.RUNNING,
                         protected=True)
    status = models.CharField(_("运行状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.NORMAL)
    attrs = models.JSONField(_("属性"), default=dict, blank=True)
    attr_sources = models.JSONField(_("属性来源"), default=dict, blank=True, editable=False,
                                    help_text=_("每个字段最后由哪个数据来源写入（对账规则使用）"))
    source = models.CharField(_("数据来源"), max_length=32, default="manual")
    version = models.PositiveIntegerField(_("版本"), default=1)
    description = models.TextField(_("备注"), blank=True, default="")

    scope_fields = ScopeFields(org="organization", owner="owner")
    audit_ignore_fields = ("version", "attr_sources")

    class Meta:
        verbose_name = _("配置项")
        verbose_name_plural = _("配置项")
        ordering = ["ci_class_id", "code"]
        indexes = [
            models.Index(fields=["ci_class", "status"], name="cmdb_ci_class_status_idx"),
            models.Index(fields=["organization"], name="cmdb_ci_org_idx"),
            models.Index(fields=["ci_class", "lifecycle"], name="cmdb_ci_class_life_idx"),
            models.Index(fields=["ci_class", "name"], name="cmdb_ci_class_name_idx"),
            GinIndex(fields=["attrs"], name="cmdb_ci_attrs_gin", opclasses=["jsonb_path_ops"]),
        ]
        permissions = [
            ("import_ci", "Can import configuration items"),
            ("export_ci", "Can export configuration items"),
            ("restore_civersion", "Can restore a configuration item version"),
            ("lifecycle_ci", "Can change the lifecycle of configuration items"),
            ("design_ciclass", "Can design CI classes and attributes"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("egov_cmdb:ci_detail", args=[self.pk])

    @property
    def source_label(self) -> str:
        return source_label(self.source)

    # ---- lifecycle (logged through egov_base.workflow.run_transition) ----
    @transition(field="lifecycle", source=Lifecycle.PLANNED, target=Lifecycle.IN_STOCK, label=_("入库"),
                permission="egov_cmdb.lifecycle_ci")
    def stock(self):
        pass

    @transition(field="lifecycle", source=[Lifecycle.PLANNED, Lifecycle.IN_STOCK], target=Lifecycle.RUNNING,
                label=_("上线运行"), permission="egov_cmdb.lifecycle_ci")
    def go_live(self):
        pass

    @transition(field="lifecycle", source=Lifecycle.RUNNING, target=Lifecycle.MAINTENANCE, label=_("进入维护"),
                permission="egov_cmdb.lifecycle_ci", custom={"button": "warning"})
    def start_maintenance(self):
        pass

    @transition(field="lifecycle", source=Lifecycle.MAINTENANCE, target=Lifecycle.RUNNING, label=_("恢复运行"),
                permission="egov_cmdb.lifecycle_ci")
    def end_maintenance(self):
        pass

    @transition(field="lifecycle", source=Lifecycle.RUNNING, target=Lifecycle.IN_STOCK, label=_("下线入库"),
                permission="egov_cmdb.lifecycle_ci", custom={"button": "secondary"})
    def unstock(self):
        pass

    @transition(field="lifecycle", source=[Lifecycle.PLANNED, Lifecycle.IN_STOCK, Lifecycle.RUNNING,
                                           Lifecycle.MAINTENANCE],
                target=Lifecycle.RETIRED, label=_("退役"), permission="egov_cmdb.lifecycle_ci",
                custom={"button": "danger"})
    def retire(self):
        pass


class Cardinality(models.TextChoices):
    N_N = "n_n", _("多对多（N-N）")
    ONE_N = "one_n", _("一对多（1-N，目标只能有一个源）")
    N_ONE = "n_one", _("多对一（N-1，源只能有一个目标）")
    ONE_ONE = "one_one", _("一对一（1-1）")


class RelationType(TimeStampedModel):
    """A relation type (属于, 组成, 运行于 ...). ``is_dependency``: the source depends on the target, so a fault
    of the target impacts the source."""

    Cardinality = Cardinality

    code = models.SlugField(_("关系编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=32, help_text=_("从源看目标，例如“运行于”"))
    reverse_name = models.CharField(_("反向名称"), max_length=32, help_text=_("从目标看源，例如“运行”"))
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True, default="")
    reverse_name_en = models.CharField(_("英文反向名称"), max_length=64, blank=True, default="")
    alias = models.CharField(_("别名"), max_length=64, blank=True, default="")
    cardinality = models.CharField(_("基数"), max_length=8, choices=Cardinality.choices, default=Cardinality.N_N)
    allowed_sources = models.ManyToManyField(CIClass, verbose_name=_("允许的源类"), blank=True, related_name="+",
                                             help_text=_("留空表示任意类；包含其子类"))
    allowed_targets = models.ManyToManyField(CIClass, verbose_name=_("允许的目标类"), blank=True, related_name="+",
                                             help_text=_("留空表示任意类；包含其子类"))
    is_dependency = models.BooleanField(_("依赖关系"), default=False,
                                        help_text=_("源依赖目标：目标故障时影响源（用于影响分析）"))
    sort = models.IntegerField(_("排序"), default=100)
    description = models.TextField(_("说明"), blank=True, default="")
    is_system = models.BooleanField(_("内置"), default=False, editable=False)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("关系类型")
        verbose_name_plural = _("关系类型")
        ordering = ["sort", "code"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        return _localized(self)

    @property
    def reverse_label(self) -> str:
        return _localized(self, "reverse_name")


class Relation(TimeStampedModel):
    """A directed relation ``source --type--> target``. ``cardinality`` is copied from the type so that the
    partial unique indexes below enforce 1-N / N-1 / 1-1 in the database even under concurrent inserts."""

    type = models.ForeignKey(RelationType, verbose_name=_("关系类型"), on_delete=models.PROTECT,
                             related_name="relations")
    source = models.ForeignKey(CI, verbose_name=_("源配置项"), on_delete=models.CASCADE, related_name="out_relations")
    target = models.ForeignKey(CI, verbose_name=_("目标配置项"), on_delete=models.CASCADE, related_name="in_relations")
    cardinality = models.CharField(_("基数"), max_length=8, choices=Cardinality.choices, default=Cardinality.N_N,
                                   editable=False)
    source_tag = models.CharField(_("数据来源"), max_length=32, default="manual")
    description = models.CharField(_("说明"), max_length=255, blank=True, default="")

    scope_fields = ScopeFields(org="source__organization", owner="source__owner")

    class Meta:
        verbose_name = _("关系")
        verbose_name_plural = _("关系")
        constraints = [
            models.UniqueConstraint(fields=["type", "source", "target"], name="cmdb_rel_type_src_tgt_uniq"),
            # 1-N and 1-1: a target has at most one source of the type
            models.UniqueConstraint(fields=["type", "target"], name="cmdb_rel_one_source_uniq",
                                    condition=Q(cardinality__in=["one_n", "one_one"])),
            # N-1 and 1-1: a source has at most one target of the type
            models.UniqueConstraint(fields=["type", "source"], name="cmdb_rel_one_target_uniq",
                                    condition=Q(cardinality__in=["n_one", "one_one"])),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="cmdb_rel_not_self"),
        ]
        indexes = [
            models.Index(fields=["source", "type"], name="cmdb_rel_src_type_idx"),
            models.Index(fields=["target", "type"], name="cmdb_rel_tgt_type_idx"),
        ]

    def __str__(self):
        return f"{self.source.name} {self.type.label} {self.target.name}"

    def get_absolute_url(self):
        return reverse("egov_cmdb:ci_detail", args=[self.source_id]) + "?tab=relations"


class CIVersion(models.Model):
    """One version of a CI: full snapshot after the change, the diff ``{field: [old, new]}``, source and user."""

    ci = models.ForeignKey(CI, verbose_name=_("配置项"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("操作"), max_length=16, default="update")
    data = models.JSONField(_("快照"), default=dict)
    diff = models.JSONField(_("变更"), default=dict)
    source = models.CharField(_("数据来源"), max_length=32, default="manual")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    comment = models.CharField(_("说明"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_fields = ScopeFields(org="ci__organization", owner="ci__owner")
    audit_exclude = True  # it is itself the change log of a CI (the CI row is audited)

    class Meta:
        verbose_name = _("配置项版本")
        verbose_name_plural = _("配置项版本")
        ordering = ["ci", "-version"]
        constraints = [models.UniqueConstraint(fields=["ci", "version"], name="cmdb_civersion_ci_ver_uniq")]

    def __str__(self):
        return f"{self.ci_id} v{self.version}"

    @property
    def source_label(self) -> str:
        return source_label(self.source)


class SourcePriority(TimeStampedModel):
    """Reconciliation rule: the priority of a data source for an attribute (or all attributes, ``*``) of a class
    (or all classes). When a source writes a value, it replaces the stored one only if its priority is at least
    that of the source that wrote the stored value. The most specific rule wins (class+attribute, class+*,
    any class+attribute, any class+*)."""

    ci_class = models.ForeignKey(CIClass, verbose_name=_("配置项类"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", help_text=_("留空表示所有类"))
    attribute = models.CharField(_("属性编码"), max_length=64, default="*",
                                 help_text=_("属性编码或固定字段（name、organization、owner、status）；* 表示全部"))
    source = models.SlugField(_("数据来源"), max_length=32)
    priority = models.IntegerField(_("优先级"), default=50, help_text=_("数值越大越优先"))
    description = models.CharField(_("说明"), max_length=255, blank=True, default="")

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("数据源优先级")
        verbose_name_plural = _("数据源优先级")
        ordering = ["source", "attribute"]
        constraints = [
            models.UniqueConstraint(fields=["ci_class", "attribute", "source"], name="cmdb_srcprio_uniq",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.source} / {self.attribute}: {self.priority}"


class AttributeUniqueValue(models.Model):
    """Holds the value of every ``unique`` attribute: the unique constraint makes duplicate values impossible
    even when two imports or collectors race."""

    attribute = models.ForeignKey(AttributeDef, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=255)
    ci = models.ForeignKey(CI, on_delete=models.CASCADE, related_name="+")

    audit_exclude = True

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attribute", "value"], name="cmdb_attr_unique_value_uniq")]
        indexes = [models.Index(fields=["ci"], name="cmdb_attruniq_ci_idx")]


class SavedQuery(TimeStampedModel):
    """A saved CI list query: class, filters and columns; private or shared."""

    name = models.CharField(_("名称"), max_length=64)
    ci_class = models.ForeignKey(CIClass, verbose_name=_("配置项类"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.CASCADE,
                             related_name="+")
    filters = models.JSONField(_("条件"), default=dict, blank=True)
    columns = models.JSONField(_("显示列"), default=list, blank=True)
    shared = models.BooleanField(_("共享给他人"), default=False)

    scope_fields = ScopeFields(owner="user")

    class Meta:
        verbose_name = _("保存的查询")
        verbose_name_plural = _("保存的查询")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "ci_class", "name"], name="cmdb_savedquery_uniq")]

    def __str__(self):
        return self.name


class CIImportJob(TimeStampedModel):
    """One run of the import wizard: upload → column mapping → dry run → commit (all or nothing)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        RUNNING = "running", _("处理中")
        CHECKED = "checked", _("已试导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    ci_class = models.ForeignKey(CIClass, verbose_name=_("配置项类"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.CASCADE,
                             related_name="+")
    organization = models.ForeignKey("egov_base.Organization", verbose_name=_("默认管理部门"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"), editable=False)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("列映射"), default=dict, blank=True)
    key_field = models.CharField(_("匹配键"), max_length=64, default="code")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    errors = models.JSONField(_("行错误"), default=list, blank=True)
    pending_mode = models.CharField(_("待执行"), max_length=8, blank=True, default="",
                                    help_text=_("大文件在后台执行：dry_run 或 apply"))

    scope_fields = ScopeFields(owner="user")
    audit_exclude = True  # the import itself is recorded as one audit event

    class Meta:
        verbose_name = _("配置项导入")
        verbose_name_plural = _("配置项导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"


class WarrantyReminder(models.Model):
    """A warranty expiry reminder already sent (so the daily task sends each one once)."""

    ci = models.ForeignKey(CI, on_delete=models.CASCADE, related_name="+")
    expires_on = models.DateField()
    days_before = models.IntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    audit_exclude = True

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ci", "expires_on", "days_before"],
                                               name="cmdb_warranty_reminder_uniq")]


from .topology_models import *  # noqa: E402,F401,F403  (saved topology views; kept at the end of this module)
