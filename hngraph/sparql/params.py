"""Catalogue parameters given by name: resolve them against the dataset, refuse what names nothing.

A parameter that holds a thing of a known kind (``department``, ``partner``: an organisation;
``list``: a task list; ``kind``: an organisation kind; ``area``: a policy area) accepts

- the full IRI, ``<IRI>``, or a prefixed name (``hnorg:hunan-finance-department``, as tables print
  it; also ``hnid:org/hunan-finance-department``),
- the slug (the IRI's last segment: ``hunan-finance-department``),
- any name the dataset gives it: ``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``,
  ``dcterms:title`` in any language, and for organisations every name as written in a list
  (``hn:nameAsWritten``: 省财政厅). Names match exactly after Unicode NFKC folding, case folding
  and collapsing white space.

A value that fits two things raises ``AmbiguousValueError`` listing them; one that fits none
raises ``UnknownValueError`` with the nearest names ("did you mean"). Other IRI parameters must
name something the dataset mentions, and ``task_number`` a task it holds (in ``list`` when that is
given). Both errors are ``ParameterError``s: the CLI prints one line and exits 2. The candidates
come from the store itself (one SELECT per kind, cached), so resolution works on every backend.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from hngraph.rdf.terms import IRI, Literal, Term
from hngraph.sparql.catalogue import CatalogueQuery, ParameterError, check_iri
from hngraph.sparql.prefixes import expand, shorten
from hngraph.sparql.text import CheckedQuery, check
from hngraph.vocab import DCTERMS_NS, DEF, ORG_NS, RDF_NS, RDFS_NS, SKOS_NS, scheme_iri

if TYPE_CHECKING:
    from hngraph.store.base import Store

SUGGESTIONS = 3


class UnknownValueError(ParameterError):
    """A parameter value that names nothing in the dataset; ``suggestions`` holds the nearest."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousValueError(ParameterError):
    """A parameter value that names more than one thing; ``candidates`` holds their IRIs."""

    def __init__(self, message: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


class Domain(NamedTuple):
    """What a parameter names: a noun for messages and the pattern that binds ``?thing``."""

    noun: str
    pattern: str


ORGANISATION = Domain("organisation", f"?thing a <{ORG_NS}Organization> .")
DOMAINS: dict[str, Domain] = {
    "department": ORGANISATION,
    "partner": ORGANISATION,
    "list": Domain("task list", f"?thing a <{DEF}TaskList> ."),
    "kind": Domain(
        "organisation kind", f"?thing <{SKOS_NS}inScheme> <{scheme_iri('organisation-kind')}> ."
    ),
    "area": Domain("policy area", f"?thing <{SKOS_NS}inScheme> <{scheme_iri('policy-area')}> ."),
}
LABEL_PROPERTIES = (
    SKOS_NS + "prefLabel",
    RDFS_NS + "label",
    SKOS_NS + "altLabel",
    DCTERMS_NS + "title",
)
NAME_AS_WRITTEN = DEF + "nameAsWritten"
LABELS = ", ".join(f"<{iri}>" for iri in LABEL_PROPERTIES)
CANDIDATES = """SELECT ?thing ?property ?label WHERE {{
  {pattern}
  OPTIONAL {{
    {{ ?thing ?property ?label FILTER (?property IN ({labels})) }}
    UNION {{
      ?responsibility <{hn}organization> ?thing ; <{hn}nameAsWritten> ?label
      BIND (<{hn}nameAsWritten> AS ?property)
    }}
  }}
}}"""
LANGUAGES = ("zh", "en")
TASK_NUMBERS = f"""SELECT DISTINCT ?list ?number WHERE {{
  ?task <{RDF_NS}type> <{DEF}Task> ; <{DEF}taskList> ?list ; <{DEF}taskNumber> ?number .
}}"""
MENTIONED = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"


def key(text: str) -> str:
    """How names are compared: NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def slug(iri: str) -> str:
    """The last path segment of an IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


class Thing(NamedTuple):
    """One candidate: its IRI and its names (labels first, as the dataset gives them)."""

    iri: str
    names: tuple[str, ...]

    def describe(self) -> str:
        """``hnorg:slug (first name / second name)`` for messages."""
        shown = " / ".join(self.names[:2])
        return f"{shorten(self.iri)} ({shown})" if shown else shorten(self.iri)


class Resolver:
    """Resolves parameter values against one store; candidates are read once per kind."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._things: dict[Domain, dict[str, Thing]] = {}
        self._numbers: set[tuple[str, int]] | None = None

    def things(self, domain: Domain) -> dict[str, Thing]:
        """Every thing of ``domain`` in the dataset, by IRI."""
        if domain not in self._things:
            query = CANDIDATES.format(pattern=domain.pattern, labels=LABELS, hn=DEF)
            names: dict[str, set[tuple[int, int, str]]] = {}
            order = [*LABEL_PROPERTIES, NAME_AS_WRITTEN]
            for thing, prop, label in self.store.select(own(query)).rows:
                if not isinstance(thing, IRI):
                    continue
                found = names.setdefault(thing.value, set())
                if isinstance(label, Literal) and isinstance(prop, IRI):
                    language = label.language or ""
                    rank = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
                    found.add((order.index(prop.value), rank, label.value))
            self._things[domain] = {  # names: prefLabel first, Chinese before English
                iri: Thing(iri, tuple(dict.fromkeys(text for *_, text in sorted(found))))
                for iri, found in sorted(names.items())
            }
        return self._things[domain]

    def bindings(self, query: CatalogueQuery, values: Mapping[str, str]) -> dict[str, Term]:
        """Check ``values`` (name → text), resolve names to IRIs, bind them as terms."""
        known = query.check_names(values)
        resolved = {
            name: self.resolve(name, value) if known[name].kind == "iri" else value
            for name, value in values.items()
        }
        bindings = query.bindings(resolved)
        for name, value in resolved.items():
            if known[name].kind == "integer" and name == "task_number":
                self._check_task_number(value, resolved.get("list"))
        return bindings

    def resolve(self, name: str, value: str) -> str:
        """The IRI that ``value`` names for parameter ``name``."""
        domain = DOMAINS.get(name)
        iri = expand(value) or (value.strip() if re.match(r"https?://", value.strip()) else None)
        if domain is None:
            iri = check_iri(name, iri if iri is not None else value)
            if not self.store.ask(own(MENTIONED), {"iri": IRI(iri)}):
                raise UnknownValueError(
                    f"parameter {name}: the dataset does not mention {shorten(iri)}"
                )
            return iri
        things = self.things(domain)
        if iri is not None:
            check_iri(name, iri)
            if iri in things:
                return iri
            raise UnknownValueError(
                f"parameter {name}: no {domain.noun} in the dataset has the IRI {iri}"
                + self._hint(things, slug(iri)),
                self._nearest(things, slug(iri)),
            )
        wanted = key(value)
        matches = [
            thing
            for thing in things.values()
            if wanted == key(slug(thing.iri)) or wanted in {key(n) for n in thing.names}
        ]
        if len(matches) == 1:
            return matches[0].iri
        if matches:
            listed = "; ".join(thing.describe() for thing in matches)
            raise AmbiguousValueError(
                f"parameter {name}: {value!r} names {len(matches)} {domain.noun}s: {listed}; "
                "give one of them by its IRI or prefixed name",
                tuple(thing.iri for thing in matches),
            )
        raise UnknownValueError(
            f"parameter {name}: no {domain.noun} in the dataset is called {value!r}"
            + self._hint(things, value),
            self._nearest(things, value),
        )

    def _nearest(self, things: dict[str, Thing], value: str) -> tuple[str, ...]:
        """IRIs of the things whose names or slugs are nearest to ``value``."""
        import difflib

        wanted = key(value)
        names: dict[str, str] = {}
        for thing in things.values():
            for text in (slug(thing.iri), *thing.names):
                names.setdefault(key(text), thing.iri)
        ordered = [iri for text, iri in names.items() if wanted and (wanted in text)]
        ordered += [
            names[text]
            for text in difflib.get_close_matches(wanted, list(names), n=SUGGESTIONS, cutoff=0.5)
        ]
        return tuple(dict.fromkeys(ordered))[:SUGGESTIONS]

    def _hint(self, things: dict[str, Thing], value: str) -> str:
        nearest = self._nearest(things, value)
        if not nearest:
            return ""
        return "; did you mean: " + "; ".join(things[iri].describe() for iri in nearest) + "?"

    def _check_task_number(self, value: str, list_iri: str | None) -> None:
        if self._numbers is None:
            rows = self.store.select(own(TASK_NUMBERS)).rows
            self._numbers = {
                (row[0].value, int(row[1].value))
                for row in rows
                if row[0] is not None and isinstance(row[1], Literal)
            }
        numbers = sorted({n for lst, n in self._numbers if list_iri is None or lst == list_iri})
        if int(value) in numbers:
            return
        where = f"the list {shorten(list_iri)}" if list_iri else "the dataset"
        held = f"its tasks are numbered {numbers[0]}–{numbers[-1]}" if numbers else "no tasks"
        raise UnknownValueError(f"parameter task_number: {where} has no task {int(value)} ({held})")


def own(query: str) -> CheckedQuery:
    """One of this module's own queries, checked by tokens only: the resolver must not import
    rdflib (the full guard's parser) on the embedded store's path."""
    return check(query, parse=False)
