"""hngraph: a linked-data knowledge graph of Chinese government policy task lists.

The Python API (``hngraph.api``) is imported on first use, so ``import hngraph`` stays cheap::

    import hngraph
    kg = hngraph.open()                      # the dataset installed with the package
    kg.query("department-workload").to_pandas()
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would cost more than hngraph
if TYPE_CHECKING:
    from typing import Any

    from hngraph.api import (
        AmbiguousValueError,
        KnowledgeGraph,
        Table,
        UnknownValueError,
        open,
    )
    from hngraph.errors import HngraphError
    from hngraph.sparql.catalogue import ParameterError

__all__ = [
    "AmbiguousValueError",
    "HngraphError",
    "KnowledgeGraph",
    "ParameterError",
    "Table",
    "UnknownValueError",
    "__version__",
    "open",
]
_API = {"AmbiguousValueError", "KnowledgeGraph", "Table", "UnknownValueError", "open"}


def _version() -> str:
    """pyproject.toml's version in a checkout (installed metadata can be another checkout's),
    else the installed distribution's."""
    import re
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        if re.search(r'(?m)^name = "hngraph"$', text):
            found = re.search(r'(?m)^version = "([^"]+)"$', text)
            if found:
                return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hngraph")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> Any:
    """``__version__`` and the API names are looked up on first use."""
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name in _API:
        from hngraph import api

        return getattr(api, name)
    if name == "HngraphError":
        from hngraph.errors import HngraphError

        return HngraphError
    if name == "ParameterError":
        from hngraph.sparql.catalogue import ParameterError

        return ParameterError
    raise AttributeError(f"module 'hngraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
