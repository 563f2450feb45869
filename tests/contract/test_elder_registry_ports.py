"""The ports of the elders registry through the API, memory against DynamoDB: a community's
elders paged by id, a registry change conditional on the values read (with its history), and
the audit of one elder's personal reads. Then the use cases (list, change, history, audit
log) over the same registry on both backends: the same answers and the same errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from careroute.domain import clock
from careroute.domain.access import Caller, Role
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError
from careroute.domain.vocabulary import Category, Elder, ElderStatus, Registry, TimeWindow
from careroute.messages.api import ElderPatch
from careroute.service_layer.elders import (
    ElderRegistry,
    audit_log,
    change_elder,
    elder_history,
    list_elders,
)
from careroute.service_layer.ports import StatusChange
from tests.builders import CITY_ADMIN
from tests.conftest import TODAY
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend
from tests.contract.test_projection_ports import MORNING, POLICY

OFFICIAL = Actor("official-1", "district_official")


def change(at: Any, what: str, old: Any, new: Any) -> Entry:
    return Entry(Kind.CHANGE, at, OFFICIAL, what, old, new)


def test_a_communitys_elders_are_paged_in_id_order_after_the_last_id_read(
    backend: Backend, small_city: Registry
) -> None:
    backend.elders.save_elders(small_city.elders)
    home = small_city.elders[0].community_id
    ids = sorted(e.elder_id for e in small_city.elders if e.community_id == home)
    assert [e.elder_id for e in backend.elders.elders_after(home, None)] == ids
    assert [e.elder_id for e in backend.elders.elders_after(home, ids[2])] == ids[3:]
    assert list(backend.elders.elders_after(home, ids[-1])) == []
    assert list(backend.elders.elders_after("C9999", None)) == []


def first_elder_read(backend: Backend, city: Registry) -> Elder:
    """The city's first elder, saved, as a read returns it."""
    backend.elders.save_elders(city.elders[:1])
    return backend.elders.get_elder(city.elders[0].community_id, city.elders[0].elder_id)


def test_a_registry_change_applies_only_over_the_values_read_with_its_history(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.elders
    e = first_elder_read(backend, small_city)
    after = replace(e, address="2号楼", window=TimeWindow.parse("09:00", "11:00"))
    entries = [change(MORNING, "address", e.address, "2号楼")]
    elders.change_registry(e, after, entries)
    stored = elders.get_elder(e.community_id, e.elder_id)
    assert (stored.address, stored.window, stored.status) == ("2号楼", after.window, e.status)
    assert elders.changes(e.community_id, e.elder_id) == entries
    with pytest.raises(ConflictError):  # the address read is no longer the stored one
        elders.change_registry(e, replace(e, address="3号楼"), [change(MORNING, "a", 1, 2)])
    disabled = frozenset({Category.DISABLED})
    elders.change_registry(e, replace(e, categories=disabled), [])  # the address is not read
    assert elders.get_elder(e.community_id, e.elder_id).categories == {Category.DISABLED}
    assert elders.changes(e.community_id, e.elder_id) == entries
    gone = replace(e, elder_id="E-unknown")
    with pytest.raises(ConflictError):
        elders.change_registry(gone, replace(gone, address="x"), [])


def test_a_status_changed_in_the_registry_is_not_undone_by_an_older_outcome(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.elders
    e = first_elder_read(backend, small_city)
    assert e.status is ElderStatus.ACTIVE
    elders.change_registry(e, replace(e, status=ElderStatus.HOSPITALISED), [])
    an_hour_ago = clock.now() - timedelta(hours=1)
    back = StatusChange(
        e.community_id, e.elder_id, ElderStatus.HOSPITALISED, ElderStatus.ACTIVE, an_hour_ago
    )
    assert not elders.change_status(back)


def test_reads_of_one_elders_personal_data_are_kept_newest_first(backend: Backend) -> None:
    reader = Actor("admin", "city_admin")
    first = Entry(Kind.READ, MORNING, reader, "history", elder_ids=("E1",))
    second = Entry(Kind.READ, MORNING + timedelta(hours=1), reader, "history", elder_ids=("E1",))
    backend.audit.record_elder_read("C0001", "E1", first)
    backend.audit.record_elder_read("C0001", "E1", second)
    assert backend.audit.elder_reads("C0001", "E1") == [second, first]
    assert backend.audit.elder_reads("C0001", "E2") == []
    assert backend.audit.community_reads("C0001") == []  # an elder's reads are its own


def test_the_elder_registry_use_cases_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """List two pages as the city admin and as a district official, change an address and
    a status, read the history, the audit log: the same on both, the same errors too."""
    city = small_city
    e = city.elders[0]
    home = e.community_id
    official = Caller("official-1", Role.DISTRICT_OFFICIAL, e.district_id)
    outsider = Caller("official-2", Role.STREET_OFFICIAL, "S9999")
    patch = ElderPatch.model_validate({"address": "新地址", "status": "hospitalised"})
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.holding(city)
        ports = ElderRegistry(
            backend.communities,
            backend.stewards,
            backend.elders,
            backend.scopes,
            backend.audit,
            backend.coverage,
        )

        def page(who: Caller, cursor: str | None, p: ElderRegistry = ports) -> Any:
            return list_elders(who, home, tier=None, status=None, limit=3, cursor=cursor,
                               today=TODAY, now=MORNING, policy=POLICY, ports=p)  # fmt: skip

        first = page(CITY_ADMIN, None)
        second = page(official, first.next_cursor)
        changed = change_elder(official, home, e.elder_id, patch, MORNING, ports, POLICY)
        again = change_elder(official, home, e.elder_id, patch, MORNING, ports, POLICY)
        with pytest.raises(ForbiddenError):
            change_elder(outsider, home, e.elder_id, patch, MORNING, ports, POLICY)
        with pytest.raises(NotFoundError):
            list_elders(CITY_ADMIN, "C9999", tier=None, status=None, limit=3, cursor=None,
                        today=TODAY, now=MORNING, policy=POLICY, ports=ports)  # fmt: skip
        later = MORNING + timedelta(minutes=5)
        history = [
            elder_history(who, home, e.elder_id, later, ports) for who in (CITY_ADMIN, official)
        ]
        states.append(
            {
                "pages": (first, second),
                "changed": (changed, again),
                "history": sorted(
                    ((c.field, c.old, c.new) for h in history for c in h.changes), key=repr
                ),
                "log": audit_log(CITY_ADMIN, home, 10, ports),
                "elder_reads": backend.audit.elder_reads(home, e.elder_id),
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["pages"][0].personal_data and not on_memory["pages"][1].personal_data
    assert on_memory["changed"][0].changed == ["address", "status"]
    assert on_memory["changed"][1].changed == []
    assert on_memory["log"].count == 1  # the admin's page; the official saw no names
    assert len(on_memory["elder_reads"]) == 1  # the admin saw the address history
    assert_same_answers(on_memory, on_dynamodb)
