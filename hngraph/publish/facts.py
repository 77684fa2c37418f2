"""Figures drawn from the graph for charts and pages: workload, co-responsibility, areas."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import pyoxigraph as ox

from hngraph.publish.graph import SiteGraph
from hngraph.publish.order import display_key
from hngraph.publish.terms import ALT_LABEL, HN_HAS_MEASURE, HN_TASK_NUMBER, SKOS_IN_SCHEME
from hngraph.rdf.convert import term_key
from hngraph.rdf.serialize import iri
from hngraph.vocab import DEF, SKOS_NS

TASK = iri(DEF + "Task")
POLICY_AREA = iri(DEF + "PolicyArea")
LEAD = iri(DEF + "leadDepartment")
SUPPORTING = iri(DEF + "supportingDepartment")
POLICY_AREA_OF = iri(DEF + "policyArea")
TASK_OF = iri(DEF + "task")
BROADER = iri(SKOS_NS + "broader")


@dataclass(frozen=True)
class Workload:
    """How many tasks an organisation leads and supports."""

    organisation: ox.NamedNode
    lead: int
    supporting: int

    @property
    def total(self) -> int:
        """Tasks it is responsible for in any role."""
        return self.lead + self.supporting


def tasks(site: SiteGraph) -> list[ox.NamedNode]:
    """Every task, ordered by list IRI then task number."""
    found = [t for t in site.instances(TASK) if isinstance(t, ox.NamedNode)]
    return sorted(found, key=lambda t: task_sort_key(site, t))


def task_sort_key(site: SiteGraph, task: ox.NamedNode) -> tuple[str, int, str]:
    """Order tasks by their list, then by number (not by IRI text, where 10 sorts before 2)."""
    number = site.literal(task, HN_TASK_NUMBER)
    head = task.value.rsplit("/task/", 1)[0]
    return (head, int(number) if number and number.isdigit() else 0, task.value)


def responsible(site: SiteGraph, task: ox.NamedNode) -> list[ox.NamedNode]:
    """The task's departments: lead first, then supporting ones."""
    found = [*site.objects(task, LEAD), *site.objects(task, SUPPORTING)]
    return [o for o in found if isinstance(o, ox.NamedNode)]


def workload(site: SiteGraph) -> list[Workload]:
    """Per organisation, tasks led and supported; busiest first, ties by IRI."""
    lead: Counter[ox.NamedNode] = Counter()
    supporting: Counter[ox.NamedNode] = Counter()
    for task in tasks(site):
        lead.update(o for o in site.objects(task, LEAD) if isinstance(o, ox.NamedNode))
        supporting.update(o for o in site.objects(task, SUPPORTING) if isinstance(o, ox.NamedNode))
    rows = [Workload(o, lead[o], supporting[o]) for o in {*lead, *supporting}]
    return sorted(rows, key=lambda w: (-w.total, -w.lead, w.organisation.value))


def co_responsibility(site: SiteGraph) -> dict[tuple[ox.NamedNode, ox.NamedNode], int]:
    """For each pair of organisations (in IRI order), the number of tasks they share."""
    pairs: Counter[tuple[ox.NamedNode, ox.NamedNode]] = Counter()
    for task in tasks(site):
        members = sorted(set(responsible(site, task)), key=term_key)
        pairs.update(combinations(members, 2))
    return dict(sorted(pairs.items(), key=lambda item: (item[0][0].value, item[0][1].value)))


def areas_of(site: SiteGraph, task: ox.NamedNode) -> list[ox.NamedNode]:
    """Policy areas stated for the task or for one of its measures (``hn:policyArea``)."""
    found = set(site.objects(task, POLICY_AREA_OF))
    for measure in site.objects(task, HN_HAS_MEASURE):
        found.update(site.objects(measure, POLICY_AREA_OF))
    return sorted((a for a in found if isinstance(a, ox.NamedNode)), key=display_key)


def broader_chain(site: SiteGraph, area: ox.NamedNode) -> list[ox.NamedNode]:
    """The area and every area above it (``skos:broader``), nearest first; cycles are cut."""
    chain = [area]
    while True:
        above = [b for b in site.objects(chain[-1], BROADER) if isinstance(b, ox.NamedNode)]
        if not above or above[0] in chain:
            return chain
        chain.append(above[0])


def _area_index(site: SiteGraph) -> dict[ox.NamedNode, list[ox.NamedNode]]:
    """Area → tasks in it or in an area below it (cached on the site graph)."""
    cached = site.cache.get("area_index")
    if cached is None:
        index: dict[ox.NamedNode, list[ox.NamedNode]] = {}
        for task in tasks(site):
            reached = {a for area in areas_of(site, task) for a in broader_chain(site, area)}
            for area in reached:
                index.setdefault(area, []).append(task)
        site.cache["area_index"] = cached = index
    return cached  # type: ignore[return-value]


def policy_areas(site: SiteGraph) -> list[ox.NamedNode]:
    """Every policy area declared (``hn:PolicyArea``) or used, in natural order of the IRI."""
    found = {a for a in site.instances(POLICY_AREA) if isinstance(a, ox.NamedNode)}
    found.update(_area_index(site))
    return sorted(found, key=display_key)


def top_areas(site: SiteGraph) -> list[ox.NamedNode]:
    """Policy areas with no broader area."""
    return [a for a in policy_areas(site) if not site.objects(a, BROADER)]


def tasks_in_area(site: SiteGraph, area: ox.NamedNode) -> list[ox.NamedNode]:
    """Tasks in the area or in an area below it (the task or one of its measures is assigned)."""
    return list(_area_index(site).get(area, []))


def area_matrix(
    site: SiteGraph,
) -> tuple[list[ox.NamedNode], list[ox.NamedNode], list[list[int]]]:
    """Top-level areas × organisations: tasks of the area the organisation is responsible for.

    A task counts in an area when it or one of its measures is assigned to the area or to an
    area below it. Rows are top-level areas with a task; columns follow the workload order.
    """
    organisations = [w.organisation for w in workload(site)]
    areas = [a for a in top_areas(site) if tasks_in_area(site, a)]
    column = {o: i for i, o in enumerate(organisations)}
    matrix = [[0] * len(organisations) for _ in areas]
    for row, area in enumerate(areas):
        for task in tasks_in_area(site, area):
            for organisation in set(responsible(site, task)):
                matrix[row][column[organisation]] += 1
    return areas, organisations, matrix


def short_name(site: SiteGraph, node: ox.NamedNode) -> str:
    """A short Chinese name for charts: the shortest source spelling, else the zh label."""
    spellings = [
        v.value
        for v in site.objects(node, ALT_LABEL)
        if isinstance(v, ox.Literal) and v.language == "zh"
    ]
    if spellings:
        return min(spellings, key=lambda s: (len(s), s))
    return site.label(node, "zh") or site.label(node, "en") or node.value.rsplit("/", 1)[-1]


NARROWER = iri(SKOS_NS + "narrower")
HAS_TOP_CONCEPT = iri(SKOS_NS + "hasTopConcept")
TOP_CONCEPT_OF = iri(SKOS_NS + "topConceptOf")


def narrower(site: SiteGraph, concept: ox.NamedNode) -> list[ox.NamedNode]:
    """Concepts directly below ``concept`` (``skos:narrower`` or the inverse ``skos:broader``)."""
    found = {*site.objects(concept, NARROWER), *site.subjects_with(BROADER, concept)}
    return sorted((c for c in found if isinstance(c, ox.NamedNode)), key=display_key)


def broader(site: SiteGraph, concept: ox.NamedNode) -> list[ox.NamedNode]:
    """Concepts directly above ``concept`` (``skos:broader`` or the inverse ``skos:narrower``)."""
    found = {*site.objects(concept, BROADER), *site.subjects_with(NARROWER, concept)}
    return sorted((c for c in found if isinstance(c, ox.NamedNode)), key=display_key)


def top_concepts(site: SiteGraph, scheme: ox.NamedNode) -> list[ox.NamedNode]:
    """The scheme's top concepts: stated (``skos:hasTopConcept``, ``skos:topConceptOf``) or, for
    a scheme that states none, its concepts with nothing broader in the scheme."""
    found = {*site.objects(scheme, HAS_TOP_CONCEPT), *site.subjects_with(TOP_CONCEPT_OF, scheme)}
    if not found:
        members = set(site.subjects_with(SKOS_IN_SCHEME, scheme))
        found = {
            c
            for c in members
            if isinstance(c, ox.NamedNode) and not set(broader(site, c)) & members
        }
    return sorted((c for c in found if isinstance(c, ox.NamedNode)), key=display_key)


def schemes_of(site: SiteGraph, concept: ox.NamedNode) -> list[ox.NamedNode]:
    """The schemes ``concept`` is in (``skos:inScheme``, ``skos:topConceptOf``)."""
    found = {*site.objects(concept, SKOS_IN_SCHEME), *site.objects(concept, TOP_CONCEPT_OF)}
    return sorted((s for s in found if isinstance(s, ox.NamedNode)), key=display_key)
