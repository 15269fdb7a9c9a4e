"""Named SPARQL queries: ``queries/<name>.rq`` files with a comment header, run on the store.

A header is a block of ``# key: value`` comment lines at the top of the file. Named queries carry
``question``, ``returns`` and ``used-by``; quality checks (``queries/checks/*-violation.rq``) carry
``message@ca``, ``message@es`` and ``message@en``. Values are bound into a query through
pyoxigraph substitutions, never pasted into its text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from .errors import QueryError
from .labels import display_graph
from .layout import DEFAULT_BASE, LANGUAGE_TAG, prefixes
from .sparql import text as sparql_text
from .terms import in_language, term_text

# the variable a named query reads its labels from: GRAPH ?displayLabels (rrii_graph.labels)
DISPLAY_LABELS = "displayLabels"

_KNOWN_PREFIXES = prefixes()

_HEADER = re.compile(r"^#\s*([A-Za-z@_-]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One SPARQL query file and its header."""

    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def question(self) -> str:
        return self.header.get("question", "")

    def message(self, lang: str) -> str:
        """The check's message in ``lang``, falling back in the project's language order."""
        messages = {k.split("@", 1)[1]: v for k, v in self.header.items()
                    if k.startswith("message@")}
        return in_language(messages, lang, self.header.get("message", self.name))


@dataclass(frozen=True)
class QueryResult:
    """The variables and rows of a SELECT result; each row maps a variable to a term or None."""

    variables: list[str]
    rows: list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]


def load_query(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file {path}: {exc.strerror}") from exc
    parsed = query_from_text(text, path.name.removesuffix(".rq"))
    return NamedQuery(name=parsed.name, path=path, text=text, header=parsed.header)


def query_from_text(text: str, name: str = "ad-hoc") -> NamedQuery:
    """A query given as text rather than a file; its comment header is read as a file's."""
    header: dict[str, str] = {}
    for line in text.lstrip().splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            header[match.group(1).lower()] = match.group(2)
    return NamedQuery(name=name, path=Path("<text>"), text=text, header=header)


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file directly in ``folder``, by name."""
    if not folder.is_dir():
        raise QueryError(f"query folder {folder} not found")
    return {q.name: q for q in (load_query(p) for p in sorted(folder.glob("*.rq")))}


def get_query(folder: Path, name: str) -> NamedQuery:
    queries = load_queries(folder)
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise QueryError(f"query {name!r} not found in {folder}/ (known: {known})")
    return queries[name]


def rebase_query(text: str, base_uri: str) -> str:
    """Point the query's own-namespace IRIs at ``base_uri`` when the data was built under
    another base than the default one (its IRI tokens only: strings and comments stay)."""
    if base_uri == DEFAULT_BASE:
        return text
    return sparql_text.replace_iris(text, DEFAULT_BASE, base_uri)


def run_select(
    store: ox.Store,
    query: NamedQuery,
    bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
    base_uri: str = DEFAULT_BASE,
) -> QueryResult:
    """Run a SELECT query on the store's default graph (the merge of all graphs, see
    :meth:`rrii_graph.build.Dataset.store`), with values bound to variables."""
    bindings = bindings or {}
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    # The values are also bound as for a remote endpoint (:func:`with_values`: a VALUES
    # block in the outer group and in each subquery that projects them; the language in the
    # label comparisons): with substitutions alone the store still joins every council with
    # every other before keeping the given two, and neither a substitution nor an outer VALUES
    # block reaches a subquery.
    try:
        solutions = store.query(
            with_values(rebase_query(query.text, base_uri), bindings, base_uri),
            substitutions=substitutions or None,
        )
    except SyntaxError as exc:
        raise QueryError(f"query {query.name!r} ({query.path}) is malformed: "
                         + syntax_help(query.text, str(exc))) from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"query {query.name!r} ({query.path}) is not a SELECT query")
    variables = [v.value for v in solutions.variables]
    rows = [{v: solution[v] for v in variables} for solution in solutions]
    return QueryResult(variables=variables, rows=rows)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)


def _code_only(text: str) -> str:
    """The query without its comments, IRIs and strings (each replaced by spaces, so that
    positions hold), for spotting pitfalls in what is left."""
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'', blank, text)
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', blank, text)
    text = re.sub(r"<[^<>\s]*>", blank, text)
    return re.sub(r"#[^\n]*", blank, text)


def syntax_help(text: str, message: str) -> str:
    """A parser's message made useful: the line and column with the text there, and what the
    cause most likely is when it is a known pitfall (a ``/`` inside a prefixed name, a prefix
    that is not declared, an update sent as a query)."""
    parts = []
    match = _POSITION.match(message)
    detail = message
    if match:
        line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
        lines = text.splitlines() or [""]
        shown = lines[min(line, len(lines)) - 1]
        parts.append(f"line {line}, column {column}:\n    {shown}\n    "
                     f"{' ' * max(0, min(column, len(shown) + 1) - 1)}^")
    detail = detail.split(", ['%']")[0]  # the parser's list of characters helps nobody
    parts.append(f"the parser says: {detail.strip()}")
    code = _code_only(text)
    if _UPDATE.match(re.sub(r"(?is)^\s*((PREFIX\s+\S*:\s*|BASE\s*)\s*)*", "", code)):
        parts.append("hint: this is a SPARQL Update (INSERT, DELETE, LOAD...); rrii query runs "
                     "SELECT queries only, and the graph is read-only here")
    slashed = re.search(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:[\w.-]+/[\w/.-]*", code)
    if slashed:
        parts.append(f"hint: {slashed.group(0)!r} is not a legal prefixed name (no '/' after "
                     "the colon); declare a prefix for the longer namespace (PREFIX ib: "
                     "<https://w3id.org/rrii/id/body/>, then ib:ajuntament-terrassa) or write "
                     "the full IRI in <...>")
    declared = {m.group(1) for m in re.finditer(r"(?i)PREFIX\s+([\w.-]*):", code)}
    used = {m.group(1) for m in re.finditer(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?=[\w.-]|\s)",
                                            code) if m.group(1) is not None}
    for prefix in sorted(used - declared):
        known = _KNOWN_PREFIXES.get(prefix)
        parts.append(f"hint: the prefix {prefix}: is not declared; add "
                     + (f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <...>")
                     + " at the top")
    return "\n  ".join(parts)


# --- Coverage: what is known about each council, dimension by dimension (competency question 16)

COVERAGE_DIMENSIONS = {
    "structure": ("units", "posts"),
    "functions": ("functions",),
    "functioning": ("memberships", "twinnings", "events", "plans", "projects"),
    "resources": ("resources",),
}


@dataclass(frozen=True)
class CouncilCoverage:
    """Counts of what the graph knows about one council, and which dimensions stay unknown."""

    council: str
    label: str
    counts: dict[str, int]
    sources: int

    def dimension(self, name: str) -> int:
        return sum(self.counts[c] for c in COVERAGE_DIMENSIONS[name])

    @property
    def unknown(self) -> list[str]:
        return [d for d in COVERAGE_DIMENSIONS if self.dimension(d) == 0]

    @property
    def thin(self) -> bool:
        """Thin: at most one of the four dimensions has anything known."""
        return len(self.unknown) >= len(COVERAGE_DIMENSIONS) - 1


def council_coverage(
    store: ox.Store, queries_dir: Path, lang: str = "ca", base_uri: str = DEFAULT_BASE
) -> list[CouncilCoverage]:
    """Run the named query ``coverage`` and turn its rows into :class:`CouncilCoverage`."""
    query = get_query(queries_dir, "coverage")
    result = run_select(store, query, {"lang": ox.Literal(lang)}, base_uri)
    counted = [c for cols in COVERAGE_DIMENSIONS.values() for c in cols]
    rows = []
    for row in result.rows:
        counts = {c: int(row[c].value) if row.get(c) is not None else 0 for c in counted}
        sources = int(row["sources"].value) if row.get("sources") is not None else 0
        rows.append(CouncilCoverage(row["council"].value, row["label"].value, counts, sources))
    return rows


# --- Running named queries with parameters, locally or on a remote SPARQL 1.1 endpoint

_PARAM = re.compile(r"([A-Za-z][\w-]*)\s*(?:\(([^)]*)\))?")


def declared_param_types(query: NamedQuery) -> dict[str, str]:
    """Each parameter of the ``# params:`` header with its declared type, e.g.
    ``council (IRI, optional), lang (ca|es|en)`` gives ``{"council": "IRI", "lang": "ca|es|en"}``
    (the type is what the parentheses say before a comma or a semicolon; "" when none)."""
    text = query.header.get("params", "")
    return {m.group(1): re.split(r"[,;]", m.group(2) or "")[0].strip()
            for m in _PARAM.finditer(text)}


def declared_params(query: NamedQuery) -> list[str]:
    """Parameter names from the ``# params:`` header line, e.g. ``council (IRI), lang``."""
    return list(declared_param_types(query))


def parse_param(name: str, value: str, base_uri: str = DEFAULT_BASE,
                kind: str | None = None) -> ox.NamedNode | ox.Literal:
    """Turn a ``key=value`` parameter into an RDF term, by its declared type (``kind``): an
    ``IRI`` parameter takes an http(s) IRI (a council, ``council``/``other``, also its slug such
    as ``ajuntament-terrassa``); an ``a|b|c`` parameter one of those values; anything else is a
    plain literal."""
    if kind is None:  # the names the named queries use, for callers without a header
        kind = "IRI" if name in ("council", "other", "subject", "predicate", "event") else ""
    if kind.upper() == "IRI":
        if value.startswith(("http://", "https://")):
            return ox.NamedNode(value)
        if name in ("council", "other") and re.fullmatch(r"[a-z0-9-]+", value):
            return ox.NamedNode(f"{base_uri}id/body/{value}")
        raise QueryError(f"parameter {name!r} takes an IRI, got {value!r}")
    if re.fullmatch(r"[\w-]+(\|[\w-]+)+", kind) and value not in kind.split("|"):
        raise QueryError(f"parameter {name!r} takes one of {kind.replace('|', ', ')}, "
                         f"got {value!r}")
    return ox.Literal(value)


def bind_params(query: NamedQuery, params: dict[str, str], lang: str | None,
                base_uri: str = DEFAULT_BASE) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check the parameters against the query's header, and the header against the query (a
    declared parameter is a variable of the query), and turn them into bindings."""
    declared = declared_param_types(query)
    used = sparql_text.variables(query.text)
    unused = sorted(set(declared) - used)
    if unused:
        raise QueryError(f"query {query.name!r} declares the parameters {unused} in its header "
                         "but never uses them as variables; fix its '# params:' line")
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in params.items():
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {name!r} (it takes: {known})")
        bindings[name] = parse_param(name, value, base_uri, declared[name])
    if lang is not None and "lang" in declared:
        bindings["lang"] = ox.Literal(lang)
    return bindings


XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "nonPositiveInteger", "negativeInteger",
                               "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_NUMBERS = _INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}


@dataclass
class ResultTable:
    """A query answer as plain values: columns, and rows mapping a column to a string or None.
    ``datatypes`` gives, row by row, each literal's datatype IRI (None for an IRI or a blank
    node), so that :meth:`to_dataframe` can type its columns."""

    columns: list[str]
    rows: list[dict[str, str | None]]
    datatypes: list[dict[str, str | None]] = field(default_factory=list)

    @classmethod
    def from_result(cls, result: QueryResult) -> ResultTable:
        text = term_text

        def datatype(term) -> str | None:
            return term.datatype.value if isinstance(term, ox.Literal) else None

        return cls(result.variables,
                   [{k: text(v) for k, v in row.items()} for row in result.rows],
                   [{k: datatype(v) for k, v in row.items()} for row in result.rows])

    def column_type(self, column: str) -> str:
        """What a column holds, from its literals' datatypes: ``integer``, ``number``,
        ``boolean``, ``date``, ``datetime``, or ``text`` (anything else, or a mix)."""
        found = {types.get(column) for row, types in zip(self.rows, self.datatypes, strict=False)
                 if row.get(column) is not None}
        if not self.datatypes or not found or None in found:
            return "text"
        if found <= _INTEGERS:
            return "integer"
        if found <= _NUMBERS:
            return "number"
        for kind in ("boolean", "date", "dateTime"):
            if found == {XSD + kind}:
                return kind.lower()
        return "text"

    def to_rows(self) -> list[list[str | None]]:
        return [[row.get(c) for c in self.columns] for row in self.rows]

    def to_dataframe(self):
        """A pandas DataFrame whose columns are typed from the literals' datatypes: integers
        (nullable ``Int64``), decimals and doubles (``float64``), booleans (nullable
        ``boolean``), dates and date-times (``datetime64``); other columns hold strings.
        pandas is needed only for this call (``pip install 'rrii-graph[lab]'``)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise QueryError("to_dataframe() needs pandas: pip install 'rrii-graph[lab]'") \
                from exc
        frame = {}
        for column in self.columns:
            values = [row.get(column) for row in self.rows]
            kind = self.column_type(column)
            if kind == "integer":
                frame[column] = pd.array([None if v is None else int(v) for v in values],
                                         dtype="Int64")
            elif kind == "number":
                frame[column] = pd.array([None if v is None else float(v) for v in values],
                                         dtype="float64")
            elif kind == "boolean":
                frame[column] = pd.array([None if v is None else v in ("true", "1")
                                          for v in values], dtype="boolean")
            elif kind in ("date", "datetime"):
                frame[column] = pd.to_datetime(pd.Series(values, dtype="object"))
            else:
                frame[column] = pd.Series(values, dtype="object")
        return pd.DataFrame(frame, columns=self.columns)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in r] for r in self.to_rows()])
        return out.getvalue()

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "rows": self.rows}, ensure_ascii=False,
                          indent=2) + "\n"

    def to_markdown(self) -> str:
        def cell(v: str | None) -> str:
            return "unknown" if v is None else v.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(self.columns) + " |",
                 "|" + "|".join("---" for _ in self.columns) + "|"]
        lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in self.to_rows()]
        return "\n".join(lines) + "\n"

    def to_table(self, width: int = 40) -> str:
        def cut(v: str | None) -> str:
            text = "unknown" if v is None else v
            return text if len(text) <= width else text[: width - 1] + "…"

        rows = [[cut(v) for v in r] for r in self.to_rows()]
        widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(self.columns)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [fmt.format(*self.columns), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*r) for r in rows]
        return "\n".join(lines) + f"\n({len(rows)} rows)\n"


def with_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal],
                base_uri: str = DEFAULT_BASE, remote: bool = False) -> str:
    """Bind the values with a SPARQL VALUES block at the start of the outer WHERE group and of
    each top-level subquery that projects a bound variable (:func:`rrii_graph.sparql.text.
    insert_values`, on the query's tokens), the language also into the label comparisons and,
    as the display-label graph of that language, into ``GRAPH ?displayLabels`` (see
    :mod:`rrii_graph.labels`; for a ``remote`` engine, as a filter on that variable); the
    result is parsed again before it is used. A remote endpoint cannot take bindings otherwise;
    see :func:`run_select` for the embedded store."""
    if not bindings:
        return text
    try:
        bound = sparql_text.insert_values(text, bindings)
        if "lang" in bindings:
            # A VALUES row does not reach the label lookups nested inside OPTIONAL groups (each
            # group is evaluated on its own), so the language also goes into their comparisons.
            bound = sparql_text.replace_variable_after_equals(bound, "lang", bindings["lang"])
            # and the graph of its display labels is fixed before the store plans the query
            # (bound from ?lang inside the query, it made one council's questions 5 to 50 times
            # slower: the store then plans the joins before it knows the graph)
            if DISPLAY_LABELS in sparql_text.variables(bound):
                lang = bindings["lang"].value
                if not LANGUAGE_TAG.match(lang):
                    raise QueryError(f"{lang!r} is not a language tag; use one of the project's "
                                     "languages")
                graph = ox.NamedNode(display_graph(lang, base_uri))
                fix = (sparql_text.restrict_graph_variable if remote
                       else sparql_text.replace_graph_variable)
                bound = fix(bound, DISPLAY_LABELS, graph)
        return sparql_text.checked(bound)
    except (sparql_text.SparqlTextError, SyntaxError) as exc:
        raise QueryError(f"cannot bind the parameters {sorted(bindings)}: {exc}") from exc


def run_remote(endpoint: str, query: NamedQuery,
               bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
               timeout: int = 30, base_uri: str = DEFAULT_BASE,
               default_graph: str | None = None) -> ResultTable:
    """Run a SELECT query on a remote SPARQL 1.1 endpoint through SPARQLWrapper;
    ``default_graph``, if given, is sent as the protocol's ``default-graph-uri`` (for a store
    that keeps the dump's default graph under a name, see docs/model.md)."""
    client = _client(endpoint, query, bindings, timeout, base_uri, JSON, default_graph)
    try:
        answer = client.queryAndConvert()
    except Exception as exc:  # SPARQLWrapper raises urllib, socket and its own errors
        raise _unanswered(endpoint, query, exc) from exc
    if not isinstance(answer, dict) or "head" not in answer or "results" not in answer:
        raise QueryError(f"endpoint {endpoint} answered something that is not SPARQL JSON "
                         "results; is the URL the query endpoint?")
    columns = answer["head"].get("vars", [])
    def text(term: dict | None) -> str | None:
        if term is None:
            return None
        return "_:" + term["value"] if term.get("type") == "bnode" else term["value"]

    def datatype(term: dict | None) -> str | None:
        if term is None or term.get("type") not in ("literal", "typed-literal"):
            return None
        if "xml:lang" in term:
            return "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
        return term.get("datatype", XSD + "string")

    bindings = answer["results"].get("bindings", [])
    rows = [{c: text(b.get(c)) for c in columns} for b in bindings]
    types = [{c: datatype(b.get(c)) for c in columns} for b in bindings]
    return ResultTable(columns, rows, types)


def run_remote_construct(endpoint: str, query: NamedQuery,
                         bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
                         timeout: int = 30, base_uri: str = DEFAULT_BASE) -> list[ox.Triple]:
    """Run a CONSTRUCT query on a remote SPARQL 1.1 endpoint; its answer as triples."""
    client = _client(endpoint, query, bindings, timeout, base_uri, TURTLE)
    try:
        body = client.query().response.read()
    except Exception as exc:  # SPARQLWrapper raises urllib, socket and its own errors
        raise _unanswered(endpoint, query, exc) from exc
    try:
        return list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise QueryError(f"endpoint {endpoint} answered query {query.name!r} with something "
                         f"that is not Turtle ({exc}); is the URL the query endpoint?") from exc


def _client(endpoint: str, query: NamedQuery, bindings, timeout: int, base_uri: str,
            fmt: str, default_graph: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint, defaultGraph=default_graph)
    client.setTimeout(timeout)
    client.setReturnFormat(fmt)
    client.setMethod("POST")
    client.setQuery(with_values(rebase_query(query.text, base_uri), bindings or {}, base_uri,
                                remote=True))
    return client


def _unanswered(endpoint: str, query: NamedQuery, exc: Exception) -> QueryError:
    return QueryError(f"endpoint {endpoint} did not answer query {query.name!r}: {exc}; "
                      "check the URL and that the server is running")


def run_named(store: ox.Store, query: NamedQuery, params: dict[str, str] | None = None,
              lang: str | None = "ca", base_uri: str = DEFAULT_BASE) -> ResultTable:
    """Run a named query on the embedded store with checked, bound parameters."""
    bindings = bind_params(query, params or {}, lang, base_uri)
    return ResultTable.from_result(run_select(store, query, bindings, base_uri))
