"""hngraph: a linked-data knowledge graph of Chinese government policy task lists."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hngraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
