"""HTML pages of the published site: one page per resource and language, documentation pages for
the ontology and each vocabulary, an index to browse by type, and the list of named queries.

Each page goes through a small view model (plain dicts) rendered by the Jinja2 templates in
``templates/site/`` with autoescaping, so a label holding markup shows as text. Pages are
polyglot XHTML (well-formed XML), linked to each other with relative links, so the site works
from a folder as well as under its base IRI. The Catalan page is ``<path>.html``; the Spanish and
English ones ``<path>.es.html`` and ``<path>.en.html``.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import messages
from ..layout import LANGUAGES, NAMESPACES
from ..queries import NamedQuery
from .dumps import RESOURCE_SYNTAXES
from .resources import ResourceIndex, compact, site_path

SKOS = NAMESPACES["skos"]
OWL = NAMESPACES["owl"]
RDFS = NAMESPACES["rdfs"]
PROV = NAMESPACES["prov"]
FOAF = NAMESPACES["foaf"]
DCT = NAMESPACES["dct"]

DOCUMENT_FACTS = (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                  OWL + "equivalentProperty", OWL + "equivalentClass", OWL + "inverseOf",
                  NAMESPACES["sh"] + "targetClass", NAMESPACES["sh"] + "severity")


def words(lang: str) -> dict[str, str]:
    """The site's words in ``lang`` (the message catalogue's section ``site``)."""
    return messages.section("site", lang)


def page_file(path: str, lang: str) -> str:
    return f"{path}.html" if lang == LANGUAGES[0] else f"{path}.{lang}.html"


def relative(from_file: str, to_file: str) -> str:
    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


class SiteRenderer:
    """Renders every page of the site from a :class:`ResourceIndex`."""

    def __init__(self, index: ResourceIndex, graph_members: dict[str, list[str]]):
        self.index = index
        self.base = index.base
        self.members = graph_members
        self._source_cache: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.env = Environment(loader=PackageLoader("rrii_graph", "templates"),
                               autoescape=select_autoescape(["html", "j2"]),
                               undefined=StrictUndefined, keep_trailing_newline=True)

    # -- links

    def link(self, iri: str, from_file: str, lang: str) -> str:
        """A relative link to the page of an own IRI (with its #fragment), else the IRI."""
        path = site_path(iri, self.base)
        if path is None:
            return iri
        fragment = "#" + iri.split("#", 1)[1] if "#" in iri else ""
        return relative(from_file, page_file(path, lang)) + fragment

    def _frame(self, path: str, lang: str, title: str, iri: str | None) -> dict:
        here = page_file(path, lang)
        depth = path.count("/")
        alternates = [{"media_type": "text/html", "href": relative(here, page_file(path, other)),
                       "hreflang": other} for other in LANGUAGES if other != lang]
        formats = []
        if iri is not None:
            for syntax in RESOURCE_SYNTAXES:
                href = relative(here, f"{path}.{syntax.extension}")
                formats.append({"name": syntax.extension, "href": href,
                                "media_type": syntax.media_type})
                alternates.append({"media_type": syntax.media_type, "href": href,
                                   "hreflang": None})
        return {
            "lang": lang, "title": title, "iri": iri, "root": "../" * depth,
            "suffix": "" if lang == LANGUAGES[0] else f".{lang}",
            "words": words(lang), "alternates": alternates, "formats": formats,
            "languages": [{"lang": other, "name": messages.text("language.name", other),
                           "href": relative(here, page_file(path, other))}
                          for other in LANGUAGES],
        }

    def _render(self, template: str, page: dict) -> bytes:
        return self.env.get_template(f"site/{template}").render(page=page).encode()

    # -- one resource

    def resource_page(self, iri: str, path: str, lang: str) -> bytes:
        index, here = self.index, page_file(path, lang)
        page = self._frame(path, lang, index.label(iri, lang), iri)
        page["types"] = [{"label": index.label(t, lang), "href": self.link(t, here, lang)}
                         for t in index.types.get(iri, [])]
        page["labels"] = [{"lang": k, "text": v}
                          for k, v in sorted(index.labels.get(iri, {}).items())]
        rows = []
        for st in sorted(index.outgoing.get(iri, []),
                         key=lambda s: (index.label(s.predicate.value, lang), str(s.object))):
            row = {"iri": st.predicate.value, "label": index.label(st.predicate.value, lang),
                   "href": self.link(st.predicate.value, here, lang), "value_href": None,
                   "value_lang": None, "note": None, "sources": self._sources(st.graphs, here,
                                                                               lang)}
            obj = st.object
            if isinstance(obj, ox.NamedNode):
                row["value"] = index.label(obj.value, lang)
                row["value_href"] = self.link(obj.value, here, lang)
            elif isinstance(obj, ox.BlankNode):
                inner = index.outgoing.get(f"_:{obj.value}", [])
                row["value"] = "; ".join(
                    f"{index.label(s.predicate.value, lang)}: "
                    + (index.label(s.object.value, lang) if isinstance(s.object, ox.NamedNode)
                       else s.object.value) for s in inner)
            else:
                row["value"] = obj.value
                row["value_lang"] = obj.language
                if obj.language is None and not obj.datatype.value.endswith("#string"):
                    row["note"] = compact(obj.datatype.value, self.base)
            rows.append(row)
        page["rows"] = rows
        page["incoming"] = [
            {"label": index.label(s, lang), "href": self.link(s, here, lang),
             "predicate": index.label(p, lang)}
            for s, p in index.incoming.get(iri, []) if not s.startswith("_:")][:500]
        page["concepts"] = self._concept_tree(iri, here, lang)
        page["members"] = [{"label": index.label(m, lang), "href": self.link(m, here, lang)}
                           for m in self.members.get(iri, [])]
        return self._render("resource.html.j2", page)

    def _sources(self, graphs: set[str], here: str, lang: str) -> list[dict]:
        out = []
        for g in sorted(graphs):
            title, page = self._source(g, lang)
            out.append({"label": g.rstrip("/").rsplit("/", 1)[-1], "title": title,
                        "href": self.link(g, here, lang), "page": page})
        return out

    def _source(self, graph: str, lang: str) -> tuple[str, str | None]:
        """The title and public address of the document a graph comes from."""
        if (graph, lang) not in self._source_cache:
            document = next((s.object.value for s in self.index.outgoing.get(graph, [])
                             if s.predicate.value == PROV + "hadPrimarySource"), None)
            page = None
            if document:
                page = next((s.object.value for s in self.index.outgoing.get(document, [])
                             if s.predicate.value == FOAF + "page"), None)
            title = self.index.label(document or graph, lang)
            self._source_cache[graph, lang] = (title, page)
        return self._source_cache[graph, lang]

    def _concept_tree(self, scheme: str, here: str, lang: str) -> list[dict]:
        if SKOS + "ConceptScheme" not in self.index.types.get(scheme, []):
            return []
        members = sorted(s for s, p in self.index.incoming.get(scheme, [])
                         if p == SKOS + "inScheme")
        broader: dict[str, list[str]] = defaultdict(list)
        for concept in members:
            for st in self.index.outgoing.get(concept, []):
                if st.predicate.value == SKOS + "broader" and st.object.value in members:
                    broader[st.object.value].append(concept)

        def node(concept: str, seen: frozenset) -> dict:
            facts = {st.predicate.value: st.object for st in self.index.outgoing.get(concept, [])
                     if isinstance(st.object, ox.Literal)
                     and (st.object.language in (None, lang))}
            definition = facts.get(SKOS + "definition")
            notation = facts.get(SKOS + "notation")
            return {"label": self.index.label(concept, lang), "href": self.link(concept, here,
                                                                                lang),
                    "notation": notation.value if notation else None,
                    "definition": definition.value if definition else None,
                    "children": [node(c, seen | {concept}) for c in sorted(broader[concept])
                                 if c not in seen]}

        narrower = {c for children in broader.values() for c in children}
        return [node(c, frozenset()) for c in members if c not in narrower]

    # -- documents of hash IRIs (the ontology, the shapes)

    def document_page(self, path: str, terms: list[str], lang: str) -> bytes:
        index, here = self.index, page_file(path, lang)
        iri = self.base + path
        title = index.label(iri, lang) if iri in index.labels else compact(iri, self.base)
        page = self._frame(path, lang, title, iri)
        description = [st.object for st in index.outgoing.get(iri, [])
                       if st.predicate.value in (DCT + "description", RDFS + "comment")
                       and isinstance(st.object, ox.Literal) and st.object.language == lang]
        page["description"] = description[0].value if description else None
        groups: dict[str, list[dict]] = defaultdict(list)
        for term in terms:
            kinds = index.types.get(term, [])
            key = ("classes" if OWL + "Class" in kinds else
                   "object_properties" if OWL + "ObjectProperty" in kinds else
                   "datatype_properties" if OWL + "DatatypeProperty" in kinds else "other_terms")
            comment = [st.object.value for st in index.outgoing.get(term, [])
                       if st.predicate.value == RDFS + "comment"
                       and isinstance(st.object, ox.Literal) and st.object.language == lang]
            facts = []
            for predicate in DOCUMENT_FACTS:
                values = [st.object.value for st in index.outgoing.get(term, [])
                          if st.predicate.value == predicate and isinstance(st.object,
                                                                              ox.NamedNode)]
                if values:
                    facts.append({"label": index.label(predicate, lang),
                                  "vals": [{"text": index.label(v, lang),
                                              "href": self.link(v, here, lang)}
                                             for v in sorted(values)]})
            groups[key].append({"anchor": term.split("#", 1)[1], "label": index.label(term, lang),
                                "curie": compact(term, self.base),
                                "comment": comment[0] if comment else None, "facts": facts})
        w = words(lang)
        page["sections"] = [{"title": w[k], "terms": sorted(groups[k], key=lambda t: t["anchor"])}
                            for k in ("classes", "object_properties", "datatype_properties",
                                      "other_terms") if groups.get(k)]
        return self._render("ontology.html.j2", page)

    # -- the index and the queries page

    def index_page(self, resources: list[str], dumps: list[str], lang: str) -> bytes:
        index, here = self.index, page_file("index", lang)
        page = self._frame("index", lang, words(lang)["site_title"], None)
        page["description"] = words(lang)["site_description"]
        page["dumps"] = [{"name": d, "href": f"dumps/{d}"} for d in dumps]
        page["vocabularies"] = sorted(
            ({"label": index.label(r, lang), "href": self.link(r, here, lang)}
             for r in resources if SKOS + "ConceptScheme" in index.types.get(r, [])),
            key=lambda v: v["label"])
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in resources:
            if "#" in r:
                continue
            for t in index.types.get(r, [])[:1]:
                groups[t].append({"label": index.label(r, lang), "href": self.link(r, here, lang)})
        page["groups"] = sorted(
            ({"label": index.label(t, lang), "entries": sorted(items, key=lambda i: i["label"])}
             for t, items in groups.items()), key=lambda g: g["label"])
        return self._render("index.html.j2", page)

    def queries_page(self, queries: dict[str, NamedQuery], lang: str) -> bytes:
        page = self._frame("queries", lang, words(lang)["queries"], None)
        page["description"] = words(lang)["queries_description"]
        page["queries"] = [{"name": name, "question": q.question, "href": f"queries/{name}.rq"}
                           for name, q in sorted(queries.items())]
        return self._render("queries.html.j2", page)

    def sparql_page(self, queries: dict[str, NamedQuery], lang: str) -> bytes:
        """The query page: a form for the endpoint, with the named queries as examples."""
        page = self._frame("sparql", lang, words(lang)["sparql_title"], None)
        page["description"] = words(lang)["sparql_description"]
        page["endpoint"] = "sparql"
        first = queries.get("coverage") or next(iter(queries.values()), None)
        page["example"] = first.text if first else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
        page["result_formats"] = [
            {"name": name, "media_type": media} for name, media in (
                ("JSON", "application/sparql-results+json"),
                ("XML", "application/sparql-results+xml"), ("CSV", "text/csv"),
                ("TSV", "text/tab-separated-values"), ("Turtle", "text/turtle"))]
        page["queries"] = [{"name": name, "question": q.question, "href": f"queries/{name}.rq"}
                           for name, q in sorted(queries.items())]
        return self._render("sparql.html.j2", page)


def graph_members(quads: list[ox.Quad], base: str) -> dict[str, list[str]]:
    """Data graph -> the own resources it states something about (for the graph's page)."""
    members: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        g = q.graph_name.value
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base) \
                and q.subject.value != g:
            members[g].add(q.subject.value)
    return {g: sorted(m) for g, m in members.items()}

