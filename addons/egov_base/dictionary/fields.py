"""Form fields other apps use for dictionary-backed choices: ``DictChoiceField("urgency")``."""

from __future__ import annotations

from django import forms

from .selectors import dict_choices


def _loader(type_code: str, parent: str | None, blank: str | None):
    def load():
        choices = dict_choices(type_code, parent=parent)
        return ([("", blank)] if blank is not None else []) + choices

    return load


class DictChoiceField(forms.ChoiceField):
    """A choice field whose choices come from a dictionary (cached in Redis; re-read at each render so edits
    in the backend show at once). Cleans to the item code (a string)."""

    def __init__(self, type_code: str, *, parent: str | None = None, blank_label: str | None = "---------",
                 **kwargs):
        self.type_code = type_code
        kwargs["choices"] = _loader(type_code, parent, blank_label)
        super().__init__(**kwargs)


class DictMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, type_code: str, *, parent: str | None = None, **kwargs):
        self.type_code = type_code
        kwargs["choices"] = _loader(type_code, parent, None)
        super().__init__(**kwargs)
