"""The base of every import/export resource (marketplace.resources, payments.resources) and the
reading of one uploaded row; files themselves are read and written in marketplace.spreadsheets.

A resource is bound to one site. Exports list that site's rows, or every site's (with a `site`
column) for the platform owner. Imports always write into the importing admin's site: a `site`
cell naming another site makes that row an error, and every lookup is limited to the site, so a
row that names another site's room or topic fails as "not found here". Rows are matched on
natural keys (an email, a slug, a handle), never on database ids, so importing a file twice
changes nothing the second time.

Writes go through the services (the resource parses and compares; the service validates, saves
and audits). A business error from a service becomes that row's error, in its own words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, ClassVar

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model, QuerySet
from import_export import fields, resources, widgets

from conferencing.pages import FORMULA_STARTS
from config.errors import DomainError
from marketplace.models import Membership, Tenant, User
from marketplace.services.audit import audit
from marketplace.spreadsheets import blank, export_cell

logger = logging.getLogger(__name__)

LIST_SEPARATOR = ";"
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", ""})


class NotImportable(DomainError):
    code = "not_importable"
    status = 403


# Parsing one row ------------------------------------------------------------------------------


class Row:
    """One row of an uploaded file, read column by column; problems collect per column."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def has(self, column: str) -> bool:
        return column in self.data

    def fail(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def text(self, column: str, *, max_length: int | None = None) -> str:
        value = self.data.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        text = str(value).strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]  # the apostrophe this export put before formula-like text
        if max_length is not None and len(text) > max_length:
            self.fail(column, f"At most {max_length} characters.")
        return text

    def required(self, column: str, what: str) -> str:
        text = self.text(column)
        if not text:
            self.fail(column, f"Give {what}.")
        return text

    def email(self, column: str = "email") -> str:
        """A required email address (as written: accounts are matched in any case)."""
        email = self.required(column, "the person's email address")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.fail(column, f'"{email}" is not an email address.')
                return ""
        return email

    def currency(self, column: str, *, default: str) -> str:
        return self.choice(column, [(code, code) for code in settings.LYCEUM_CURRENCIES], default=default)

    def items(self, column: str) -> list[str]:
        """A `;`-separated list (commas are accepted too), without blanks and repeats."""
        text = self.text(column).replace(",", LIST_SEPARATOR)
        return list(dict.fromkeys(item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()))

    def choice(self, column: str, choices: Iterable[tuple[str, Any]], *, default: str = "") -> str:
        """A choice by its value or its label, case-insensitive; an empty cell gives `default`."""
        text = self.text(column).lower()
        if not text:
            return default
        for value, label in choices:
            if text in (str(value).lower(), str(label).lower()):
                return value
        values = ", ".join(str(value) for value, _ in choices)
        self.fail(column, f'"{self.text(column)}" is not one of: {values}.')
        return default

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.data.get(column)
        if isinstance(value, bool):
            return value
        if blank(value):
            return default
        text = self.text(column).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.fail(column, f'"{self.text(column)}" is not yes or no (true/false).')
        return default

    def number(self, column: str, *, minimum: int = 0, default: int = 0) -> int:
        value = self.data.get(column)
        if blank(value):
            return default
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number != number.to_integral_value() or number < minimum:
            self.fail(column, f'"{self.text(column)}" is not a whole number of at least {minimum}.')
            return default
        return int(number)

    def amount(self, column: str) -> Decimal | None:
        """A non-negative amount of money (an empty cell gives None)."""
        value = self.data.get(column)
        if blank(value):
            return None
        text = self.text(column).replace(" ", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -4:
            self.fail(column, f'"{text}" is not an amount (digits, a dot and up to 4 decimals).')
            return None
        return amount


# Resources ------------------------------------------------------------------------------------


class Cell(widgets.Widget):
    """Exports the value as it is; `export_cell` makes it a safe spreadsheet cell."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


def column(attribute: str | None = None, name: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=name, widget=Cell())


RESOURCES: dict[str, type[TenantResource]] = {}


IMPORT_RULES = ("find", "changes", "write")


def register(resource: type[TenantResource]) -> type[TenantResource]:
    """Make the resource's file available; an importable one must state its import rules."""
    if resource.importable:
        missing = [name for name in IMPORT_RULES if getattr(resource, name) is getattr(TenantResource, name)]
        if missing:
            raise TypeError(f"{resource.__name__} is importable but does not define {', '.join(missing)}.")
    RESOURCES[resource.name] = resource
    return resource


def resource_named(name: str) -> type[TenantResource]:
    return RESOURCES[name]


class TenantResource(resources.ModelResource):
    """Export and (when `importable`) import of one kind of row, bound to one site.

    Subclasses declare their columns as fields (`column(...)`), `key_columns` (the natural key a
    file must carry) and, to import, `find`, `changes` and `write`:
    - `find(row)` gives the object the row names and whether it is new (unsaved, for `write`);
    - `changes(instance, row, new)` parses the row and gives the values that differ (empty: skip);
    - `write(instance, changes, new)` saves through the services and returns the saved object.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # plural, as in "Download moderator profiles"
    importable: ClassVar[bool] = False
    # The natural key: each group needs one of its columns in a file (("email", "handle"): either).
    key_columns: ClassVar[tuple[tuple[str, ...], ...]] = ()
    export_only_columns: ClassVar[tuple[str, ...]] = ()  # accepted in a file, never imported
    notes: ClassVar[str] = ""  # how rows are matched and imported, shown on the import page
    do_not_call_in_templates = True

    site = column("tenant__slug", "site")

    class Meta:
        skip_diff = True  # rows are compared by `changes`, not by copies of the instances
        use_transactions = True
        report_skipped = True
        store_row_values = True  # a row that fails is named by its key cells
        fields: tuple[str, ...] = ("site",)

    def __init__(self, *, tenant: Tenant | None, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant  # None: the platform owner's export of every site
        self.actor = actor
        self.job_label = ""  # the import's file, named in each row's audit entry
        self.on_row: Callable[[int], None] | None = None

    # Export -----------------------------------------------------------------------------------

    @classmethod
    @cache
    def columns(cls) -> tuple[str, ...]:
        """Every column of the export, in order; a file to import may carry any of them."""
        return tuple(cls(tenant=None).get_export_headers())

    @classmethod
    def missing_keys(cls, headers: Iterable[str]) -> list[str]:
        """The key columns a file lacks, as "a or b" for alternatives."""
        present = set(headers)
        return [" or ".join(group) for group in cls.key_columns if not present & set(group)]

    @classmethod
    def unknown_columns(cls, headers: Iterable[str]) -> list[str]:
        known = set(cls.columns())
        return [header for header in headers if header not in known]

    def get_export_fields(self, selected_fields: Any = None) -> list[fields.Field]:
        exported = super().get_export_fields(selected_fields)
        if self.tenant is not None:
            exported = [field for field in exported if field.column_name != "site"]
        return exported

    def export_field(self, field: fields.Field, instance: Model, **kwargs: Any) -> Any:
        return export_cell(super().export_field(field, instance, **kwargs))

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        """The resource's rows for a screen's (filtered) rows; by default the same rows."""
        return queryset

    def export_rows(self, queryset: QuerySet) -> tablib.Dataset:
        return self.export(self.rows_for_export(queryset))

    # Import: the library's steps, each delegated to the resource's own rules --------------------

    def import_data(self, dataset: tablib.Dataset, *args: Any, **kwargs: Any):
        if not self.importable:
            raise self._exported_only()
        if self.tenant is None or self.actor is None:
            raise NotImportable("An import needs the site it goes into and the admin who runs it.")
        return super().import_data(dataset, *args, **kwargs)

    def import_row(self, row: dict[str, Any], instance_loader: Any, **kwargs: Any):
        result = super().import_row(row, instance_loader, **kwargs)
        if self.on_row is not None:
            self.on_row(kwargs["row_number"])
        return result

    def get_or_init_instance(self, instance_loader: Any, row: dict[str, Any]) -> tuple[Model, bool]:
        parsed = Row(row)
        site = parsed.text("site")
        if site and site.lower() != self.tenant.slug.lower():
            raise ValidationError(
                {"site": f'This row is for the site "{site}"; this import only writes to {self.tenant.slug}.'}
            )
        instance, new = self.find(parsed)
        parsed.raise_errors()
        return instance, new

    def import_instance(self, instance: Model, row: dict[str, Any], **kwargs: Any) -> None:
        parsed = Row(row)
        changes = self.changes(instance, parsed, new=instance.pk is None)
        parsed.raise_errors()
        instance._import_changes = changes

    def skip_row(
        self, instance: Model, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        # A row with nothing to write is unchanged, even for a new object (an address already invited).
        return not import_validation_errors and not instance._import_changes

    def validate_instance(self, instance: Model, import_validation_errors: Any = None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance: Model, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        try:
            with transaction.atomic():  # a refused row leaves nothing behind
                saved = self.write(instance, instance._import_changes, new=is_create)
                line = kwargs["row_number"] + 1  # the spreadsheet's row: the header is row 1
                audit(saved, "lyceum.import.row", actor=self.actor, file=self.job_label, row=line)
        except DomainError as error:
            raise ValidationError({self.column_for(error.field): [error.message]}) from None
        except ValidationError as error:
            raise ValidationError(
                {self.column_for(name): messages for name, messages in error_messages(error).items()}
            ) from None
        # The library reports the row's object from the instance it loaded (a member row may have
        # made an invitation instead: the row then reports by its key cells).
        if isinstance(saved, type(instance)):
            instance.__dict__.update(saved.__dict__)

    def save_m2m(self, instance: Model, row: Any, **kwargs: Any) -> None:
        """Related rows are written by `write`, through the services."""

    def after_import(self, dataset: tablib.Dataset, result: Any, **kwargs: Any) -> None:
        """Rows get ids from their sequences: nothing to reset (unlike the library's default)."""

    def column_for(self, field: str | None) -> str:
        """The file's column for a service's field name."""
        return field if field and field in self.columns() else ""

    # The resource's import rules: every importable resource defines all three (see `register`);
    # an export-only one never reaches them (import_data refuses first), and says so if called.

    def find(self, row: Row) -> tuple[Model, bool]:
        raise self._exported_only()

    def changes(self, instance: Model, row: Row, *, new: bool) -> dict[str, Any]:
        raise self._exported_only()

    def write(self, instance: Model, changes: dict[str, Any], *, new: bool) -> Model:
        raise self._exported_only()

    def _exported_only(self) -> NotImportable:
        return NotImportable(f"{self.label.capitalize()} are exported only: nothing imports them.")


def error_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("" if name == "__all__" else name): list(msgs) for name, msgs in error.message_dict.items()}
    return {"": list(error.messages)}


def account_by_email(row: Row, column_name: str = "email") -> tuple[str, User | None]:
    """The row's email address and the account that has it (any case), if any."""
    email = row.email(column_name)
    return email, (User.objects.filter(email__iexact=email).first() if email else None)


def member_by_email(row: Row, tenant: Tenant, column_name: str = "email") -> tuple[str, User | None]:
    """The row's email address and the member of the site who has it (any case), if any.

    Only the site's own members are looked up, so a row's outcome never tells whether someone
    has an account elsewhere on the platform."""
    email = row.email(column_name)
    if not email:
        return email, None
    members = Membership.objects.filter(tenant=tenant).values("user_id")
    return email, User.objects.filter(email__iexact=email, pk__in=members).first()


def member_by_handle(handle: str, tenant: Tenant) -> User | None:
    members = Membership.objects.filter(tenant=tenant).values("user_id")
    return User.objects.filter(handle__iexact=handle, pk__in=members).first()


def differing(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The wanted values that differ from the current ones."""
    return {name: value for name, value in wanted.items() if current.get(name) != value}
