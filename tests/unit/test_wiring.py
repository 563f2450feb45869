"""A use case's ports built from a table of adapters by port name (`adapters/wiring.py`), and
every DynamoDB factory's ports checked against the protocols its use case declares (what the
explicit constructor calls once left to mypy)."""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass, fields, is_dataclass
from importlib import import_module
from typing import Any

import pytest

from careroute.adapters.wiring import wired


class Directory:
    pass


class OtherDirectory:
    pass


@dataclass(frozen=True)
class Ports:
    directory: Any
    notices: Any = None


def test_each_port_is_made_by_the_table_unless_given_and_a_default_stays_a_default() -> None:
    made = wired(Ports, {"directory": Directory})
    given = wired(Ports, {"directory": Directory}, directory=OtherDirectory())

    assert type(made.directory) is Directory
    assert made.notices is None
    assert type(given.directory) is OtherDirectory


def test_a_port_without_an_adapter_or_default_is_named() -> None:
    with pytest.raises(KeyError, match="'directory' of Ports"):
        wired(Ports, {})


def test_a_port_the_use_case_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'nothing'"):
        wired(Ports, {"directory": Directory}, nothing=Directory())


FACTORY_MODULES = (
    "repositories",
    "order_repositories",
    "dispatch_repositories",
    "assessment_repositories",
    "inspection_repositories",
    "oversight_repositories",
    "bed_repositories",
    "benefit_repositories",
    "meal_repositories",
)


def _factories() -> list[tuple[str, Any]]:
    found = []
    for name in FACTORY_MODULES:
        module = import_module(f"careroute.adapters.dynamodb.{name}")
        for attribute, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                signature = inspect.signature(value)
                if "return" in value.__annotations__ and not attribute.startswith("_"):
                    needed = [p for p in signature.parameters.values() if p.default is p.empty]
                    found.append((f"{name}.{attribute}", (value, len(needed))))
    return found


FACTORIES = _factories()


def test_the_factories_are_found() -> None:
    assert len(FACTORIES) >= 25


@pytest.mark.parametrize(("name", "factory"), FACTORIES, ids=[n for n, _ in FACTORIES])
def test_each_port_a_factory_builds_has_every_method_of_its_protocol(
    name: str, factory: tuple[Any, int]
) -> None:
    build, arguments = factory
    ports = build(*["https://sqs.example/queue"] * arguments)
    if not is_dataclass(ports):
        pytest.skip(f"{name} builds no use case's ports")
    hints = typing.get_type_hints(type(ports))
    checked = 0
    for field in fields(ports):
        protocol = hints[field.name]
        if not getattr(protocol, "_is_protocol", False):
            continue
        members = {
            member
            for member in vars(protocol)
            if not member.startswith("_") and callable(getattr(protocol, member))
        }
        adapter = getattr(ports, field.name)
        missing = sorted(m for m in members if not callable(getattr(adapter, m, None)))
        assert not missing, f"{name}: {field.name} ({type(adapter).__name__}) lacks {missing}"
        checked += 1
    assert checked, f"{name}: no port checked"
