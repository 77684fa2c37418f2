"""The query catalogue: ``queries/*.rq``, each documented by a grlc-style ``#+`` header.

Header (comment lines, so each file stays valid SPARQL)::

    #+ summary: one line
    #+ description: a paragraph; indented #+ lines continue it
    #+ tags:
    #+   - departments
    #+ params:
    #+   - department: the organisation, as its IRI
    #+ examples:
    #+   - department: https://w3id.org/hngraph/id/org/hunan-finance-department
    #+ columns:
    #+   - department: the organisation (IRI)

Parameters are the query's BASIL variables ``?_name_type``: ``?_department_iri`` is the
parameter ``department`` holding an IRI. Types: ``iri``, ``integer``, ``decimal``,
``boolean``, ``date``, ``literal`` (a plain string), or a language tag (``zh``, ``en``) for
a tagged string. Values are checked here, before any query text is built, and bound as
RDF terms by the store (never pasted into the text).

A BASIL variable with two underscores, ``?__list_iri``, is an optional parameter: when it is
given it is bound like any other; when it is omitted the variable stays unbound, so a triple
pattern that uses it matches any value (``?task hn:taskList ?__list_iri`` then means "in any
list"). Use optional parameters only in triple patterns (and ``BIND``/projections copying
them): in a ``FILTER`` an unbound variable is an error, not a wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hngraph.errors import HngraphError
from hngraph.rdf.terms import IRI, XSD, Term, literal
from hngraph.sparql.text import CheckedQuery, check, subquery_variables, tokens, variables

if TYPE_CHECKING:
    from hngraph.store.base import Result, Store

DATATYPES = {
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "boolean": XSD + "boolean",
    "date": XSD + "date",
    "literal": XSD + "string",
}
# Patterns are compiled on first use (re caches them), so a query without parameters
# does not pay for them.
VALUE_PATTERNS = {
    "integer": r"[+-]?[0-9]+",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "boolean": r"true|false",
    "date": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}",
}
LANGUAGE = r"[a-z]{2,3}"
PARAMETER = r"_(_?)([a-z][a-z0-9]*(?:_[a-z0-9]+)*?)_([a-z]+)"
IRI_FORBIDDEN = r"[\s<>\"'{}|\\^`\x00-\x1f\x7f]"
MAX_TEXT = 500
REQUIRED_KEYS = ("summary", "description", "tags", "columns")


class CatalogueError(HngraphError):
    """A catalogue file that is malformed or inconsistent, named by file."""


class ParameterError(HngraphError):
    """A parameter value that is missing, unknown or not of its declared type."""


class Parameter(NamedTuple):
    """One query parameter, from a BASIL variable and the header."""

    name: str
    variable: str
    kind: str
    description: str
    example: str
    optional: bool = False

    def term(self, value: str) -> Term:
        """The RDF term for ``value``; raise ``ParameterError`` if it is not acceptable."""
        if self.kind == "iri":
            return IRI(check_iri(self.name, value))
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
            raise ParameterError(f"parameter {self.name}: control characters are not allowed")
        if len(value) > MAX_TEXT:
            raise ParameterError(f"parameter {self.name}: longer than {MAX_TEXT} characters")
        pattern = VALUE_PATTERNS.get(self.kind)
        if pattern is not None and not re.fullmatch(pattern, value):
            raise ParameterError(
                f"parameter {self.name}: {value!r} is not a valid {self.kind} "
                f"(example: {self.example})"
            )
        if self.kind in DATATYPES:
            return literal(value, DATATYPES[self.kind])
        return literal(value, language=self.kind)


def check_iri(name: str, value: str) -> str:
    """An absolute http(s) IRI without characters that could end or escape an IRI."""
    bad = re.search(IRI_FORBIDDEN, value)
    if bad:
        raise ParameterError(
            f"parameter {name}: {bad.group()!r} is not allowed in an IRI; "
            "give an absolute http:// or https:// IRI"
        )
    match = re.fullmatch(r"(https?)://([^/?#]+)([/?#].*)?", value)
    if not match:
        raise ParameterError(
            f"parameter {name}: {value!r} is not an absolute http:// or https:// IRI"
        )
    return value


class Column(NamedTuple):
    """One result column and what it holds."""

    name: str
    description: str


class CatalogueQuery(NamedTuple):
    """A catalogue entry: the SPARQL text and its documentation."""

    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    columns: tuple[Column, ...]
    form: str = "SELECT"

    @property
    def checked(self) -> CheckedQuery:
        """The text as the guard passed it (a catalogue file: tokens only, see ``check``)."""
        return check(self.text, parse=False)

    @property
    def column_names(self) -> tuple[str, ...]:
        """The declared result columns, in order."""
        return tuple(column.name for column in self.columns)

    def example_values(self, *, optional: bool = False) -> dict[str, str]:
        """The example value of every required parameter (and of optional ones if asked)."""
        return {
            parameter.name: parameter.example
            for parameter in self.parameters
            if optional or not parameter.optional
        }

    def bindings(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Check ``values`` (name → text) and turn them into variable → term."""
        known = {parameter.name: parameter for parameter in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"{self.name}: unknown parameter {', '.join(unknown)} "
                f"(parameters: {', '.join(known) or 'none'})"
            )
        missing = [name for name in known if name not in values and not known[name].optional]
        if missing:
            hints = ", ".join(f"{name}={known[name].example}" for name in missing)
            raise ParameterError(f"{self.name}: missing parameter, e.g. --param {hints}")
        return {known[name].variable: known[name].term(values[name]) for name in values}

    def run(self, store: Store, values: Mapping[str, str] | None = None) -> Result:
        """Validate the parameters, then run the query on ``store``."""
        return store.select(self.checked, self.bindings(values or {}))


def catalogue_dir(root: Path | None = None) -> Path:
    """The folder of catalogue queries."""
    if root is None:
        from hngraph.project import project_root

        root = project_root()
    return root / "queries"


def load_catalogue(folder: Path | None = None) -> dict[str, CatalogueQuery]:
    """Every ``*.rq`` in ``folder`` (default: the project's ``queries/``), by name."""
    folder = folder or catalogue_dir()
    paths = sorted(folder.glob("*.rq"))
    if not paths:
        raise CatalogueError(f"{folder}: no queries (*.rq) found")
    return {path.stem: load_query(path) for path in paths}


def get_query(name: str, folder: Path | None = None) -> CatalogueQuery:
    """One catalogue query by name; the error lists the names there are."""
    folder = folder or catalogue_dir()
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) or not path.is_file():
        import difflib

        names = sorted(p.stem for p in folder.glob("*.rq"))
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(near)}?" if near else "`hngraph query --list` shows all"
        raise CatalogueError(f"no catalogue query named {name!r}; {hint}")
    return load_query(path)


def load_query(path: Path) -> CatalogueQuery:
    """Read and check one catalogue file."""
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header(text)
        checked = check(text, parse=False)  # our own file; tests run the full guard on each
    except HngraphError as error:
        raise CatalogueError(f"{path.name}: {error}") from None
    missing = [key for key in REQUIRED_KEYS if not header.get(key)]
    if missing:
        raise CatalogueError(f"{path.name}: the #+ header lacks {', '.join(missing)}")
    parameters = _parameters(path, text, header)
    columns = tuple(Column(name, desc) for name, desc in _pairs(path, header, "columns"))
    if checked.form == "SELECT":
        projected = projection(text)
        if projected and projected != [column.name for column in columns]:
            raise CatalogueError(
                f"{path.name}: #+ columns {[c.name for c in columns]} do not match "
                f"the SELECT clause {projected}"
            )
    return CatalogueQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=_scalar(path, header, "summary"),
        description=_scalar(path, header, "description"),
        tags=tuple(_list(path, header, "tags")),
        parameters=parameters,
        columns=columns,
        form=checked.form,
    )


def _parameters(path: Path, text: str, header: dict[str, object]) -> tuple[Parameter, ...]:
    described = dict(_pairs(path, header, "params")) if header.get("params") else {}
    examples = dict(_pairs(path, header, "examples")) if header.get("examples") else {}
    found: list[Parameter] = []
    nested = subquery_variables(text)
    for variable in variables(text):
        if not variable.startswith("_"):
            continue
        match = re.fullmatch(PARAMETER, variable)
        if not match:
            raise CatalogueError(
                f"{path.name}: ?{variable} is not a BASIL parameter name "
                "(?_name_type, or ?__name_type for an optional one)"
            )
        optional, name, kind = match.groups()
        if variable in nested:
            raise CatalogueError(
                f"{path.name}: ?{variable} is used inside a sub-SELECT; use parameters only "
                "in the top-level pattern, where every backend binds them the same way"
            )
        if kind not in DATATYPES and kind != "iri" and not re.fullmatch(LANGUAGE, kind):
            raise CatalogueError(f"{path.name}: ?{variable} has an unknown type {kind!r}")
        if name not in described or name not in examples:
            raise CatalogueError(
                f"{path.name}: parameter {name} needs a line in #+ params and in #+ examples"
            )
        if name in {parameter.name for parameter in found}:
            raise CatalogueError(f"{path.name}: parameter {name} is named by two variables")
        parameter = Parameter(
            name, variable, kind, described[name], examples[name], optional=bool(optional)
        )
        try:
            parameter.term(parameter.example)
        except ParameterError as error:
            raise CatalogueError(f"{path.name}: bad example: {error}") from None
        found.append(parameter)
    extra = sorted((set(described) | set(examples)) - {parameter.name for parameter in found})
    if extra:
        raise CatalogueError(f"{path.name}: #+ header names unused parameters {extra}")
    return tuple(sorted(found, key=lambda parameter: parameter.optional))  # required first


def projection(text: str) -> list[str]:
    """Names of the variables a SELECT query projects (empty for ``SELECT *``)."""
    names: list[str] = []
    depth = 0
    started = False
    previous = ""
    for token in tokens(check(text, parse=False).text):
        if token.kind in ("space", "comment"):
            continue
        word = token.text.upper() if token.kind == "word" else ""
        if not started:
            started = word == "SELECT"
            continue
        if word in ("WHERE", "FROM") or (token.text == "{" and depth == 0):
            break
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.kind == "var" and (depth == 0 or previous == "AS"):
            names.append(token.text[1:])
        previous = word
    return names


def parse_header(text: str) -> dict[str, object]:
    """The ``#+`` header as key → scalar string or list (of strings or one-key dicts)."""
    header: dict[str, object] = {}
    key: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.startswith("#+"):
            continue
        line = raw[2:]
        stripped = line.strip()
        if not stripped:
            continue
        item = re.fullmatch(r"\s+-\s+(.*)", line)
        top = re.fullmatch(r" ([a-z_]+):\s*(.*)", line)
        if top:
            key, value = top.group(1), top.group(2).strip()
            if key in header:
                raise CatalogueError(f"line {number}: #+ {key} appears twice")
            header[key] = value if value else []
        elif item and key is not None and isinstance(header[key], list):
            entry = item.group(1).strip()
            pair = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*):\s+(.*)", entry)
            header[key].append({pair.group(1): pair.group(2).strip()} if pair else entry)  # type: ignore[union-attr]
        elif key is not None and isinstance(header[key], str) and line.startswith("   "):
            header[key] = f"{header[key]} {stripped}"
        else:
            raise CatalogueError(f"line {number}: cannot read the #+ header line {raw!r}")
    return header


def _scalar(path: Path, header: dict[str, object], key: str) -> str:
    value = header.get(key)
    if not isinstance(value, str):
        raise CatalogueError(f"{path.name}: #+ {key} must be one line of text")
    return value


def _list(path: Path, header: dict[str, object], key: str) -> list[str]:
    value = header.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogueError(f"{path.name}: #+ {key} must be a list of '- item' lines")
    return value


def _pairs(path: Path, header: dict[str, object], key: str) -> list[tuple[str, str]]:
    value = header.get(key)
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and len(item) == 1 for item in value
    ):
        raise CatalogueError(f"{path.name}: #+ {key} must be a list of '- name: text' lines")
    return [next(iter(item.items())) for item in value]
