"""Import stage for Wikidata: population (P1082 with its date, P585), twinned bodies (P190, with
their start, P580) and memberships (P463) of the councils of the data folder, matched by the
INE code of their municipality (P772).

The queries are the files of ``queries/wikidata/``, sent through SPARQLWrapper to any endpoint
that holds Wikidata's statement shape (``p:``/``ps:``/``pq:``). Each council's answers become
one source graph that cites the endpoint and the date of the query, with confidence
``mitjana`` by default: a crowd-sourced statement, kept beside the curated ones (a disagreement
keeps both, each in its graph). Wikidata items are linked with ``skos:exactMatch``, never
``owl:sameAs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..build import load_dataset
from ..errors import InputError
from ..layout import DEFAULT_BASE, ProjectLayout
from ..queries import get_query, run_remote
from .source import (
    GENERATED,
    RDF_TYPE,
    SourceDocument,
    parse_date,
    places_by_ine,
    slugify,
    term,
    write_trig,
)

WIKIDATA_ITEM = re.compile(r"^https?://www\.wikidata\.org/entity/(Q\d+)$")
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "http://schema.org/"
TWINNING_NAME = {"ca": "Agermanament amb {}", "es": "Hermanamiento con {}",
                 "en": "Twinning with {}"}


@dataclass
class WikidataImport:
    out_file: Path
    graphs: list[str]
    statements: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def _date(text: str | None) -> ox.Literal | None:
    """The day of a Wikidata time value (``2021-01-01T00:00:00Z``), as ``xsd:date``."""
    if not text or not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    return ox.Literal(text[:10], datatype=ox.NamedNode(XSD + "date"))


def councils_by_ine(layout: ProjectLayout) -> dict[str, tuple[ox.NamedNode, ox.NamedNode, str]]:
    """The data folder's municipalities with an INE code and a council: (place, council, the
    council's slug) by code."""
    store = load_dataset(layout, layout.data_dir, derive=False).store()
    return {code: (place, council, council.value.rsplit("/", 1)[-1])
            for code, (place, council) in places_by_ine(store).items()
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
    codes = sorted(ine_codes or known)
    queries = {name: get_query(layout.queries_dir / "wikidata", name)
               for name in ("population", "twinnings", "memberships")}
    quads: list[ox.Quad] = []
    graphs, warnings = [], []
    counts = {"population": 0, "twinnings": 0, "memberships": 0}
    for code in codes:
        place, council, slug = known[code]
        source = SourceDocument(
            url=endpoint, title=f"Wikidata, consulta del {date} sobre {slug}",
            title_lang="ca", seen=date, confidence=confidence, slug=f"wikidata-{slug}")
        graph = source.graph(base_uri)
        answers = {name: run_remote(endpoint, q, {"ine": ox.Literal(code)}, timeout).rows
                   for name, q in queries.items()}
        found: list[tuple] = []
        items = {r["item"] for rows in answers.values() for r in rows if r.get("item")}
        if not items:
            warnings.append(f"no Wikidata item has INE code {code} ({slug})")
            continue
        for item in sorted(items):
            found.append((place, term("skos", "exactMatch"), ox.NamedNode(item)))
        for row in answers["population"]:
            if not row.get("population") or not _date(row.get("date")):
                continue  # a population without its date says too little
            day = _date(row["date"])
            obs = ox.NamedNode(f"{base_uri}id/observation/{slug}-poblacio-wikidata-"
                               f"{day.value}")
            period = ox.BlankNode(f"p{slugify(obs.value)}")
            try:
                value = ox.Literal(str(int(float(row["population"]))),
                                   datatype=ox.NamedNode(XSD + "integer"))
            except ValueError:
                warnings.append(f"{slug}: population {row['population']!r} is not a number")
                continue
            found += [(obs, RDF_TYPE, term("rrii", "PopulationObservation")),
                      (obs, ox.NamedNode(SCHEMA + "observationAbout"), place),
                      (obs, term("rrii", "measure"),
                       ox.NamedNode(f"{base_uri}vocab/observation-measure/poblacio")),
                      (obs, ox.NamedNode(SCHEMA + "value"), value),
                      (obs, ox.NamedNode(SCHEMA + "unitText"), ox.Literal("inhabitants")),
                      (obs, term("dct", "temporal"), period),
                      (period, RDF_TYPE, term("dct", "PeriodOfTime")),
                      (period, term("dcat", "startDate"), day),
                      (period, term("dcat", "endDate"), day)]
            counts["population"] += 1
        found += _linked(answers["twinnings"], "twin", slug, place, council, base_uri,
                         warnings, counts)
        found += _linked(answers["memberships"], "organisation", slug, place, council,
                         base_uri, warnings, counts)
        quads += source.quads(base_uri)
        quads += [ox.Quad(s, p, o, graph) for s, p, o in found]
        graphs.append(graph.value)
    out = (out_dir or layout.data_dir / "imported") / "wikidata.trig"
    write_trig(out, quads, f"{GENERATED} wikidata, do not edit (import again instead)\n"
                           f"endpoint: {endpoint}; queried on {date}", base_uri)
    return WikidataImport(out, graphs, counts, warnings)


def _linked(rows, column: str, slug: str, place, council, base_uri: str,
            warnings: list[str], counts: dict[str, int]) -> list[tuple]:
    """Twinnings (``column`` twin) or memberships (organisation) of one council's answers."""
    labels: dict[str, dict[str, str]] = {}
    starts: dict[str, str | None] = {}
    for row in rows:
        target = row[column]
        labels.setdefault(target, {})
        if row.get(column + "Label") is not None and row.get("lang"):
            labels[target].setdefault(row["lang"], row[column + "Label"])
        starts[target] = starts.get(target) or row.get("start")
    found: list[tuple] = []
    for target in sorted(labels):
        match = WIKIDATA_ITEM.match(target)
        if not match or not labels[target]:
            warnings.append(f"{slug}: {target} has no label in ca, es or en; left out")
            continue
        qid = match.group(1).lower()
        start = _date(starts[target])
        if column == "twin":
            other = ox.NamedNode(f"{base_uri}id/place/wikidata-{qid}")
            node = ox.NamedNode(f"{base_uri}id/twinning/{slug}-wikidata-{qid}")
            found += [(other, RDF_TYPE, term("dct", "Location")),
                      (other, term("skos", "exactMatch"), ox.NamedNode(target)),
                      (node, RDF_TYPE, term("rrii", "Twinning")),
                      (node, term("rrii", "partner"), place),
                      (node, term("rrii", "partner"), other),
                      (node, term("rrii", "twinningKind"),
                       ox.NamedNode(f"{base_uri}vocab/twinning-kind/agermanament")),
                      (place, term("rrii", "twinnedWith"), other),
                      (other, term("rrii", "twinnedWith"), place)]
            found += [(other, term("skos", "prefLabel"), ox.Literal(text, language=lang))
                      for lang, text in sorted(labels[target].items())]
            found += [(node, term("skos", "prefLabel"),
                       ox.Literal(TWINNING_NAME[lang].format(text), language=lang))
                      for lang, text in sorted(labels[target].items())]
            counts["twinnings"] += 1
        else:
            other = ox.NamedNode(f"{base_uri}id/org/wikidata-{qid}")
            node = ox.NamedNode(f"{base_uri}id/membership/{slug}-wikidata-{qid}")
            found += [(other, RDF_TYPE, term("org", "FormalOrganization")),
                      (other, term("skos", "exactMatch"), ox.NamedNode(target)),
                      (node, RDF_TYPE, term("org", "Membership")),
                      (node, term("org", "member"), council),
                      (node, term("org", "organization"), other),
                      (node, term("org", "role"),
                       ox.NamedNode(f"{base_uri}vocab/network-role/membre"))]
            found += [(other, term("skos", "prefLabel"), ox.Literal(text, language=lang))
                      for lang, text in sorted(labels[target].items())]
            counts["memberships"] += 1
        if start is not None:
            period = ox.BlankNode(f"p{slugify(node.value)}")
            link = term("dct", "temporal") if column == "twin" else term("org", "memberDuring")
            found += [(node, link, period),
                      (period, RDF_TYPE, term("dct", "PeriodOfTime")),
                      (period, term("dcat", "startDate"), start)]
    return found

