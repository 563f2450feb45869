"""The ports package loads each area's module on first use: every port is still importable
from the package, and importing the package alone loads no area (a cold start pays only for
the areas its function uses)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from careroute.service_layer import ports


@pytest.mark.parametrize("name", ports.__all__)
def test_every_port_of_the_package_is_the_one_its_area_module_defines(name: str) -> None:
    area = importlib.import_module(f"{ports.__name__}.{ports._AREA_OF[name]}")

    assert getattr(ports, name) is getattr(area, name)


def test_the_package_names_each_port_once_and_all_of_them() -> None:
    assert sorted(ports._AREA_OF) == sorted(ports.__all__)
    assert len(ports.__all__) == len(set(ports.__all__)) >= 50


def test_a_name_that_is_no_port_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchPort"):
        _ = ports.NoSuchPort


def test_importing_the_package_loads_no_area_module() -> None:
    """Given a fresh interpreter, when the package is imported, then no port module is."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, careroute.service_layer.ports as p; "
            "print(sorted(m for m in sys.modules if m.startswith(p.__name__ + '.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert loaded.stdout.strip() == "[]"
