"""SPARQL query text, read token by token: what binding and rebasing change is found in the
tokens of the SPARQL grammar (IRIs, strings of the four kinds, comments, variables, braces,
keywords), never by a pattern over the raw text, so a ``{`` or a ``#`` inside a literal, an IRI
or a comment is never taken for structure. Every rewritten query is parsed again by the store's
SPARQL parser before it is used (:func:`checked`).

- :func:`tokens`: the tokens of a query;
- :func:`variables`: the variables it mentions;
- :func:`insert_values`: a VALUES block at the start of the outer WHERE group and of each
  top-level subquery that projects a bound variable;
- :func:`replace_graph_variable`: a variable naming a graph (``GRAPH ?g``) fixed to a graph, or
  :func:`restrict_graph_variable`: restricted to it by a filter;
- :func:`replace_iris`: IRIs rebased, wherever they stand (``<...>`` only, never inside strings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

# the lexical rules of SPARQL 1.1 (section 19.8), in the order they must be tried
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<punct>[{}()\[\].;,])
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()\[\];,"'<>]*)?|:[^\s{}()\[\];,"'<>]*)
  | (?P<other>\^\^|&&|\|\||!=|<=|>=|[^\s])
""", re.VERBOSE | re.DOTALL)


class SparqlTextError(ValueError):
    """The text is not read as SPARQL (an unterminated string or IRI, a stray character)."""


@dataclass(frozen=True)
class Token:
    kind: str  # comment string iri var punct word other
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:  # pragma: no cover - the "other" rule takes any character
            raise SparqlTextError(f"cannot read the query at character {at}")
        kind = match.lastgroup
        if kind != "ws":
            yield Token(kind, match.group(0), match.start(), match.end())
        at = match.end()


def variables(text: str) -> set[str]:
    return {t.text[1:] for t in tokens(text) if t.kind == "var"}


def _structure(text: str) -> list[Token]:
    """The tokens without the comments: what the query's structure is made of."""
    return [t for t in tokens(text) if t.kind != "comment"]


def _outer_where(toks: list[Token]) -> int:
    """The index of the ``{`` that opens the outer WHERE group (not a CONSTRUCT template)."""
    depth, first = 0, None
    for k, token in enumerate(toks):
        if token.kind != "punct" or token.text not in "{}":
            if depth == 0 and token.is_word("WHERE") and k + 1 < len(toks) \
                    and toks[k + 1].text == "{":
                return k + 1
            continue
        if token.text == "{" and depth == 0 and first is None:
            first = k
        depth += 1 if token.text == "{" else -1
    construct = any(t.is_word("CONSTRUCT", "DESCRIBE") for t in toks)
    if first is None or construct:  # "WHERE" may be left out before the only group of a SELECT
        raise SparqlTextError("the query has no WHERE group")
    return first


def _subqueries(toks: list[Token], first: int) -> list[tuple[int, set[str]]]:
    """(index of the ``{`` of its WHERE group, its plainly projected variables) for each subquery
    in the outer group (not those nested in another subquery)."""
    found, depth, k = [], 0, first
    while k < len(toks):
        token = toks[k]
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
            if depth == 0:
                break
            if token.text == "{" and k + 1 < len(toks) and toks[k + 1].is_word("SELECT"):
                # the projection: variables outside "( expression AS ?v )"
                j, level, projected = k + 2, 0, set()
                while j < len(toks) and not (toks[j].is_word("WHERE") and level == 0) and \
                        not (toks[j].text == "{" and level == 0):
                    if toks[j].text == "(":
                        level += 1
                    elif toks[j].text == ")":
                        level -= 1
                    elif toks[j].kind == "var" and level == 0:
                        projected.add(toks[j].text[1:])
                    j += 1
                if j < len(toks) and toks[j].is_word("WHERE"):
                    j += 1
                found.append((j, projected))
                # skip the subquery: its own subqueries are left alone
                inner, k = 0, j
                while k < len(toks):
                    if toks[k].text == "{":
                        inner += 1
                    elif toks[k].text == "}":
                        inner -= 1
                        if inner == 0:
                            break
                    k += 1
                # the subquery's closing brace: k stops on the "}" of its WHERE group; the
                # outer "{ SELECT ... }" still closes after its modifiers
                k += 1
                continue
        k += 1
    return found


def insert_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with a ``VALUES`` row for ``bindings`` at the start of its outer WHERE group
    and of each top-level subquery that projects a bound variable (a subquery is evaluated on
    its own: its rows for other values could never join). Terms are written by pyoxigraph in
    N-Triples syntax, so a value can never change the query's structure."""
    if not bindings:
        return text
    toks = _structure(text)
    outer = _outer_where(toks)
    inserts = [(toks[outer].end, sorted(bindings))]
    for brace, projected in _subqueries(toks, outer):
        names = sorted(n for n in bindings if n in projected)
        if names and brace < len(toks) and toks[brace].text == "{":
            inserts.append((toks[brace].end, names))
    for at, names in sorted(inserts, reverse=True):
        block = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
                 + " ".join(str(bindings[n]) for n in names) + ") }")
        text = text[:at] + "\n  " + block + text[at:]
    return text


def _closing(toks: list[Token], opening: int) -> int:
    """The index of the ``}`` that closes the group opened by ``toks[opening]``."""
    depth = 0
    for k in range(opening, len(toks)):
        if toks[k].kind == "punct" and toks[k].text == "{":
            depth += 1
        elif toks[k].kind == "punct" and toks[k].text == "}":
            depth -= 1
            if depth == 0:
                return k
    raise SparqlTextError("a group is not closed")


def construct_to_insert(text: str, graphs: list) -> str:
    """A CONSTRUCT query as the SPARQL update that inserts its template into each of
    ``graphs`` (the default graph as ``None``, a named graph as its IRI term), with the same
    WHERE group: what it derives goes into the store without leaving it."""
    toks = _structure(text)
    at = next((k for k, t in enumerate(toks) if t.is_word("CONSTRUCT")), None)
    if at is None or at + 1 >= len(toks) or toks[at + 1].text != "{":
        raise SparqlTextError("not a CONSTRUCT query with a template")
    end = _closing(toks, at + 1)
    template = text[toks[at + 1].end:toks[end].start]
    parts = [template if g is None else f" GRAPH {g} {{{template}}}" for g in graphs]
    return (text[:toks[at].start] + "INSERT {" + "".join(parts) + "}"
            + text[toks[end].end:])


def _replace_variable(text: str, name: str, term, after) -> str:
    """``?name`` becomes ``term`` where the structure token before it satisfies ``after``."""
    toks = _structure(text)
    out, last = [], 0
    for k, token in enumerate(toks):
        if token.kind == "var" and token.text[1:] == name and k and after(toks[k - 1]):
            out.append(text[last:token.start])
            out.append(str(term))
            last = token.end
    out.append(text[last:])
    return "".join(out)


def replace_variable_after_equals(text: str, name: str, term) -> str:
    """``= ?name`` becomes ``= <term>`` wherever it stands in the query's structure (a VALUES
    row does not reach comparisons inside OPTIONAL groups evaluated on their own)."""
    return _replace_variable(text, name, term, lambda before: before.text == "=")


def replace_graph_variable(text: str, name: str, term) -> str:
    """``GRAPH ?name`` becomes ``GRAPH <term>`` wherever it stands: a graph the query reads
    from, fixed before the store plans the query (a VALUES row would be joined later)."""
    return _replace_variable(text, name, term, lambda before: before.is_word("GRAPH"))


def restrict_graph_variable(text: str, name: str, term) -> str:
    """Each ``GRAPH ?name { ... }`` becomes ``GRAPH ?name_k { ... } FILTER(?name_k = <term>)``,
    a variable of its own for each (``?name`` is never projected): the same answers as
    :func:`replace_graph_variable`, for engines that read a constant graph name otherwise (with
    a ``default-graph-uri``, Virtuoso finds nothing in ``GRAPH <term>``, but does in ``GRAPH
    ?g`` restricted so; one variable shared by several OPTIONAL groups it joins wrongly)."""
    toks = _structure(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for k, token in enumerate(toks):
        if not (token.kind == "var" and token.text[1:] == name and k
                and toks[k - 1].is_word("GRAPH")):
            continue
        if k + 1 >= len(toks) or toks[k + 1].text != "{":
            raise SparqlTextError(f"GRAPH ?{name} is not followed by a group")
        own = f"?{name}_{len(edits) // 2}"
        closing = toks[_closing(toks, k + 1)]
        edits.append((token.start, token.end, own))
        edits.append((closing.end, closing.end, f" FILTER({own} = {term})"))
    edits.sort()
    out, last = [], 0
    for start, end, replacement in edits:
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def replace_iris(text: str, old: str, new: str) -> str:
    """Every IRI ``<old...>`` of the query as ``<new...>``; strings and comments are left as
    they are."""
    out, last = [], 0
    for token in tokens(text):
        if token.kind == "iri" and token.text.startswith("<" + old):
            out.append(text[last:token.start])
            out.append("<" + new + token.text[1 + len(old):])
            last = token.end
    out.append(text[last:])
    return "".join(out)


def checked(text: str) -> str:
    """The query, parsed by the store's SPARQL parser (on an empty store): a rewriting that
    broke the query is an error here, never a wrong answer."""
    ox.Store().query(text)
    return text
