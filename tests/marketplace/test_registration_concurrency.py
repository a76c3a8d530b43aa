"""Thirty people register at once for a paid room with ten seats left: exactly ten get in and pay."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_scopes import scope

from marketplace.models import Registration, RegistrationStatus
from marketplace.services import registrations as services
from payments.models import Entry, EntryKind
from payments.verification import verify_ledger
from tests.factories import make_member
from tests.factories.money import balance, fund
from tests.marketplace.registration_fixtures import usd

PEOPLE = 30


@pytest.mark.django_db(transaction=True)
def test_thirty_registrations_for_ten_seats(tenant, host, make_room):
    room = make_room(fee_model="one_time", price=usd("12.00"), max_participants=12)
    for n in range(2):  # two seats already taken: ten left
        early = make_member(tenant, handle=f"early{n}")
        fund(tenant, early, "12")
        services.register(early, room)
    people = [make_member(tenant, handle=f"late{n}") for n in range(PEOPLE)]
    for person in people:
        fund(tenant, person, "12")

    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(PEOPLE)

    def register(person) -> None:
        try:
            start.wait()
            services.register(person, room)
            outcomes.append("in")
        except services.RoomFull:
            outcomes.append("full")
        except BaseException as error:  # deadlocks or anything else land here
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert (outcomes.count("in"), outcomes.count("full")) == (10, 20)
    with scope(tenant=tenant):
        assert Registration.objects.filter(room=room, status=RegistrationStatus.APPROVED).count() == 12
        assert Entry.objects.filter(kind=EntryKind.SALE).count() == 12
    charged = [person for person in people if balance(tenant, person) == usd("0")]
    assert len(charged) == 10  # exactly the ten who got in paid; the others kept their money
    assert all(balance(tenant, p) == usd("12.00") for p in people if p not in charged)
    assert verify_ledger() == []
