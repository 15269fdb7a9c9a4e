"""Where a stage spends its time: the parts it times, as log records a caller can gather.

The stages time their parts (parsing and merging in the build, each typology rule, each shape
checked in validation, the dumps) and log each at DEBUG level on their ``rrii_graph`` logger,
the measurement attached to the record as ``record.timing`` (a :class:`Timing`). ``rrii
--verbose`` prints them; :func:`collect` gathers them (``make bench`` records them per size).
Timings are never written into the dataset or a report, whose bytes stay the same from run to
run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

LOGGER = "rrii_graph"


@dataclass(frozen=True)
class Timing:
    """One timed part of a stage: seconds of wall time, and what it handled (``details``: for
    instance the triples a rule produced, or the focus nodes of a shape)."""

    stage: str
    part: str
    seconds: float
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"part": self.part, "seconds": round(self.seconds, 4), **self.details}


def report(logger: logging.Logger, stage: str, part: str, seconds: float, **details) -> None:
    """Log one part's time (at DEBUG level, so it costs nothing unless someone listens)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    shown = describe(details)
    logger.debug("%s: %s %.3f s%s", stage, part, seconds, f"; {shown}" if shown else "",
                 extra={"timing": Timing(stage, part, seconds, details)})


@contextmanager
def timed(logger: logging.Logger, stage: str, part: str) -> Iterator[dict]:
    """Time the block and report it; the block may put details in the dict it is given."""
    details: dict = {}
    start = time.perf_counter()
    yield details
    report(logger, stage, part, time.perf_counter() - start, **details)


def describe(details: dict) -> str:
    """A part's details in words: ``focus_nodes=12, of_which_indexes_s=0.5`` as "focus nodes
    12; of which indexes 0.500 s" (a key ending in ``_s`` holds seconds)."""
    return "; ".join(_detail(k, v) for k, v in details.items())


def _detail(key: str, value) -> str:
    if key.endswith("_s"):
        return f"{key[:-2].replace('_', ' ')} {value:.3f} s"
    return f"{key.replace('_', ' ')} {value:,}" if isinstance(value, int) else \
        f"{key.replace('_', ' ')} {value}"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.timings: list[Timing] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = getattr(record, "timing", None)
        if isinstance(found, Timing):
            self.timings.append(found)


@contextmanager
def collect() -> Iterator[list[Timing]]:
    """Gather the timings the library reports inside the block, in the order reported."""
    logger = logging.getLogger(LOGGER)
    handler, level = _Collector(), logger.level
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.DEBUG):
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.timings
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
