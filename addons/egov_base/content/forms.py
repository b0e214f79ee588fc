from __future__ import annotations

import filetype
from django import forms
from django.utils.translation import gettext_lazy as _

from ..org.models import Region
from ..scope import allowed_organizations
from .models import Article

MAX_COVER_MB = 5


class ArticleForm(forms.ModelForm):
    districts = forms.ModelMultipleChoiceField(
        label=_("可见区(市)县"), required=False, queryset=Region.objects.filter(level="district").order_by("path"),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )

    class Meta:
        model = Article
        fields = ["category", "column", "title", "summary", "body", "cover", "source", "organization", "audience",
                  "pinned", "publish_at", "expire_at"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "publish_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "expire_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["organization"].queryset = allowed_organizations(user).filter(is_active=True)
        if self.instance.pk:
            self.fields["districts"].initial = list(self.instance.districts.all())
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "read") and getattr(cover, "size", 0):
            if cover.size > MAX_COVER_MB * 1024 * 1024:
                raise forms.ValidationError(_("封面图不能超过 %(mb)s MB。"), params={"mb": MAX_COVER_MB})
            head = cover.read(261)
            cover.seek(0)
            kind = filetype.guess(head)
            if kind is None or kind.mime not in ("image/png", "image/jpeg", "image/gif", "image/webp"):
                raise forms.ValidationError(_("封面图只支持 PNG、JPEG、GIF、WebP 图片。"))
        return cover


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
