"""``rrii synth``: synthetic councils for scale tests and benchmarks, never for the curated graph.

Everything lives in its own namespace, :data:`SYNTH` (under the reserved ``.invalid`` domain), in
a folder of its own; ``rrii build --data DIR`` and ``rrii validate --data DIR`` read it with the
project's ontology, vocabularies and shapes. Each council is shaped like the curated data (about 80
triples): its municipality with INE and IDESCAT codes, a unit with a rank, functions and a dated
placement, a councillor's post and its holder, memberships of city networks with roles, a
twinning, a staff figure, and the source graph that states it all. Some councils are kept thin or
without a unit, so that every typology model occurs.

Seeded violations: every ``period``-th council carries one known defect per kind of
:data:`SEEDS`, and ``manifest.json`` lists the (shape or check, focus node) pairs the validator
must report as Violations, no more and no fewer.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .build import write_atomically
from .errors import ConfigError
from .layout import NAMESPACES

SYNTH = "https://synth.rrii-graph.invalid/"
RRII = "https://w3id.org/rrii/def#"
VOCAB = "https://w3id.org/rrii/vocab/"
LANG = "http://publications.europa.eu/resource/authority/language/"
COUNCILS_PER_FILE = 1000
NETWORKS = 24

RANKS = ("servei", "oficina", "direccio", "departament")
PLACEMENTS = ("alcaldia", "area-propia", "planificacio-estrategica", "presidencia")
FUNCTIONS = ("representacio", "bilateral-agermanaments", "xarxes-ciutats",
             "projectes-fons-europeus", "cooperacio-desenvolupament", "promocio-ciutat",
             "sensibilitzacio-formacio", "incidencia")
ROLES = ("membre", "membre-ple", "vicepresidencia", "vicepresidencia-grup-treball")

# Seeded defect -> (offset in the period, the shape or check that must report it, its focus)
SEEDS = {
    "council-without-name": (1, "PrefLabelPresent", "council"),
    "unit-without-council": (2, "OrganizationalUnitShape", "unit"),
    "malformed-ine-code": (3, "LocationShape", "place"),
    "wrong-idescat-check-digit": (4, "IdescatCodeShape", "place"),
    "period-ending-before-it-starts": (5, "PeriodOrderShape", "period"),
    "membership-role-outside-its-scheme": (6, "MembershipShape", "membership"),
    "source-graph-without-confidence": (7, "SourceGraphShape", "graph"),
    "twinning-with-one-partner": (8, "CollaborationShape", "twinning"),
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _ns(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(NAMESPACES[prefix] + local)


def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype:
        return ox.Literal(str(value), datatype=_ns("xsd", datatype))
    return ox.Literal(str(value))


A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def idescat_code(ine: str) -> str:
    """The six-digit IDESCAT code of an INE municipality code: the INE code and its check digit
    (the algorithm the project's shapes verify)."""
    d = [int(c) for c in ine]
    double = "0246813579"
    triple = "0382741596"
    total = int(double[d[0]]) + int(triple[d[1]]) + d[2] + int(double[d[3]]) + int(triple[d[4]])
    return ine + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class SynthResult:
    out_dir: Path
    councils: int
    quads: int
    files: int
    seeded: int


class _Council:
    """The quads of one synthetic council, in its source graph."""

    def __init__(self, i: int, rng: random.Random, councils: int, seeds: set[str]):
        self.i, self.rng, self.seeds = i, rng, seeds
        self.slug = f"c{i:06d}"
        self.graph = _n(f"{SYNTH}graph/{self.slug}")
        self.quads: list[ox.Quad] = []
        self.expected: list[tuple[str, str]] = []
        self.councils = councils
        self.periods = 0

    def add(self, s, p, o) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def period(self, subject, predicate, start: str, end: str | None = None,
               start_type: str = "gYear") -> ox.NamedNode:
        self.periods += 1
        node = _n(f"{SYNTH}period/{self.slug}-{self.periods}")
        self.add(subject, predicate, node)
        self.add(node, A, _ns("dct", "PeriodOfTime"))
        self.add(node, A, _ns("time", "Interval"))
        self.add(node, _ns("dcat", "startDate"), _lit(start, start_type))
        if end is not None:
            self.add(node, _ns("dcat", "endDate"), _lit(end, "gYear"))
        return node

    def expect(self, seed: str, focus) -> None:
        if seed in self.seeds:
            shape = SEEDS[seed][1]
            self.expected.append((shape, focus.value))

    def build(self) -> None:
        rng, i, slug = self.rng, self.i, self.slug
        council, place = _n(f"{SYNTH}body/{slug}"), _n(f"{SYNTH}place/{slug}")
        doc = _n(f"{SYNTH}source/{slug}")
        # the source graph describes itself
        self.add(self.graph, A, _n(RRII + "SourceGraph"))
        self.add(self.graph, _ns("prov", "hadPrimarySource"), doc)
        if "source-graph-without-confidence" in self.seeds:
            self.expect("source-graph-without-confidence", self.graph)
        else:
            self.add(self.graph, _n(RRII + "confidence"), _n(VOCAB + "confidence/alta"))
        self.add(doc, A, _ns("foaf", "Document"))
        self.add(doc, _ns("dct", "title"), _lit(f"Font sintètica {i}", lang="ca"))
        self.add(doc, _ns("foaf", "page"), _n(f"{SYNTH}page/{slug}"))
        self.add(doc, _ns("dct", "publisher"), council)
        self.add(doc, _ns("dct", "language"), _n(LANG + "CAT"))
        self.add(doc, _ns("dct", "issued"), _lit(2015 + i % 10, "gYear"))
        # the municipality
        ine = f"{10 + (i // 1000) % 90:02d}{i % 1000:03d}"
        self.add(place, A, _ns("dct", "Location"))
        self.add(place, A, _ns("schema", "City"))
        self.add(place, _ns("skos", "prefLabel"), _lit(f"Municipi sintètic {i}", lang="ca"))
        if "malformed-ine-code" in self.seeds:
            self.add(place, _n(RRII + "ineCode"), _lit(ine[:2] + "A" + ine[3:]))
            self.expect("malformed-ine-code", place)
        else:
            self.add(place, _n(RRII + "ineCode"), _lit(ine))
            code = idescat_code(ine)
            if "wrong-idescat-check-digit" in self.seeds:
                code = code[:5] + str((int(code[5]) + 1) % 10)
                self.expect("wrong-idescat-check-digit", place)
            self.add(place, _n(RRII + "idescatCode"), _lit(code))
        # the council
        self.add(council, A, _ns("cv", "PublicOrganisation"))
        self.add(council, A, _ns("org", "FormalOrganization"))
        if "council-without-name" in self.seeds:
            self.expect("council-without-name", council)
        else:
            self.add(council, _ns("skos", "prefLabel"), _lit(f"Ajuntament sintètic {i}",
                                                             lang="ca"))
            self.add(council, _ns("skos", "prefLabel"), _lit(f"Ayuntamiento sintético {i}",
                                                             lang="es"))
            self.add(council, _ns("skos", "prefLabel"), _lit(f"Synthetic council {i}",
                                                             lang="en"))
        self.add(council, _ns("org", "classification"), _n(VOCAB + "body-type/ajuntament"))
        self.add(council, _ns("dct", "spatial"), place)
        kind = rng.random()
        if kind < 0.08:
            return  # thin: nothing known beyond the council (typology: undetermined)
        if kind >= 0.2:
            self.unit(council)
        self.post(council)
        self.memberships(council)
        self.twinning(place)

    def unit(self, council) -> None:
        rng, slug, i = self.rng, self.slug, self.i
        unit = _n(f"{SYNTH}unit/{slug}")
        self.add(unit, A, _ns("org", "OrganizationalUnit"))
        for lang, text in (("ca", "Servei de relacions internacionals"),
                           ("es", "Servicio de relaciones internacionales"),
                           ("en", "International relations service")):
            self.add(unit, _ns("skos", "prefLabel"), _lit(f"{text} {i}", lang=lang))
        if "unit-without-council" in self.seeds:
            self.expect("unit-without-council", unit)
        else:
            self.add(unit, _ns("org", "unitOf"), council)
        self.add(unit, _ns("org", "classification"), _n(VOCAB + "unit-rank/"
                                                        + rng.choice(RANKS)))
        for function in rng.sample(FUNCTIONS, rng.randint(1, 5)):
            self.add(unit, _ns("org", "purpose"), _n(VOCAB + "function/" + function))
        placement = _n(f"{SYNTH}placement/{slug}")
        self.add(placement, A, _n(RRII + "UnitPlacement"))
        self.add(placement, _n(RRII + "placedUnit"), unit)
        self.add(placement, _n(RRII + "placedIn"), council)
        self.add(placement, _n(RRII + "placementType"),
                 _n(VOCAB + "unit-placement/" + rng.choice(PLACEMENTS)))
        start = 1990 + rng.randint(0, 30)
        if "period-ending-before-it-starts" in self.seeds:
            node = self.period(placement, _ns("dct", "temporal"), str(start), str(start - 5))
            self.expect("period-ending-before-it-starts", node)
        else:
            self.period(placement, _ns("dct", "temporal"), str(start))
        staff = _n(f"{SYNTH}observation/{slug}-staff")
        self.add(staff, A, _n(RRII + "ResourceObservation"))
        self.add(staff, _ns("schema", "observationAbout"), unit)
        self.add(staff, _n(RRII + "measure"), _n(VOCAB + "observation-measure/personal"))
        self.add(staff, _ns("schema", "value"), _lit(rng.randint(1, 12), "integer"))
        self.add(staff, _ns("schema", "unitText"), _lit("persons"))
        year = str(2015 + rng.randint(0, 9))
        self.period(staff, _ns("dct", "temporal"), year, year)

    def post(self, council) -> None:
        slug, i = self.slug, self.i
        post, person = _n(f"{SYNTH}post/{slug}"), _n(f"{SYNTH}person/{slug}")
        holding = _n(f"{SYNTH}holding/{slug}")
        self.add(post, A, _ns("org", "Post"))
        self.add(post, _ns("skos", "prefLabel"),
                 _lit(f"Regidoria de relacions internacionals {i}", lang="ca"))
        self.add(post, _ns("org", "postIn"), council)
        self.add(post, _ns("org", "role"), _n(VOCAB + "post-role/regidoria"))
        self.add(post, _ns("dct", "subject"), _n(VOCAB + "function/"
                                                  + self.rng.choice(FUNCTIONS)))
        self.add(person, A, _ns("foaf", "Person"))
        self.add(person, _ns("foaf", "name"), _lit(f"Persona sintètica {i}"))
        self.add(holding, A, _n(RRII + "PostHolding"))
        self.add(holding, _ns("org", "member"), person)
        self.add(holding, _ns("org", "organization"), council)
        self.add(holding, _n(RRII + "post"), post)
        self.add(holding, _ns("org", "role"), _n(VOCAB + "post-role/regidoria"))
        self.period(holding, _ns("org", "memberDuring"), f"{2015 + i % 8}-06", None,
                    "gYearMonth")

    def memberships(self, council) -> None:
        rng = self.rng
        networks = rng.sample(range(NETWORKS), rng.randint(1, 3))
        for k, network in enumerate(sorted(networks)):
            m = _n(f"{SYNTH}membership/{self.slug}-{k}")
            self.add(m, A, _ns("org", "Membership"))
            self.add(m, _ns("org", "member"), council)
            self.add(m, _ns("org", "organization"), _n(f"{SYNTH}org/network-{network:02d}"))
            if k == 0 and "membership-role-outside-its-scheme" in self.seeds:
                self.add(m, _ns("org", "role"), _n(VOCAB + "function/xarxes-ciutats"))
                self.expect("membership-role-outside-its-scheme", m)
            else:
                self.add(m, _ns("org", "role"), _n(VOCAB + "network-role/" + rng.choice(ROLES)))
            self.period(m, _ns("org", "memberDuring"), f"{2000 + rng.randint(0, 20)}-01", None,
                        "gYearMonth")

    def twinning(self, place) -> None:
        other = (self.i * 7 + 3) % self.councils
        if other == self.i:
            return
        twin = _n(f"{SYNTH}place/c{other:06d}")
        twinning = _n(f"{SYNTH}twinning/{self.slug}")
        self.add(twinning, A, _n(RRII + "Twinning"))
        for lang, text in (("ca", "Agermanament sintètic"), ("es", "Hermanamiento sintético"),
                           ("en", "Synthetic twinning")):
            self.add(twinning, _ns("skos", "prefLabel"), _lit(f"{text} {self.i}", lang=lang))
        self.add(twinning, _n(RRII + "partner"), place)
        if "twinning-with-one-partner" in self.seeds:
            self.expect("twinning-with-one-partner", twinning)
        else:
            self.add(twinning, _n(RRII + "partner"), twin)
            self.add(place, _n(RRII + "twinnedWith"), twin)
        self.add(twinning, _n(RRII + "twinningKind"), _n(VOCAB + "twinning-kind/agermanament"))
        self.period(twinning, _ns("dct", "temporal"), str(1960 + self.rng.randint(0, 60)))


def _networks() -> list[ox.Quad]:
    graph = _n(f"{SYNTH}graph/networks")
    doc = _n(f"{SYNTH}source/networks")
    quads = [ox.Quad(graph, A, _n(RRII + "SourceGraph"), graph),
             ox.Quad(graph, _ns("prov", "hadPrimarySource"), doc, graph),
             ox.Quad(graph, _n(RRII + "confidence"), _n(VOCAB + "confidence/alta"), graph),
             ox.Quad(doc, A, _ns("foaf", "Document"), graph),
             ox.Quad(doc, _ns("dct", "title"), _lit("Xarxes sintètiques", lang="ca"), graph),
             ox.Quad(doc, _ns("foaf", "page"), _n(f"{SYNTH}page/networks"), graph),
             ox.Quad(doc, _ns("dct", "language"), _n(LANG + "CAT"), graph),
             ox.Quad(doc, _ns("dct", "issued"), _lit(2020, "gYear"), graph)]
    for k in range(NETWORKS):
        net = _n(f"{SYNTH}org/network-{k:02d}")
        quads += [ox.Quad(net, A, _ns("org", "FormalOrganization"), graph)]
        for lang, text in (("ca", "Xarxa sintètica"), ("es", "Red sintética"),
                           ("en", "Synthetic network")):
            quads.append(ox.Quad(net, _ns("skos", "prefLabel"), _lit(f"{text} {k}", lang=lang),
                                 graph))
        for concept in ("body-type/xarxa-ciutats", "network-type/tematica",
                        "network-scope/europea"):
            quads.append(ox.Quad(net, _ns("org", "classification"), _n(VOCAB + concept), graph))
    return quads


def synthesise(councils: int, seed: int, out_dir: Path, period: int = 50) -> SynthResult:
    """Write ``councils`` synthetic councils (TriG files of up to 1,000 councils each) and
    ``manifest.json`` to ``out_dir``. The same arguments give the same bytes."""
    if councils < 1:
        raise ConfigError("--councils must be at least 1")
    if period <= max(offset for offset, _, _ in SEEDS.values()):
        raise ConfigError(f"the seeding period must exceed {len(SEEDS)}")
    rng = random.Random(seed)
    expected: list[tuple[str, str]] = []
    total = files = 0
    out_dir = Path(out_dir)
    prefixes = {"rrii": RRII, **NAMESPACES}
    chunks = [_networks()]
    for start in range(0, councils, COUNCILS_PER_FILE):
        quads: list[ox.Quad] = []
        for i in range(start, min(start + COUNCILS_PER_FILE, councils)):
            seeds = {name for name, (offset, _, _) in SEEDS.items() if i % period == offset}
            council = _Council(i, rng, councils, seeds)
            council.build()
            quads += council.quads
            expected += council.expected
        chunks.append(quads)
    for k, quads in enumerate(chunks):
        name = "networks.trig" if k == 0 else f"councils-{k - 1:04d}.trig"
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
        write_atomically(out_dir / name, [b"# synthetic data for scale tests (rrii synth): "
                                          b"not facts\n", bytes(data)])
        total += len(quads)
        files += 1
    counts: dict[str, int] = {}
    for shape, _ in expected:
        counts[shape] = counts.get(shape, 0) + 1
    manifest = {
        "generator": "rrii synth", "namespace": SYNTH, "councils": councils, "seed": seed,
        "period": period, "quads": total,
        "seeded": {name: {"shape": shape, "count": counts.get(shape, 0)}
                   for name, (_, shape, _) in SEEDS.items()},
        "expected_violations": sorted([list(e) for e in expected]),
    }
    write_atomically(out_dir / "manifest.json",
                     [json.dumps(manifest, indent=1, ensure_ascii=False).encode() + b"\n"])
    return SynthResult(out_dir, councils, total, files, len(expected))
