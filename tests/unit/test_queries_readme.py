"""queries/README.md lists every named query with its question and the number of rows it returns
on the curated data; this test re-runs them so the table cannot drift."""

from __future__ import annotations

import re

import pytest

from rrii_graph.api import KnowledgeGraph
from rrii_graph.queries import load_queries

ROW = re.compile(r"^\| \[`([\w-]+)`\]\(([\w-]+)\.rq\) \| (.+?) \| (.+?) \| (\d+) \| (.+) \|$")


@pytest.fixture(scope="module")
def readme_rows(layout) -> dict[str, tuple[str, str, int]]:
    rows = {}
    for line in (layout.queries_dir / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            name, file, question, params, count, _answer = match.groups()
            assert name == file
            rows[name] = (question, params, int(count))
    return rows


def test_readme_lists_every_query_with_its_question(layout, readme_rows):
    queries = load_queries(layout.queries_dir)
    assert set(readme_rows) == set(queries)
    for name, (question, _params, _count) in readme_rows.items():
        assert question == queries[name].question, name


def test_readme_row_counts_match_the_curated_data(layout, readme_rows):
    kg = KnowledgeGraph.load(layout=layout, data_dir=layout.data_dir)
    for name, (_question, params, count) in sorted(readme_rows.items()):
        bound = dict(p.split("=", 1) for p in params.split()) if params != "-" else {}
        assert len(kg.query(name, lang="en", **bound).rows) == count, name
