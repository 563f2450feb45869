"""Binding the table models to the tables configuration names, with no table module imported
by the package: every model is named by `bind_tables`, and a model whose module is imported
after the binding is bound as it is defined."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import fields

import pytest
from pynamodb.attributes import UnicodeAttribute

from careroute.adapters import dynamodb
from careroute.adapters.dynamodb import tables
from careroute.adapters.dynamodb.mapped import MappedModel
from careroute.adapters.dynamodb.tables import TableModel, bind_models
from careroute.entrypoints.config import Settings


def every_table_model() -> set[str]:
    """The class names of the models all of the package's modules define (not the field
    mapper's base, `MappedModel`, which has no table of its own)."""
    for module in pkgutil.iter_modules(dynamodb.__path__):
        importlib.import_module(f"{dynamodb.__name__}.{module.name}")
    names: set[str] = set()
    pending = list(TableModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model.__module__.startswith(f"{dynamodb.__name__}.") and model is not MappedModel:
            names.add(model.__name__)
    return names


def test_bind_tables_names_the_table_of_every_model_the_package_defines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given every table module imported, when the tables are bound, then each model has a
    table from the settings (none is left unnamed, which would fail at its first call)."""
    named: dict[str, str] = {}

    def record(region: str, tables: Mapping[str, str]) -> None:
        named.update(tables)

    monkeypatch.setattr(dynamodb, "bind_models", record)
    settings = Settings(**{field.name: f"table-{field.name}" for field in fields(Settings)})
    dynamodb.bind_tables(settings)

    models = every_table_model()
    assert len(models) >= 25
    assert models <= named.keys()
    assert all(table.startswith("table-") and table.endswith("_table") for table in named.values())


def test_a_model_defined_after_the_binding_is_bound_as_it_is_defined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the tables bound at cold start, when a function imports a table module later,
    then its model is bound to its table already, and the shared base stays unbound."""
    monkeypatch.setattr(tables, "_table_names", {})
    monkeypatch.setattr(tables, "_region", "")
    bind_models("cn-north-1", {"LateArrivalModel": "late-arrivals"})

    class LateArrivalModel(TableModel):
        pk = UnicodeAttribute(hash_key=True)

    assert LateArrivalModel.Meta.table_name == "late-arrivals"
    assert vars(LateArrivalModel.Meta)["region"] == "cn-north-1"
    assert TableModel.Meta.table_name == ""


def test_binding_again_points_the_defined_models_at_the_new_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a model bound, when the tables are bound again (a test's fresh stack), then the
    model moves to the new table."""
    monkeypatch.setattr(tables, "_table_names", {})
    monkeypatch.setattr(tables, "_region", "")
    bind_models("cn-north-1", {"RebindModel": "first"})

    class RebindModel(TableModel):
        pk = UnicodeAttribute(hash_key=True)

    bind_models("cn-north-1", {"RebindModel": "second"})

    assert RebindModel.Meta.table_name == "second"
