"""hngraph: a linked-data knowledge graph of Chinese government policy task lists."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__`` is looked up on first use: ``importlib.metadata`` costs ~40 ms to import."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("hngraph")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'hngraph' has no attribute {name!r}")
