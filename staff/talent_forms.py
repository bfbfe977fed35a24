"""Shared bits of the training, recruitment and succession forms (shape only)."""

from __future__ import annotations

from django import forms

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget; fields in error marked invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        return f"{profile.display_name} ({profile.employee_number})"


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, profile):
        return f"{profile.display_name} ({profile.employee_number})"


class UserField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username
