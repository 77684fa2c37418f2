"""The tabular release's tables, read from the site graph: one row per thing, values as stated.

Every cell is a value of the dataset (an IRI, a literal's text, a number) or a count derived from
it; nothing is worded here except the tables' and columns' own titles and descriptions. Rows are
ordered by list, task number, then position, so the files are byte-stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from hngraph.publish import facts
from hngraph.publish.graph import SiteGraph
from hngraph.publish.terms import (
    ALT_LABEL,
    COMMENT,
    HN_HAS_MEASURE,
    HN_HAS_TASK,
    HN_MEASURE_NUMBER,
    HN_NAME_AS_WRITTEN,
    HN_ORGANIZATION,
    HN_RANK,
    HN_RESPONSIBILITY,
    HN_ROLE,
    HN_TASK_NUMBER,
    HN_TEXT,
    HN_TRANSLATION,
    MEASURE,
    TASK_LIST,
)
from hngraph.rdf.convert import term_key
from hngraph.rdf.serialize import iri
from hngraph.vocab import DEF, ORG_NS, RDFS_NS

Value = str | int | None

HN_SOURCE_LINE = iri(DEF + "sourceLine")
HN_ATTACHMENT = iri(DEF + "attachmentLabel")
HN_TASK_LIST = iri(DEF + "taskList")
HN_TARGET = iri(DEF + "target")
HN_CONCEPT = iri(DEF + "concept")
HN_EVIDENCE = iri(DEF + "evidence")
HN_TARGET_YEAR = iri(DEF + "targetYear")
JUDGEMENT = iri(DEF + "Judgement")
AREA_ASSIGNMENT = iri(DEF + "AreaAssignment")
ORGANIZATION = iri(ORG_NS + "Organization")
ORG_CLASSIFICATION = iri(ORG_NS + "classification")
ORG_PARENT = iri(ORG_NS + "subOrganizationOf")
HN_DIVISION_CODE = iri(DEF + "divisionCode")
SUBCLASS_OF = iri(RDFS_NS + "subClassOf")
TITLE = iri("http://purl.org/dc/terms/title")

#: Separator of list-valued cells (an organisation's source spellings); it occurs in no name.
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One column: its name, datatype (an XSD local name), language and meaning."""

    name: str
    title_zh: str
    title_en: str
    description: str
    datatype: str = "string"  # string, integer, anyURI, gYear
    lang: str | None = None  # language of the text (zh or en)
    required: bool = False
    separator: str | None = None  # list-valued: items joined with this


@dataclass(frozen=True)
class ForeignKey:
    """``column`` holds the key of a row of ``table``."""

    column: str
    table: str


@dataclass
class Table:
    """A table with its rows; the first column is the primary key (an IRI)."""

    name: str
    title_zh: str
    title_en: str
    description: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    search: tuple[str, ...] = ()  # columns with full-text search in SQLite
    label: str = ""  # the column datasette shows for a row's key
    rows: list[tuple[Value, ...]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The primary-key column."""
        return self.columns[0].name

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _iri_column(name: str, zh: str, en: str, description: str, required: bool = True) -> Column:
    return Column(name, zh, en, description, "anyURI", required=required)


def _text(name: str, zh: str, en: str, description: str, lang: str) -> Column:
    return Column(name, zh, en, description, lang=lang)


def _int_column(name: str, zh: str, en: str, description: str, required: bool = True) -> Column:
    return Column(name, zh, en, description, "integer", required=required)


def _labels(prefix: str, zh: str, en: str, what: str) -> tuple[Column, Column]:
    return (
        _text(
            f"{prefix}_zh", f"{zh}（中文）", f"{en} (Chinese)", f"Chinese label of the {what}", "zh"
        ),
        _text(
            f"{prefix}_en", f"{zh}（英文）", f"{en} (English)", f"English label of the {what}", "en"
        ),
    )


def _int(site: SiteGraph, node: ox.NamedNode, predicate: ox.NamedNode) -> int | None:
    text = site.literal(node, predicate)
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


def _node(site: SiteGraph, node: ox.NamedNode, predicate: ox.NamedNode) -> ox.NamedNode | None:
    found = [o for o in site.objects(node, predicate) if isinstance(o, ox.NamedNode)]
    return found[0] if found else None


def _iri(node: ox.NamedNode | None) -> str | None:
    return node.value if node is not None else None


def _label(site: SiteGraph, node: ox.NamedNode | None, lang: str) -> str | None:
    return site.label(node, lang) if node is not None else None


def task_lists(site: SiteGraph) -> Table:
    """Each task list."""
    table = Table(
        "task_lists",
        "任务清单",
        "Task lists",
        "Each policy task list: its title and attachment label as written in the source.",
        (
            _iri_column("iri", "IRI", "IRI", "The task list's IRI"),
            _text("title_zh", "标题", "Title", "The list's title, verbatim from the source", "zh"),
            _text("label_en", "英文名称", "English name", "The list's English name", "en"),
            _text("attachment_label", "附件标注", "Attachment label", "Line 1 of the source", "zh"),
            _int_column("tasks", "任务数", "Tasks", "Number of tasks in the list"),
        ),
        label="title_zh",
    )
    for node in _named(site.instances(TASK_LIST)):
        table.rows.append(
            (
                node.value,
                site.literal(node, TITLE, "zh"),
                site.label(node, "en"),
                site.literal(node, HN_ATTACHMENT),
                len(site.objects(node, HN_HAS_TASK)),
            )
        )
    return table


def tasks(site: SiteGraph) -> Table:
    """Each task with its text, translation and lead department."""
    table = Table(
        "tasks",
        "任务",
        "Tasks",
        "Each task (one row of the source table): its number, its text verbatim, this project's "
        "unofficial English translation and its lead department (the first listed).",
        (
            _iri_column("iri", "IRI", "IRI", "The task's IRI"),
            _iri_column("task_list", "任务清单", "Task list", "The list the task belongs to"),
            _int_column("task_number", "序号", "Number", "The task's number (序号) in its list"),
            _text("text_zh", "政策内容", "Text", "The 政策内容 cell, verbatim", "zh"),
            _text(
                "text_en",
                "英文译文",
                "English translation",
                "This project's unofficial English translation",
                "en",
            ),
            _iri_column(
                "lead_department",
                "牵头部门",
                "Lead department",
                "The first-listed department (by the list's convention it leads)",
                required=False,
            ),
            *_labels("lead_department", "牵头部门", "Lead department", "lead department"),
            _int_column("departments", "责任部门数", "Departments", "Departments listed"),
            _int_column("measures", "举措数", "Measures", "Measures (举措) of the task"),
            _int_column(
                "source_line",
                "来源行号",
                "Source line",
                "Line of the 序号 cell in the source file",
                required=False,
            ),
        ),
        foreign_keys=(
            ForeignKey("task_list", "task_lists"),
            ForeignKey("lead_department", "organisations"),
        ),
        search=("text_zh", "text_en"),
        label="text_zh",
    )
    for node in facts.tasks(site):
        lead = _node(site, node, facts.LEAD)
        table.rows.append(
            (
                node.value,
                _iri(_node(site, node, HN_TASK_LIST)),
                _int(site, node, HN_TASK_NUMBER),
                site.literal(node, HN_TEXT, "zh"),
                site.literal(node, HN_TRANSLATION, "en"),
                _iri(lead),
                _label(site, lead, "zh"),
                _label(site, lead, "en"),
                len(site.objects(node, HN_RESPONSIBILITY)),
                len(site.objects(node, HN_HAS_MEASURE)),
                _int(site, node, HN_SOURCE_LINE),
            )
        )
    return table


def _measures_of(site: SiteGraph, task: ox.NamedNode) -> list[ox.NamedNode]:
    found = _named(site.objects(task, HN_HAS_MEASURE))
    return sorted(found, key=lambda m: (_int(site, m, HN_MEASURE_NUMBER) or 0, m.value))


def measures(site: SiteGraph) -> Table:
    """Each measure (举措) with its text and translation."""
    table = Table(
        "measures",
        "举措",
        "Measures",
        "Each measure (举措): a task's text split at '；', kept verbatim, with this project's "
        "unofficial English translation.",
        (
            _iri_column("iri", "IRI", "IRI", "The measure's IRI"),
            _iri_column("task", "任务", "Task", "The task the measure belongs to"),
            _int_column("task_number", "任务序号", "Task number", "The task's number in its list"),
            _int_column(
                "measure_number",
                "举措序号",
                "Measure number",
                "The measure's place in its task",
            ),
            _text("text_zh", "举措内容", "Text", "The measure's text, verbatim", "zh"),
            _text(
                "text_en",
                "英文译文",
                "English translation",
                "This project's unofficial English translation",
                "en",
            ),
        ),
        foreign_keys=(ForeignKey("task", "tasks"),),
        search=("text_zh", "text_en"),
        label="text_zh",
    )
    for task in facts.tasks(site):
        number = _int(site, task, HN_TASK_NUMBER)
        for node in _measures_of(site, task):
            table.rows.append(
                (
                    node.value,
                    task.value,
                    number,
                    _int(site, node, HN_MEASURE_NUMBER),
                    site.literal(node, HN_TEXT, "zh"),
                    site.literal(node, HN_TRANSLATION, "en"),
                )
            )
    return table


def responsibilities(site: SiteGraph) -> Table:
    """Each entry of a task's department cell: organisation, role, rank, spelling."""
    table = Table(
        "responsibilities",
        "责任分工",
        "Responsibilities",
        "Each department named in a task's 责任部门 cell: the organisation, its role (lead for the "
        "first listed, supporting for the others, by the list's convention), its position in the "
        "cell and the name as written.",
        (
            _iri_column("iri", "IRI", "IRI", "The responsibility's IRI"),
            _iri_column("task", "任务", "Task", "The task"),
            _int_column("task_number", "任务序号", "Task number", "The task's number in its list"),
            _int_column("rank", "位次", "Rank", "Position in the 责任部门 cell (1 = first listed)"),
            _iri_column("role", "角色", "Role", "Lead (牵头) or supporting (配合)"),
            *_labels("role", "角色", "Role", "role"),
            _iri_column("organisation", "部门", "Organisation", "The organisation"),
            *_labels("organisation", "部门", "Organisation", "organisation (official name)"),
            _text(
                "name_as_written",
                "原文名称",
                "Name as written",
                "The department's name as written in the source",
                "zh",
            ),
        ),
        foreign_keys=(ForeignKey("task", "tasks"), ForeignKey("organisation", "organisations")),
        label="name_as_written",
    )
    for task in facts.tasks(site):
        number = _int(site, task, HN_TASK_NUMBER)
        nodes = _named(site.objects(task, HN_RESPONSIBILITY))
        for node in sorted(nodes, key=lambda r: (_int(site, r, HN_RANK) or 0, r.value)):
            role = _node(site, node, HN_ROLE)
            organisation = _node(site, node, HN_ORGANIZATION)
            table.rows.append(
                (
                    node.value,
                    task.value,
                    number,
                    _int(site, node, HN_RANK),
                    _iri(role),
                    _label(site, role, "zh"),
                    _label(site, role, "en"),
                    _iri(organisation),
                    _label(site, organisation, "zh"),
                    _label(site, organisation, "en"),
                    site.literal(node, HN_NAME_AS_WRITTEN, "zh"),
                )
            )
    return table


def organisations(site: SiteGraph) -> Table:
    """Each organisation of the registry, with its workload across the lists."""
    table = Table(
        "organisations",
        "机构",
        "Organisations",
        "Each organisation of the curated registry: official names, kind, parent body, the "
        "spellings used in the lists, and how many tasks it leads and supports.",
        (
            _iri_column("iri", "IRI", "IRI", "The organisation's IRI"),
            *_labels("name", "名称", "Name", "organisation (official name)"),
            _iri_column("kind", "机构类型", "Kind", "The organisation's kind", required=False),
            *_labels("kind", "机构类型", "Kind", "kind"),
            _iri_column(
                "parent", "上级机构", "Parent body", "The body it belongs to", required=False
            ),
            Column(
                "division_code",
                "行政区划代码",
                "Division code",
                "GB/T 2260 code of the division it governs",
            ),
            Column(
                "names_as_written",
                "原文名称",
                "Names as written",
                f"Every spelling of it in the source lists, separated by '{LIST_SEPARATOR}'",
                lang="zh",
                separator=LIST_SEPARATOR,
            ),
            _int_column("tasks_led", "牵头任务数", "Tasks led", "Tasks it is listed first for"),
            _int_column(
                "tasks_supported", "配合任务数", "Tasks supported", "Tasks it is listed after first"
            ),
            _int_column("tasks_total", "任务总数", "Tasks", "Tasks it is responsible for"),
        ),
        label="name_zh",
    )
    load = {w.organisation: w for w in facts.workload(site)}
    for node in _named(site.instances(ORGANIZATION)):
        kind = _node(site, node, ORG_CLASSIFICATION)
        spellings = sorted(
            v.value
            for v in site.objects(node, ALT_LABEL)
            if isinstance(v, ox.Literal) and v.language == "zh"
        )
        work = load.get(node)
        table.rows.append(
            (
                node.value,
                site.label(node, "zh"),
                site.label(node, "en"),
                _iri(kind),
                _label(site, kind, "zh"),
                _label(site, kind, "en"),
                _iri(_node(site, node, ORG_PARENT)),
                site.literal(node, HN_DIVISION_CODE),
                LIST_SEPARATOR.join(spellings) or None,
                work.lead if work else 0,
                work.supporting if work else 0,
                work.total if work else 0,
            )
        )
    return table


def _target_columns() -> tuple[Column, ...]:
    return (
        _iri_column("target", "对象", "Target", "The task or measure the judgement is about"),
        _iri_column("task", "任务", "Task", "The task (the target or the target's task)"),
        _int_column("task_number", "任务序号", "Task number", "The task's number in its list"),
        _int_column(
            "measure_number",
            "举措序号",
            "Measure number",
            "The measure's number when the target is a measure (empty for a task)",
            required=False,
        ),
    )


def _target_cells(site: SiteGraph, target: ox.NamedNode | None) -> tuple[Value, ...]:
    if target is None:
        return (None, None, None, None)
    if MEASURE in site.types(target):
        task = _node(site, target, facts.TASK_OF)
        number = _int(site, target, HN_MEASURE_NUMBER)
    else:
        task, number = target, None
    task_number = _int(site, task, HN_TASK_NUMBER) if task is not None else None
    return (target.value, _iri(task), task_number, number)


def _judgement_order(site: SiteGraph, node: ox.NamedNode) -> tuple:
    target = _node(site, node, HN_TARGET)
    _, task, task_number, measure = _target_cells(site, target)
    head = str(task).rsplit("/task/", 1)[0]
    return (head, task_number or 0, measure or 0, node.value)


def judgement_kinds(site: SiteGraph) -> list[ox.NamedNode]:
    """Every subclass of ``hn:Judgement`` the ontology declares, sorted by IRI."""
    return sorted(_named(site.subjects_with(SUBCLASS_OF, JUDGEMENT)), key=term_key)


def judgements(site: SiteGraph) -> Table:
    """Every judgement of the knowledge layer, with what it assigns and its evidence."""
    table = Table(
        "judgements",
        "判断",
        "Judgements",
        "Every judgement of the knowledge layer (policy area, initiative, action, deliverable, "
        "education level, national framework link, target year) with the verbatim phrase that "
        "supports it.",
        (
            _iri_column("iri", "IRI", "IRI", "The judgement's IRI"),
            _iri_column("kind", "判断类型", "Kind", "The judgement's class"),
            *_labels("kind", "判断类型", "Kind", "judgement's class"),
            *_target_columns(),
            _iri_column(
                "concept",
                "概念",
                "Concept",
                "The concept it assigns (empty for a target year)",
                required=False,
            ),
            *_labels("concept", "概念", "Concept", "concept"),
            Column("target_year", "目标年份", "Target year", "The year stated", "gYear"),
            _text(
                "evidence",
                "依据",
                "Evidence",
                "The phrase of the target's text that supports the judgement, verbatim",
                "zh",
            ),
            _text("note_en", "说明", "Note", "The curator's note, if any", "en"),
        ),
        foreign_keys=(ForeignKey("task", "tasks"),),
        search=("evidence",),
        label="iri",
    )
    kinds = judgement_kinds(site)
    nodes = {n for kind in kinds for n in _named(site.instances(kind))}
    for node in sorted(nodes, key=lambda n: _judgement_order(site, n)):
        kind = next(k for k in kinds if k in site.types(node))
        concept = _node(site, node, HN_CONCEPT)
        table.rows.append(
            (
                node.value,
                kind.value,
                site.label(kind, "zh"),
                site.label(kind, "en"),
                *_target_cells(site, _node(site, node, HN_TARGET)),
                _iri(concept),
                _label(site, concept, "zh"),
                _label(site, concept, "en"),
                site.literal(node, HN_TARGET_YEAR),
                site.literal(node, HN_EVIDENCE, "zh"),
                site.literal(node, COMMENT, "en"),
            )
        )
    return table


def area_assignments(site: SiteGraph) -> Table:
    """The policy-area judgements, each with the area and its top-level area."""
    table = Table(
        "policy_area_assignments",
        "政策领域归类",
        "Policy-area assignments",
        "Each assignment of a task or measure to a policy area (a judgement of the knowledge "
        "layer), with the top-level area it rolls up to (skos:broader) and its evidence.",
        (
            _iri_column("iri", "IRI", "IRI", "The assignment's IRI"),
            *_target_columns(),
            _iri_column("area", "政策领域", "Policy area", "The policy area assigned"),
            *_labels("area", "政策领域", "Policy area", "policy area"),
            _iri_column("top_area", "一级领域", "Top-level area", "The top-level area above it"),
            *_labels("top_area", "一级领域", "Top-level area", "top-level area"),
            _text("evidence", "依据", "Evidence", "The supporting phrase, verbatim", "zh"),
        ),
        foreign_keys=(ForeignKey("task", "tasks"), ForeignKey("iri", "judgements")),
        label="area_zh",
    )
    nodes = _named(site.instances(AREA_ASSIGNMENT))
    for node in sorted(nodes, key=lambda n: _judgement_order(site, n)):
        area = _node(site, node, HN_CONCEPT)
        top = facts.broader_chain(site, area)[-1] if area is not None else None
        table.rows.append(
            (
                node.value,
                *_target_cells(site, _node(site, node, HN_TARGET)),
                _iri(area),
                _label(site, area, "zh"),
                _label(site, area, "en"),
                _iri(top),
                _label(site, top, "zh"),
                _label(site, top, "en"),
                site.literal(node, HN_EVIDENCE, "zh"),
            )
        )
    return table


def _named(terms: Iterable[object]) -> list[ox.NamedNode]:
    return sorted((t for t in terms if isinstance(t, ox.NamedNode)), key=term_key)


def build_tables(site: SiteGraph) -> list[Table]:
    """Every table of the tabular release, in release order."""
    return [
        task_lists(site),
        tasks(site),
        measures(site),
        responsibilities(site),
        organisations(site),
        area_assignments(site),
        judgements(site),
    ]


__all__: Sequence[str] = ("Column", "ForeignKey", "Table", "build_tables")
