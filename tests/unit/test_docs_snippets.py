"""The documentation runs: every SPARQL snippet of README.md, docs/model.md and queries/README.md
is a complete query that runs on the curated graph, and where a table of answers follows it, the
query gives that table; every Turtle example of docs/model.md parses with the page's prefixes."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from rrii_graph.queries import NamedQuery, ResultTable, run_select
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "docs" / "model.md", ROOT / "queries" / "README.md"]
BLOCK = re.compile(r"```(\w+)\n(.*?)```(\n\n(\|.*?)(?:\n\n|\Z))?", re.S)


def blocks(path: Path, language: str) -> list[tuple[int, str, str | None]]:
    """(line, text, the table that follows or None) of each fenced block in ``language``."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(text):
        if match.group(1) == language:
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, match.group(2), match.group(4)))
    return found


SPARQL = [(path, line, text, table) for path in DOCS
          for line, text, table in blocks(path, "sparql")]


def test_the_docs_have_worked_queries():
    assert len(SPARQL) >= 7
    assert sum(1 for *_, table in SPARQL if table) >= 6


@pytest.mark.parametrize(("path", "line", "text", "table"), SPARQL,
                         ids=[f"{p.relative_to(ROOT)}:{n}" for p, n, *_ in SPARQL])
def test_sparql_snippet_runs_and_gives_its_table(path, line, text, table, shipped_dataset):
    query = NamedQuery(name=f"{path.name}:{line}", path=path, text=text)
    result = ResultTable.from_result(run_select(shipped_dataset.store(), query))
    assert result.rows, f"{path.name}, line {line}: the snippet finds nothing on the curated data"
    if table:
        assert result.to_markdown().strip() == table.strip(), f"{path.name}, line {line}"


def test_turtle_and_trig_examples_parse_with_the_pages_prefixes():
    page = ROOT / "docs" / "model.md"
    examples = blocks(page, "turtle")
    prefixes = examples[0][1]
    assert "@prefix ib:" in prefixes and "@prefix v:" not in prefixes
    checked = 0
    for syntax, fmt in (("turtle", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG)):
        for line, text, _ in blocks(page, syntax):
            try:
                checked += bool(list(ox.parse((prefixes + text).encode(), format=fmt)))
            except SyntaxError as exc:
                pytest.fail(f"docs/model.md, line {line}: {exc}")
    assert checked >= 10


def test_the_model_names_every_property_each_rule_reads(layout):
    """docs/model.md's table of what each typology rule reads matches the rules' queries."""
    from rdflib.plugins.sparql import prepareQuery

    from rrii_graph.ingest.mapping import _iris_read
    from rrii_graph.layout import compact

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rules = sorted(layout.rules_dir.glob("*.rq"))
    assert rules
    for rule in rules:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{rule.stem}` |")),
                   None)
        assert row is not None, f"docs/model.md has no row for the rule {rule.stem}"
        listed = set(re.findall(r"`([^`]+)`", row.split("|")[2]))
        read = {compact(i).replace(rdf, "rdf:") for i in _iris_read(
            prepareQuery(rule.read_text(encoding="utf-8")).algebra.p)
            if "/vocab/" not in i and "/id/" not in i
            and not compact(i).replace(rdf, "rdf:").split(":")[-1][:1].isupper()}
        assert listed == read, (rule.stem, sorted(read - listed), sorted(listed - read))
