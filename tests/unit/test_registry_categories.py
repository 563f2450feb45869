"""What a real registry holds besides the seven visit categories: dementia (失智) and the
subsistence statuses 低保, 低保边缘 and 特困, at most one of those per elder, on every way in."""

from __future__ import annotations

from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.registry_csv import read_registry, write_registry
from careroute.domain.registry_rules import categories_problem
from careroute.domain.vocabulary import Category, Registry
from tests.unit.test_registry_csv import AS_OF, edit, import_errors


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.02)


@pytest.mark.parametrize(
    "cell",
    ["dementia", "subsistence;living_alone", "near_subsistence", "extreme_poverty;dementia"],
)
def test_dementia_and_each_subsistence_status_import(
    tmp_path: Path,
    city: Registry,
    cell: str,
) -> None:
    write_registry(tmp_path, city, AS_OF)
    edit(tmp_path, "elders.csv", 2, "categories", cell)
    read = read_registry(tmp_path, as_of=AS_OF)
    first = next(e for e in read.elders if e.elder_id == city.elders[0].elder_id)
    assert {c.value for c in first.categories} == set(cell.split(";"))


def test_two_subsistence_statuses_are_refused_on_import(
    tmp_path: Path,
    city: Registry,
) -> None:
    write_registry(tmp_path, city, AS_OF)
    edit(tmp_path, "elders.csv", 2, "categories", "subsistence;extreme_poverty")
    [error] = import_errors(tmp_path)
    assert (error.file, error.line, error.field) == ("elders.csv", 2, "categories")
    assert error.reason == (
        "extreme_poverty and subsistence: an elder has at most one subsistence status"
    )


def test_categories_problem_names_only_a_second_subsistence_status() -> None:
    assert categories_problem([Category.DEMENTIA, Category.NEAR_SUBSISTENCE]) is None
    assert categories_problem([Category.SUBSISTENCE, Category.NEAR_SUBSISTENCE]) is not None
