"""allauth adapters: sign-up follows the tenant's policy; new users get a handle."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from marketplace.services.profiles import unique_handle_for


def _registration_open(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return bool(tenant and tenant.is_active and tenant.registration_open)


def _current_tenant():
    return getattr(context.request, "tenant", None) if context.request is not None else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return _registration_open(request)

    def format_email_subject(self, subject: str) -> str:
        tenant = _current_tenant()
        prefix = f"[{tenant.name}] " if tenant is not None else "[Lyceum] "
        return prefix + str(subject)

    def get_from_email(self) -> str:
        """The platform's sending address, under the tenant's name."""
        tenant = _current_tenant()
        _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((tenant.name, address)) if tenant is not None else settings.DEFAULT_FROM_EMAIL

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.handle = data.get("handle") or unique_handle_for(user.email)
        user.display_name = data.get("display_name", "")
        language = getattr(request, "LANGUAGE_CODE", None)
        if language:
            user.language = language
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return _registration_open(request)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.display_name = (name or "").strip()
        user.handle = unique_handle_for(user.email or user.display_name or "user")
        return user
