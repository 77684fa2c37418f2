"""pySHACL and rdflib are the versions hngraph's validation is tested with.

The fast engine (``hngraph.validation.fast``) reads rdflib's SPARQL algebra and subclasses
pySHACL's Oxigraph data graph, and the shapes fixtures record pySHACL's exact results; another
version may change any of them silently. ``pyproject.toml`` pins both to the tested range; this
test fails, naming the package and the range, when the installed version is outside it.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PINNED = ("pyshacl", "rdflib")


def _requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        found[requirement.name.lower()] = requirement
    return found


def test_both_are_pinned_to_a_range_with_an_upper_bound() -> None:
    requirements = _requirements()
    for name in PINNED:
        specifiers = {spec.operator for spec in requirements[name].specifier}
        assert ">=" in specifiers and "<" in specifiers, f"{name} is not pinned to a range"


@pytest.mark.parametrize("name", PINNED)
def test_installed_version_is_the_tested_one(name: str) -> None:
    requirement = _requirements()[name]
    installed = version(name)
    if not requirement.specifier.contains(installed, prereleases=True):
        pytest.fail(
            f"{name} {installed} is installed, but hngraph's validation is tested with "
            f"{name}{requirement.specifier} only (pyproject.toml): install a version in that "
            "range, or re-run tests/validation and the W3C suite on the new one and widen the pin"
        )
