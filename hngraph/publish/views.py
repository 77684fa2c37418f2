"""What each page shows, as plain data for the templates (no HTML here).

Every text reaches the page through Jinja2 autoescaping; hrefs come from ``Linker`` and are either
relative paths of the release or absolute http(s) URLs, never another scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from hngraph.publish import facts
from hngraph.publish.graph import SiteGraph
from hngraph.publish.jsonld import site_context
from hngraph.publish.links import Linker, site_path
from hngraph.publish.mappings import CONCEPT_MAPPINGS
from hngraph.publish.order import display_key
from hngraph.publish.targets import TargetLabels
from hngraph.publish.terms import (
    HN_HAS_MEASURE,
    HN_HAS_TASK,
    HN_MEASURE_NUMBER,
    HN_NAME_AS_WRITTEN,
    HN_ORGANIZATION,
    HN_RANK,
    HN_RESPONSIBILITY,
    HN_ROLE,
    HN_TEXT,
    HN_TRANSLATION,
    SKOS_DEFINITION,
    SKOS_IN_SCHEME,
    SKOS_NOTE,
)
from hngraph.rdf.serialize import (
    RDF_TYPE,
    XSD_STRING,
    Term,
    compact,
    iri,
    jsonld_for_html,
    term_key,
)
from hngraph.vocab import DCTERMS_NS, DEF, ORG_NS, OWL_NS, RDF_NS, RDFS_NS, SKOS_NS

ORG_HAS_MEMBER = iri(ORG_NS + "hasMember")
MAPPING_PROPERTIES = tuple(iri(value) for value in CONCEPT_MAPPINGS)

#: Labels of common terms from other vocabularies (their files are not part of the dataset).
KNOWN_TERMS: dict[str, tuple[str, str]] = {
    RDF_NS + "type": ("类型", "type"),
    RDFS_NS + "label": ("标签", "label"),
    RDFS_NS + "comment": ("说明", "comment"),
    RDFS_NS + "subClassOf": ("上位类", "subclass of"),
    RDFS_NS + "subPropertyOf": ("上位属性", "subproperty of"),
    RDFS_NS + "domain": ("定义域", "domain"),
    RDFS_NS + "range": ("值域", "range"),
    RDFS_NS + "isDefinedBy": ("定义于", "is defined by"),
    RDFS_NS + "seeAlso": ("参见", "see also"),
    SKOS_NS + "prefLabel": ("首选标签", "preferred label"),
    SKOS_NS + "altLabel": ("别名", "alternative label"),
    SKOS_NS + "definition": ("定义", "definition"),
    SKOS_NS + "inScheme": ("所属概念体系", "in scheme"),
    SKOS_NS + "topConceptOf": ("顶层概念所属体系", "top concept of"),
    SKOS_NS + "hasTopConcept": ("顶层概念", "has top concept"),
    SKOS_NS + "broader": ("上位概念", "broader"),
    SKOS_NS + "narrower": ("下位概念", "narrower"),
    SKOS_NS + "editorialNote": ("编辑说明", "editorial note"),
    SKOS_NS + "closeMatch": ("近似匹配", "close match"),
    SKOS_NS + "exactMatch": ("精确匹配", "exact match"),
    SKOS_NS + "broadMatch": ("上位匹配", "broad match"),
    SKOS_NS + "narrowMatch": ("下位匹配", "narrow match"),
    SKOS_NS + "relatedMatch": ("相关匹配", "related match"),
    SKOS_NS + "notation": ("标记符", "notation"),
    SKOS_NS + "Concept": ("概念", "concept"),
    SKOS_NS + "ConceptScheme": ("概念体系", "concept scheme"),
    DCTERMS_NS + "title": ("题名", "title"),
    DCTERMS_NS + "description": ("描述", "description"),
    DCTERMS_NS + "source": ("来源", "source"),
    DCTERMS_NS + "license": ("许可", "licence"),
    DCTERMS_NS + "rights": ("权利说明", "rights"),
    DCTERMS_NS + "publisher": ("发布者", "publisher"),
    DCTERMS_NS + "hasPart": ("包含", "has part"),
    DCTERMS_NS + "coverage": ("覆盖范围", "coverage"),
    DCTERMS_NS + "format": ("格式", "format"),
    ORG_NS + "Organization": ("组织机构", "organisation"),
    ORG_NS + "FormalOrganization": ("正式组织", "formal organisation"),
    ORG_NS + "hasMember": ("成员", "has member"),
    ORG_NS + "subOrganizationOf": ("上级机构", "sub-organisation of"),
    ORG_NS + "classification": ("机构类别", "classification"),
    OWL_NS + "Class": ("类", "class"),
    OWL_NS + "ObjectProperty": ("对象属性", "object property"),
    OWL_NS + "DatatypeProperty": ("数据属性", "datatype property"),
    OWL_NS + "Ontology": ("本体", "ontology"),
    OWL_NS + "versionInfo": ("版本", "version"),
}
ROLE_NAMES = {"lead": ("牵头", "lead"), "supporting": ("配合", "supporting")}


@dataclass(frozen=True)
class Value:
    """One value on a page: a link or a text, with an English gloss for links."""

    text: str
    href: str | None = None
    lang: str | None = None
    en: str | None = None
    note: str | None = None  # datatype or full IRI, shown small
    no_en: bool = False  # an English name was expected but the data has none: say so


@dataclass(frozen=True)
class Row:
    """A property and its values."""

    prop: Value
    values: list[Value]


@dataclass(frozen=True)
class TextBlock:
    """A text in Chinese with its English alongside."""

    title_zh: str
    title_en: str
    zh: str | None
    en: str | None
    kind: str = "text"


@dataclass(frozen=True)
class TableBlock:
    """A table whose cells are lists of values."""

    title_zh: str
    title_en: str
    headers: list[tuple[str, str]]
    rows: list[list[list[Value]]]
    kind: str = "table"


@dataclass(frozen=True)
class TreeNode:
    """One concept in a hierarchy, with the concepts below it."""

    value: Value
    children: list[TreeNode]
    current: bool = False  # the concept whose page this is
    more: int = 0  # concepts below it that the tree does not show


@dataclass(frozen=True)
class TreeBlock:
    """A broader/narrower hierarchy (as Skosmos shows it)."""

    title_zh: str
    title_en: str
    roots: list[TreeNode]
    kind: str = "tree"


Block = TextBlock | TableBlock | TreeBlock


@dataclass
class ResourceView:
    """Everything a resource page shows."""

    path: str
    iri: str
    title_zh: str
    title_en: str
    types: list[Value]
    blocks: list[Block] = field(default_factory=list)
    statements: list[Row] = field(default_factory=list)
    inbound: list[Row] = field(default_factory=list)
    jsonld: str = ""


class Viewer:
    """Builds views of one site graph for pages linked by one ``Linker``."""

    def __init__(
        self, site: SiteGraph, linker: Linker, targets: TargetLabels | None = None
    ) -> None:
        self.site = site
        self.linker = linker
        self.targets = targets or {}

    # --- values ------------------------------------------------------------------------

    def href(self, node: Term) -> str | None:
        """Href of a node: our page if we describe it, an http(s) IRI, else none."""
        if not isinstance(node, ox.NamedNode):
            return None
        path = site_path(node.value)
        if path is not None:
            return self.linker.page(path) if self.site.has(node) else None
        return self.linker.resource(node.value)

    def names(self, node: Term) -> tuple[str, str | None]:
        """Chinese (or best) name and English name of a node."""
        if isinstance(node, ox.NamedNode) and node.value in KNOWN_TERMS and not self.site.has(node):
            known_zh, known_en = KNOWN_TERMS[node.value]
            return known_zh, known_en
        zh = self.site.label(node, "zh")
        en = self.site.label(node, "en")
        if zh is None and node is not None and isinstance(node, ox.NamedNode):
            known = KNOWN_TERMS.get(node.value)
            if known:
                return known[0], en or known[1]
        fallback = compact(node.value) if isinstance(node, ox.NamedNode) else str(node)
        return zh or en or fallback, en if zh else None

    def value(self, node: Term) -> Value:
        """A node as a page value."""
        if isinstance(node, ox.Literal):
            note = f"@{node.language}" if node.language else None
            if not node.language and node.datatype != XSD_STRING:
                note = compact(node.datatype.value)
            return Value(node.value, lang=node.language or None, note=note)
        if isinstance(node, ox.NamedNode) and node.value in self.targets:
            return self.target(node)
        zh, en = self.names(node)
        full = node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"
        return Value(zh, href=self.href(node), lang="zh" if zh != full else None, en=en, note=full)

    def target(self, node: ox.NamedNode) -> Value:
        """A term of another vocabulary: its label from ``data/targets/labels.tsv`` with the IRI
        beside it, or the IRI written out in full when no label is recorded."""
        labels = self.targets.get(node.value, {})
        href = self.href(node)
        if "zh" in labels:
            return Value(labels["zh"], href, "zh", labels.get("en"), node.value)
        if "en" in labels:
            return Value(labels["en"], href, "en", None, node.value)
        return Value(node.value, href)

    def short(self, node: Term) -> Value:
        """A node by its Chinese name alone, the English name as the link title."""
        zh, en = self.names(node)
        return Value(zh, href=self.href(node), lang="zh", note=en)

    def link(self, node: Term) -> list[Value]:
        """A cell holding one node."""
        return [self.value(node)]

    def named(self, node: Term) -> Value:
        """A node of ours with its English name, or a mark that the data has none."""
        value = self.value(node)
        return Value(value.text, value.href, value.lang, value.en, value.note, value.en is None)

    # --- pages ---------------------------------------------------------------------------

    def resource(self, node: ox.NamedNode) -> ResourceView:
        """The view of one resource page."""
        site = self.site
        zh, en = self.names(node)
        view = ResourceView(
            path=site_path(node.value) or "",
            iri=node.value,
            title_zh=zh,
            title_en=en or "",
            types=[self.value(t) for t in site.types(node)],
        )
        type_values = {t.value for t in site.types(node)}
        if DEF + "Task" in type_values:
            view.blocks.extend(self._task_blocks(node))
        elif DEF + "Measure" in type_values or DEF + "Responsibility" in type_values:
            view.blocks.extend(self._text_blocks(node))
        elif DEF + "TaskList" in type_values:
            view.blocks.extend(self._list_blocks(node))
        elif ORG_NS + "Organization" in type_values:
            view.blocks.extend(self._organisation_blocks(node))
        elif SKOS_NS + "ConceptScheme" in type_values:
            view.blocks.extend(self._scheme_blocks(node))
        elif type_values & {SKOS_NS + "Concept", DEF + "PolicyArea", DEF + "Role"}:
            view.blocks.extend(self._concept_blocks(node))
        else:
            view.blocks.extend(self._text_blocks(node))
        view.statements = self.rows(site.by_subject.get(node, ()), outbound=True)
        view.inbound = self.rows(site.by_object.get(node, ()), outbound=False)
        # the release's terms (site_context), embedded: the page reads offline
        view.jsonld = jsonld_for_html(site.resource_triples(node), site_context(site))
        return view

    def rows(self, triples: object, *, outbound: bool) -> list[Row]:
        grouped: dict[ox.NamedNode, list[Term]] = {}
        for triple in triples:  # type: ignore[attr-defined]
            grouped.setdefault(triple.predicate, []).append(
                triple.object if outbound else triple.subject
            )
        rows = []
        for predicate in sorted(grouped, key=lambda p: (p != RDF_TYPE, term_key(p))):
            values = sorted(set(grouped[predicate]), key=display_key)
            rows.append(Row(self.value(predicate), [self.value(v) for v in values]))
        return rows

    def _text_blocks(self, node: ox.NamedNode) -> list[Block]:
        site = self.site
        blocks: list[Block] = []
        zh = site.literal(node, HN_TEXT, "zh")
        en = site.literal(node, HN_TRANSLATION, "en")
        if zh or en:
            blocks.append(TextBlock("原文", "Text (English: unofficial translation)", zh, en))
        definition_zh = site.literal(node, SKOS_DEFINITION, "zh")
        definition_en = site.literal(node, SKOS_DEFINITION, "en")
        if definition_zh or definition_en:
            blocks.append(TextBlock("定义", "Definition", definition_zh, definition_en))
        note_zh = site.literal(node, SKOS_NOTE, "zh")
        note_en = site.literal(node, SKOS_NOTE, "en")
        if note_zh or note_en:
            blocks.append(TextBlock("说明", "Note", note_zh, note_en))
        description_zh = site.literal(node, iri(DCTERMS_NS + "description"), "zh")
        description_en = site.literal(node, iri(DCTERMS_NS + "description"), "en")
        if description_zh or description_en:
            blocks.append(TextBlock("描述", "Description", description_zh, description_en))
        return blocks

    def _task_blocks(self, task: ox.NamedNode) -> list[Block]:
        site = self.site
        blocks = self._text_blocks(task)
        measures = [m for m in site.objects(task, HN_HAS_MEASURE) if isinstance(m, ox.NamedNode)]
        measures.sort(key=lambda m: _int(site.literal(m, HN_MEASURE_NUMBER)))
        blocks.append(
            TableBlock(
                "举措",
                "Measures",
                [("编号", "No."), ("举措", "Measure"), ("英文（非官方）", "English (unofficial)")],
                [
                    [
                        [Value(site.literal(m, HN_MEASURE_NUMBER) or "", href=self.href(m))],
                        [Value(site.literal(m, HN_TEXT, "zh") or "", lang="zh")],
                        [Value(site.literal(m, HN_TRANSLATION, "en") or "", lang="en")],
                    ]
                    for m in measures
                ],
            )
        )
        holders = [r for r in site.objects(task, HN_RESPONSIBILITY) if isinstance(r, ox.NamedNode)]
        holders.sort(key=lambda r: _int(site.literal(r, HN_RANK)))
        rows = []
        for holder in holders:
            organisation = site.value(holder, HN_ORGANIZATION)
            role = site.value(holder, HN_ROLE)
            rows.append(
                [
                    [Value(site.literal(holder, HN_RANK) or "", href=self.href(holder))],
                    self.link(organisation) if organisation else [],
                    self.link(role) if role else [],
                    [Value(site.literal(holder, HN_NAME_AS_WRITTEN) or "", lang="zh")],
                ]
            )
        if not rows:  # no qualified responsibilities: fall back on the direct properties
            for rank, organisation in enumerate(facts.responsible(site, task), start=1):
                role_name = ROLE_NAMES["lead" if rank == 1 else "supporting"]
                rows.append(
                    [
                        [Value(str(rank))],
                        self.link(organisation),
                        [Value(role_name[0], lang="zh", en=role_name[1])],
                        [],
                    ]
                )
        blocks.append(
            TableBlock(
                "责任部门",
                "Responsible departments",
                [
                    ("位次", "Rank"),
                    ("部门", "Department"),
                    ("角色", "Role"),
                    ("原文写法", "As written"),
                ],
                rows,
            )
        )
        areas = facts.areas_of(site, task)
        if areas:
            blocks.append(
                TableBlock(
                    "政策领域", "Policy areas", [("领域", "Area")], [[self.link(a)] for a in areas]
                )
            )
        return blocks

    def _task_table(self, title: tuple[str, str], task_nodes: list[ox.NamedNode]) -> TableBlock:
        site = self.site
        rows = []
        for task in task_nodes:
            rows.append(
                [
                    self.link(task),
                    [Value(site.literal(task, HN_TEXT, "zh") or "", lang="zh")],
                    [_english(site.literal(task, HN_TRANSLATION, "en"))],
                    [self.named(o) for o in facts.responsible(site, task)],
                ]
            )
        return TableBlock(
            title[0],
            title[1],
            [
                ("任务", "Task"),
                ("政策内容", "Policy content"),
                ("英文（非官方）", "English (unofficial)"),
                ("责任部门（首位牵头）", "Departments (lead first)"),
            ],
            rows,
        )

    def _list_blocks(self, node: ox.NamedNode) -> list[Block]:
        site = self.site
        task_nodes = [t for t in site.objects(node, HN_HAS_TASK) if isinstance(t, ox.NamedNode)]
        task_nodes.sort(key=lambda t: facts.task_sort_key(site, t))
        return [*self._text_blocks(node), self._task_table(("任务", "Tasks"), task_nodes)]

    def _organisation_blocks(self, node: ox.NamedNode) -> list[Block]:
        site = self.site
        led = [t for t in site.subjects_with(facts.LEAD, node) if isinstance(t, ox.NamedNode)]
        supported = [
            t for t in site.subjects_with(facts.SUPPORTING, node) if isinstance(t, ox.NamedNode)
        ]
        led.sort(key=lambda t: facts.task_sort_key(site, t))
        supported.sort(key=lambda t: facts.task_sort_key(site, t))
        blocks: list[Block] = [
            *self._text_blocks(node),
            self._task_table((f"牵头的任务（{len(led)}）", f"Tasks it leads ({len(led)})"), led),
            self._task_table(
                (f"配合的任务（{len(supported)}）", f"Tasks it supports ({len(supported)})"),
                supported,
            ),
        ]
        members = sorted(site.objects(node, ORG_HAS_MEMBER), key=display_key)
        if members:
            rows = [[self.link(member)] for member in members]
            blocks.append(TableBlock("成员", "Members", [("机构", "Organisation")], rows))
        return blocks

    def _scheme_blocks(self, node: ox.NamedNode) -> list[Block]:
        site = self.site
        concepts = sorted(
            (c for c in site.subjects_with(SKOS_IN_SCHEME, node) if isinstance(c, ox.NamedNode)),
            key=display_key,
        )
        rows = [
            [
                self.link(c),
                [Value(site.literal(c, SKOS_DEFINITION, "zh") or "", lang="zh")],
                [Value(site.literal(c, SKOS_DEFINITION, "en") or "", lang="en")],
            ]
            for c in concepts
        ]
        table = TableBlock(
            "概念",
            "Concepts",
            [("概念", "Concept"), ("定义", "Definition"), ("英文定义", "Definition (English)")],
            rows,
        )
        roots = [self._subtree(c, set(), None) for c in facts.top_concepts(site, node)]
        hierarchy = TreeBlock("层级", "Hierarchy", roots)
        return [*self._text_blocks(node), hierarchy, table]

    def _subtree(
        self, node: ox.NamedNode, seen: set[ox.NamedNode], current: ox.NamedNode | None
    ) -> TreeNode:
        """``node`` and everything below it; a concept met twice (a cycle) is not expanded."""
        seen = seen | {node}
        children = [c for c in facts.narrower(self.site, node) if c not in seen]
        return TreeNode(
            self.value(node),
            [self._subtree(c, seen, current) for c in children],
            current=node == current,
        )

    def _concept_tree(self, node: ox.NamedNode) -> TreeBlock:
        """The concept's place: the chain of broader concepts from the top, the concept, and the
        concepts directly below it."""
        site = self.site
        chain = list(reversed(facts.broader_chain(site, node)))
        below = [
            TreeNode(self.value(c), [], more=len(facts.narrower(site, c)))
            for c in facts.narrower(site, node)
            if c not in chain
        ]
        tree = TreeNode(self.value(node), below, current=True)
        for above in reversed(chain[:-1]):
            tree = TreeNode(self.value(above), [tree])
        return TreeBlock("层级", "Hierarchy", [tree])

    def _mapping_block(self, node: ox.NamedNode) -> TableBlock | None:
        """The concept's SKOS mappings to other vocabularies, with each target's label where
        ``data/targets/labels.tsv`` records one and its IRI in full."""
        rows = []
        for predicate in MAPPING_PROPERTIES:
            for target in self.site.objects(node, predicate):
                if not isinstance(target, ox.NamedNode):
                    continue
                known = target.value in self.targets
                label = self.target(target) if known else Value("—", note="无记录的标签 no label")
                rows.append(
                    [self.link(predicate), [label], [Value(target.value, self.href(target))]]
                )
        if not rows:
            return None
        return TableBlock(
            "映射",
            "Mappings",
            [("关系", "Relation"), ("目标", "Target"), ("IRI", "IRI")],
            rows,
        )

    def _concept_blocks(self, node: ox.NamedNode) -> list[Block]:
        blocks: list[Block] = [*self._text_blocks(node), self._concept_tree(node)]
        mappings = self._mapping_block(node)
        if mappings is not None:
            blocks.append(mappings)
        in_area = facts.tasks_in_area(self.site, node)
        if in_area:
            blocks.append(
                self._task_table(
                    (f"本领域的任务（{len(in_area)}）", f"Tasks in this area ({len(in_area)})"),
                    in_area,
                )
            )
        return blocks


def _english(text: str | None) -> Value:
    """An English text, or a visible mark that the data has none (never a made-up one)."""
    if text:
        return Value(text, lang="en")
    return Value("—", note="无英文译文 no English translation")


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 1 << 30
