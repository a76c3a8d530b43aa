"""Factories for test data; they go through the same services the product uses."""

from __future__ import annotations

import factory
from django_scopes import scopes_disabled

from marketplace.models import Membership, Tenant, User
from marketplace.roles import Role
from marketplace.services.back_office import sync_back_office_access
from marketplace.services.tenants import create_tenant

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    handle = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class, *args, password: str = PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class TenantFactory(factory.Factory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant{n}")
    hostname = factory.LazyAttribute(lambda o: f"{o.slug}.localhost")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_tenant(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("A tenant needs its Wagtail Site: use TenantFactory() or .create(), not .build().")


def make_member(tenant: Tenant, *roles: Role | str, **user_fields) -> User:
    """A user holding the attendee role plus the given roles in the tenant."""
    user = UserFactory(**user_fields)
    with scopes_disabled():
        for role in {Role.ATTENDEE, *roles}:
            Membership.objects.create(tenant=tenant, user=user, role=role)
    sync_back_office_access(user)
    return user
