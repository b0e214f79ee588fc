"""Forms of the expert pool."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_base.generic.forms import GenericModelForm, style_widgets
from egov_base.org.models import Organization, Region
from egov_base.scope import scope_queryset
from egov_base.validators import validate_id_card

from .models import Expert, ExpertType, HalfDay
from .selectors import specialty_choices, tag_choices


def _split(text: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"[、，,；;\n]+", text or "") if p.strip()]


class ExpertForm(GenericModelForm):
    specialties = forms.MultipleChoiceField(label=_("专业"), choices=(), widget=forms.SelectMultiple(attrs={"size": 6}))
    past_employers_text = forms.CharField(label=_("曾任职单位"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                          help_text=_("用于利益冲突回避，多个以顿号分隔。"))
    id_card_input = forms.CharField(label=_("身份证号码"), required=False, max_length=18,
                                    help_text=_("18 位，校验位自动核验；保存后加密存储，仅有权限者可见完整号码。"))

    class Meta:
        model = Expert
        fields = ["name", "gender", "specialties", "expert_type", "qualification", "title", "employer", "phone",
                  "certificate_no", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialties"].choices = specialty_choices()
        if self.instance.pk:
            self.fields["past_employers_text"].initial = "、".join(self.instance.past_employers or [])
            self.fields["id_card_input"].widget.attrs["placeholder"] = self.instance.id_card_masked or ""
            self.fields["id_card_input"].help_text = _("留空则不修改。") + str(self.fields["id_card_input"].help_text)
        style_widgets(self)

    def clean_id_card_input(self):
        value = self.cleaned_data.get("id_card_input", "")
        if not value:
            return ""
        value = validate_id_card(value)
        from egov_base import crypto

        dup = Expert.objects.filter(id_card_hash=crypto.keyed_hash(value)).exclude(pk=self.instance.pk or 0)
        if dup.exists():
            raise ValidationError(_("该身份证号码已登记在专家库中。"))
        return value

    def clean(self):
        data = super().clean()
        self.instance.past_employers = _split(data.get("past_employers_text", ""))
        if data.get("id_card_input"):
            self.instance.id_card = data["id_card_input"]
        return data


class TagsForm(forms.Form):
    tags = forms.MultipleChoiceField(label=_("标签"), required=False, choices=(),
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    extra = forms.CharField(label=_("其他标签"), required=False, help_text=_("不在字典中的标签，多个以顿号分隔。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = tag_choices()
        style_widgets(self)

    def tag_list(self) -> list[str]:
        return list(self.cleaned_data.get("tags") or []) + _split(self.cleaned_data.get("extra", ""))


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动标题"), max_length=200)
    date = forms.DateField(label=_("评审日期"), widget=forms.DateInput(attrs={"type": "date"}))
    half_day = forms.ChoiceField(label=_("时段"), choices=HalfDay.choices)
    place = forms.CharField(label=_("评审地点"), max_length=200)
    organization = forms.ModelChoiceField(label=_("组织单位"), queryset=Organization.objects.none())
    region = forms.ModelChoiceField(label=_("代抽区(市)县"), queryset=Region.objects.filter(level="district"),
                                    required=False, help_text=_("区(市)县使用市级专家库时选择，须在授权期内。"))
    # review content: up to 5 items (title / applicant / related companies)
    expert_types = forms.MultipleChoiceField(label=_("专家类型"), choices=ExpertType.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), help_text=_("不选则不限。"))
    tags_include = forms.MultipleChoiceField(label=_("须含标签（任一）"), choices=(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 4}))
    tags_exclude = forms.MultipleChoiceField(label=_("屏蔽标签"), choices=(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 4}),
                                             help_text=_("含这些标签的专家不参与抽取。"))
    min_score = forms.DecimalField(label=_("最低评分"), required=False, min_value=0, max_value=5, decimal_places=2)
    qualification = forms.CharField(label=_("行业资质包含"), required=False, max_length=60)
    avoid_conflict = forms.BooleanField(label=_("回避与申报单位、相关企业有关联的专家"), required=False, initial=True)
    avoid_same_applicant_months = forms.IntegerField(label=_("回避近 N 个月服务过同一申报单位的专家"), required=False,
                                                     min_value=0, max_value=36, initial=6)
    max_draws = forms.IntegerField(label=_("期间内每位专家最多抽中次数"), required=False, min_value=0, max_value=50,
                                   initial=4, help_text=_("0 表示不限。"))
    period_days = forms.IntegerField(label=_("统计期间（天）"), required=False, min_value=1, max_value=365, initial=90)

    ITEM_ROWS = 3
    DEMAND_ROWS = 4

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = scope_queryset(Organization.objects.filter(is_active=True), user) \
            if hasattr(Organization, "is_active") else scope_queryset(Organization.objects.all(), user)
        if user is not None and user.organization_id and not self.is_bound:
            self.fields["organization"].initial = user.organization_id
        tags = tag_choices()
        self.fields["tags_include"].choices = tags
        self.fields["tags_exclude"].choices = tags
        specs = [("", "—")] + list(specialty_choices())
        orgs = scope_queryset(Organization.objects.all(), user) if user is not None else Organization.objects.none()
        for i in range(self.ITEM_ROWS):
            self.fields[f"item_{i}_title"] = forms.CharField(label=_("评审内容"), required=False, max_length=200)
            self.fields[f"item_{i}_applicant"] = forms.ModelChoiceField(label=_("申报单位"), required=False,
                                                                        queryset=Organization.objects.all())
            self.fields[f"item_{i}_applicant"].queryset = Organization.objects.all()
            self.fields[f"item_{i}_bidders"] = forms.CharField(label=_("相关企业（投标/承建单位）"), required=False,
                                                               max_length=500)
        for i in range(self.DEMAND_ROWS):
            self.fields[f"demand_{i}_specialty"] = forms.ChoiceField(label=_("专业"), choices=specs, required=False)
            self.fields[f"demand_{i}_count"] = forms.IntegerField(label=_("人数"), required=False, min_value=1,
                                                                  max_value=20)
        del orgs
        style_widgets(self)

    @property
    def item_rows(self):
        return [(self[f"item_{i}_title"], self[f"item_{i}_applicant"], self[f"item_{i}_bidders"])
                for i in range(self.ITEM_ROWS)]

    @property
    def demand_rows(self):
        return [(self[f"demand_{i}_specialty"], self[f"demand_{i}_count"]) for i in range(self.DEMAND_ROWS)]

    def clean_date(self):
        d = self.cleaned_data["date"]
        if d < timezone.localdate():
            raise ValidationError(_("评审日期不能早于今天。"))
        return d

    def items(self) -> list[dict]:
        out = []
        for i in range(self.ITEM_ROWS):
            title = self.cleaned_data.get(f"item_{i}_title")
            if title:
                org = self.cleaned_data.get(f"item_{i}_applicant")
                out.append({"title": title, "applicant_org": org, "applicant_name": org.name if org else "",
                            "bidders": _split(self.cleaned_data.get(f"item_{i}_bidders", ""))})
        return out

    def demands(self) -> list[dict]:
        out = []
        for i in range(self.DEMAND_ROWS):
            spec, count = self.cleaned_data.get(f"demand_{i}_specialty"), self.cleaned_data.get(f"demand_{i}_count")
            if spec and count:
                out.append({"specialty": spec, "count": count})
        return out

    def rules(self) -> dict:
        c = self.cleaned_data
        return {
            "expert_types": c.get("expert_types") or [], "tags_include": c.get("tags_include") or [],
            "tags_exclude": c.get("tags_exclude") or [],
            "min_score": float(c["min_score"]) if c.get("min_score") is not None else None,
            "qualification": c.get("qualification") or "", "avoid_conflict": bool(c.get("avoid_conflict")),
            "avoid_same_applicant_months": c.get("avoid_same_applicant_months") or 0,
            "max_draws": c.get("max_draws") or 0, "period_days": c.get("period_days") or 90,
        }

    def data_dict(self) -> dict:
        c = self.cleaned_data
        return {"title": c["title"], "date": c["date"], "half_day": c["half_day"], "place": c["place"],
                "organization": c["organization"], "region": c.get("region"), "rules": self.rules()}


class InviteForm(forms.Form):
    MODE_CHOICES = [("invite", _("邀请")), ("direct", _("直接登记"))]
    mode = forms.ChoiceField(label=_("方式"), choices=MODE_CHOICES)
    certificate_no = forms.CharField(label=_("专家证号或姓名"), max_length=32)
    specialty = forms.ChoiceField(label=_("专业"), choices=())
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [(d.specialty, d.specialty_name) for d in activity.demands.all()]
        style_widgets(self)

    def clean_certificate_no(self):
        value = self.cleaned_data["certificate_no"].strip()
        qs = Expert.objects.filter(certificate_no=value)
        if not qs.exists():
            qs = Expert.objects.filter(name=value, status=Expert.Status.ACTIVE)
        hits = list(qs[:2])
        if not hits:
            raise ValidationError(_("找不到该专家，请核对专家证号。"))
        if len(hits) > 1:
            raise ValidationError(_("同名专家不止一位，请填写专家证号。"))
        self.expert = hits[0]
        return value


class ResultForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("评审结论"), choices=[("1", _("通过")), ("0", _("不通过"))],
                                    coerce=lambda v: v == "1",
                                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.FileField(label=_("评审过程记录"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


SCORE_CHOICES = [(i, str(i)) for i in range(5, 0, -1)]


class EvaluationForm(forms.Form):
    punctuality = forms.TypedChoiceField(label=_("守时"), choices=SCORE_CHOICES, coerce=int, initial=5)
    professionalism = forms.TypedChoiceField(label=_("专业水平"), choices=SCORE_CHOICES, coerce=int, initial=5)
    opinion_quality = forms.TypedChoiceField(label=_("意见质量"), choices=SCORE_CHOICES, coerce=int, initial=5)
    discipline = forms.TypedChoiceField(label=_("廉洁纪律"), choices=SCORE_CHOICES, coerce=int, initial=5)
    comment = forms.CharField(label=_("评语"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class GrantForm(forms.Form):
    region = forms.ModelChoiceField(label=_("区(市)县"), queryset=Region.objects.filter(level="district"))
    start = forms.DateField(label=_("授权开始"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("授权结束"), widget=forms.DateInput(attrs={"type": "date"}))
    letter_no = forms.CharField(label=_("申请函文号"), max_length=64, required=False)
    reason = forms.CharField(label=_("授权说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
