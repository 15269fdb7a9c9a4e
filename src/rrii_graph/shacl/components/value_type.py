"""Value type components: sh:class, sh:datatype, sh:nodeKind."""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib.namespace import RDF, SH, XSD

from . import UnsupportedError, ValueComponent

_LANG_STRING = str(RDF.langString)
_INT = r"[+-]?\d+"
# lexical forms of the XSD datatypes, for ill-typed literals (a value of a datatype whose lexical
# form is wrong does not have that datatype)
WELL_FORMED = {
    str(XSD.integer): _INT, str(XSD.int): _INT, str(XSD.long): _INT, str(XSD.short): _INT,
    str(XSD.byte): _INT, str(XSD.nonNegativeInteger): r"\+?\d+|-0+",
    str(XSD.positiveInteger): r"\+?0*[1-9]\d*", str(XSD.negativeInteger): r"-0*[1-9]\d*",
    str(XSD.nonPositiveInteger): r"-\d+|\+?0+",
    str(XSD.unsignedInt): r"\+?\d+", str(XSD.unsignedLong): r"\+?\d+",
    str(XSD.unsignedShort): r"\+?\d+", str(XSD.unsignedByte): r"\+?\d+",
    str(XSD.decimal): r"[+-]?(\d+(\.\d*)?|\.\d+)",
    str(XSD.double): r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN",
    str(XSD.float): r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN",
    str(XSD.boolean): r"true|false|1|0",
    str(XSD.gYear): r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
    str(XSD.gYearMonth): r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?",
    str(XSD.date): r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?",
    str(XSD.dateTime): r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:"
                       r"[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
    str(XSD.time): r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
}
_RANGES = {str(XSD.byte): (-128, 127), str(XSD.short): (-32768, 32767),
           str(XSD.int): (-2**31, 2**31 - 1), str(XSD.long): (-2**63, 2**63 - 1),
           str(XSD.unsignedByte): (0, 255), str(XSD.unsignedShort): (0, 65535),
           str(XSD.unsignedInt): (0, 2**32 - 1), str(XSD.unsignedLong): (0, 2**64 - 1)}


def well_formed(literal: ox.Literal) -> bool:
    """Whether a literal's lexical form is valid for its datatype (where the engine knows it)."""
    datatype = literal.datatype.value
    pattern = WELL_FORMED.get(datatype)
    if pattern is None:
        return True
    if re.fullmatch(pattern, literal.value) is None:
        return False
    if datatype in _RANGES:
        low, high = _RANGES[datatype]
        return low <= int(literal.value) <= high
    return True


class ClassComponent(ValueComponent):
    parameter = SH["class"]

    def value_ok(self, validator, v) -> bool:
        return validator.data.is_instance(v, self.value)


class DatatypeComponent(ValueComponent):
    parameter = SH.datatype

    def value_ok(self, validator, v) -> bool:
        if not isinstance(v, ox.Literal):
            return False
        if self.value.value == _LANG_STRING:
            return bool(v.language)
        if v.language or v.datatype != self.value:
            return False
        return well_formed(v)


_KINDS = {
    "IRI": (ox.NamedNode,), "Literal": (ox.Literal,), "BlankNode": (ox.BlankNode,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


class NodeKindComponent(ValueComponent):
    parameter = SH.nodeKind

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        kind = str(value).rsplit("#", 1)[-1]
        if kind not in _KINDS or not str(value).startswith(str(SH)):
            raise UnsupportedError(f"unknown node kind {value}")
        return cls(_KINDS[kind])

    def value_ok(self, validator, v) -> bool:
        return isinstance(v, self.value)
