"""``rrii push``: load the graph into any triple store through the SPARQL 1.1 Graph Store HTTP
Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/), graph by graph.

Each named graph of the dataset is replaced (HTTP PUT, ``?graph=<IRI>``) by its triples in
N-Triples; then the default graph gets the merge of them all (``?default``), which is the graph
the named queries read. Works with Oxigraph (``/store``), Fuseki (``/<dataset>/data``), GraphDB
(``/repositories/<id>/rdf-graphs/service``), Virtuoso (``/sparql-graph-crud-auth``, with
``merge_graph``: its Graph Store has no default graph) and QLever where they accept writes. A
store that refuses a graph stops the push with its status and answer.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .build import Dataset
from .errors import RriiError


class PushError(RriiError):
    """The store refused a graph or could not be reached."""


@dataclass(frozen=True)
class PushResult:
    graphs: int
    triples: int


class _Authorizer:
    """Credentials sent with the first byte of each PUT. A store that asks for digest
    authentication (Virtuoso's ``/sparql-graph-crud-auth``) answers a request without them with
    401 at once, and may close the connection while a large body is still being sent: so its
    challenge is fetched once with a small request, and every PUT carries its answer."""

    def __init__(self, endpoint: str, auth: str, timeout: int):
        user, _, password = auth.partition(":")
        self._basic = "Basic " + base64.b64encode(auth.encode()).decode()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password)
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
        self._challenge: dict | None = None
        self._timeout = timeout
        self.probe(endpoint)

    def probe(self, url: str, answer: urllib.error.HTTPError | None = None) -> None:
        """Read the store's challenge (from ``answer``, or from a HEAD request to ``url``)."""
        if answer is None:
            try:
                probe = urllib.request.Request(url, method="HEAD")
                with urllib.request.urlopen(probe, timeout=self._timeout) as reply:
                    reply.read()
                return  # no challenge: basic credentials, sent pre-emptively, will do
            except urllib.error.HTTPError as exc:
                answer = exc
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                return  # the PUT will say what is wrong
        header = answer.headers.get("WWW-Authenticate", "") if answer.code == 401 else ""
        if header.lower().startswith("digest "):
            self._challenge = urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(header[7:]))

    def header(self, request: urllib.request.Request) -> str:
        if self._challenge is None:
            return self._basic
        return "Digest " + self._digest.get_authorization(request, self._challenge)


def _put(url: str, body: bytes, timeout: int, authorizer: _Authorizer | None) -> None:
    """PUT the body, with the credentials of ``authorizer`` if any; a stale digest challenge
    is renewed once."""
    for attempt in (1, 2):
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        if authorizer is not None:
            request.add_header("Authorization", authorizer.header(request))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                answer.read()
            return
        except urllib.error.HTTPError as exc:
            if exc.code != 401 or authorizer is None or attempt == 2:
                raise
            authorizer.probe(url, exc)


def push_dataset(dataset: Dataset, endpoint: str, timeout: int = 120, auth: str | None = None,
                 default_graph: bool = True,
                 progress: Callable[[str, int], None] | None = None,
                 merge_graph: str | None = None) -> PushResult:
    """PUT every named graph, then the merged default graph, to the Graph Store at
    ``endpoint``. ``auth`` is ``user:password`` (HTTP basic or digest authentication).
    ``merge_graph``, an IRI, puts the merge into that named graph instead of the default graph,
    for a store whose default graph is the union of its graphs (Virtuoso): query it there with
    the protocol's ``default-graph-uri``."""
    if not endpoint.startswith(("http://", "https://")):
        raise PushError(f"the Graph Store endpoint must be an http(s) URL, got {endpoint!r}")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in dataset.quads:
        graphs[quad.graph_name.value].append(quad.triple)
    separator = "&" if "?" in endpoint else "?"
    targets = [(g, f"{endpoint}{separator}graph={urllib.parse.quote(g, safe='')}", graphs[g])
               for g in sorted(graphs)]
    if default_graph:
        merged = dataset.merged_triples()
        if merge_graph is None:
            targets.append(("default graph", f"{endpoint}{separator}default", merged))
        else:
            targets.append((f"the merge <{merge_graph}>", f"{endpoint}{separator}graph="
                            f"{urllib.parse.quote(merge_graph, safe='')}", merged))
    authorizer = _Authorizer(endpoint, auth, timeout) if auth else None
    total = 0
    for name, url, triples in targets:
        body = bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        try:
            _put(url, body, timeout, authorizer)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace").strip()[:300]
            raise PushError(f"the store refused {name} with HTTP {exc.code} {exc.reason}"
                            + (f": {detail}" if detail else "")
                            + "; check the Graph Store URL, that the store accepts writes, "
                              "and --auth") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise PushError(f"cannot reach the Graph Store at {endpoint}: {exc}") from exc
        total += len(triples)
        if progress is not None:
            progress(name, len(triples))
    return PushResult(len(graphs), total)
