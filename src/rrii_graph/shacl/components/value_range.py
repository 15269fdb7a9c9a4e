"""Value range components: sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive."""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib.namespace import SH, XSD

from . import ValueComponent
from .value_type import well_formed

_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                   "byte", "nonNegativeInteger", "positiveInteger",
                                   "nonPositiveInteger", "negativeInteger", "unsignedInt",
                                   "unsignedLong", "unsignedShort", "unsignedByte")}
_ORDERED_TEXT = {str(XSD[t]) for t in ("date", "time", "gYear", "gYearMonth", "string")}


def comparable(a, b):
    """The two literals as values that ``<`` orders, or None when SPARQL cannot compare them."""
    if not isinstance(a, ox.Literal) or not isinstance(b, ox.Literal):
        return None
    if a.language or b.language:
        return None
    da, db = a.datatype.value, b.datatype.value
    if not well_formed(a) or not well_formed(b):
        return None
    if da in _NUMERIC and db in _NUMERIC:
        try:
            return Decimal(a.value), Decimal(b.value)
        except InvalidOperation:
            return None
    if da == db == str(XSD.dateTime):
        x, y = _datetime(a.value), _datetime(b.value)
        if x is None or y is None or (x.tzinfo is None) != (y.tzinfo is None):
            return None  # a time with a zone and one without are not ordered
        return x, y
    if da == db and da in _ORDERED_TEXT:
        return a.value, b.value
    return None


def _datetime(text: str):
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class _Range(ValueComponent):
    test = staticmethod(operator.ge)

    def value_ok(self, validator, v) -> bool:
        pair = comparable(v, self.value)
        return pair is not None and self.test(*pair)


class MinInclusiveComponent(_Range):
    parameter = SH.minInclusive
    test = staticmethod(operator.ge)


class MaxInclusiveComponent(_Range):
    parameter = SH.maxInclusive
    test = staticmethod(operator.le)


class MinExclusiveComponent(_Range):
    parameter = SH.minExclusive
    test = staticmethod(operator.gt)


class MaxExclusiveComponent(_Range):
    parameter = SH.maxExclusive
    test = staticmethod(operator.lt)
