"""Error types shown to end users: each names the place it concerns."""

from __future__ import annotations

from pathlib import Path


class HngraphError(Exception):
    """Base class for errors the CLI reports as a message and exit code 2."""


class SourceError(HngraphError):
    """A problem in a task-list source file, located by file, line and task number."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        line: int | None = None,
        task: int | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.task = task
        self.detail = message
        where = self.path
        if line is not None:
            where += f":{line}"
        if task is not None:
            where += f" (task {task})"
        super().__init__(f"{where}: {message}")


class RegistryError(HngraphError):
    """A problem in curated reference data (organisation registry, translations, ...)."""
