"""Read a task-list source file (序号 / 政策内容 / 责任部门) into plain records.

Layout (tab-indented cells, one per line; rows separated by one blank line)::

    附件2                 <- attachment label
    湖南省工作任务清单      <- title
    \t序号
    \t政策内容
    \t责任部门
    <blank>
    \t1                   <- a row: number, policy content, departments
    \t…；…。
    \t省教育厅、省委组织部
    <blank>
    …

Policy content splits into measures at ``；`` (the separator is dropped, a trailing ``。`` stays);
the department cell splits at ``、`` keeping order. Every error names file, line and task number.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from hngraph.errors import SourceError
from hngraph.source.records import Measure, Task, TaskList

HEADINGS = ("序号", "政策内容", "责任部门")
MEASURE_SEPARATOR = "；"
DEPARTMENT_SEPARATOR = "、"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
HEADER_LINES = 6  # label, title, three headings, blank
MAX_SOURCE_BYTES = 64 << 20  # the Hunan list is 20 kB


def parse_file(path: Path | str) -> TaskList:
    """Parse one source file; raise ``SourceError`` naming file, line and task on bad input."""
    path = Path(path)
    try:
        info = path.stat()  # one stat: exists() raises on a name too long, not only says False
    except OSError as error:
        raise SourceError(f"cannot read the file ({error.strerror})", path=path) from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never end
        raise SourceError("not a regular file", path=path)
    if info.st_size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"the file is larger than {MAX_SOURCE_BYTES // (1 << 20)} MiB; a task list is not",
            path=path,
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read the file ({error.strerror})", path=path) from None
    text = _decode(data, path)
    slug = _slug(path)
    label, title, tasks = parse_text(text, path)
    return TaskList(
        source=path,
        slug=slug,
        attachment_label=label,
        title=title,
        tasks=tasks,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
    )


def parse_text(text: str, path: Path | str) -> tuple[str, str, tuple[Task, ...]]:
    """Parse decoded source text into (attachment label, title, tasks)."""
    lines = text.split("\n")
    _check_characters(lines, path)
    label, title = _header(lines, path)
    tasks = tuple(_tasks(lines, path))
    if not tasks:
        raise SourceError("the table has no task rows", path=path, line=HEADER_LINES + 1)
    _check_layout(text, table_text(label, title, tasks), path, tasks)
    return label, title, tasks


def table_text(label: str, title: str, tasks: tuple[Task, ...]) -> str:
    """The one layout of a source table (``source.write`` regenerates it from the graph)."""
    lines = [label, title, *(f"\t{heading}" for heading in HEADINGS), ""]
    for task in tasks:
        departments = DEPARTMENT_SEPARATOR.join(task.departments)
        lines += [f"\t{task.number}", f"\t{task.text}", f"\t{departments}", ""]
    return "\n".join(lines) + "\n\n"


def _check_layout(text: str, canonical: str, path: Path | str, tasks: tuple[Task, ...]) -> None:
    """Refuse a table that would not come back byte for byte (extra blank lines, no final ones)."""
    if text == canonical:
        return
    given, wanted = text.split("\n"), canonical.split("\n")
    line = next(
        (n for n, (a, b) in enumerate(zip(given, wanted, strict=False), 1) if a != b),
        min(len(given), len(wanted)),
    )
    task = next((t.number for t in reversed(tasks) if t.line <= line), None)
    raise SourceError(
        "the table's layout is not the canonical one (one blank line between rows, two line "
        "breaks after the last row), so it would not round-trip byte for byte",
        path=path,
        line=line,
        task=task,
    )


#: Keys of a source's metadata file, in documentation order (data/source/README.md).
METADATA_KEYS = (
    "slug",
    "title_en",
    "coverage_zh",
    "coverage_en",
    "spatial",
    "spatial_evidence",
    "note_zh",
    "note_en",
)
ABSOLUTE_HTTP_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+\Z")


def metadata_path(source: Path) -> Path:
    """The optional metadata file beside a source: same stem, ``.json``."""
    return source.with_suffix(".json")


def read_metadata(source: Path) -> dict[str, str]:
    """The source's metadata (slug, English title, notes); empty when there is none."""
    meta = metadata_path(source)
    if not meta.exists():
        return {}
    try:
        value = json.loads(meta.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise SourceError(
            f"metadata is not valid UTF-8 JSON ({error})", path=meta, line=line
        ) from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SourceError("metadata must be a JSON object of strings", path=meta)
    unknown = sorted(set(value) - set(METADATA_KEYS))
    if unknown:
        raise SourceError(
            f"metadata has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known keys: {', '.join(METADATA_KEYS)}",
            path=meta,
        )
    spatial = value.get("spatial")
    if spatial is not None and not ABSOLUTE_HTTP_IRI.match(spatial):
        raise SourceError(
            f"metadata 'spatial' {spatial!r} is not an absolute http(s) IRI", path=meta
        )
    if (spatial is None) != ("spatial_evidence" not in value):
        raise SourceError(
            "metadata 'spatial' and 'spatial_evidence' go together: an authority IRI for the "
            "place the list covers, and the evidence that the IRI names that place",
            path=meta,
        )
    return value


def _slug(path: Path) -> str:
    slug = read_metadata(path).get("slug", path.stem.lower())
    if not SLUG_PATTERN.match(slug):
        raise SourceError(
            f"list slug {slug!r} is not ASCII lower-case [a-z0-9-]; "
            f"name the file accordingly or give a 'slug' in {metadata_path(path).name}",
            path=path,
        )
    return slug


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceError(
            "file starts with a byte-order mark; save it as UTF-8 without BOM", path=path, line=1
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            path=path,
            line=line,
        ) from None


def _check_characters(lines: list[str], path: Path | str) -> None:
    for number, line in enumerate(lines, start=1):
        if "\r" in line:
            raise SourceError("carriage return found; use LF line endings", path=path, line=number)
        bad = CONTROL_CHARACTERS.search(line)
        if bad:
            raise SourceError(
                f"control character U+{ord(bad.group()):04X} in the text", path=path, line=number
            )


def _header(lines: list[str], path: Path | str) -> tuple[str, str]:
    if len(lines) < HEADER_LINES:
        raise SourceError("file is too short for a task-list table", path=path, line=len(lines))
    label, title = lines[0], lines[1]
    if not label.strip():
        raise SourceError("line 1 must hold the attachment label (e.g. 附件2)", path=path, line=1)
    if not title.strip():
        raise SourceError("line 2 must hold the list's title", path=path, line=2)
    for offset, heading in enumerate(HEADINGS, start=3):
        if lines[offset - 1] != "\t" + heading:
            raise SourceError(
                f"expected the column heading '\\t{heading}', found {lines[offset - 1]!r}",
                path=path,
                line=offset,
            )
    if lines[5] != "":
        raise SourceError("expected a blank line after the headings", path=path, line=6)
    return label, title


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Groups of consecutive non-blank lines after the header, with their first line number."""
    block: list[str] = []
    start = 0
    for index in range(HEADER_LINES, len(lines)):
        line = lines[index]
        if line == "":
            if block:
                yield start, block
                block = []
            continue
        if not block:
            start = index + 1
        block.append(line)
    if block:
        yield start, block


def _cell(line: str, path: Path | str, number: int, task: int | None, what: str) -> str:
    if not line.startswith("\t"):
        raise SourceError(
            f"the {what} cell must start with a tab", path=path, line=number, task=task
        )
    value = line[1:]
    if not value.strip():
        raise SourceError(f"the {what} cell is empty", path=path, line=number, task=task)
    if value != value.strip():
        raise SourceError(
            f"the {what} cell has leading or trailing spaces", path=path, line=number, task=task
        )
    return value


def _tasks(lines: list[str], path: Path | str) -> Iterator[Task]:
    seen: dict[int, int] = {}
    expected = 1
    for start, block in _blocks(lines):
        number = _task_number(block[0], path, start, seen, expected)
        if len(block) < 3:
            missing = "责任部门 (departments)" if len(block) == 2 else "政策内容 and 责任部门"
            raise SourceError(
                f"the row has no {missing} cell",
                path=path,
                line=start + len(block) - 1,
                task=number,
            )
        if len(block) > 3:
            raise SourceError(
                "the row has more than three cells (序号, 政策内容, 责任部门); "
                "separate rows with a blank line",
                path=path,
                line=start + 3,
                task=number,
            )
        text = _cell(block[1], path, start + 1, number, "政策内容 (policy content)")
        departments = _cell(block[2], path, start + 2, number, "责任部门 (departments)")
        seen[number] = start
        expected = number + 1
        yield Task(
            number=number,
            text=text,
            measures=_measures(text, path, start + 1, number),
            departments=_departments(departments, path, start + 2, number),
            line=start,
        )


def _task_number(
    line: str, path: Path | str, number: int, seen: dict[int, int], expected: int
) -> int:
    raw = _cell(line, path, number, None, "序号 (task number)")
    if not raw.isascii() or not raw.isdigit():
        raise SourceError(f"task number {raw!r} is not a whole number", path=path, line=number)
    value = int(raw)
    if raw != str(value):  # "01" would build task 1 and break the byte-for-byte round trip
        raise SourceError(
            f"task number {raw!r} is not written canonically; write {value}",
            path=path,
            line=number,
            task=value,
        )
    if value in seen:
        raise SourceError(
            f"task number {value} repeats the task at line {seen[value]}",
            path=path,
            line=number,
            task=value,
        )
    if value != expected:
        raise SourceError(
            f"expected task number {expected}, found {value} (numbers must run 1, 2, 3, … "
            "without gaps)",
            path=path,
            line=number,
            task=value,
        )
    return value


def _split_cell(
    cell: str, separator: str, empty: str, path: Path | str, line: int, task: int
) -> list[str]:
    """A cell's parts at ``separator``; an empty part is an error (``empty``: its message, with
    ``{position}``)."""
    parts = cell.split(separator)
    for position, part in enumerate(parts, start=1):
        if not part.strip():
            raise SourceError(empty.format(position=position), path=path, line=line, task=task)
    return parts


def _measures(text: str, path: Path | str, line: int, task: int) -> tuple[Measure, ...]:
    empty = "measure {position} is empty (two '；' in a row, or a '；' at an end)"
    parts = _split_cell(text, MEASURE_SEPARATOR, empty, path, line, task)
    return tuple(Measure(number=i, text=part) for i, part in enumerate(parts, start=1))


def _departments(cell: str, path: Path | str, line: int, task: int) -> tuple[str, ...]:
    empty = "department name {position} is empty (between '、')"
    names = _split_cell(cell, DEPARTMENT_SEPARATOR, empty, path, line, task)
    for name in names:
        if name != name.strip():
            raise SourceError(
                f"department name {name!r} has spaces around it", path=path, line=line, task=task
            )
    if len(set(names)) != len(names):
        raise SourceError(
            "a department is listed twice in one row", path=path, line=line, task=task
        )
    return tuple(names)
