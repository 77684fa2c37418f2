"""Read SPARQL query text without evaluating it: tokens, query form, safety guard, VALUES.

The guard (``check``) decides on the parsed query: the text is parsed by a SPARQL 1.1 grammar
(rdflib's parser, the only one in Python here that gives a syntax tree; pyoxigraph exposes none)
and refused if the tree holds a SERVICE pattern or a dataset clause (FROM, FROM NAMED), or if the
text is an update (LOAD, INSERT, DELETE, ...) rather than a query. The tokenizer below runs first,
as a cheap conservative layer (a refused keyword anywhere outside strings and comments is refused),
and finds the query form; a trick that fools it, such as ``FILTER(1<2)SERVICE#>`` (it reads
``<2)SERVICE#>`` as one IRI), still meets the parser, which reads the text as engines do.

The tokenizer knows just enough of the SPARQL 1.1 grammar (comments, the four string
forms, IRIs, variables, language tags, prefixed names) to tell a keyword from the same
letters inside a string, IRI, comment or prefixed name. Codepoint escapes (``\\u0053``)
are expanded first, as SPARQL engines do before parsing, so they cannot hide a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

from hngraph.errors import HngraphError
from hngraph.rdf.terms import Term


class QueryTextError(HngraphError):
    """A query that is refused or cannot be used as asked, named by line."""


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

# Keywords that fetch data from elsewhere or change data: never evaluated here.
REFUSED = {
    "SERVICE": "SERVICE would send a query to another endpoint",
    "FROM": "FROM / FROM NAMED would load a graph from its IRI",
    "LOAD": "LOAD would fetch a document",
    "INSERT": "updates are not run by hngraph queries",
    "DELETE": "updates are not run by hngraph queries",
    "CLEAR": "updates are not run by hngraph queries",
    "CREATE": "updates are not run by hngraph queries",
    "DROP": "updates are not run by hngraph queries",
    "COPY": "updates are not run by hngraph queries",
    "MOVE": "updates are not run by hngraph queries",
    "ADD": "updates are not run by hngraph queries",
    "WITH": "updates are not run by hngraph queries",
    "USING": "updates are not run by hngraph queries",
}

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[\w:](?:[\w:.\-%\\\u00B7]*[\w:\-%\u00B7])?)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>|^?$])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    """One token: its kind, text and start offset in the (escape-expanded) query."""

    kind: str
    text: str
    start: int


def expand_escapes(query: str) -> str:
    """Expand ``\\uXXXX`` and ``\\UXXXXXXXX`` everywhere, as SPARQL does before parsing."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryTextError(f"invalid codepoint escape {match.group(0)}")
        return chr(code)

    return _UCHAR.sub(replace, query)


def tokens(query: str) -> Iterator[Token]:
    """Tokens of ``query``, comments and whitespace included; raises on stray characters."""
    position = 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            line = query.count("\n", 0, position) + 1
            raise QueryTextError(
                f"line {line}: cannot read the query at {query[position : position + 20]!r}"
            )
        kind = match.lastgroup or "punct"
        yield Token(kind, match.group(), position)
        position = match.end()


def _significant(query: str) -> list[Token]:
    return [token for token in tokens(query) if token.kind not in ("space", "comment")]


def _line(query: str, token: Token) -> int:
    return query.count("\n", 0, token.start) + 1


class CheckedQuery(NamedTuple):
    """A query that passed the guard: its expanded text and its form (SELECT, ASK, ...)."""

    text: str
    form: str


@lru_cache(maxsize=256)  # catalogue queries are checked on every run; tokenising costs ~1 ms
def check(query: str, *, parse: bool = True) -> CheckedQuery:
    """Refuse anything that could fetch or change data; return the text to evaluate.

    Every query we did not write goes through the full guard (``parse=True``): the CLI's
    ``sparql``, the stores' ``select``/``ask``/``construct`` and the server. ``parse=False``
    (tokens only, no rdflib import) is for the project's own catalogue files, each of which a
    test passes through the full guard (``tests/sparql/test_guard.py``).
    """
    text = expand_escapes(query)
    significant = _significant(text)
    for token in significant:
        keyword = token.text.upper()
        if token.kind == "word" and keyword in REFUSED:
            raise QueryTextError(
                f"line {_line(text, token)}: {keyword} is refused: {REFUSED[keyword]}; "
                "hngraph evaluates queries only against the data it was given"
            )
    form = _form(text, significant)
    if parse:
        reason = parsed_refusal(text)
        if reason is not None:
            raise QueryTextError(reason)
    return CheckedQuery(text, form)


#: Names of rdflib syntax-tree nodes that are refused, with the reason.
REFUSED_NODES = {
    "ServiceGraphPattern": "SERVICE is refused: it would send a query to another endpoint",
    "DatasetClause": "FROM / FROM NAMED is refused: it would load a graph from its IRI",
}
_HERMETIC = "; hngraph evaluates queries only against the data it was given"


def parsed_refusal(text: str) -> str | None:
    """Why the parsed query must not run (SERVICE, FROM, FROM NAMED, an update), or ``None``.

    A text that does not parse as a SPARQL 1.1 query is refused too: what no grammar reads
    here is not handed to an engine that might read it differently.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except Exception as error:  # pyparsing raises its own types
        try:
            update = parseUpdate(text)
        except Exception:
            return f"the query could not be parsed: {_parse_error(error)}"
        fetches = "Load" in _node_names(update)
        what = "LOAD would fetch a document" if fetches else "they would change data"
        return f"updates are refused: {what}{_HERMETIC}"
    names = _node_names(tree)
    for name, reason in REFUSED_NODES.items():
        if name in names:
            return reason + _HERMETIC
    return None


def _node_names(tree: object) -> set[str]:
    """Names of every ``CompValue`` in an rdflib syntax tree (iteratively: trees can be deep)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    names: set[str] = set()
    stack: list[object] = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or hasattr(item, "asList"):
            stack.extend(item)  # type: ignore[arg-type]
    return names


def _parse_error(error: Exception) -> str:
    """pyparsing's message, with the line it names (``line N``) kept."""
    line = getattr(error, "lineno", None)
    message = str(getattr(error, "msg", "") or error).strip().splitlines()[0]
    return f"line {line}: {message}" if isinstance(line, int) else message


def _form(text: str, significant: list[Token]) -> str:
    index = 0
    while index < len(significant):
        token = significant[index]
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "BASE":
            index += 2
        elif keyword == "PREFIX":
            index += 3
        elif keyword in FORMS:
            return keyword
        else:
            raise QueryTextError(
                f"line {_line(text, token)}: expected SELECT, ASK, CONSTRUCT or DESCRIBE, "
                f"found {token.text!r}"
            )
    raise QueryTextError("the query is empty")


def variables(query: str) -> list[str]:
    """Names of the variables used in ``query`` (without ``?``), in order of first use."""
    seen: dict[str, None] = {}
    for token in _significant(expand_escapes(query)):
        if token.kind == "var":
            seen.setdefault(token.text[1:])
    return list(seen)


def subquery_variables(query: str) -> set[str]:
    """Names of variables used inside a sub-SELECT (which a top-level VALUES row cannot reach)."""
    inside: list[bool] = []
    found: set[str] = set()
    for token in _significant(expand_escapes(query)):
        if token.kind == "punct" and token.text == "{":
            inside.append(bool(inside) and inside[-1])
        elif token.kind == "punct" and token.text == "}" and inside:
            inside.pop()
        elif token.kind == "word" and token.text.upper() == "SELECT" and inside:
            inside[-1] = True
        elif token.kind == "var" and inside and inside[-1]:
            found.add(token.text[1:])
    return found


def with_values(checked: CheckedQuery, bindings: Mapping[str, Term]) -> str:
    """The query with a one-row ``VALUES`` block opening its outermost WHERE group.

    Each value is written in N-Triples term syntax (escaped), so a value can never end
    the term early. Joined first in the group, the row binds the variables for the whole
    top-level pattern; a variable used only inside a sub-SELECT would not see it, which
    is why catalogue parameters are used at the top level (tests compare backends).
    """
    if not bindings:
        return checked.text
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise QueryTextError(f"invalid variable name for a binding: {name!r}")
    try:
        row = " ".join(bindings[name].n3() for name in names)
    except ValueError as error:  # an IRI holding characters an IRIREF cannot
        raise QueryTextError(f"cannot bind: {error}") from None
    block = f" VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }} "
    at = _where_group_start(checked)
    return checked.text[: at + 1] + block + checked.text[at + 1 :]


@lru_cache(maxsize=256)
def _where_group_start(checked: CheckedQuery) -> int:
    """Offset of the ``{`` that opens the query's outermost WHERE group."""
    significant = _significant(checked.text)
    depth = 0
    groups_seen = 0
    after_where = False
    after_form = False
    for index, token in enumerate(significant):
        word = token.text.upper() if token.kind == "word" else ""
        if word == checked.form and not after_form:
            after_form = True
            if checked.form == "CONSTRUCT" and _next_is_where(significant, index):
                raise QueryTextError(
                    "bindings need CONSTRUCT {template} WHERE {pattern}, not CONSTRUCT WHERE"
                )
            continue
        if not after_form:
            continue
        if token.text in "({[" and token.kind == "punct":
            if token.text == "{" and depth == 0:
                wanted = after_where or groups_seen == (1 if checked.form == "CONSTRUCT" else 0)
                if wanted:
                    return token.start
                groups_seen += 1
            depth += 1
        elif token.text in ")}]" and token.kind == "punct":
            depth -= 1
        elif word == "WHERE" and depth == 0:
            after_where = True
    raise QueryTextError("cannot bind parameters: the query has no WHERE group")


def _next_is_where(significant: list[Token], index: int) -> bool:
    following = significant[index + 1 : index + 2]
    return bool(following) and following[0].text.upper() == "WHERE"
