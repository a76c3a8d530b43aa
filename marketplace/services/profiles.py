"""Profile changes: handle, display name, avatar, time zone, language."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from marketplace.exceptions import HandleTaken
from marketplace.handles import handle_from_text, normalize_handle, random_suffix, validate_handle
from marketplace.models import User
from marketplace.services.audit import audit

EDITABLE_FIELDS = ("handle", "display_name", "time_zone", "language")


def handle_is_taken(handle: str, *, exclude_user_id: int | None = None) -> bool:
    users = User.objects.filter(handle__iexact=normalize_handle(handle))
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.exists()


def unique_handle_for(text: str) -> str:
    """A free, valid handle derived from an email or a name."""
    stem = handle_from_text(text)
    candidate = stem
    while handle_is_taken(candidate):
        candidate = f"{stem}-{random_suffix()}"
    validate_handle(candidate)
    return candidate


def update_profile(user: User, *, actor: User, **changes: Any) -> User:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if "handle" in changes:
        changes["handle"] = normalize_handle(changes["handle"])
        if handle_is_taken(changes["handle"], exclude_user_id=user.pk):
            raise HandleTaken("This handle is already taken.")
    previous = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password", "email", "avatar"])
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError as error:  # a concurrent request took the handle first
        for field, value in previous.items():
            setattr(user, field, value)
        raise HandleTaken("This handle is already taken.") from error
    changed = {field: value for field, value in changes.items() if previous[field] != value}
    if changed:
        audit(user, "lyceum.profile.update", actor=actor, changed=sorted(changed))
    return user


def set_avatar(user: User, upload: UploadedFile, *, actor: User) -> User:
    field = User._meta.get_field("avatar")
    field.run_validators(upload)
    old_name = user.avatar.name if user.avatar else None
    user.avatar.save(upload.name or "avatar.jpg", upload, save=False)
    try:
        user.save(update_fields=["avatar"])
    except Exception:
        user.avatar.delete(save=False)
        raise
    if old_name and old_name != user.avatar.name:
        user.avatar.storage.delete(old_name)
    audit(user, "lyceum.profile.avatar", actor=actor)
    return user


def clear_avatar(user: User, *, actor: User) -> User:
    if user.avatar:
        user.avatar.delete(save=False)
        user.avatar = ""
        user.save(update_fields=["avatar"])
        audit(user, "lyceum.profile.avatar_removed", actor=actor)
    return user
