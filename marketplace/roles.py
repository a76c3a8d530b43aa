"""Member roles within a tenant."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    EDITOR = "editor", "Editor"
    MODERATOR = "moderator", "Moderator"
    REPRESENTATIVE = "representative", "Representative"
    ATTENDEE = "attendee", "Attendee"


# Roles that may enter the Wagtail back office of their tenant.
STAFF_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
