"""Extra sign-up fields: the handle (the profile link) and a display name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from marketplace.handles import MAX_LENGTH, normalize_handle, validate_handle
from marketplace.services.profiles import handle_is_taken


class SignupExtraFields(forms.Form):
    field_order = ["display_name", "handle", "email", "password1", "password2"]

    display_name = forms.CharField(
        label="Your name",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ada Lovelace"}),
    )
    handle = forms.CharField(
        label="Handle",
        max_length=MAX_LENGTH + 1,
        help_text="Your public link: /@handle/. Lowercase letters, digits, - and _.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "placeholder": "ada", "autocapitalize": "none"}
        ),
    )

    def clean_handle(self) -> str:
        handle = normalize_handle(self.cleaned_data["handle"])
        validate_handle(handle)
        if handle_is_taken(handle):
            raise ValidationError("This handle is already taken.", code="handle_taken")
        return handle

    def signup(self, request, user) -> None:
        """allauth's hook; the adapter has already stored the fields."""
