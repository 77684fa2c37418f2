"""HTML pages from Jinja2 templates (autoescaped): resources, index, ontology, queries, SPARQL,
the query editor.

Pages are rendered from views (``views``) with one ``Linker``; the same code serves the static
release and the server, which differ only in how they link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hngraph.publish import facts
from hngraph.publish.graph import SiteGraph
from hngraph.publish.links import Linker
from hngraph.publish.metadata import (
    DATASET,
    DESCRIPTION_EN,
    DESCRIPTION_ZH,
    dump_name,
    schema_org_dataset,
)
from hngraph.publish.targets import TargetLabels, project_target_labels
from hngraph.publish.terms import COMMENT, MEASURE, SKOS_DEFINITION, TASK_LIST
from hngraph.publish.views import TableBlock, TextBlock, Value, Viewer
from hngraph.rdf.convert import term_key
from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS
from hngraph.rdf.serialize import RDF_TYPE, compact, iri, jsonld_for_html
from hngraph.vocab import DCTERMS_NS, DEF, OWL_NS, RDFS_NS, SKOS_NS

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

TERM_SECTIONS = (
    ("classes", "类", "Classes", (OWL_NS + "Class", RDFS_NS + "Class")),
    ("object-properties", "对象属性", "Object properties", (OWL_NS + "ObjectProperty",)),
    ("datatype-properties", "数据属性", "Datatype properties", (OWL_NS + "DatatypeProperty",)),
    (
        "annotation-properties",
        "注释属性",
        "Annotation properties",
        (OWL_NS + "AnnotationProperty",),
    ),
    ("other-terms", "其他术语", "Other terms", ()),
)
AREA_CAPTION_ZH = "每个顶层政策领域中各部门负责的任务数（任务或其举措被归入该领域或其下位领域）。"
AREA_CAPTION_EN = (
    "Tasks per top-level policy area and department (the task or one of its measures is "
    "assigned to the area or an area below it)."
)
_HIDDEN_ON_TERM = {
    RDFS_NS + "label",
    SKOS_NS + "prefLabel",
    SKOS_NS + "definition",
    RDFS_NS + "comment",
    RDFS_NS + "isDefinedBy",
}


def environment() -> Any:
    """The Jinja2 environment: autoescaping on for every template, undefined names fail."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def static_files() -> dict[str, bytes]:
    """The stylesheet, scripts and the vendored editor (``static/yasgui/``), by release path."""
    return {
        "static/" + p.relative_to(STATIC).as_posix(): p.read_bytes()
        for p in sorted(STATIC.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


#: A ``<style>`` element the YASGUI bundle writes at run time (its table column resizer).
_INJECTED_STYLE = re.compile(r"createStyle\(\w+,`([^`$]*)`\)")


def yasgui_style_sources() -> list[str]:
    """CSP sources (``'sha256-…'``) of the styles the vendored YASGUI bundle injects, so that the
    editor page can allow exactly those and no other inline style."""
    import base64
    import hashlib

    bundle = (STATIC / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    digests = (
        hashlib.sha256(m.group(1).encode()).digest() for m in _INJECTED_STYLE.finditer(bundle)
    )
    return sorted({f"'sha256-{base64.b64encode(d).decode()}'" for d in digests})


def editor_policy(policy: str) -> str:
    """The Content-Security-Policy of the editor page, from the policy of every other page: its
    script may also connect to its own origin (to send queries) and the styles YASGUI injects
    are allowed by hash."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    out = []
    for directive in directives:
        if directive.split()[0] == "style-src":
            directive = " ".join([directive, *yasgui_style_sources()])
        out.append(directive)
    if not any(d.split()[0] == "connect-src" for d in directives):
        out.append("connect-src 'self'")
    return "; ".join(out)


def yasgui_version() -> str:
    """The version of the vendored YASGUI, from its README's first line."""
    head = (STATIC / "yasgui" / "README.md").read_text(encoding="utf-8").splitlines()[0]
    return head.rsplit(" ", 1)[-1]


@dataclass(frozen=True)
class QueryEntry:
    """A catalogue query as pages show it."""

    name: str
    anchor: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    parameters: Sequence[Mapping[str, str]]
    columns: Sequence[Mapping[str, str]]
    text: str
    runnable: str  # the text with example parameter values bound, ready to run
    run_href: str | None = None


class Pages:
    """Renders every kind of page for one site graph."""

    def __init__(
        self,
        site: SiteGraph,
        *,
        static: bool,
        endpoint: bool = False,
        sparql_endpoint: str = "",
        targets: TargetLabels | None = None,
    ) -> None:
        self.site = site
        self.static = static
        self.endpoint = endpoint
        self.sparql_endpoint = sparql_endpoint
        self.targets = project_target_labels() if targets is None else targets
        self.env = environment()

    def linker(self, here: str) -> Linker:
        """A linker for the page at site path ``here``."""
        return Linker(static=self.static, here=here)

    def viewer(self, link: Linker) -> Viewer:
        """A viewer for pages linked by ``link``, naming mapping targets from the labels file."""
        return Viewer(self.site, link, self.targets)

    def _render(self, template: str, here: str, **context: Any) -> str:
        link = self.linker(here)
        return self.env.get_template(template).render(
            link=link,
            endpoint=self.endpoint,
            formats=[FORMATS[k] for k in RESOURCE_FORMATS],
            **context,
        )

    # --- pages ---------------------------------------------------------------------------

    def resource(self, node: ox.NamedNode, path: str) -> str:
        """The page of one resource."""
        view = self.viewer(self.linker(path)).resource(node)
        return self._render(
            "resource.html", path, view=view, title_zh=view.title_zh, title_en=view.title_en
        )

    def index(
        self,
        charts: Sequence[str],
        downloads: Mapping[str, bytes],
        tables: Mapping[str, bytes] | None = None,
    ) -> str:
        """The home page: the dataset, its lists, charts, downloads and tabular files."""
        import hashlib

        site = self.site
        link = self.linker("")
        viewer = self.viewer(link)
        lists = [viewer.value(n) for n in site.instances(TASK_LIST)]
        counts = [
            ("份任务清单", "task lists", len(lists)),
            ("项任务", "tasks", len(facts.tasks(site))),
            ("项举措", "measures", len(site.instances(MEASURE))),
            ("个责任部门", "responsible organisations", len(facts.workload(site))),
            ("个政策领域", "policy areas", len(facts.policy_areas(site))),
        ]
        rows = [
            {
                "href": link.asset(dump_name(key)),
                "name_zh": FORMATS[key].name_zh,
                "name_en": FORMATS[key].name_en,
                "media_type": FORMATS[key].media_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for key, data in downloads.items()
        ]
        table_rows = [
            {"href": link.asset(path), "name": path.rsplit("/", 1)[-1], "size": len(data)}
            for path, data in sorted((tables or {}).items())
        ]
        return self._render(
            "index.html",
            "",
            title_zh=site.literal(DATASET, iri(DCTERMS_NS + "title"), "zh") or "hngraph",
            title_en=site.literal(DATASET, iri(DCTERMS_NS + "title"), "en") or "hngraph",
            description_zh=DESCRIPTION_ZH,
            description_en=DESCRIPTION_EN,
            counts=counts,
            lists=lists,
            charts=[self._chart(name, link, viewer) for name in charts],
            downloads=rows,
            tables=table_rows,
            sparql_endpoint=self.sparql_endpoint,
            dataset_jsonld=_script_json(schema_org_dataset(site)),
        )

    def _chart(self, name: str, link: Linker, viewer: Viewer) -> dict[str, object]:
        site = self.site
        if name == "workload":
            rows = [
                [viewer.link(w.organisation), [Value(str(w.lead))], [Value(str(w.supporting))]]
                for w in facts.workload(site)
            ]
            table = TableBlock(
                "任务量",
                "Workload",
                [("部门", "Department"), ("牵头", "Lead"), ("配合", "Supporting")],
                rows,
            )
            return _chart_entry(
                name,
                link,
                table,
                ("部门任务量", "Department workload"),
                (
                    "每个部门牵头（深色）与配合（浅色）的任务数。",
                    "Tasks each department leads (dark) and supports (light).",
                ),
            )
        if name == "network":
            rows = [
                [viewer.link(a), viewer.link(b), [Value(str(n))]]
                for (a, b), n in facts.co_responsibility(site).items()
            ]
            table = TableBlock(
                "共同责任",
                "Co-responsibility",
                [
                    ("部门", "Department"),
                    ("部门", "Department"),
                    ("共同负责的任务数", "Shared tasks"),
                ],
                rows,
            )
            return _chart_entry(
                name,
                link,
                table,
                ("共同责任网络", "Co-responsibility network"),
                (
                    "两个部门同列于一项任务的责任部门中即相连，线越宽共同任务越多。",
                    "Two departments are joined when both are responsible for a task; "
                    "wider lines mean more shared tasks.",
                ),
            )
        areas, organisations, matrix = facts.area_matrix(site)
        rows = [
            [
                viewer.link(area),
                [viewer.value(o) for o, n in zip(organisations, row, strict=True) if n],
                [Value(str(n)) for n in row if n],
            ]
            for area, row in zip(areas, matrix, strict=True)
        ]
        table = TableBlock(
            "政策领域 × 部门",
            "Policy area × department",
            [("政策领域", "Policy area"), ("部门", "Departments"), ("任务数", "Tasks")],
            rows,
        )
        caption = (
            (
                AREA_CAPTION_ZH,
                AREA_CAPTION_EN,
            )
            if areas
            else ("本数据集尚无政策领域归类。", "This dataset has no policy-area assignments yet.")
        )
        return _chart_entry(
            name, link, table, ("政策领域 × 部门", "Policy area × department"), caption
        )

    def ontology(self) -> str:
        """The ontology documentation: every term of ``hn:`` in both languages."""
        site = self.site
        link = self.linker("def")
        viewer = self.viewer(link)
        ontology = iri(DEF)
        sections = []
        placed: set[str] = set()
        terms = [s for s in site.subjects() if s.value.startswith(DEF) and s != ontology]
        for anchor, zh, en, types in TERM_SECTIONS:
            chosen = [
                t
                for t in terms
                if t.value not in placed
                and (not types or {x.value for x in site.types(t)} & set(types))
            ]
            placed.update(t.value for t in chosen)
            if chosen:
                sections.append(
                    {
                        "anchor": anchor,
                        "title_zh": zh,
                        "title_en": en,
                        "terms": [self._term(viewer, t) for t in chosen],
                    }
                )
        schemes = [s for s in site.instances(iri(SKOS_NS + "ConceptScheme"))]
        if schemes:
            sections.append(
                {
                    "anchor": "schemes",
                    "title_zh": "概念体系",
                    "title_en": "Concept schemes",
                    "terms": [
                        self._term(viewer, s) for s in schemes if isinstance(s, ox.NamedNode)
                    ],
                }
            )
        blocks = []
        description = (
            site.literal(ontology, iri(DCTERMS_NS + "description"), "zh"),
            site.literal(ontology, iri(DCTERMS_NS + "description"), "en"),
        )
        comment = (
            site.literal(ontology, COMMENT, "zh"),
            site.literal(ontology, COMMENT, "en"),
        )
        for text_zh, text_en in (description, comment):
            if text_zh or text_en:
                blocks.append(TextBlock("说明", "Description", text_zh, text_en))
        return self._render(
            "ontology.html",
            "def",
            iri=DEF,
            title_zh=site.label(ontology, "zh") or "hngraph 本体",
            title_en=site.label(ontology, "en") or "hngraph ontology",
            version=site.literal(ontology, iri(OWL_NS + "versionInfo")),
            jsonld=jsonld_for_html(site.resource_triples(ontology)),
            blocks=blocks,
            sections=sections,
        )

    def _term(self, viewer: Viewer, node: ox.NamedNode) -> dict[str, object]:
        site = self.site
        definition = SKOS_DEFINITION
        comment = COMMENT
        triples = [
            t
            for t in site.by_subject.get(node, ())
            if t.predicate.value not in _HIDDEN_ON_TERM and t.predicate != RDF_TYPE
        ]
        return {
            "anchor": node.value.rstrip("/").rsplit("/", 1)[-1],
            "curie": compact(node.value),
            "name": viewer.value(node),
            "definition_zh": site.literal(node, definition, "zh")
            or site.literal(node, comment, "zh"),
            "definition_en": site.literal(node, definition, "en")
            or site.literal(node, comment, "en"),
            "rows": viewer.rows(
                sorted(triples, key=lambda t: term_key(t.predicate)), outbound=True
            ),
        }

    def az(self) -> str:
        """The A–Z list of departments and concepts, by the first letter of the English name."""
        from hngraph.publish.finding import az_entries, az_groups, scheme_names

        departments, concepts = az_entries(self.site)
        sections = [
            ("departments", "部门", "Departments", az_groups(departments)),
            ("concepts", "概念", "Concepts", az_groups(concepts)),
        ]
        return self._render(
            "az.html",
            "az",
            title_zh="部门与概念索引（A–Z）",
            title_en="Departments and concepts A–Z",
            sections=sections,
            schemes=lambda entry: scheme_names(self.site, entry),
        )

    def search(self) -> str:
        """The site search page: a form, and a script over an index embedded in the page (no
        request leaves the page, and it works from files as well as from the server)."""
        from hngraph.publish.finding import entries, search_index

        link = self.linker("search")
        index = search_index(self.site, entries(self.site), link)
        return self._render(
            "search.html",
            "search",
            title_zh="站内搜索",
            title_en="Search",
            index=_script_json(index, indent=None),
            count=len(index["entries"]),  # type: ignore[arg-type]
        )

    def not_found(self, path: str = "") -> str:
        """The page of a path that names nothing (the server answers it with status 404)."""
        return self._render("404.html", "", title_zh="未找到", title_en="Not found", missing=path)

    def queries(self, entries: Sequence[QueryEntry]) -> str:
        """The query catalogue page."""
        return self._render(
            "queries.html",
            "queries",
            title_zh="查询目录",
            title_en="Query catalogue",
            queries=entries,
        )

    def sparql(
        self,
        entries: Sequence[QueryEntry],
        *,
        timeout: float,
        max_rows: int,
        query: str = "",
        results: object = None,
        error: str | None = None,
    ) -> str:
        """The SPARQL query page, with results or an error when a query was run."""
        default = query or (
            entries[0].runnable if entries else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
        )
        return self._render(
            "sparql.html",
            "sparql",
            title_zh="SPARQL 查询",
            title_en="SPARQL query",
            queries=entries,
            timeout=f"{timeout:g}",
            max_rows=max_rows,
            default_query=default,
            results=results,
            error=error,
        )

    def editor(self, entries: Sequence[QueryEntry], *, endpoint: str) -> str:
        """The YASGUI query editor on ``endpoint``, with the catalogue's queries as examples."""
        from hngraph.vocab import PREFIXES

        examples = [{"name": e.name, "title": e.title_en, "query": e.runnable} for e in entries]
        config = {
            "endpoint": endpoint,
            "prefixes": PREFIXES,
            "examples": examples,
            "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        }
        return self._render(
            "editor.html",
            "editor",
            title_zh="查询编辑器",
            title_en="Query editor",
            endpoint_url=endpoint,
            examples=examples,
            config=config,
            yasgui_version=yasgui_version(),
        )


def _chart_entry(
    name: str, link: Linker, table: TableBlock, titles: tuple[str, str], captions: tuple[str, str]
) -> dict[str, object]:
    return {
        "name": name,
        "src": link.asset(f"charts/{name}.svg"),
        "alt": f"{titles[0]} {titles[1]}",
        "title_zh": titles[0],
        "title_en": titles[1],
        "caption_zh": captions[0],
        "caption_en": captions[1],
        "table": table,
    }


def _script_json(value: object, indent: int | None = 1) -> str:
    """JSON text safe inside ``<script type="application/ld+json">`` (no ``<``, ``>``, ``&``)."""
    import json

    separators = (",", ":") if indent is None else None
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
