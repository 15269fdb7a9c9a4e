"""Typology stage: classify each council's organisational model along the typology's axes.

The rules are SPARQL CONSTRUCT files in ``queries/rules/``, run in file-name order; each rule adds,
for every council (``cv:PublicOrganisation`` classified as ajuntament or diputació), one
``rrii:TypologyAssignment`` per value on its axis, part of the council's
``rrii:OrganisationalModel``. Each assignment names the rule that made it
(``prov:wasGeneratedBy``), the source graphs it rests on (``prov:wasDerivedFrom``) and the exact
statements (``rrii:basis``: reified ``rdf:Statement`` nodes with the graph that states them,
``rrii:statedIn``). A council with too little data gets the value "undetermined"
(``classification-outcome/indeterminat``); an axis about the unit does not apply to a council whose
sources show international activity but no unit (``no-aplicable``). Nothing is guessed.

Later rules read what earlier ones derived (the dedicated-unit rule decides which councils have no
unit). The derived statements live in their own named graph, :data:`TYPOLOGY_GRAPH`, kept apart
from the curated source graphs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import messages
from .errors import QueryError
from .layout import DEFAULT_BASE, LANGUAGES, NAMESPACES, compact
from .queries import NamedQuery, load_query, rebase_query, run_named
from .sparql import text as sparql_text
from .timing import timed

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode(NAMESPACES["rdfs"] + "label")
RDFS_COMMENT = ox.NamedNode(NAMESPACES["rdfs"] + "comment")
PROV = NAMESPACES["prov"]
log = logging.getLogger(__name__)


def typology_graph(base_uri: str = DEFAULT_BASE) -> str:
    """The named graph holding the derived classification (outside ``graph/``, where only
    source graphs live)."""
    return base_uri + "derived/typology"


TYPOLOGY_GRAPH = typology_graph()


@dataclass(frozen=True)
class Rule:
    """One classification rule: a CONSTRUCT query and its header (axis, labels, reason)."""

    query: NamedQuery

    @property
    def name(self) -> str:
        return self.query.header.get("rule", self.query.name)

    def iri(self, base_uri: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base_uri}id/rule/{self.name}")

    def text(self, key: str, lang: str) -> str | None:
        return self.query.header.get(f"{key}@{lang}")


def load_rules(rules_dir: Path) -> list[Rule]:
    """The ``*.rq`` files of ``rules_dir`` in name order; each must be a CONSTRUCT with a
    ``# rule:`` name and a reason in one of the project's languages at least."""
    if not rules_dir.is_dir():
        raise QueryError(f"rule folder {rules_dir} not found")
    rules = [Rule(load_query(p)) for p in sorted(rules_dir.glob("*.rq"))]
    for rule in rules:
        # a reason in one of the project's languages at least; the others fall back to it
        if "rule" not in rule.query.header or not any(rule.text("reason", lang)
                                                      for lang in LANGUAGES):
            raise QueryError(
                f"rule {rule.query.path} needs a '# rule:' line and a '# reason@<language>:' "
                f"line in one of {', '.join(LANGUAGES)} at least")
    return rules


def derive_typology(store: ox.Store, rules_dir: Path, base_uri: str = DEFAULT_BASE) -> None:
    """Run every rule on ``store`` (whose default graph is the merge of the dataset), add what
    they derive to the store, both to its default graph (so that the next rules can read it) and
    to the graph :func:`typology_graph`. Each CONSTRUCT runs as the update that inserts its
    template into both (:func:`rrii_graph.sparql.text.construct_to_insert`): what a rule derives
    never leaves the store."""
    graph = ox.NamedNode(typology_graph(base_uri))
    meta: set[ox.Triple] = set()
    for rule in load_rules(rules_dir):
        with timed(log, "typology", f"rule {rule.name}") as details:
            try:
                update = sparql_text.construct_to_insert(
                    rebase_query(rule.query.text, base_uri), [None, graph])
            except sparql_text.SparqlTextError as exc:
                raise QueryError(f"rule {rule.query.path} is not a CONSTRUCT query: "
                                 f"{exc}") from exc
            counting = log.isEnabledFor(logging.DEBUG)  # a pass over the derived graph
            before = _count(store, graph) if counting else 0
            try:
                store.update(update)
            except SyntaxError as exc:
                raise QueryError(f"rule {rule.query.path} is malformed: {exc}") from exc
            if counting:
                details["quads"] = _count(store, graph) - before
        iri = rule.iri(base_uri)
        meta.add(ox.Triple(iri, RDF_TYPE, ox.NamedNode(PROV + "Activity")))
        for lang in LANGUAGES:
            if rule.text("label", lang):
                meta.add(ox.Triple(iri, RDFS_LABEL, ox.Literal(rule.text("label", lang),
                                                                language=lang)))
            if rule.text("reason", lang):
                meta.add(ox.Triple(iri, RDFS_COMMENT, ox.Literal(rule.text("reason", lang),
                                                                  language=lang)))
        axis = rule.query.header.get("axis", "")
        if axis and axis != "any":
            meta.add(ox.Triple(iri, ox.NamedNode(NAMESPACES["dct"] + "subject"),
                               ox.NamedNode(f"{base_uri}vocab/typology-axis/{axis}")))
        meta.add(ox.Triple(graph, ox.NamedNode(PROV + "wasGeneratedBy"), iri))
    stated_in = ox.NamedNode(base_uri + "def#statedIn")
    sources = {q.object for q in store.quads_for_pattern(None, stated_in, None, graph)}
    meta.add(ox.Triple(graph, RDF_TYPE, ox.NamedNode(PROV + "Entity")))
    meta |= {ox.Triple(graph, ox.NamedNode(PROV + "wasDerivedFrom"), s) for s in sources}
    store.extend(ox.Quad(t.subject, t.predicate, t.object, target)
                 for t in meta for target in (ox.DefaultGraph(), graph))


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


# --- Reading the classification back, with its explanation


@dataclass(frozen=True)
class BasisStatement:
    """One sourced statement an assignment rests on, with labels and its source document."""

    subject: str
    subject_label: str  # its label, else its compact IRI (e.g. org:purpose)
    predicate: str
    predicate_label: str
    object: str
    object_label: str
    graph: str
    source: str | None
    publisher: str | None
    issued: str | None


@dataclass
class Classification:
    """A council's value on one axis (several values are possible when the sources show them,
    e.g. two placements over time), with the rule's reason and the statements behind it."""

    council: str
    council_label: str
    axis: str
    axis_code: str
    axis_label: str
    value: str
    value_code: str
    value_label: str
    determined: bool
    rule: str
    reason: str
    axis_reason: str
    assignment: str
    basis: list[BasisStatement] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({b.source for b in self.basis if b.source})


def classifications(store: ox.Store, queries: dict[str, NamedQuery], lang: str = "ca",
                    council: str | None = None,
                    base_uri: str = DEFAULT_BASE) -> list[Classification]:
    """Every assignment of the derived typology graph (of one council, when given), each with
    its basis statements and their sources, through the named queries ``typology`` and
    ``typology-basis``."""
    params = {"council": council} if council else {}
    rows = run_named(store, queries["typology"], params, lang, base_uri).rows
    result: dict[str, Classification] = {}
    for r in rows:
        result.setdefault(r["assignment"], Classification(
            council=r["council"], council_label=r["councilLabel"], axis=r["axis"],
            axis_code=r["axisCode"], axis_label=r["axisLabel"], value=r["value"],
            value_code=r["valueCode"], value_label=r["valueLabel"],
            determined=r["determined"] == "true", rule=r["rule"], reason=r["reason"] or "",
            axis_reason=r["axisReason"] or "", assignment=r["assignment"]))
    seen: set[tuple[str, ...]] = set()
    for r in run_named(store, queries["typology-basis"], params, lang, base_uri).rows:
        key = (r["assignment"], r["subject"], r["predicate"], r["object"], r["graph"])
        if r["assignment"] not in result or key in seen:
            continue
        seen.add(key)
        predicate_label = r["predicateLabel"]
        result[r["assignment"]].basis.append(BasisStatement(
            subject=r["subject"], subject_label=r["subjectLabel"] or compact(r["subject"]),
            predicate=r["predicate"],
            predicate_label=(compact(r["predicate"]) if predicate_label == r["predicate"]
                             else predicate_label),
            object=r["object"], object_label=r["objectLabel"] or compact(r["object"]),
            graph=r["graph"], source=r["source"], publisher=r["publisherLabel"],
            issued=r["issued"]))
    return list(result.values())


def profiles(items: list[Classification]) -> dict[str, dict[str, list[str]]]:
    """Council -> axis code -> the value codes it takes (``indeterminat`` or ``no-aplicable``
    when it has none)."""
    table: dict[str, dict[str, list[str]]] = {}
    for c in items:
        table.setdefault(c.council, {}).setdefault(c.axis_code, []).append(c.value_code)
    for axes in table.values():
        for codes in axes.values():
            codes.sort()
    return table


def axis_order(rules_dir: Path) -> list[str]:
    """The axis codes in the order their rules run (the order the typology is read in)."""
    return [r.query.header["axis"] for r in load_rules(rules_dir)
            if r.query.header.get("axis", "any") != "any"]


def _basis_lines(basis: list[BasisStatement]) -> list[str]:
    """One line per statement, with every source that states it."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for b in basis:
        where = grouped.setdefault((b.subject_label, b.predicate_label, b.object_label), [])
        if (b.source or b.graph) not in where:
            where.append(b.source or b.graph)
    return [f"{s} | {p} | {o}  [{'; '.join(sorted(w))}]" for (s, p, o), w in grouped.items()]


def to_text(items: list[Classification], axes: list[str], explain: bool = False,
            lang: str = "en") -> str:
    """Each council with its value on every axis (in ``axes`` order); with ``explain``, the
    rule's reason and each statement behind the value, with its source."""
    by_council: dict[str, list[Classification]] = {}
    for c in items:
        by_council.setdefault(c.council, []).append(c)
    rank = {code: i for i, code in enumerate(axes)}
    lines: list[str] = []
    for council in sorted(by_council, key=lambda k: (by_council[k][0].council_label, k)):
        mine = sorted(by_council[council], key=lambda c: (rank.get(c.axis_code, 99), c.value_code))
        lines.append(mine[0].council_label)
        width = max(len(c.axis_label) for c in mine)
        for c in mine:
            lines.append(f"  {c.axis_label:<{width}}  {c.value_label}")
            if not explain:
                continue
            lines.append(f"      {messages.text('typology.why', lang)}: {c.reason}")
            if not c.determined and c.axis_reason and c.axis_reason != c.reason:
                lines.append(f"      {messages.text('typology.looks_for', lang)}: {c.axis_reason}")
            lines += [f"      - {line}" for line in _basis_lines(c.basis)]
        lines.append("")
    return "\n".join(lines)


def to_json(items: list[Classification]) -> str:
    """The classification with its basis, as JSON (stable key order)."""
    body = [{
        "council": c.council, "councilLabel": c.council_label, "axis": c.axis_code,
        "axisLabel": c.axis_label, "value": c.value_code, "valueLabel": c.value_label,
        "determined": c.determined, "rule": c.rule, "reason": c.reason,
        "basis": [{"subject": b.subject, "predicate": b.predicate, "object": b.object,
                   "graph": b.graph, "source": b.source} for b in c.basis],
    } for c in items]
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
