"""String-based components: sh:minLength, sh:maxLength, sh:pattern (with sh:flags),
sh:languageIn, sh:uniqueLang."""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
from rdflib.collection import Collection
from rdflib.namespace import SH

from . import Component, UnsupportedError, ValueComponent


class _Length(ValueComponent):
    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls(int(value))

    def value_ok(self, validator, v) -> bool:
        if isinstance(v, ox.BlankNode):
            return False
        return self.fits(len(v.value))


class MinLengthComponent(_Length):
    parameter = SH.minLength

    def fits(self, n: int) -> bool:
        return n >= self.value


class MaxLengthComponent(_Length):
    parameter = SH.maxLength

    def fits(self, n: int) -> bool:
        return n <= self.value


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


class PatternComponent(ValueComponent):
    parameter = SH.pattern
    reads = (SH.flags,)

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        flags = 0
        for ch in str(graph.value(shape_node, SH.flags) or ""):
            if ch not in _FLAGS:
                raise UnsupportedError(f"regular expression flag {ch!r}")
            flags |= _FLAGS[ch]
        try:
            return cls(re.compile(str(value), flags))
        except re.error as exc:
            raise UnsupportedError(f"pattern {value!r}: {exc}") from exc

    def value_ok(self, validator, v) -> bool:
        return not isinstance(v, ox.BlankNode) and self.value.search(v.value) is not None


class LanguageInComponent(ValueComponent):
    parameter = SH.languageIn

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls([str(i).lower() for i in Collection(graph, value)])

    def value_ok(self, validator, v) -> bool:
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        tag = v.language.lower()
        return any(tag == r or tag.startswith(r + "-") for r in self.value)


class UniqueLangComponent(Component):
    parameter = SH.uniqueLang

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls(str(value).lower() == "true")

    def check(self, validator, shape, focus, values):
        if not self.value:
            return
        seen = Counter(v.language.lower() for v in values
                       if isinstance(v, ox.Literal) and v.language)
        for _lang in sorted(lang for lang, n in seen.items() if n > 1):
            yield None  # one result per language used more than once
