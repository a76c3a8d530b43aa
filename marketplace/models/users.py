"""Users: global identities that log in with their email and have a unique handle."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from marketplace.handles import normalize_handle, validate_handle


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError("Unknown time zone: %(value)s.", code="time_zone", params={"value": value})


def validate_avatar_size(file) -> None:
    limit = settings.AVATAR_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            f"The avatar is too large: at most {limit // (1024 * 1024)} MB.", code="avatar_too_large"
        )


def avatar_path(instance: User, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"avatars/{instance.handle}.{extension}"


class LyceumUserManager(UserManager):
    """Email is the login; a handle is derived from it when none is given."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("An email address is required.")
        from marketplace.services.profiles import unique_handle_for

        email = self.normalize_email(email)
        extra_fields["handle"] = normalize_handle(extra_fields.get("handle") or unique_handle_for(email))
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", max_length=254, unique=True)
    handle = models.CharField(
        max_length=30,
        validators=[validate_handle],
        help_text="Your public link: /@handle/. Lowercase letters, digits, - and _.",
    )
    display_name = models.CharField(max_length=120, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True, validators=[validate_avatar_size])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = LyceumUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("handle"), name="user_handle_ci_unique"),
        ]
        ordering = ["handle"]

    def __str__(self) -> str:
        return self.display_name or self.handle or self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)
        self.handle = normalize_handle(self.handle)

    def get_full_name(self) -> str:
        return self.display_name or self.handle

    def get_short_name(self) -> str:
        return self.display_name or self.handle

    @property
    def name(self) -> str:
        return self.get_full_name()
