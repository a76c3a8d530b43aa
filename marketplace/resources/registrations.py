"""Registrations for rooms: exported with their money, imported into free rooms only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify
from django_scopes import scope, scopes_disabled

from marketplace.exceptions import MarketplaceError
from marketplace.handles import normalize_handle
from marketplace.models import FeeModel, Registration, RegistrationStatus, Room
from marketplace.services import registrations as registration_services
from marketplace.tabular import Row, TenantResource, column, member_by_email, register

PAID_ROOM_REFUSAL = (
    "Paid rooms take registrations through payment: only registrations for free rooms can be imported."
)


# --- Registrations -------------------------------------------------------------------------------

IMPORTED_STATUSES = [
    (RegistrationStatus.APPROVED.value, RegistrationStatus.APPROVED.label),
    (RegistrationStatus.PENDING.value, RegistrationStatus.PENDING.label),
]


@register
class RegistrationResource(TenantResource):
    """Registrations, matched by the room (host's handle and slug) and the attendee's email.

    Only free rooms take imported registrations: a paid room's registration is a payment, and
    nothing that moves money is imported. A row already as the site holds it is skipped.
    """

    name = "registrations"
    label = "registrations"
    importable = True
    key_columns = (("room_owner",), ("room",), ("email",))
    notes = (
        "Rows are matched on the room (its host's handle in room_owner, its slug in room) and the "
        "attendee's email; status is approved or pending, and the attendee is a member already. "
        "Only free rooms take imported registrations: paid rooms take registrations through "
        "payment. The other columns are exported only."
    )
    export_only_columns = (
        "room_name",
        "handle",
        "fee_model",
        "price",
        "price_currency",
        "paid",
        "paid_currency",
        "registered_at",
    )

    room_owner = column("room__owner__handle", "room_owner")
    room = column("room__slug", "room")
    room_name = column("room__name", "room_name")
    email = column("user__email", "email")
    handle = column("user__handle", "handle")
    status = column("status", "status")
    fee_model = column("fee_model", "fee_model")
    price = column("price__amount", "price")
    price_currency = column("currency", "price_currency")
    paid = column("paid__amount", "paid")
    paid_currency = column("paid_currency", "paid_currency")
    registered_at = column("created_at", "registered_at")

    class Meta(TenantResource.Meta):
        model = Registration
        fields = (
            "site",
            "room_owner",
            "room",
            "room_name",
            "email",
            "handle",
            "status",
            "fee_model",
            "price",
            "price_currency",
            "paid",
            "paid_currency",
            "registered_at",
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("room", "room__owner", "user", "tenant").order_by("tenant", "pk")

    def find(self, row: Row) -> tuple[Registration, bool]:
        handle = normalize_handle(row.required("room_owner", "the host's handle"))
        slug = slugify(row.required("room", "the room's slug"))
        room = None
        if handle and slug:
            with scope(tenant=self.tenant):
                room = (
                    Room.objects.filter(tenant=self.tenant, owner__handle__iexact=handle, slug=slug)
                    .select_related("owner", "tenant")
                    .first()
                )
            if room is None:
                row.fail("room", f"{self.tenant.name} has no room @{handle}/{slug}.")
        with scopes_disabled():  # members of this site only, whoever asks
            email, user = member_by_email(row, self.tenant)
        if email and user is None and "email" not in row.errors:
            row.fail(
                "email", f"{email} is not a member of {self.tenant.name}: import them as a member first."
            )
        registration = None
        if room is not None and user is not None:
            with scope(tenant=self.tenant):
                registration = Registration.objects.filter(room=room, user=user).first()
        if registration is not None:
            return registration, False
        return Registration(tenant=self.tenant, room=room, user=user), True

    def changes(self, instance: Registration, row: Row, *, new: bool) -> dict[str, Any]:
        # No status: a new registration is decided as the room decides, an existing one stays.
        wanted = row.choice("status", IMPORTED_STATUSES) or None
        if row.errors or (not new and instance.status == (wanted or instance.status)):
            return {}
        room = instance.room
        if room.fee_model != FeeModel.FREE:
            row.fail("room", PAID_ROOM_REFUSAL)
        elif instance.status == RegistrationStatus.BANNED:
            row.fail("status", f"{instance.user.email} is banned from this room: lift the ban first.")
        elif instance.status == RegistrationStatus.APPROVED:
            row.fail("status", "An approved registration cannot go back to waiting for approval.")
        elif wanted == RegistrationStatus.PENDING and not room.approval_required:
            row.fail("status", f"{room.name} approves registrations at once: use the status approved.")
        return {"status": wanted}

    def write(self, registration: Registration, changes: dict[str, Any], *, new: bool) -> Registration:
        wanted = changes["status"]
        if registration.status != RegistrationStatus.PENDING:  # new, canceled, rejected or lapsed
            registration = registration_services.register(registration.user, registration.room)
        if registration.status == RegistrationStatus.REJECTED:
            raise MarketplaceError("The host's blacklist turns this person away.", field="email")
        if registration.status == RegistrationStatus.PENDING and wanted == RegistrationStatus.APPROVED:
            registration = registration_services.approve(registration, actor=self.actor)
        if wanted is not None and registration.status != wanted:
            raise MarketplaceError(
                f"The host's whitelist approves {registration.user.email} at once.", field="status"
            )
        return registration
