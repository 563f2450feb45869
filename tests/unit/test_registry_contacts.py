"""An elder's contact phone and emergency contact (guardian): imported and exported with the
registry, shown only to the elder's own steward and the city admin, never logged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.registry_csv import read_registry, write_registry
from careroute.domain.vocabulary import Registry
from careroute.observability import REDACTED, redact
from careroute.service_layer.elders import ElderRegistry
from tests.builders import CITY_ADMIN
from tests.unit.test_elder_registry import OFFICIAL, STEWARD, page
from tests.unit.test_elder_registry import ports as ports  # the fixture, used by name
from tests.unit.test_registry_csv import AS_OF, edit, import_errors

PHONE, GUARDIAN, GUARDIAN_PHONE = "138 0013 8000", "张明 (儿子)", "+86 139-0024-0000"


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.02)


def test_contacts_go_out_and_come_back_with_the_registry(tmp_path: Path, city: Registry) -> None:
    first = replace(city.elders[0], phone=PHONE, guardian=GUARDIAN, guardian_phone=GUARDIAN_PHONE)
    with_contacts = replace(city, elders=(first, *city.elders[1:]))
    write_registry(tmp_path, with_contacts, AS_OF)
    assert read_registry(tmp_path, as_of=AS_OF) == with_contacts


def test_a_registry_without_the_contact_columns_still_imports(
    tmp_path: Path, city: Registry
) -> None:
    write_registry(tmp_path, city, AS_OF)
    path = tmp_path / "elders.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 3)[0] for line in lines) + "\n", "utf-8")
    assert "phone" not in path.read_text("utf-8").splitlines()[0]
    assert read_registry(tmp_path, as_of=AS_OF) == city


def test_a_bad_phone_is_refused_without_echoing_it(tmp_path: Path, city: Registry) -> None:
    write_registry(tmp_path, city, AS_OF)
    edit(tmp_path, "elders.csv", 2, "guardian_phone", "call 小王")
    [error] = import_errors(tmp_path)
    assert (error.line, error.field) == (2, "guardian_phone")
    assert "小王" not in str(error)


def test_only_the_elders_steward_and_the_city_admin_see_the_contacts(
    ports: ElderRegistry,
) -> None:
    elder = ports.elders.get_elder("C1", "E1")
    contacts = {"phone": PHONE, "guardian": GUARDIAN, "guardian_phone": GUARDIAN_PHONE}
    ports.elders.save_elders([replace(elder, **contacts)])
    for who in (STEWARD, CITY_ADMIN):
        row = page(who, ports).elders[0]
        assert (row.phone, row.guardian, row.guardian_phone) == (PHONE, GUARDIAN, GUARDIAN_PHONE)
    row = page(OFFICIAL, ports).elders[0]
    assert (row.phone, row.guardian, row.guardian_phone) == (None, None, None)


def test_contacts_are_redacted_from_logs() -> None:
    record = {"elder_id": "E1", "phone": PHONE, "guardian": GUARDIAN, "guardian_phone": "1"}
    shown = redact(record)
    assert shown == {"elder_id": "E1", "phone": REDACTED, "guardian": REDACTED,
                     "guardian_phone": REDACTED}  # fmt: skip
    assert GUARDIAN not in json.dumps(redact({"body": json.dumps(record)}), ensure_ascii=False)
