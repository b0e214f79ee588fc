from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery
from .selectors import event_choices


class PreferenceForm(forms.Form):
    muted_events = forms.MultipleChoiceField(label=_("不接收的通知"), required=False, widget=forms.CheckboxSelectMultiple)
    disabled_channels = forms.MultipleChoiceField(
        label=_("关闭的渠道"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in Channel if c not in (Channel.INAPP, Channel.DINGTALK_ROBOT)],
        help_text=_("站内消息始终保留，不能关闭。"),
    )
    quiet_start = forms.TimeField(label=_("免打扰开始"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(label=_("免打扰结束"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                help_text=_("北京时间；免打扰期间非紧急的短信、钉钉、邮件延后到结束时发送。"))
    dingtalk_userid = forms.CharField(label=_("钉钉用户ID"), required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_events"].choices = event_choices()

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            raise forms.ValidationError(_("免打扰时段需同时填写开始和结束时间。"))
        return data


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("标题"), required=False, max_length=300)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))
    sms_template_code = forms.CharField(label=_("短信模板编号"), required=False, max_length=64)
    enabled = forms.BooleanField(label=_("启用此渠道"), required=False, initial=True)


class DeliveryFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道"))] + list(Channel.choices))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + list(Delivery.Status.choices))
    event = forms.ChoiceField(label=_("事件"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    since = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("全部事件"))] + event_choices()
