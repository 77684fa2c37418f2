"""The query catalogue: ``queries/*.rq``, each documented by a grlc ``#+`` header.

The header is YAML on comment lines (so each file stays valid SPARQL), read exactly as grlc
reads it: ``#`` and ``+`` are stripped from the left of every line that starts with ``#+``
and the block goes to PyYAML's safe loader. Quote a value that holds ``: `` or `` #``, or
that YAML would read as a number, date or boolean (``"7"``)::

    #+ summary: "Tasks of one department: its role in each"
    #+ description: >-
    #+   a paragraph, folded: continuation lines are indented
    #+ tags:
    #+   - departments
    #+ params:
    #+   - department: the organisation, as its IRI
    #+ examples:
    #+   - department: https://w3id.org/hngraph/id/org/hunan-finance-department
    #+ columns:
    #+   - department: the organisation (IRI)

grlc reads ``summary``, ``description`` and ``tags`` and ignores the other keys; ``params``,
``examples`` and ``columns`` are this catalogue's. A key given twice is an error here.

Parameters are the query's BASIL variables ``?_name_type``: ``?_department_iri`` is the
parameter ``department`` holding an IRI. Types: ``iri``, ``integer``, ``decimal``,
``boolean``, ``date``, ``literal`` (a plain string), or a language tag (``zh``, ``en``) for
a tagged string. Values are checked here, before any query text is built, and bound as
RDF terms by the store (never pasted into the text). grlc names a parameter by the first
word only (``?_task_number_integer`` is ``task`` in grlc's API, ``task_number`` here; see
``grlc_name``); two parameters of one query must not share that word.

A BASIL variable with two underscores, ``?__list_iri``, is an optional parameter: when it is
given it is bound like any other; when it is omitted the variable stays unbound, so a triple
pattern that uses it matches any value (``?task hn:taskList ?__list_iri`` then means "in any
list"). Use optional parameters only in triple patterns (and ``BIND``/projections copying
them): in a ``FILTER`` an unbound variable is an error, not a wildcard. grlc pastes a given
value into the text, so a parameter never stands bare where a value cannot: after ``AS`` or
``VALUES``, or as a projected variable or an ``ORDER BY``/``GROUP BY`` condition (write
``ORDER BY STR(?__list_iri)``); the loader refuses that.
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

    def check_names(self, values: Mapping[str, str]) -> dict[str, Parameter]:
        """Refuse unknown and missing parameters; return the query's parameters by name."""
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
        return known

    def bindings(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Check ``values`` (name → text) and turn them into variable → term."""
        known = self.check_names(values)
        return {known[name].variable: known[name].term(values[name]) for name in values}

    def run(self, store: Store, values: Mapping[str, str] | None = None) -> Result:
        """Validate the parameters, then run the query on ``store``."""
        return store.select(self.checked, self.bindings(values or {}))


def catalogue_dir(root: Path | None = None) -> Path:
    """The folder of catalogue queries."""
    from hngraph.project import project_root, queries_dir

    return queries_dir(root or project_root())


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
        header, lines = read_header(text)
        checked = check(text, parse=False)  # our own file; tests run the full guard on each
    except HngraphError as error:
        raise CatalogueError(f"{path.name}: {error}") from None
    missing = [key for key in REQUIRED_KEYS if not header.get(key)]
    if missing:
        where = f" (line {min(lines.values())})" if lines else ""
        raise CatalogueError(f"{path.name}: the #+ header{where} lacks {', '.join(missing)}")
    fields = _Fields(path, header, lines)
    parameters = _parameters(path, text, fields)
    columns = tuple(Column(name, desc) for name, desc in fields.pairs("columns"))
    if checked.form == "SELECT":
        projected = projection(text)
        if projected and projected != [column.name for column in columns]:
            raise CatalogueError(
                f"{path.name}: line {lines['columns']}: #+ columns "
                f"{[c.name for c in columns]} do not match the SELECT clause {projected}"
            )
    _check_text_substitution(path, checked.text, parameters)
    return CatalogueQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=fields.scalar("summary"),
        description=fields.scalar("description"),
        tags=tuple(fields.strings("tags")),
        parameters=parameters,
        columns=columns,
        form=checked.form,
    )


def _parameters(path: Path, text: str, fields: _Fields) -> tuple[Parameter, ...]:
    described = dict(fields.pairs("params")) if fields.header.get("params") else {}
    examples = dict(fields.pairs("examples")) if fields.header.get("examples") else {}
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


def grlc_name(variable: str) -> str:
    """The API parameter name grlc derives from a BASIL variable: the letters and digits after
    the leading underscores, up to the next underscore (``_task_number_integer`` → ``task``)."""
    match = re.match(r"_{1,2}([a-zA-Z0-9]+)", variable)
    return match.group(1) if match else variable


# Where grlc's text substitution (``?_x_iri`` → ``<value>``) would not give SPARQL: a bare
# variable after AS or VALUES, or as a bare condition in the projection, ORDER BY or GROUP BY.
_BARE_ONLY = {"SELECT": "SELECT", "ORDER": "ORDER BY", "GROUP": "GROUP BY"}


def _check_text_substitution(path: Path, text: str, parameters: tuple[Parameter, ...]) -> None:
    """Refuse a parameter where grlc, which pastes the value into the text, breaks the query.

    Each store binds parameters as terms, so the query runs here either way; the rule keeps
    the folder servable by grlc unchanged. ``ORDER BY ?__list_iri`` would become
    ``ORDER BY <iri>``, which is not SPARQL; ``ORDER BY STR(?__list_iri)`` stays valid.
    """
    if not parameters:
        return
    names = {parameter.variable for parameter in parameters}
    seen: dict[str, str] = {}
    for parameter in parameters:
        other = seen.setdefault(grlc_name(parameter.variable), parameter.name)
        if other != parameter.name:
            raise CatalogueError(
                f"{path.name}: parameters {other} and {parameter.name} would both be named "
                f"{grlc_name(parameter.variable)!r} by grlc"
            )
    clause, depth, previous = "", 0, ""
    for token in tokens(text):
        if token.kind in ("space", "comment"):
            continue
        word = token.text.upper() if token.kind == "word" else ""
        if word in _BARE_ONLY or word in ("WHERE", "HAVING", "LIMIT", "OFFSET", "VALUES"):
            clause = word
        elif token.text == "{" and clause == "SELECT":
            clause = "WHERE"
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.kind == "var" and token.text[1:] in names:
            bare = clause in _BARE_ONLY and depth == 0
            if bare or previous in ("AS", "VALUES"):
                place = previous if previous in ("AS", "VALUES") else _BARE_ONLY[clause]
                raise CatalogueError(
                    f"{path.name}: line {text.count(chr(10), 0, token.start) + 1}: "
                    f"{token.text} after {place} would become a bare value when grlc pastes it "
                    f"into the text, which is not SPARQL; write STR({token.text}) or "
                    f"({token.text}) there"
                )
        previous = word


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


def header_lines(text: str) -> tuple[str, list[int]]:
    """The ``#+`` block as grlc reads it (``#`` and ``+`` stripped from the left of each line
    that starts with ``#+``) and the file line number of each of its lines."""
    rows = text.split("\n")
    numbers = [number for number, row in enumerate(rows, start=1) if row.startswith("#+")]
    return "\n".join(rows[number - 1].lstrip("#+") for number in numbers), numbers


def parse_header(text: str) -> dict[str, object]:
    """The ``#+`` header, read as YAML exactly as grlc reads it (``yaml.safe_load``)."""
    return read_header(text)[0]


def read_header(text: str) -> tuple[dict[str, object], dict[str, int]]:
    """The ``#+`` header as YAML, and the file line of each top-level key.

    Stricter than grlc in one way: a key given twice is an error (YAML keeps the last one
    silently). Errors name the line of the file.
    """
    import yaml

    block, numbers = header_lines(text)

    def line_of(mark: yaml.Mark | None) -> int:
        if not numbers:
            return 1
        return numbers[min(mark.line, len(numbers) - 1) if mark is not None else 0]

    # libyaml's parser when PyYAML has it (10× faster; same YAML 1.1, and a test checks every
    # header reads the same with grlc's pure-Python ``yaml.safe_load``).
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        """PyYAML's safe loader, refusing a key given twice in one mapping."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise CatalogueError(
                        f"line {line_of(key_node.start_mark)}: #+ {key} appears twice"
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    loader = Loader(block)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CatalogueError(
            f"line {line_of(mark)}: the #+ header is not valid YAML "
            f"({error.problem or error.context}); quote a value that holds ': ' or ' #', "
            "or starts with a character YAML reserves"
        ) from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CatalogueError(f"line {line_of(None)}: the #+ header must be 'key: value' lines")
    lines = {str(key.value): line_of(key.start_mark) for key, _ in node.value}
    return data, lines


class _Fields(NamedTuple):
    """Typed access to the header's fields; errors name the file and the key's line."""

    path: Path
    header: dict[str, object]
    lines: dict[str, int]

    def _error(self, key: str, what: str) -> CatalogueError:
        return CatalogueError(f"{self.path.name}: line {self.lines.get(key, 1)}: #+ {key} {what}")

    def scalar(self, key: str) -> str:
        """A text value (a YAML string)."""
        value = self.header.get(key)
        if not isinstance(value, str):
            raise self._error(key, "must be text")
        return value

    def strings(self, key: str) -> list[str]:
        """A list of texts (``- item`` lines)."""
        value = self.header.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._error(key, "must be a list of '- text' lines")
        return value

    def pairs(self, key: str) -> list[tuple[str, str]]:
        """A list of one-key mappings (``- name: text`` lines), text quoted where YAML would
        read a number, a date or a boolean."""
        value = self.header.get(key)
        if not isinstance(value, list) or not all(
            isinstance(item, dict) and len(item) == 1 for item in value
        ):
            raise self._error(key, "must be a list of '- name: text' lines")
        found = [next(iter(item.items())) for item in value]
        for name, text in found:
            if not isinstance(name, str) or not isinstance(text, str):
                kind = {"int": "number", "float": "number", "bool": "boolean"}.get(
                    type(text).__name__, type(text).__name__
                )
                raise self._error(
                    key, f"- {name}: YAML reads this value as a {kind}, not text; quote it"
                )
        return found
