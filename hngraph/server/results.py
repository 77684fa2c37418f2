"""The HTML result table of the query page, from a SPARQL JSON results document."""

from __future__ import annotations

from typing import Any

from hngraph.publish.views import Value


def results_table(document: dict[str, Any], site: Any) -> dict[str, object]:
    """Columns and rows of cells for ``Pages.sparql``; an ASK result as ``boolean``."""
    from hngraph.publish.links import Linker

    if "boolean" in document:
        return {"columns": [], "rows": [], "boolean": bool(document["boolean"])}
    linker = Linker(static=False, here="sparql")
    columns = document["head"]["vars"]
    rows = []
    for binding in document["results"]["bindings"]:
        row = []
        for name in columns:
            term = binding.get(name)
            row.append(cell(term, site, linker) if term else None)
        rows.append(row)
    return {"columns": columns, "rows": rows, "boolean": None}


def cell(term: dict[str, Any], site: Any, linker: Any) -> Value:
    """One result term as a cell: an IRI of the dataset links to its page and shows its label."""
    import pyoxigraph as ox

    from hngraph.publish.links import site_path
    from hngraph.rdf.serialize import compact

    if term["type"] == "uri":
        value = term["value"]
        known = site_path(value) is None or site.has(ox.NamedNode(value))
        label = site.label(ox.NamedNode(value), "zh") if known else None
        href = linker.resource(value) if known else None
        return Value(label or value, href=href, note=value if label else None)
    if term["type"] == "literal":
        datatype = term.get("datatype")
        note = compact(datatype) if datatype else None
        return Value(term["value"], lang=term.get("xml:lang"), note=note)
    return Value(f"_:{term['value']}" if term["type"] == "bnode" else str(term["value"]))
