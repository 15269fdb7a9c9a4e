"""Import stage for Wikidata: population (P1082 with its date, P585), twinned bodies (P190, with
their start, P580) and memberships (P463) of the councils of the data folder, matched by the
INE code of their municipality (P772).

``queries/wikidata/statements.rq`` (a CONSTRUCT) fetches, through SPARQLWrapper, the
statements about one municipality from any endpoint that holds Wikidata's statement shape
(``p:``/``ps:``/``pq:``); the mappings of ``queries/wikidata/mappings/`` lift them into the
profile, each derived node naming the Wikidata statement it comes from
(``prov:wasDerivedFrom``). Each council's answers become one source graph that cites the
endpoint and the date of the query, with confidence ``mitjana`` by default: a crowd-sourced
statement, kept beside the curated ones (a disagreement keeps both, each in its graph).
Wikidata items are linked with ``skos:exactMatch``, never ``owl:sameAs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..layout import DEFAULT_BASE, ProjectLayout
from ..queries import get_query, run_remote_construct, run_select
from .mapping import lift, load_mappings
from .source import (
    GENERATED,
    SourceDocument,
    data_folder,
    data_graphs,
    parse_date,
    places_by_ine,
    term,
    write_trig,
)


@dataclass
class WikidataImport:
    out_file: Path
    graphs: list[str]
    statements: dict[str, int]  # Wikidata statements lifted, by mapping
    warnings: list[str] = field(default_factory=list)


def councils_by_ine(layout: ProjectLayout) -> dict[str, tuple[ox.NamedNode, ox.NamedNode, str]]:
    """The data folder's municipalities with an INE code and a council: (place, council, the
    council's slug) by code."""
    dataset = data_folder(layout)
    if dataset is None:
        return {}
    return {code: (place, council, council.value.rsplit("/", 1)[-1])
            for code, (place, council)
            in places_by_ine(dataset.store(), data_graphs(dataset)).items()
            if isinstance(council, ox.NamedNode)}


def import_wikidata(endpoint: str, layout: ProjectLayout, date: str,
                    ine_codes: tuple[str, ...] = (), out_dir: Path | None = None,
                    confidence: str = "mitjana", timeout: int = 60,
                    base_uri: str = DEFAULT_BASE) -> WikidataImport:
    """Query ``endpoint`` for each council (all councils of the data folder with an INE code,
    or those of ``ine_codes``) and write one TriG file, ``wikidata.trig`` in ``out_dir``
    (default ``data/imported/``), atomically. ``date`` is the day of the query."""
    parse_date(date, "the date of the query")
    known = councils_by_ine(layout)
    for code in ine_codes:
        if not re.fullmatch(r"\d{5}", code):
            raise InputError(f"INE code {code!r} is not five digits (keep the leading zeros)")
        if code not in known:
            raise InputError(f"no council of the data folder has a municipality with INE code "
                             f"{code}; import the official list first (rrii import "
                             "municipalities)")
    folder = layout.queries_dir / "wikidata"
    fetch, unlabelled = get_query(folder, "statements"), get_query(folder, "unlabelled")
    mappings = load_mappings(folder / "mappings")
    derived_from = term("prov", "wasDerivedFrom")
    quads: list[ox.Quad] = []
    graphs, warnings = [], []
    counts: dict[str, int] = {}
    for code in sorted(ine_codes or known):
        place, council, slug = known[code]
        statements = run_remote_construct(endpoint, fetch, {"ine": ox.Literal(code)}, timeout)
        if not statements:
            warnings.append(f"no Wikidata item has INE code {code} ({slug})")
            continue
        scratch = ox.Store()
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in statements)
        for row in run_select(scratch, unlabelled).rows:
            warnings.append(f"{slug}: {row['target'].value} has no label in ca, es or en; "
                            "its statement is left out")
        values = {"place": place, "council": council, "slug": ox.Literal(slug)}
        derived = lift(statements, mappings, {m.name: [values] for m in mappings})
        for name, triples in derived.items():
            used = sum(1 for t in triples if t.predicate == derived_from)
            if used:
                counts[name] = counts.get(name, 0) + used
        source = SourceDocument(
            url=endpoint, title=f"Wikidata, consulta del {date} sobre {slug}",
            title_lang="ca", seen=date, confidence=confidence, slug=f"wikidata-{slug}")
        graph = source.graph(base_uri)
        quads += source.quads(base_uri)
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph)
                  for triples in derived.values() for t in triples]
        graphs.append(graph.value)
    out = (out_dir or layout.data_dir / "imported") / "wikidata.trig"
    write_trig(out, quads, f"{GENERATED} wikidata, do not edit (import again instead)\n"
                           f"endpoint: {endpoint}; queried on {date}", base_uri)
    return WikidataImport(out, graphs, counts, warnings)
