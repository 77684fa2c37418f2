"""Expected results of every catalogue query, computed WITHOUT SPARQL.

The route is independent of the queries and of the built dataset: task lists come from the
parser (``hngraph.parse.parse_file`` on ``data/source/*.txt``), organisations from the
curated registry and ontology Turtle files read triple by triple, translations from
``data/translations/*.tsv``, IRIs from the rules in ``docs/model.md``. Each function returns
the rows, in the documented order, as plain terms (so datatypes and languages are checked).
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from hngraph.rdf.terms import IRI, XSD_BOOLEAN, XSD_INTEGER, Term, literal
from hngraph.source.parse import parse_file
from hngraph.source.records import TaskList

BASE = "https://w3id.org/hngraph/"
ID = BASE + "id/"
HN = BASE + "def/"
ORG = "http://www.w3.org/ns/org#"
LEAD = ID + "concept/role/lead"
SUPPORTING = ID + "concept/role/supporting"
FINANCE = ID + "org/hunan-finance-department"
SASAC = ID + "org/hunan-state-owned-assets-commission"
MONEY = ("经费", "拨款", "财政", "补助", "补贴", "债券", "学费", "税费", "激励", "金融")
KEYWORDS = (
    ("building", "建设"),
    ("building", "创建"),
    ("building", "建立"),
    ("drafting", "研究制定"),
    ("drafting", "制定"),
    ("drafting", "出台"),
    ("implementing", "实施"),
    ("implementing", "落实"),
    ("implementing", "推进"),
    ("implementing", "开展"),
    ("improving", "完善"),
    ("improving", "健全"),
    ("improving", "深化"),
    ("supporting", "支持"),
    ("supporting", "激励"),
)

Row = tuple[Term | None, ...]


def iri(value: str) -> IRI:
    return IRI(value)


def zh(text: str) -> Term:
    return literal(text, language="zh")


def en(text: str) -> Term:
    return literal(text, language="en")


def integer(number: int) -> Term:
    return literal(str(number), XSD_INTEGER)


def boolean(value: bool) -> Term:
    return literal("true" if value else "false", XSD_BOOLEAN)


def list_iri(slug: str) -> str:
    return f"{ID}list/{slug}"


def task_iri(slug: str, number: int) -> str:
    return f"{list_iri(slug)}/task/{number}"


def slug_of(task: str) -> str:
    """The list slug of a task IRI (``id/list/{list}/task/{n}``)."""
    return task[len(ID + "list/") :].split("/", 1)[0]


def wanted(params: dict[str, str], slug: str) -> bool:
    """Whether a row of list ``slug`` belongs in the answer (the optional ``list`` parameter)."""
    return "list" not in params or params["list"] == list_iri(slug)


@dataclass
class Organisation:
    """What the registry says about one organisation."""

    iri: str
    name_zh: str = ""
    name_en: str = ""
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    parent: str | None = None
    members: list[str] = field(default_factory=list)
    division_code: str | None = None
    collective: bool = False


@dataclass(frozen=True)
class Listing:
    """One entry of a department cell: task, rank, spelling and organisation."""

    slug: str
    task: int
    rank: int
    name: str
    org: str

    @property
    def role(self) -> str:
        return LEAD if self.rank == 1 else SUPPORTING

    @property
    def task_iri(self) -> str:
        return task_iri(self.slug, self.task)


KNOWLEDGE_FILES = {
    "areas.tsv": ("AreaAssignment", "area", "policy-area"),
    "initiatives.tsv": ("InitiativeMention", "initiative", "initiative"),
    "actions.tsv": ("ActionClassification", "action", "action-type"),
    "deliverables.tsv": ("DeliverableClassification", "deliverable", "deliverable-type"),
    "levels.tsv": ("LevelMention", "level", "education-level"),
    "framework-links.tsv": ("FrameworkLink", "component", ""),
    "target-years.tsv": ("TargetYearStatement", "year", None),
}
MAPPINGS = tuple(
    str(SKOS) + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
ISCED = "https://w3id.org/kim/isced-2011/"
NATIONAL_SCHEME = ID + "scheme/national-vet-reform-plan"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


@dataclass(frozen=True)
class Judgement:
    """One row of a data/knowledge/*.tsv file."""

    kind: str  # class name, e.g. AreaAssignment
    slug: str
    task: int
    measure: int | None
    value: str  # concept IRI, or the year
    evidence: str

    @property
    def task_iri(self) -> str:
        return task_iri(self.slug, self.task)

    @property
    def target(self) -> str:
        if self.measure is None:
            return self.task_iri
        return f"{self.task_iri}/measure/{self.measure}"


class World:
    """Parsed task lists plus curated reference data.

    ``sources``: the source files the dataset was built from (default: every
    ``data/source/*.txt``, as ``hngraph build`` without ``--source``).
    """

    def __init__(self, root: Path, sources: Sequence[Path] | None = None) -> None:
        if sources is None:
            sources = sorted((root / "data" / "source").glob("*.txt"))
        self.lists: list[TaskList] = [parse_file(path) for path in sources]
        graph = Graph()
        graph.parse(root / "data" / "registry" / "organisations.ttl", format="turtle")
        graph.parse(root / "data" / "knowledge" / "lineage.ttl", format="turtle")
        for path in sorted((root / "ontology").glob("*.ttl")):
            graph.parse(path, format="turtle")
        self.graph = graph
        self.orgs = self._organisations(graph)
        self.alias = {alias: org.iri for org in self.orgs.values() for alias in org.aliases}
        self.translations = self._translations(root / "data" / "translations")
        self.listings = [
            Listing(task_list.slug, task.number, rank, name, self.alias[name])
            for task_list in self.lists
            for task in task_list.tasks
            for rank, name in enumerate(task.departments, start=1)
        ]
        self.tasks = {
            task_iri(task_list.slug, task.number): (task_list, task)
            for task_list in self.lists
            for task in task_list.tasks
        }
        slugs = {task_list.slug for task_list in self.lists}
        self.judgements = [
            j for j in self._judgements(root / "data" / "knowledge") if j.slug in slugs
        ]

    @staticmethod
    def _organisations(graph: Graph) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        for subject in set(graph.subjects(RDF.type, URIRef(ORG + "Organization"))):
            org = Organisation(str(subject))
            for label in graph.objects(subject, SKOS.prefLabel):
                assert isinstance(label, Literal)
                if label.language == "zh":
                    org.name_zh = str(label)
                elif label.language == "en":
                    org.name_en = str(label)
            org.aliases = sorted(str(a) for a in graph.objects(subject, SKOS.altLabel))
            kind = graph.value(subject, URIRef(ORG + "classification"))
            org.kind = str(kind) if kind is not None else None
            parent = graph.value(subject, URIRef(ORG + "subOrganizationOf"))
            org.parent = str(parent) if parent is not None else None
            org.members = sorted(str(m) for m in graph.objects(subject, URIRef(ORG + "hasMember")))
            code = graph.value(subject, URIRef(HN + "divisionCode"))
            org.division_code = str(code) if code is not None else None
            org.collective = (subject, RDF.type, URIRef(HN + "CollectiveOfGovernments")) in graph
            orgs[org.iri] = org
        return orgs

    @staticmethod
    def _translations(folder: Path) -> dict[tuple[str, int, int], str]:
        found = {}
        for path in sorted(folder.glob("*.en.tsv")):
            slug = path.name.removesuffix(".en.tsv")
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    found[(slug, int(row["task"]), int(row["measure"]))] = row["en"]
        return found

    @staticmethod
    def _judgements(folder: Path) -> list[Judgement]:
        found = []
        for file, (kind, column, scheme) in KNOWLEDGE_FILES.items():
            with (folder / file).open(encoding="utf-8", newline="") as handle:
                rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                for row in rows:
                    if row["list"].startswith("#") or not row["task"]:
                        continue
                    value = row[column]
                    if scheme is None:  # a target year
                        concept = value
                    elif scheme == "":  # a framework component, written {scheme}/{slug}
                        concept = f"{ID}concept/{value}"
                    else:
                        concept = f"{ID}concept/{scheme}/{value}"
                    measure = int(row["measure"]) if row["measure"] else None
                    found.append(
                        Judgement(
                            kind, row["list"], int(row["task"]), measure, concept, row["evidence"]
                        )
                    )
        return found

    def objects(self, subject: str, predicate: str) -> list[str]:
        return sorted(str(o) for o in self.graph.objects(URIRef(subject), URIRef(predicate)))

    def tops(self, concept: str) -> set[str]:
        """The top concepts above (or equal to) ``concept`` along skos:broader."""
        seen, todo, tops = set(), [concept], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if self.objects(current, str(SKOS.topConceptOf)):
                tops.add(current)
            todo += self.objects(current, str(SKOS.broader))
        return tops

    def narrower_or_self(self, concept: str) -> set[str]:
        found, todo = set(), [concept]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo += [str(s) for s in self.graph.subjects(SKOS.broader, URIRef(current))]
        return found

    def target_text(self, judgement: Judgement) -> str:
        record = self.tasks[judgement.task_iri][1]
        if judgement.measure is None:
            return record.text
        return record.measures[judgement.measure - 1].text

    def lead(self, task: str) -> str:
        return self.listings_of(task)[0].org

    def label_zh(self, concept: str) -> str:
        for label in self.graph.objects(URIRef(concept), SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == "zh":
                return str(label)
        raise KeyError(f"no @zh prefLabel for {concept}")

    def label_en(self, concept: str) -> Term | None:
        """The @en prefLabel (None where there is none: the queries read it as OPTIONAL)."""
        for label in self.graph.objects(URIRef(concept), SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == "en":
                return en(str(label))
        return None

    def name(self, org: str) -> Term:
        return zh(self.orgs[org].name_zh)

    def name_en(self, org: str) -> Term | None:
        text = self.orgs[org].name_en
        return en(text) if text else None

    def tasks_of(self, org: str) -> set[str]:
        return {listing.task_iri for listing in self.listings if listing.org == org}

    def listings_of(self, task: str) -> list[Listing]:
        return sorted((x for x in self.listings if x.task_iri == task), key=lambda x: x.rank)

    def text(self, task: str) -> str:
        return self.tasks[task][1].text

    def number(self, task: str) -> int:
        return self.tasks[task][1].number

    def ordered_tasks(self, params: dict[str, str]) -> list[str]:
        """Task IRIs of the wanted lists, by list IRI then task number."""
        found = [t for t in self.tasks if wanted(params, slug_of(t))]
        return sorted(found, key=lambda t: (list_iri(slug_of(t)), self.number(t)))

    def ordered_listings(self, params: dict[str, str]) -> list[Listing]:
        """Listings of the wanted lists, by list IRI, task number, then rank."""
        found = [x for x in self.listings if wanted(params, x.slug)]
        return sorted(found, key=lambda x: (list_iri(x.slug), x.task, x.rank))

    def ordered_measures(self, params: dict[str, str]) -> list[tuple[str, int, int, str]]:
        """``measures()`` of the wanted lists, by list IRI, task number, then measure number."""
        found = [r for r in self.measures() if wanted(params, slug_of(r[0]))]
        return sorted(found, key=lambda r: (list_iri(slug_of(r[0])), r[1], r[2]))

    def measures(self) -> Iterable[tuple[str, int, int, str]]:
        """(task IRI, task number, measure number, text) for every measure."""
        for task_list in self.lists:
            for task in task_list.tasks:
                for measure in task.measures:
                    yield (
                        task_iri(task_list.slug, task.number),
                        task.number,
                        measure.number,
                        (measure.text),
                    )


def _named_orgs(world: World) -> list[str]:
    return sorted({listing.org for listing in world.listings})


def department_workload(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for org in _named_orgs(world):
        mine = [x for x in world.listings if x.org == org]
        lead = len({x.task_iri for x in mine if x.rank == 1})
        supporting = len({x.task_iri for x in mine if x.rank > 1})
        total = len({x.task_iri for x in mine})
        rows.append(
            (
                iri(org),
                world.name(org),
                world.name_en(org),
                integer(lead),
                integer(supporting),
                integer(total),
            )
        )
    return sorted(rows, key=lambda r: (-int(r[5].value), r[1].value, r[0].value))


def co_responsibility(world: World, params: dict[str, str]) -> list[Row]:
    shared: Counter[tuple[str, str]] = Counter()
    for task in world.tasks:
        orgs = sorted({x.org for x in world.listings_of(task)})
        for i, a in enumerate(orgs):
            for b in orgs[i + 1 :]:
                shared[(a, b)] += 1
    rows = [
        (
            iri(a),
            world.name(a),
            world.name_en(a),
            iri(b),
            world.name(b),
            world.name_en(b),
            integer(n),
        )
        for (a, b), n in shared.items()
    ]
    return sorted(
        rows, key=lambda r: (-int(r[6].value), r[1].value, r[4].value, r[0].value, r[3].value)
    )


def never_lead(world: World, params: dict[str, str]) -> list[Row]:
    leaders = {x.org for x in world.listings if x.rank == 1}
    rows = []
    for org in _named_orgs(world):
        if org in leaders:
            continue
        count = len({x.task_iri for x in world.listings if x.org == org and x.rank > 1})
        rows.append((iri(org), world.name(org), world.name_en(org), integer(count)))
    return sorted(rows, key=lambda r: (-int(r[3].value), r[1].value, r[0].value))


def tasks_by_department(world: World, params: dict[str, str]) -> list[Row]:
    org = params["department"]
    rows = {
        (iri(list_iri(x.slug)), integer(x.task), iri(x.role), zh(world.text(x.task_iri)))
        for x in world.listings
        if x.org == org and wanted(params, x.slug)
    }
    return sorted(rows, key=lambda r: (r[0].value, int(r[1].value), r[2].value))


def supported_not_led(world: World, params: dict[str, str]) -> list[Row]:
    org = params["department"]
    rows = []
    for task in world.ordered_tasks(params):
        cell = world.listings_of(task)
        lead = cell[0].org
        if lead != org and any(x.org == org for x in cell[1:]):
            rows.append(
                (
                    iri(list_iri(slug_of(task))),
                    integer(world.number(task)),
                    iri(lead),
                    world.name(lead),
                    world.name_en(lead),
                    zh(world.text(task)),
                )
            )
    return rows


def task_detail(world: World, params: dict[str, str]) -> list[Row]:
    number = int(params["task_number"])
    rows: list[Row] = []
    for task in world.ordered_tasks(params):
        task_list, record = world.tasks[task]
        slug = task_list.slug
        if record.number != number:
            continue
        english = [world.translations.get((slug, number, m.number)) for m in record.measures]
        translated = None not in english  # a list without translations has no English facts
        facts: list[tuple[str, int, Term]] = [
            ("list", 1, iri(list_iri(slug))),
            ("text_zh", 1, zh(record.text)),
        ]
        if translated:
            facts.append(("text_en", 1, en("; ".join(str(text) for text in english))))
        facts.append(("source_line", 1, integer(record.line)))
        facts += [("measure_zh", m.number, zh(m.text)) for m in record.measures]
        if translated:
            facts += [
                ("measure_en", m.number, en(str(text)))
                for m, text in zip(record.measures, english, strict=True)
            ]
        cell = world.listings_of(task)
        facts.append(("lead", 1, iri(cell[0].org)))
        facts += [("supporting", x.rank, iri(x.org)) for x in cell[1:]]
        facts += [("name_as_written", x.rank, zh(x.name)) for x in cell]
        order = [f[0] for f in facts]
        ranked = sorted(facts, key=lambda f: (order.index(f[0]), f[1], f[2].value))
        rows += [
            (iri(list_iri(slug)), iri(task), literal(fact), integer(pos), value)
            for fact, pos, value in ranked
        ]
    return rows


def local_government_tasks(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for x in world.ordered_listings(params):
        org = world.orgs[x.org]
        if org.collective:
            rows.append(
                (
                    iri(list_iri(x.slug)),
                    integer(x.task),
                    iri(x.org),
                    world.name(x.org),
                    world.name_en(x.org),
                    iri(x.role),
                    integer(len(org.members)),
                    zh(world.text(x.task_iri)),
                )
            )
    return rows


def search_measures(world: World, params: dict[str, str]) -> list[Row]:
    needle = params["text"]
    return [
        (iri(list_iri(slug_of(task))), integer(n), integer(m), iri(f"{task}/measure/{m}"), zh(text))
        for task, n, m, text in world.ordered_measures(params)
        if needle in text
    ]


def departments_by_kind(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for org in _named_orgs(world):
        kind = world.orgs[org].kind
        assert kind is not None, org
        count = len(world.tasks_of(org))
        rows.append(
            (
                iri(kind),
                zh(world.label_zh(kind)),
                world.label_en(kind),
                iri(org),
                world.name(org),
                world.name_en(org),
                integer(count),
            )
        )
    return sorted(rows, key=lambda r: (r[1].value, r[0].value, r[4].value, r[3].value))


def parent_body_workload(world: World, params: dict[str, str]) -> list[Row]:
    groups: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    for x in world.listings:
        parent = world.orgs[x.org].parent or x.org
        groups[parent].add((x.org, x.task_iri, 1 if x.rank == 1 else 2))
    rows = []
    for parent, entries in groups.items():
        rows.append(
            (
                iri(parent),
                world.name(parent),
                world.name_en(parent),
                integer(len({e[0] for e in entries})),
                integer(sum(1 for e in entries if e[2] == 1)),
                integer(sum(1 for e in entries if e[2] == 2)),
                integer(len(entries)),
                integer(len({e[1] for e in entries})),
            )
        )
    return sorted(rows, key=lambda r: (-int(r[6].value), r[1].value, r[0].value))


def task_size(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for task in world.ordered_tasks(params):
        record = world.tasks[task][1]
        rows.append(
            (
                iri(list_iri(slug_of(task))),
                integer(record.number),
                iri(task),
                integer(len(record.measures)),
                integer(len(record.departments)),
            )
        )
    return rows


def lead_support_pairs(world: World, params: dict[str, str]) -> list[Row]:
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for task in world.tasks:
        cell = world.listings_of(task)
        for x in cell[1:]:
            if x.org != cell[0].org:
                pairs[(cell[0].org, x.org)].add(task)
    rows = [
        (
            iri(a),
            world.name(a),
            world.name_en(a),
            iri(b),
            world.name(b),
            world.name_en(b),
            integer(len(tasks)),
        )
        for (a, b), tasks in pairs.items()
    ]
    return sorted(
        rows, key=lambda r: (-int(r[6].value), r[1].value, r[4].value, r[0].value, r[3].value)
    )


def _mentions_money(text: str) -> bool:
    return any(word in text for word in MONEY)


def finance_department_tasks(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for x in world.ordered_listings(params):
        if x.org != FINANCE:
            continue
        record = world.tasks[x.task_iri][1]
        funding = sum(1 for m in record.measures if _mentions_money(m.text))
        rows.append(
            (
                iri(list_iri(x.slug)),
                integer(x.task),
                iri(x.role),
                integer(len(record.departments)),
                integer(funding),
                zh(record.text),
            )
        )
    return rows


def funding_measures(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for task, number, m, text in world.ordered_measures(params):
        if not _mentions_money(text):
            continue
        roles = [x.role for x in world.listings_of(task) if x.org == FINANCE]
        role = iri(roles[0]) if roles else None
        rows.append((iri(list_iri(slug_of(task))), integer(number), integer(m), role, zh(text)))
    return rows


def soe_related_tasks(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for task in world.ordered_tasks(params):
        text = world.text(task)
        mentions = "国有企业" in text or "国企" in text
        roles = [x.role for x in world.listings_of(task) if x.org == SASAC]
        if mentions or roles:
            role = iri(roles[0]) if roles else None
            rows.append(
                (
                    iri(list_iri(slug_of(task))),
                    integer(world.number(task)),
                    boolean(mentions),
                    role,
                    zh(text),
                )
            )
    return rows


def measures_by_keyword(world: World, params: dict[str, str]) -> list[Row]:
    texts = [text for _, _, _, text in world.measures()]
    rows = [
        (literal(family), literal(keyword), integer(sum(1 for t in texts if keyword in t)))
        for family, keyword in KEYWORDS
    ]
    return sorted(rows, key=lambda r: (r[0].value, r[1].value))


def department_partners(world: World, params: dict[str, str]) -> list[Row]:
    org = params["department"]
    own = world.tasks_of(org)
    led = {x.task_iri for x in world.listings if x.org == org and x.rank == 1}
    partners: dict[str, set[str]] = defaultdict(set)
    for x in world.listings:
        if x.task_iri in own and x.org != org:
            partners[x.org].add(x.task_iri)
    rows = [
        (iri(p), world.name(p), world.name_en(p), integer(len(tasks)), integer(len(tasks & led)))
        for p, tasks in partners.items()
    ]
    return sorted(rows, key=lambda r: (-int(r[3].value), r[1].value, r[0].value))


def single_department_tasks(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for task in world.ordered_tasks(params):
        orgs = {x.org for x in world.listings_of(task)}
        if len(orgs) == 1:
            org = orgs.pop()
            rows.append(
                (
                    iri(list_iri(slug_of(task))),
                    integer(world.number(task)),
                    iri(org),
                    world.name(org),
                    world.name_en(org),
                    zh(world.text(task)),
                )
            )
    return rows


def department_count_distribution(world: World, params: dict[str, str]) -> list[Row]:
    counts = Counter(len(record.departments) for _, record in world.tasks.values())
    return [(integer(n), integer(counts[n])) for n in sorted(counts)]


def _english_title(task_list: TaskList) -> Term | None:
    """``title_en`` of the JSON file beside the source (``data/source/README.md``)."""
    beside = task_list.source.with_suffix(".json")
    if not beside.exists():
        return None
    title = json.loads(beside.read_text(encoding="utf-8")).get("title_en")
    return en(title) if title else None


def list_summary(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for task_list in sorted(world.lists, key=lambda t: t.slug):
        mine = [x for x in world.listings if x.slug == task_list.slug]
        rows.append(
            (
                iri(f"{ID}list/{task_list.slug}"),
                zh(task_list.title),
                _english_title(task_list),
                integer(len(task_list.tasks)),
                integer(sum(len(t.measures) for t in task_list.tasks)),
                integer(len({x.org for x in mine})),
                integer(len(mine)),
            )
        )
    return rows


def organisation_aliases(world: World, params: dict[str, str]) -> list[Row]:
    written = Counter((x.org, x.name) for x in world.listings)
    rows = [
        (
            iri(org.iri),
            zh(org.name_zh),
            en(org.name_en),
            zh(alias),
            integer(written[(org.iri, alias)]),
        )
        for org in world.orgs.values()
        for alias in org.aliases
    ]
    return sorted(rows, key=lambda r: (r[1].value, r[3].value, r[0].value))


def collective_members(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for org in world.orgs.values():
        if not org.collective:
            continue
        for member in org.members:
            code = world.orgs[member].division_code
            assert code is not None, member
            rows.append(
                (
                    iri(org.iri),
                    zh(org.name_zh),
                    world.name_en(org.iri),
                    iri(member),
                    world.name(member),
                    world.name_en(member),
                    literal(code),
                )
            )
    return sorted(rows, key=lambda r: (r[0].value, r[6].value, r[3].value))


def tasks_by_organisation_kind(world: World, params: dict[str, str]) -> list[Row]:
    kind = params["kind"]
    return [
        (
            iri(list_iri(x.slug)),
            integer(x.task),
            iri(x.org),
            world.name(x.org),
            world.name_en(x.org),
            iri(x.role),
            zh(world.text(x.task_iri)),
        )
        for x in world.ordered_listings(params)
        if world.orgs[x.org].kind == kind
    ]


def _of(world: World, kind: str, params: dict[str, str] | None = None) -> list[Judgement]:
    return [j for j in world.judgements if j.kind == kind and wanted(params or {}, j.slug)]


def _measure(j: Judgement) -> Term | None:
    return None if j.measure is None else integer(j.measure)


def tasks_by_policy_area(world: World, params: dict[str, str]) -> list[Row]:
    areas = world.narrower_or_self(params["area"])
    rows = [
        (
            j,
            (
                iri(list_iri(j.slug)),
                integer(j.task),
                _measure(j),
                iri(j.value),
                zh(world.label_zh(j.value)),
                world.label_en(j.value),
                zh(j.evidence),
                zh(world.target_text(j)),
            ),
        )
        for j in _of(world, "AreaAssignment", params)
        if j.value in areas
    ]
    rows.sort(
        key=lambda r: (list_iri(r[0].slug), r[0].task, r[0].measure or 0, r[0].value, r[0].evidence)
    )
    return [row for _, row in rows]


def _task_tops(world: World) -> set[tuple[str, str]]:
    """(top area, task) for every area assignment on a task or one of its measures."""
    return {(top, j.task_iri) for j in _of(world, "AreaAssignment") for top in world.tops(j.value)}


def area_department_matrix(world: World, params: dict[str, str]) -> list[Row]:
    facts = {
        (area, task, x.org, x.role)
        for area, task in _task_tops(world)
        for x in world.listings_of(task)
    }
    cells: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for area, task, org, role in facts:
        cells[(area, org)].append((task, role))
    rows = [
        (
            iri(area),
            zh(world.label_zh(area)),
            world.label_en(area),
            iri(org),
            world.name(org),
            world.name_en(org),
            integer(len({t for t, _ in entries})),
            integer(sum(1 for _, r in entries if r == LEAD)),
        )
        for (area, org), entries in cells.items()
    ]
    return sorted(
        rows, key=lambda r: (r[1].value, r[0].value, -int(r[6].value), r[4].value, r[3].value)
    )


def deliverables(world: World, params: dict[str, str]) -> list[Row]:
    found = sorted(
        _of(world, "DeliverableClassification", params),
        key=lambda j: (list_iri(j.slug), j.task, j.measure or 0, j.value, j.evidence),
    )
    return [
        (
            iri(list_iri(j.slug)),
            integer(j.task),
            _measure(j),
            iri(j.value),
            zh(world.label_zh(j.value)),
            world.label_en(j.value),
            zh(j.evidence),
            iri(world.lead(j.task_iri)),
            world.name(world.lead(j.task_iri)),
            world.name_en(world.lead(j.task_iri)),
        )
        for j in found
    ]


def target_years(world: World, params: dict[str, str]) -> list[Row]:
    found = sorted(
        _of(world, "TargetYearStatement", params),
        key=lambda j: (list_iri(j.slug), j.value, j.task, j.measure or 0),
    )
    return [
        (
            iri(list_iri(j.slug)),
            literal(j.value, XSD_GYEAR),
            integer(j.task),
            _measure(j),
            zh(j.evidence),
            iri(world.lead(j.task_iri)),
            world.name(world.lead(j.task_iri)),
            world.name_en(world.lead(j.task_iri)),
        )
        for j in found
    ]


def initiatives_by_area(world: World, params: dict[str, str]) -> list[Row]:
    tops = _task_tops(world)
    facts = {
        (area, j.value, j.task_iri)
        for j in _of(world, "InitiativeMention")
        for area, task in tops
        if task == j.task_iri
    }
    counts = Counter((area, initiative) for area, initiative, _ in facts)
    rows = []
    for (area, initiative), n in counts.items():
        (kind,) = world.objects(initiative, "http://purl.org/dc/terms/type")
        rows.append(
            (
                iri(area),
                zh(world.label_zh(area)),
                world.label_en(area),
                iri(initiative),
                zh(world.label_zh(initiative)),
                world.label_en(initiative),
                iri(kind),
                integer(n),
            )
        )
    return sorted(rows, key=lambda r: (r[1].value, r[0].value, r[4].value, r[3].value, r[6].value))


def education_levels(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    levels = world.graph.subjects(RDF.type, URIRef(HN + "EducationLevel"))
    for level in sorted(str(x) for x in levels):
        tasks = {j.task_iri for j in _of(world, "LevelMention") if j.value == level}
        links = sorted(
            (mapping, target)
            for mapping in MAPPINGS
            for target in world.objects(level, mapping)
            if target.startswith(ISCED)
        )
        for mapping, target in links or [(None, None)]:
            rows.append(
                (
                    iri(level),
                    zh(world.label_zh(level)),
                    world.label_en(level),
                    iri(mapping) if mapping else None,
                    iri(target) if target else None,
                    integer(len(tasks)),
                )
            )
    return rows


def _components(world: World) -> list[str]:
    found = [str(c) for c in world.graph.subjects(SKOS.inScheme, URIRef(NATIONAL_SCHEME))]

    def key(component: str) -> tuple[int, int, str]:
        (notation,) = world.objects(component, str(SKOS.notation))
        return (0 if "/part-" in component else 1, int(notation[1:]), component)

    return sorted(found, key=key)


def national_crosswalk(world: World, params: dict[str, str]) -> list[Row]:
    rows = []
    for component in _components(world):
        tasks = {j.task_iri for j in _of(world, "FrameworkLink") if j.value == component}
        (notation,) = world.objects(component, str(SKOS.notation))
        rows.append(
            (
                iri(component),
                zh(world.label_zh(component)),
                world.label_en(component),
                literal(notation),
                integer(len(tasks)),
            )
        )
    return rows


def uncovered_national_measures(world: World, params: dict[str, str]) -> list[Row]:
    linked = {j.value for j in _of(world, "FrameworkLink")}
    return [row[:4] for row in national_crosswalk(world, params) if row[0].value not in linked]


def reorganised_departments(world: World, params: dict[str, str]) -> list[Row]:
    named = {x.org for x in world.listings}
    rows = []
    for event in world.graph.subjects(RDF.type, URIRef(ORG + "ChangeEvent")):
        (original,) = world.objects(str(event), ORG + "originalOrganization")
        if original not in named:
            continue
        for successor in world.objects(str(event), ORG + "resultingOrganization"):
            (date,) = world.objects(str(event), "http://purl.org/dc/terms/date")
            for source in world.objects(str(event), "http://purl.org/dc/terms/source"):
                rows.append(
                    (
                        iri(original),
                        world.name(original),
                        world.name_en(original),
                        iri(successor),
                        zh(world.label_zh(successor)),
                        world.label_en(successor),
                        literal(date, XSD_DATE),
                        iri(source),
                        integer(len(world.tasks_of(original))),
                    )
                )
    return sorted(rows, key=lambda r: (r[6].value, r[1].value, r[0].value, r[3].value, r[7].value))


def task_judgements(world: World, params: dict[str, str]) -> list[Row]:
    number = int(params["task_number"])
    found = sorted(
        (j for j in world.judgements if j.task == number and wanted(params, j.slug)),
        key=lambda j: (list_iri(j.slug), j.measure or 0, HN + j.kind, j.value, j.evidence),
    )
    rows = []
    for j in found:
        label_en: Term | None
        if j.kind == "TargetYearStatement":
            value, label, label_en = literal(j.value, XSD_GYEAR), literal(j.value), literal(j.value)
        else:
            value, label = iri(j.value), zh(world.label_zh(j.value))
            label_en = world.label_en(j.value)
        rows.append(
            (
                iri(list_iri(j.slug)),
                iri(j.target),
                _measure(j),
                iri(HN + j.kind),
                value,
                label,
                label_en,
                zh(j.evidence),
            )
        )
    return rows


def measures_by_action_type(world: World, params: dict[str, str]) -> list[Row]:
    delivering = {j.target for j in _of(world, "DeliverableClassification")}
    measures: dict[str, set[str]] = defaultdict(set)
    for j in _of(world, "ActionClassification"):
        measures[j.value].add(j.target)
    rows = [
        (
            iri(action),
            zh(world.label_zh(action)),
            world.label_en(action),
            integer(len(found)),
            integer(len(found & delivering)),
        )
        for action, found in measures.items()
    ]
    return sorted(rows, key=lambda r: (-int(r[3].value), r[1].value, r[0].value))


EXPECTED: dict[str, Callable[[World, dict[str, str]], list[Row]]] = {
    "co-responsibility": co_responsibility,
    "collective-members": collective_members,
    "department-count-distribution": department_count_distribution,
    "department-partners": department_partners,
    "department-workload": department_workload,
    "departments-by-kind": departments_by_kind,
    "finance-department-tasks": finance_department_tasks,
    "funding-measures": funding_measures,
    "lead-support-pairs": lead_support_pairs,
    "list-summary": list_summary,
    "local-government-tasks": local_government_tasks,
    "measures-by-keyword": measures_by_keyword,
    "never-lead": never_lead,
    "organisation-aliases": organisation_aliases,
    "parent-body-workload": parent_body_workload,
    "search-measures": search_measures,
    "single-department-tasks": single_department_tasks,
    "soe-related-tasks": soe_related_tasks,
    "supported-not-led": supported_not_led,
    "task-detail": task_detail,
    "task-size": task_size,
    "tasks-by-department": tasks_by_department,
    "tasks-by-organisation-kind": tasks_by_organisation_kind,
    # knowledge layer
    "area-department-matrix": area_department_matrix,
    "deliverables": deliverables,
    "education-levels": education_levels,
    "initiatives-by-area": initiatives_by_area,
    "measures-by-action-type": measures_by_action_type,
    "national-crosswalk": national_crosswalk,
    "reorganised-departments": reorganised_departments,
    "target-years": target_years,
    "task-judgements": task_judgements,
    "tasks-by-policy-area": tasks_by_policy_area,
    "uncovered-national-measures": uncovered_national_measures,
}
