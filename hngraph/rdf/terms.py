"""Plain RDF terms returned by every store backend: no rdflib, no pyoxigraph objects.

Backends convert their own term objects into these, so one query gives equal values
on every backend. Literals are normalised: a simple literal has datatype ``xsd:string``,
a language-tagged one ``rdf:langString`` with a lower-case tag, and numbers and booleans
use the XSD canonical lexical form (``"007"^^xsd:integer`` becomes ``"7"``).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_DECIMAL = XSD + "decimal"
XSD_DOUBLE = XSD + "double"
XSD_FLOAT = XSD + "float"
XSD_BOOLEAN = XSD + "boolean"
RDF_LANGSTRING = RDF + "langString"

INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
# Lexical patterns, compiled on first use (re caches them) to keep imports cheap.
_INTEGER = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DOUBLE = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN"


class _Term:
    """Immutable value object: equal when of the same class with equal fields."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return (type(self), *(getattr(self, name) for name in self._fields))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Term) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")


class _Node(_Term):
    """A term named by one string: an IRI or a blank node label."""

    __slots__ = ("value",)
    _fields = ("value",)
    value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "value", value)


class IRI(_Node):
    """An IRI (named node)."""

    __slots__ = ()

    def n3(self) -> str:
        """N-Triples / SPARQL syntax."""
        return f"<{_escape_iri(self.value)}>"


class BlankNode(_Node):
    """A blank node; its label is local to one result."""

    __slots__ = ()

    def n3(self) -> str:
        """N-Triples / SPARQL syntax."""
        return f"_:{self.value}"


class Literal(_Term):
    """A literal: lexical form, datatype IRI and (lower-case) language tag or None."""

    __slots__ = ("datatype", "language", "value")
    _fields = ("value", "datatype", "language")
    value: str
    datatype: str
    language: str | None

    def __init__(self, value: str, datatype: str = XSD_STRING, language: str | None = None) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "datatype", datatype)
        object.__setattr__(self, "language", language)

    def n3(self) -> str:
        """N-Triples / SPARQL syntax (escaped, so it is safe inside query text)."""
        quoted = f'"{_escape_string(self.value)}"'
        if self.language is not None:
            return f"{quoted}@{self.language}"
        if self.datatype == XSD_STRING:
            return quoted
        return f"{quoted}^^{IRI(self.datatype).n3()}"

    def to_python(self) -> int | Decimal | float | bool | str:
        """The value as a Python object where the datatype has an obvious one."""
        from decimal import Decimal, InvalidOperation

        try:
            if self.datatype in INTEGER_TYPES:
                return int(self.value)
            if self.datatype == XSD_DECIMAL:
                return Decimal(self.value)
            if self.datatype in (XSD_DOUBLE, XSD_FLOAT):
                return float(self.value)
        except (ValueError, InvalidOperation):
            return self.value
        if self.datatype == XSD_BOOLEAN and self.value in ("true", "false"):
            return self.value == "true"
        return self.value


Term = IRI | BlankNode | Literal
Triple = tuple[Term, IRI, Term]


def literal(value: str, datatype: str | None = None, language: str | None = None) -> Literal:
    """A normalised literal: default datatypes filled in, canonical numbers, lower-case tags."""
    if language:
        return Literal(value, RDF_LANGSTRING, language.lower())
    datatype = datatype or XSD_STRING
    return Literal(canonical_lexical(value, datatype), datatype)


def canonical_lexical(value: str, datatype: str) -> str:
    """The XSD canonical form of a numeric or boolean lexical value; others unchanged."""
    text = value.strip()
    if datatype in INTEGER_TYPES and re.fullmatch(_INTEGER, text):
        return str(int(text))
    if datatype == XSD_DECIMAL and re.fullmatch(_DECIMAL, text):
        from decimal import Decimal

        return _canonical_decimal(Decimal(text))
    if datatype in (XSD_DOUBLE, XSD_FLOAT) and re.fullmatch(_DOUBLE, text):
        return _canonical_double(float(text))
    if datatype == XSD_BOOLEAN and text in ("true", "false", "1", "0"):
        return "true" if text in ("true", "1") else "false"
    return value


def _canonical_decimal(number: Decimal) -> str:
    """XSD 1.0 canonical decimal: no exponent, at least one digit each side of the point."""
    if number == 0:
        return "0.0"
    text = format(number.normalize(), "f")
    if "." not in text:
        text += ".0"
    return text


def _canonical_double(number: float) -> str:
    """XSD canonical double: ``d.ddd`` mantissa (shortest round trip), ``E``, exponent."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    if number == 0:
        return "0.0E0"
    from decimal import Decimal

    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    power = int(exponent) + len(text) - 1
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_string(text: str) -> str:
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')


def _escape_iri(value: str) -> str:
    """Refuse what an IRIREF cannot hold (rather than guess an encoding)."""
    for char in value:
        if char in _IRI_FORBIDDEN or ord(char) <= 0x20:
            raise ValueError(f"character {char!r} is not allowed in an IRI: {value!r}")
    return value
