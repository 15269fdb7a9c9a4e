"""Named SPARQL queries: ``queries/<name>.rq`` files with a comment header, run on the store.

A header is a block of ``# key: value`` comment lines at the top of the file. Named queries carry
``question``, ``returns`` and ``used-by``; quality checks (``queries/checks/*-violation.rq``) carry
``message@ca``, ``message@es`` and ``message@en``. Values are bound into a query through
pyoxigraph substitutions, never pasted into its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .layout import DEFAULT_BASE

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
        """The check's message in ``lang``, falling back to ca, es, en."""
        for key in (lang, "ca", "es", "en"):
            if f"message@{key}" in self.header:
                return self.header[f"message@{key}"]
        return self.header.get("message", self.name)


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
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            header[match.group(1).lower()] = match.group(2)
    name = path.name.removesuffix(".rq")
    return NamedQuery(name=name, path=path, text=text, header=header)


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
    another base than the default one."""
    if base_uri == DEFAULT_BASE:
        return text
    return text.replace("<" + DEFAULT_BASE, "<" + base_uri)


def run_select(
    store: ox.Store,
    query: NamedQuery,
    bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
    base_uri: str = DEFAULT_BASE,
) -> QueryResult:
    """Run a SELECT query on the store's default graph (the merge of all graphs, see
    :meth:`rrii_graph.build.Dataset.store`), with values bound to variables."""
    substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
    try:
        solutions = store.query(
            rebase_query(query.text, base_uri),
            substitutions=substitutions or None,
        )
    except SyntaxError as exc:
        raise QueryError(f"query {query.name!r} ({query.path}) is malformed: {exc}") from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"query {query.name!r} ({query.path}) is not a SELECT query")
    variables = [v.value for v in solutions.variables]
    rows = [{v: solution[v] for v in variables} for solution in solutions]
    return QueryResult(variables=variables, rows=rows)


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

    body: str
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
        rows.append(CouncilCoverage(row["body"].value, row["label"].value, counts, sources))
    return rows
