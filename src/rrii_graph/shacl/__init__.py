"""A SHACL Core validator for large data on a pyoxigraph store: the shapes are compiled into
objects (:mod:`.engine`), their paths (:mod:`.paths`) are followed on per-predicate indexes, and
each constraint component is one class (:mod:`.components`). See :mod:`.engine`."""

from .components import REGISTRY, Component, Failure, UnsupportedError
from .engine import (
    Compiled,
    DataIndex,
    Result,
    Shape,
    Validator,
    compile_shapes,
    term_text,
    to_ox,
)
from .paths import path_text

__all__ = ["REGISTRY", "Compiled", "Component", "DataIndex", "Failure", "Result", "Shape",
           "UnsupportedError", "Validator", "compile_shapes", "path_text", "term_text", "to_ox"]
