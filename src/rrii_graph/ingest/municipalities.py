"""Import stage for the official municipality lists: INE's code dictionary (``diccionarioYY``
sheet: CODAUTO, CPRO, CMUN, DC, NOMBRE), Idescat's municipal tables (Municipi, Comarca, Codi)
and the Generalitat's lists (``codi``/``nom``/``nom_comarca``; ``codi_ens``/``municipi``/
``nom_complert``/``comarca``/``provincia``; Municat's ``!``-separated files).

Columns are found by their header names, whatever their order, case or accents, and whichever
of a header's known spellings a year uses. Codes are kept as strings with their leading zeros:
a code written as a number is left-padded, with a warning. The control digit of every code is
checked (:func:`ine_control_digit`); a row whose digit does not match is left out with a
warning, and so are the pseudo-municipalities of some lists (``999998 No consta``). Each
municipality becomes a place with its INE and IDESCAT codes (and DIR3, where the list gives
it), in its comarca and province where the list names them, governed by its council. A place
or council the data folder already holds (by INE code) keeps its IRI.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..layout import DEFAULT_BASE, ProjectLayout
from .source import (
    GENERATED,
    RDF_TYPE,
    SourceDocument,
    data_folder,
    data_graphs,
    places_by_ine,
    slugify,
    term,
    write_trig,
)

# header spellings (normalised: lower case, no accents, letters and digits only) per field
HEADERS = {
    "codauto": ("codauto",),
    "cpro": ("cpro", "codprov", "cprov"),
    "cmun": ("cmun", "codmun"),
    "dc": ("dc", "digitcontrol"),
    "ine5": ("ine", "codiine", "codigoine", "ine5", "lau", "laucode"),
    "idescat6": ("codi", "codi6", "codiidescat", "idescat", "idescat6", "codimunicipi"),
    "codi_ens": ("codiens",),
    "name": ("nombre", "municipi", "nom", "nommunicipi", "name", "launamenational"),
    "full_name": ("nomcomplert",),
    "comarca": ("comarca", "nomcomarca"),
    "province": ("provincia", "nomprovincia"),
    "dir3": ("dir3", "codidir3", "codigodir3", "codidir3organisme"),
}
PSEUDO = re.compile(r"^9999\d\d$")
_T = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (0, 3, 8, 2, 7, 4, 1, 5, 9, 6),
      (0, 2, 4, 6, 8, 1, 3, 5, 7, 9))


def ine_control_digit(code5: str) -> str:
    """The control digit that INE and Idescat append to a 5-digit municipality code (the rule
    the shape ``IdescatCheckDigit`` also applies): ``ine_control_digit("08279") == "8"``."""
    total = sum(_T[row][int(c)] for row, c in zip((2, 1, 0, 2, 1), code5, strict=True))
    return str((10 - total % 10) % 10)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class Municipality:
    ine5: str
    idescat6: str
    name: str
    comarca: str | None = None
    province: str | None = None
    dir3: str | None = None
    full_name: str | None = None


@dataclass
class MunicipalityImport:
    out_file: Path
    graph: str
    municipalities: int
    matched: int
    warnings: list[str] = field(default_factory=list)


def read_table(path: Path) -> tuple[str, list[list[str | int | float | None]]]:
    """The rows of a spreadsheet (``.xlsx``: the ``diccionario*`` sheet, else the first) or a
    delimited text file (comma, semicolon, tab or ``!``), with where they come from."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
            raise InputError(f"not a readable Excel workbook ({exc})", path) from exc
        names = [n for n in book.sheetnames if n.lower().startswith("diccionario")]
        sheet = book[names[0] if names else book.sheetnames[0]]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return f"sheet {sheet.title}", rows
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path) from exc
    sample = "\n".join(text.splitlines()[:20])
    delimiter = max(",;\t!", key=sample.count)
    return "file", [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _columns(rows: list[list], path: Path) -> tuple[int, dict[str, int], list[str]]:
    """The header row (the first with at least two known headers) and the column of each
    field; a warning for each field found under a spelling other than its first."""
    for index, row in enumerate(rows[:30]):
        found: dict[str, int] = {}
        notes = []
        for col, cell in enumerate(row):
            if cell is None:
                continue
            key = _norm(cell)
            for fieldname, spellings in HEADERS.items():
                if key in spellings and fieldname not in found:
                    found[fieldname] = col
                    if key != spellings[0]:
                        notes.append(f"column {cell!r} read as {fieldname}")
        if len(found) >= 2:
            return index, found, notes
    raise InputError("no header row with the columns of a municipality list (for example "
                     "CPRO, CMUN, DC, NOMBRE or Codi, Municipi, Comarca) in its first 30 rows",
                     path)


def _code(value, width: int, what: str, padded: dict[str, int]) -> str | None:
    """A code as a string of ``width`` digits; a number or a short string is left-padded (and
    counted in ``padded``); ``None`` for an empty cell or a value that is not digits."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text.isdigit() or len(text) > width:
        return None
    if len(text) < width:
        padded[what] = padded.get(what, 0) + 1
    return text.zfill(width)


def parse_municipalities(path: Path) -> tuple[list[Municipality], list[str]]:
    """Read one list into municipalities, with a warning for each pitfall met."""
    where, rows = read_table(path)
    start, cols, warnings = _columns(rows, path)
    padded: dict[str, int] = {}
    result: list[Municipality] = []
    seen: set[str] = set()

    def cell(row, name):
        col = cols.get(name)
        return row[col] if col is not None and col < len(row) else None

    for number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(c not in (None, "") for c in row):
            continue
        line = f"{where}, row {number}"
        ine5 = _code(cell(row, "ine5"), 5, "INE code", padded)
        cpro, cmun = _code(cell(row, "cpro"), 2, "CPRO", padded), \
            _code(cell(row, "cmun"), 3, "CMUN", padded)
        if ine5 is None and cpro and cmun:
            ine5 = cpro + cmun
        idescat6 = _code(cell(row, "idescat6"), 6, "IDESCAT code", padded)
        ens = _code(cell(row, "codi_ens"), 10, "codi d'ens", padded)
        if idescat6 is None and ens:
            idescat6 = ens[:6]
        dc = _code(cell(row, "dc"), 1, "DC", padded)
        if idescat6 and PSEUDO.match(idescat6):
            warnings.append(f"{line}: {idescat6} ({cell(row, 'name')}) is not a municipality "
                            "(a list's placeholder row); left out")
            continue
        if ine5 is None and idescat6:
            ine5 = idescat6[:5]
        if ine5 is None:
            warnings.append(f"{line}: no municipality code; row left out")
            continue
        expected = ine_control_digit(ine5)
        given = dc or (idescat6[5] if idescat6 else None)
        if given is not None and given != expected:
            warnings.append(f"{line}: control digit {given} does not match code {ine5} "
                            f"(expected {expected}); row left out, check the source")
            continue
        if idescat6 is not None and idescat6[:5] != ine5:
            warnings.append(f"{line}: IDESCAT code {idescat6} does not start with INE code "
                            f"{ine5}; row left out")
            continue
        name = str(cell(row, "name") or "").strip()
        if not name:
            warnings.append(f"{line}: municipality {ine5} has no name; row left out")
            continue
        if ine5 in seen:
            warnings.append(f"{line}: municipality {ine5} listed twice; the first row is kept")
            continue
        seen.add(ine5)
        dir3 = str(cell(row, "dir3") or "").strip().upper() or None
        if dir3 and dir3 != "L01" + ine5 + expected:
            warnings.append(f"{line}: DIR3 code {dir3} does not match municipality "
                            f"{ine5}{expected}; the DIR3 code is left out")
            dir3 = None
        result.append(Municipality(
            ine5, ine5 + expected, _name_form(name),
            str(cell(row, "comarca") or "").strip() or None,
            str(cell(row, "province") or "").strip() or None, dir3,
            str(cell(row, "full_name") or "").strip() or None))
    for what, n in sorted(padded.items()):
        warnings.append(f"{what}: {n} values had lost their leading zeros (written as numbers); "
                        "left-padded")
    if not result:
        raise InputError("no municipality could be read from this list", path)
    return result, warnings


_POSTPOSED = re.compile(r"^(.*), (el|la|els|les|l')$", flags=re.IGNORECASE)


def _name_form(name: str) -> str:
    """Idescat writes the article after the name (``Alamús, els``); the official form puts it
    first (``els Alamús``)."""
    match = _POSTPOSED.match(name)
    if not match:
        return name
    article = match.group(2).lower()
    return f"{article}{match.group(1)}" if article == "l'" else f"{article} {match.group(1)}"


def council_name(name: str) -> str:
    """The council's name in Catalan: ``Ajuntament de`` with the elision and contraction of the
    article (``d'Abrera``, ``del Prat de Llobregat``, ``de l'Hospitalet``)."""
    lower = name.lower()
    for article, joined in (("els ", "dels "), ("el ", "del ")):
        if lower.startswith(article):
            return "Ajuntament " + joined + name[len(article):]
    if lower.startswith(("l'", "la ", "les ")):
        return "Ajuntament de " + name
    if unicodedata.normalize("NFKD", lower)[:1] in "aeiouh":
        return "Ajuntament d'" + name
    return "Ajuntament de " + name


# How a council is named after its municipality, in the languages of the lists' names.
COUNCIL_NAMES = {"ca": council_name, "es": lambda name: f"Ayuntamiento de {name}"}


def _existing(layout: ProjectLayout, own: ox.NamedNode
              ) -> tuple[dict[str, tuple[ox.NamedNode, ox.NamedNode | None]], set[str]]:
    """Places of the data folder by INE code, with the council that governs each; and every
    IRI the data folder describes (so that a new IRI never lands on another resource). The
    import's own graph ``own``, which it is about to write again, is left out: importing the
    same list twice gives the same file."""
    dataset = data_folder(layout)
    if dataset is None:
        return {}, set()
    graphs = data_graphs(dataset, own)
    store = dataset.store()
    described = {q.subject.value for graph in graphs
                 for q in store.quads_for_pattern(None, RDF_TYPE, None, graph)}
    return places_by_ine(store, graphs), described


def import_municipalities(path: Path, source: SourceDocument, layout: ProjectLayout,
                          out_dir: Path | None = None, lang: str = "ca",
                          base_uri: str = DEFAULT_BASE) -> MunicipalityImport:
    """Read one official list and write its municipalities and councils as one source graph
    (``out_dir/<slug>.trig``, default ``data/imported/``), atomically."""
    if lang not in COUNCIL_NAMES:
        raise InputError(f"names in {lang!r}: the council's name can be written in "
                         f"{' or '.join(COUNCIL_NAMES)} only")
    municipalities, warnings = parse_municipalities(path)
    out = (out_dir or layout.data_dir / "imported") / f"{source.key}.trig"
    graph = source.graph(base_uri)
    existing, described = _existing(layout, graph)
    quads: list[ox.Quad] = list(source.quads(base_uri))
    matched = 0

    def add(s, p, o):
        quads.append(ox.Quad(s, p, o, graph))

    def mint(kind: str, slug: str, code: str) -> ox.NamedNode:
        iri = f"{base_uri}id/{kind}/{slug}"
        if iri in described or iri in minted:  # two municipalities of one name, or a place
            iri = f"{iri}-{code}"                # the data folder already describes
        minted.add(iri)
        return ox.NamedNode(iri)

    minted: set[str] = set()
    areas: dict[str, ox.NamedNode] = {}
    name = term("skos", "prefLabel")
    for m in municipalities:
        place, council = existing.get(m.ine5, (None, None))
        if place is not None:
            # a place the curated data knows: its codes, and the list's name as another name
            matched += 1
            name_property = term("skos", "altLabel")
        else:
            name_property = name
            place = mint("place", slugify(m.name), m.ine5)
        if council is None:
            council = mint("body", "ajuntament-" + slugify(m.name), m.ine5)
            title = m.full_name or COUNCIL_NAMES[lang](m.name)
            add(council, name, ox.Literal(title, language=lang))
        add(place, RDF_TYPE, term("dct", "Location"))
        add(place, RDF_TYPE, ox.NamedNode("http://schema.org/City"))
        add(place, name_property, ox.Literal(m.name, language=lang))
        add(place, term("rrii", "ineCode"), ox.Literal(m.ine5))
        add(place, term("rrii", "idescatCode"), ox.Literal(m.idescat6))
        for kind, value in (("comarca", m.comarca), ("provincia", m.province)):
            if value:
                area = areas.get(f"{kind}:{value}")
                if area is None:
                    # the data folder's place of that name (comarques and provinces have
                    # unique names), else a new one
                    known = f"{base_uri}id/place/{slugify(value)}"
                    area = areas[f"{kind}:{value}"] = ox.NamedNode(
                        known if known in described else
                        f"{base_uri}id/place/{kind}-{slugify(value)}")
                    add(area, RDF_TYPE, term("dct", "Location"))
                    add(area, name if known not in described else term("skos", "altLabel"),
                        ox.Literal(value, language=lang))
                add(place, ox.NamedNode("http://schema.org/containedInPlace"), area)
        add(council, RDF_TYPE, term("cv", "PublicOrganisation"))
        add(council, RDF_TYPE, term("org", "FormalOrganization"))
        add(council, term("org", "classification"),
            ox.NamedNode(f"{base_uri}vocab/body-type/ajuntament"))
        add(council, term("dct", "spatial"), place)
        if m.dir3:
            add(council, term("rrii", "dir3Code"), ox.Literal(m.dir3))
    write_trig(out, quads, f"{GENERATED} municipalities, do not edit (import again instead)\n"
                           f"from {path.name}; source: {source.url}", base_uri)
    return MunicipalityImport(out, graph.value, len(municipalities), matched, warnings)
