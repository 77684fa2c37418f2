"""Validate a graph against the hngraph SHACL shapes; report results a person can act on.

``validate`` runs pySHACL (no inference, no SHACL-AF, graphs passed as objects so nothing is
fetched) and returns a ``ValidationReport``: typed results, sorted, each with the rule's message
in Chinese and English and, where the focus node is a task, measure, responsibility or
organisation, the task number and department name. Renderers: text, JSON, Turtle.

Shapes default to every ``ontology/shapes*.ttl`` of the project (core and knowledge layer).
The data is evaluated on an in-memory Oxigraph store by default: pySHACL's SPARQL-based
constraints then run in Rust, 5× to 20× faster on the Hunan list than on rdflib, which re-parses
every query for every focus node. ``engine="rdflib"`` gives the same results (tests compare them).
``data`` may also be a pyoxigraph store, validated as it is.

``validate(..., focus={shape: nodes})`` runs only those shapes, each on exactly those nodes
(``restrict_shapes``); ``build_report``, ``merge_reports`` and ``conforming_report`` make reports
from pySHACL results graphs, with the context looked up in an rdflib graph or a pyoxigraph store
(``context=``). ``hngraph.validation.fast.engine`` is built on these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast
from typing import Literal as Choice

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

if TYPE_CHECKING:
    import pyoxigraph

from hngraph.rdf.read import _quiet_rdflib, read_graph
from hngraph.validation.report import ValidationError, ValidationReport, build_report

Engine = Choice["oxigraph", "rdflib"]

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def project_shapes_files() -> list[Path]:
    """The project's shapes: ``ontology/shapes.ttl`` and any other ``ontology/shapes*.ttl``."""
    from hngraph import project

    folder = project.ontology_dir(project.project_root())
    files = sorted(folder.glob("shapes*.ttl"))
    if not files:
        raise ValidationError(f"{folder / 'shapes.ttl'}: file not found")
    return files


def load_shapes(path: Path | None = None) -> Graph:
    """Parse a shapes file (default: every ``shapes*.ttl`` of the project's ontology folder)."""
    if path is not None:
        return read_graph(path)
    shapes = Graph()
    for file in project_shapes_files():
        shapes += read_graph(file)
    return shapes


def validate(
    data: Graph | pyoxigraph.Store,
    shapes: Graph | None = None,
    *,
    engine: Engine = "oxigraph",
    focus: Mapping[Node, Iterable[Node]] | None = None,
    context: Graph | pyoxigraph.Store | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: the project's shapes) with pySHACL.

    ``data`` is an rdflib graph (evaluated on an Oxigraph copy, or on itself with
    ``engine="rdflib"``) or a pyoxigraph store (evaluated as it is). ``focus`` maps shapes to
    focus nodes: only those shapes run, each on exactly those nodes (``restrict_shapes``), and the
    results are those plain pySHACL reports for them. ``context`` is where the task number and
    department of each result are looked up (default: ``data``).
    """
    import pyshacl

    shapes_graph = shapes if shapes is not None else load_shapes()
    run_shapes = restrict_shapes(shapes_graph, focus) if focus is not None else shapes_graph
    try:
        with _quiet_rdflib():
            if isinstance(data, Graph):
                target = _oxigraph_store(data) if engine == "oxigraph" else data
            else:
                target = data
            if not isinstance(target, Graph):
                target = cast("Graph", _pyshacl_data(target))  # pySHACL's store-backed graph
                run_shapes = typed_strings(run_shapes)
            _, results_graph, _ = pyshacl.validate(
                target,
                shacl_graph=run_shapes,
                inference="none",
                advanced=False,
                inplace=False,
                allow_warnings=True,
            )
    except Exception as error:  # pySHACL reports bad shapes and failed queries this way
        raise ValidationError(f"validation could not run: {error}") from None
    return build_report(results_graph, context if context is not None else data, shapes_graph)


def restrict_shapes(shapes: Graph, focus: Mapping[Node, Iterable[Node]]) -> Graph:
    """A copy of ``shapes`` in which each shape of ``focus`` targets exactly its nodes.

    Every other target (``sh:target*``, implicit class targets) is dropped, so pySHACL validates
    those shapes on those nodes only, nested shapes included (pySHACL's own ``focus_nodes`` option
    would also skip the nested shapes' value nodes that are not in the list). The shapes' other
    triples are unchanged, so every result names the same shape, constraint and message.
    """
    restricted = Graph()
    restricted += shapes
    for prefix, namespace in shapes.namespaces():
        restricted.bind(prefix, namespace)
    for predicate in TARGETS:
        restricted.remove((None, predicate, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            for cls in (RDFS.Class, OWL.Class):
                restricted.remove((shape, RDF.type, cls))
    for shape, nodes in focus.items():
        for node in nodes:
            restricted.add((shape, SH.targetNode, node))
    return restricted


def typed_strings(shapes: Graph) -> Graph:
    """A copy of ``shapes`` whose plain string literals carry ``xsd:string`` explicitly.

    RDF 1.1 makes ``"x"`` and ``"x"^^xsd:string`` one term, but rdflib does not: pySHACL's
    Oxigraph data graph returns every plain string with its datatype, so ``sh:in ("x")`` and
    ``sh:hasValue "x"`` would not match the data's ``"x"``. Written the way the store writes
    them, the shapes' strings compare equal again; the reports drop the datatype again
    (``build_report``).
    """
    from rdflib import Literal
    from rdflib.namespace import XSD

    typed = Graph()
    for prefix, namespace in shapes.namespaces():
        typed.bind(prefix, namespace)
    for s, p, o in shapes:
        if isinstance(o, Literal) and o.datatype is None and not o.language:
            o = Literal(str(o), datatype=XSD.string)
        typed.add((s, p, o))
    return typed


def _pyshacl_data(store: pyoxigraph.Store) -> object:
    """pySHACL's data graph over a pyoxigraph store, with a cheap truth value.

    pySHACL 0.40 tests ``datagraph or shapes_graph`` three times for every result it reports;
    on an Oxigraph store that counts every distinct triple (0.15 s for 30 k triples, seconds for
    a million). Here the test asks for one triple instead; the answer is the same.
    """
    try:
        from pyshacl.graph_abstraction import OxigraphDataGraph

        return _truthy_class(OxigraphDataGraph)(store)
    except (ImportError, TypeError):  # another pySHACL: hand it the store
        return store


_TRUTHY: dict[type, type] = {}


def _truthy_class(base: type) -> type:
    if base not in _TRUTHY:

        class Data(base):  # type: ignore[misc, valid-type]
            def __bool__(self) -> bool:
                return next(iter(self.impl), None) is not None

        _TRUTHY[base] = Data
    return _TRUTHY[base]


def _oxigraph_store(data: Graph) -> pyoxigraph.Store:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store
