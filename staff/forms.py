"""Forms of the staff app: password reset request, password change, second-factor codes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class _Bootstrap:
    """Bootstrap's classes on every widget, as the other pages have them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class PasswordResetRequestForm(_Bootstrap, auth_forms.PasswordResetForm):
    """Only the address; the mail itself is sent by the worker (staff.tasks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs["autofocus"] = True


class PasswordChangeForm(_Bootstrap, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(_Bootstrap, auth_forms.SetPasswordForm):
    pass


class SecondFactorForm(_Bootstrap, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )


class TotpConfirmForm(_Bootstrap, forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}
        ),
    )
