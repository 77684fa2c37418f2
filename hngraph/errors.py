"""Error types shown to end users, each naming the place it concerns, and the exit codes.

Exit codes: 0 ok, 1 the data does not conform (validate) or a check found differences, 2 error
(an ``HngraphError``: bad input, a missing file, a refused query; nothing is written; also
``EXIT_FALLBACK``: ``validate --strict`` when the fast engine fell back to plain pySHACL), 130
interrupted (Ctrl-C).
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_FALLBACK = EXIT_ERROR  # validate --strict: a shape fell back to plain pySHACL
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT (128 + 2)


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


class RdfFileError(HngraphError):
    """An RDF file that cannot be read: missing, of an unknown kind, or not valid syntax."""
