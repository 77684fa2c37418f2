"""Plain records of a parsed task list; no RDF here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measure:
    """One measure (举措): a `；`-separated part of a task's policy content."""

    number: int
    text: str


@dataclass(frozen=True)
class Task:
    """One row of the table: 序号, 政策内容 (split into measures) and 责任部门 in order."""

    number: int
    text: str
    measures: tuple[Measure, ...]
    departments: tuple[str, ...]
    line: int

    @property
    def departments_text(self) -> str:
        """The 责任部门 cell as written in the source."""
        return "、".join(self.departments)


@dataclass(frozen=True)
class TaskList:
    """A whole task list as read from one source file."""

    source: Path
    slug: str
    attachment_label: str
    title: str
    tasks: tuple[Task, ...]
    sha256: str
    byte_size: int

    @property
    def department_names(self) -> tuple[str, ...]:
        """Distinct department names in order of first appearance."""
        seen: dict[str, None] = {}
        for task in self.tasks:
            for name in task.departments:
                seen.setdefault(name)
        return tuple(seen)
