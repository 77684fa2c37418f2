"""What a build reads besides the source lists: ontology, SKOS schemes and the registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from hngraph import project
from hngraph.build.registry import Registry, load_registry
from hngraph.rdf.read import read_turtle


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build reads besides the source lists."""

    root: Path
    registry: Registry
    vocabularies: Graph


def load_inputs(root: Path) -> BuildInputs:
    """Read the ontology, SKOS schemes (``ontology/*.ttl`` except shapes) and the registry."""
    vocabularies = Graph()
    for path in sorted(project.ontology_dir(root).glob("*.ttl")):
        if not path.name.startswith("shapes"):
            vocabularies += read_turtle(path)
    return BuildInputs(
        root=root, registry=load_registry(project.registry_file(root)), vocabularies=vocabularies
    )
