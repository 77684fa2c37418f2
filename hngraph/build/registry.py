"""The curated organisation registry: source spellings (``skos:altLabel``) → organisation IRIs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from hngraph.errors import RegistryError, SourceError
from hngraph.rdf.read import read_turtle
from hngraph.source.records import TaskList


@dataclass(frozen=True)
class Registry:
    """Organisations and the alias map used to resolve department names."""

    graph: Graph
    aliases: dict[str, URIRef]
    path: Path

    def resolve(self, name: str, task_list: TaskList, task: int, line: int) -> URIRef:
        """The organisation for a department name as written; an unknown name is an error."""
        try:
            return self.aliases[name]
        except KeyError:
            raise SourceError(
                f"department {name!r} is not in the organisation registry ({self.path.name}); "
                "add it there as a skos:altLabel of its organisation",
                path=task_list.source,
                line=line,
                task=task,
            ) from None


def load_registry(path: Path) -> Registry:
    """Read the registry and check that every alias names exactly one organisation."""
    graph = read_turtle(path)
    aliases: dict[str, URIRef] = {}
    for subject, alias in sorted(graph.subject_objects(SKOS.altLabel)):
        if not isinstance(subject, URIRef):
            raise RegistryError(f"{path}: alias {alias!s} belongs to a blank node")
        name = str(alias)
        other = aliases.get(name)
        if other is not None and other != subject:
            raise RegistryError(f"{path}: alias {name!r} names both <{other}> and <{subject}>")
        aliases[name] = subject
    return Registry(graph=graph, aliases=aliases, path=path)
