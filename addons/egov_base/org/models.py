"""Org and people: regions, organisations, real-name users, roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import crypto
from ..fields import EncryptedTextField, PhoneField
from ..mixins import TimeStampedModel
from ..scope import DataScope, ScopeFields
from ..validators import format_phone, mask_id_card

PATH_STEP = 4  # characters per level of a materialised path: "0001" + "0005" ...


class TreeModel(models.Model):
    """Adjacency list plus a materialised path (``0001.0005.``), kept by save(), so subtree queries are one
    indexed ``LIKE 'prefix%'``. Moving a node rewrites its descendants' paths in the same transaction."""

    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False, default=0)
    sort = models.IntegerField(_("排序"), default=0)

    class Meta:
        abstract = True

    def _compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_STEP}d}."

    def save(self, *args, **kwargs):
        from django.db import transaction

        with transaction.atomic():
            if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\x00"):
                from django.core.exceptions import ValidationError

                raise ValidationError(_("不能把节点移动到它自己的下级之下。"))
            old_path, old_depth = self.path, self.depth
            if not self.pk:
                super().save(*args, **kwargs)
                kwargs = {}
            self.path = self._compute_path()
            self.depth = self.path.count(".") - 1
            super().save(*args, **{k: v for k, v in kwargs.items() if k != "force_insert"})
            if old_path and old_path != self.path:
                type(self)._default_manager.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=models.functions.Concat(
                        models.Value(self.path), models.functions.Substr("path", len(old_path) + 1)
                    ),
                    depth=models.F("depth") + (self.depth - old_depth),
                )
                self._after_move()

    def _after_move(self):
        """Hook for subclasses keeping denormalised fields of descendants."""

    def ancestors(self, include_self=False):
        parts = [p for p in self.path.split(".") if p]
        pks = [int(p) for p in parts if p]
        if not include_self:
            pks = pks[:-1]
        return type(self)._default_manager.filter(pk__in=pks).order_by("depth")

    def descendants(self, include_self=False):
        qs = type(self)._default_manager.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


class Region(TreeModel):
    """Administrative region: 成都市, its 23 区(市)县, optionally 乡镇/街道."""

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区(市)县")
        STREET = "street", _("乡镇/街道")

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        ZONE = "zone", _("功能区")
        CITY = "city", _("地级市")
        STREET = "street", _("乡镇/街道")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, blank=True)
    district = models.ForeignKey(
        "self",
        verbose_name=_("所属区(市)县"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.level == self.Level.DISTRICT:
            self.district = None  # set to self after the first save below
        elif self.parent_id:
            self.district = self.parent if self.parent.level == self.Level.DISTRICT else self.parent.district
        super().save(*args, **kwargs)
        if self.level == self.Level.DISTRICT and self.district_id != self.pk:
            type(self)._default_manager.filter(pk=self.pk).update(district=self.pk)
            self.district_id = self.pk


class Organization(TreeModel, TimeStampedModel):
    """A government department, district department or public institution (组织机构)."""

    class Kind(models.TextChoices):
        CITY_DEPT = "city_dept", _("市级部门")
        DISTRICT_DEPT = "district_dept", _("区县部门")
        PUBLIC = "public", _("公共企事业单位")
        CENTRE = "centre", _("大数据中心")
        INTERNAL = "internal", _("内设机构")

    name = models.CharField(_("单位名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    code = models.CharField(
        _("单位编码"), max_length=32, unique=True, help_text=_("统一社会信用代码或内部编码，导入时作为唯一键。")
    )
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="organizations")
    district = models.ForeignKey(
        Region,
        verbose_name=_("所属区(市)县"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由所属区划推导；为空表示市级。"),
    )
    duties = models.TextField(_("职能职责"), blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    phone = PhoneField(_("办公电话"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_fields = ScopeFields(org="", owner=None)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path"]
        permissions = [("export_organization", _("可导出组织机构"))]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        region = self.region
        self.district = region if region.level == Region.Level.DISTRICT else region.district
        super().save(*args, **kwargs)

    @property
    def is_city_level(self) -> bool:
        return self.district_id is None

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class OrganizationContact(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=32)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone = PhoneField(_("联系电话"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    scope_fields = ScopeFields(org="organization", owner="created_by")

    class Meta:
        verbose_name = _("单位联系人")
        verbose_name_plural = _("单位联系人")
        ordering = ["organization", "-is_primary", "name"]

    def __str__(self):
        return f"{self.name}（{self.organization}）"


class Role(models.Model):
    """A role is a Django permission group plus what the platform needs to know about it."""

    class Home(models.TextChoices):
        BACKEND = "backend", _("工作台")
        PORTAL = "portal", _("服务门户")
        COCKPIT = "cockpit", _("驾驶舱")

    group = models.OneToOneField(Group, verbose_name=_("权限组"), on_delete=models.CASCADE, related_name="role")
    code = models.SlugField(_("角色编码"), max_length=64, unique=True)
    name = models.CharField(_("角色名称"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    default_data_scope = models.CharField(
        _("默认数据范围"), max_length=16, choices=DataScope.CHOICES, default=DataScope.SELF
    )
    home = models.CharField(_("登录后首页"), max_length=16, choices=Home.choices, default=Home.BACKEND)
    is_builtin = models.BooleanField(_("内置"), default=False, editable=False)
    sort = models.IntegerField(_("排序"), default=0)

    scope_fields = ScopeFields(global_read=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name


class EgovUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """Real-name user (实名用户)."""

    name = models.CharField(_("姓名"), max_length=32)
    phone = PhoneField(_("手机号码"), blank=True, null=True, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField(_("职务"), max_length=64, blank=True)
    id_card = EncryptedTextField(_("身份证号码"), blank=True, default="")
    id_card_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    data_scope = models.CharField(
        _("数据范围"),
        max_length=16,
        choices=DataScope.CHOICES,
        blank=True,
        help_text=_("留空则取所属角色中最大的默认数据范围。"),
    )
    language = models.CharField(
        _("界面语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)

    objects = EgovUserManager()

    scope_fields = ScopeFields(org="organization", owner="")
    REQUIRED_FIELDS = ["email", "name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [("view_id_card", _("可查看完整身份证号码"))]

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        self.id_card_hash = crypto.keyed_hash(self.id_card) if self.id_card else ""
        if not self.name:
            self.name = self.username
        super().save(*args, **kwargs)

    @property
    def id_card_masked(self) -> str:
        return mask_id_card(self.id_card)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @cached_property
    def roles(self):
        return list(Role.objects.filter(group__user=self).order_by("sort"))

    @cached_property
    def role_codes(self) -> set[str]:
        return {r.code for r in self.roles}

    def has_role(self, *codes: str) -> bool:
        return self.is_superuser or bool(self.role_codes.intersection(codes))

    @property
    def effective_data_scope(self) -> str:
        if self.data_scope:
            return self.data_scope
        scopes = [r.default_data_scope for r in self.roles]
        for s in DataScope.ORDER:
            if s in scopes:
                return s
        return DataScope.SELF

    @property
    def home_shell(self) -> str:
        homes = [r.home for r in self.roles]
        if self.is_superuser or Role.Home.BACKEND in homes or self.is_staff:
            return Role.Home.BACKEND
        if Role.Home.COCKPIT in homes:
            return Role.Home.COCKPIT
        return Role.Home.PORTAL if homes else Role.Home.BACKEND
