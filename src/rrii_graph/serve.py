"""``rrii serve``: the published site over HTTP, with content negotiation, and a read-only SPARQL
1.1 Protocol endpoint at ``/sparql``.

The endpoint is the Oxigraph server (``oxigraph serve-read-only``, from the ``oxigraph`` package)
running on a private loopback port over a store loaded from the site's dumps (the source graphs
as named graphs, their merge as the default graph). Oxigraph was chosen over answering in process
with pyoxigraph because it enforces a query timeout (``--timeout-s``) in the engine, which
pyoxigraph cannot interrupt, and answers from its own process. In front of it, a small threaded
HTTP server serves the pages and files, negotiates the representation of each IRI (HTML, Turtle,
JSON-LD, N-Triples; the page language by Accept-Language), refuses updates, caps results at a
limit and offers the named queries as examples on its query page.
"""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from .errors import RriiError
from .layout import LANGUAGES
from .publish.conneg import REPRESENTATIONS, negotiate, parse_accept


class ServeError(RriiError):
    """The server cannot start (no site, no Oxigraph binary, port taken, store not loaded)."""


RESULT_FORMATS = {  # media type -> pyoxigraph results format
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
FORMAT_NAMES = {  # the ``format`` parameter many clients send (SPARQLWrapper among them)
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples",
    "json-ld": "application/ld+json", "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
}
GRAPH_FORMATS = {  # media type -> RDF format for CONSTRUCT and DESCRIBE
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
EXTRA_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
               ".nt": "application/n-triples", ".trig": "application/trig",
               ".nq": "application/n-quads", ".rq": "application/sparql-query",
               ".gz": "application/gzip", ".css": "text/css", ".html": "text/html"}


def oxigraph_binary() -> str:
    """The ``oxigraph`` command installed with the package (beside this Python), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise ServeError("the 'oxigraph' command is missing; install the project again "
                         "(pip install -e .) to get the Oxigraph server")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _choose(header: str | None, offers: dict) -> str | None:
    """The first media type of ``offers`` the Accept header accepts (``*/*``: the first offer)."""
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        if media == "*/*":
            return next(iter(offers))
        if media in offers:
            return media
        if media.endswith("/*"):
            match = next((m for m in offers if m.startswith(media[:-1])), None)
            if match:
                return match
    return None


class Endpoint:
    """The Oxigraph server process and the store it reads."""

    def __init__(self, site: Path, timeout_s: int):
        self.site = site
        self.timeout_s = timeout_s
        self.workdir = Path(tempfile.mkdtemp(prefix="rrii-serve-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> None:
        binary = oxigraph_binary()
        dumps = [self.site / "dumps" / "rrii.nq", self.site / "dumps" / "rrii.nt"]
        missing = [str(p) for p in dumps if not p.is_file()]
        if missing:
            raise ServeError(f"the site has no dumps ({', '.join(missing)}); run 'rrii publish'")
        store = self.workdir / "store"
        loaded = subprocess.run(
            [binary, "load", "--location", str(store), "--file", *map(str, dumps)],
            capture_output=True, text=True)
        if loaded.returncode != 0:
            raise ServeError(f"loading the dumps into Oxigraph failed: {loaded.stderr.strip()}")
        self.process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(store), "--bind",
             f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServeError("the Oxigraph server stopped: "
                                 + self.process.stderr.read().decode(errors="replace"))
            try:
                with urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise ServeError("the Oxigraph server did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


class SiteServer:
    """The front server: static site with content negotiation, and ``/sparql``."""

    def __init__(self, site: Path, host: str = "127.0.0.1", port: int = 8000,
                 timeout_s: int = 30, result_limit: int = 10_000):
        self.site = Path(site).resolve()
        if not (self.site / "index.html").is_file():
            raise ServeError(f"no published site in {site}; run 'rrii publish --out {site}'")
        self.host, self.port = host, port
        self.result_limit = result_limit
        self.endpoint = Endpoint(self.site, timeout_s)
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> SiteServer:
        self.endpoint.start()
        handler = type("Handler", (_Handler,), {"server_config": self})
        try:
            self.httpd = ThreadingHTTPServer((self.host, self.port), handler)
        except OSError as exc:
            self.endpoint.stop()
            raise ServeError(f"cannot listen on {self.host}:{self.port}: {exc.strerror}") from exc
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        self.endpoint.stop()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_config: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "rrii-graph"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler API
        if os.environ.get("RRII_SERVE_LOG"):
            super().log_message(format, *args)

    # -- plumbing

    def _send(self, status: int, body: bytes, media_type: str, headers: dict | None = None):
        self.send_response(status)
        charset = "; charset=utf-8" if media_type.startswith("text/") or media_type.endswith(
            ("json", "xml")) else ""
        self.send_header("Content-Type", media_type + charset)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain")

    def do_HEAD(self) -> None:  # noqa: N802 - BaseHTTPRequestHandler API
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path.rstrip("/") == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "updates are refused: read-only endpoint")
            if "query" not in params:
                return self._static("/sparql")
            return self._sparql(params["query"][0], params.get("format", [None])[0])
        return self._static(url.path)

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path.rstrip("/") != "/sparql":
            return self._error(HTTPStatus.METHOD_NOT_ALLOWED, "POST only on /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "updates are refused: read-only endpoint")
        if kind == "application/sparql-query":
            return self._sparql(body, urllib.parse.parse_qs(url.query).get("format", [None])[0])
        if kind == "application/x-www-form-urlencoded":
            params = urllib.parse.parse_qs(body)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "updates are refused: read-only endpoint")
            if "query" in params:
                return self._sparql(params["query"][0], params.get("format", [None])[0])
            return self._error(HTTPStatus.BAD_REQUEST, "no 'query' parameter")
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           "send application/sparql-query or a form with 'query'")

    def do_PUT(self) -> None:  # noqa: N802
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only site")

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # -- the site

    def _static(self, raw_path: str) -> None:
        root = self.server_config.site
        path = urllib.parse.unquote(raw_path)
        if "\x00" in path or "\\" in path:
            return self._error(HTTPStatus.BAD_REQUEST, "bad path")
        rel = posixpath.normpath("/" + path.lstrip("/")).lstrip("/")
        if rel.startswith("..") or any(part.startswith(".") and part != ".well-known"
                                       for part in rel.split("/") if part):
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        target = (root / rel).resolve() if rel not in ("", ".") else root / "index"
        if root not in target.parents and target != root:
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        if target.is_dir():
            target = target / "index"
        if target.is_file():
            media = EXTRA_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] \
                or "application/octet-stream"
            if target.name == "void" and target.parent.name == ".well-known":
                media = "text/turtle"
            return self._send(HTTPStatus.OK, target.read_bytes(), media)
        available = tuple(ext for ext in REPRESENTATIONS
                          if target.with_name(target.name + "." + ext).is_file())
        if not available:
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        ext = negotiate(self.headers.get("Accept"), available)
        if ext is None:
            return self._error(HTTPStatus.NOT_ACCEPTABLE,
                               "available: " + ", ".join(REPRESENTATIONS[e] for e in available))
        name = target.name + "." + ext
        if ext == "html":
            lang = self._language()
            if lang != LANGUAGES[0] and target.with_name(f"{target.name}.{lang}.html").is_file():
                name = f"{target.name}.{lang}.html"
        file = target.with_name(name)
        base = "/" + posixpath.dirname(rel) + "/" if posixpath.dirname(rel) else "/"
        links = ", ".join(f'<{base}{target.name}.{e}>; rel="alternate"; '
                          f'type="{REPRESENTATIONS[e]}"' for e in available if e != ext)
        self._send(HTTPStatus.OK, file.read_bytes(), REPRESENTATIONS[ext],
                   {"Vary": "Accept, Accept-Language", "Content-Location": base + name,
                    "Link": links})

    def _language(self) -> str:
        for tag, q in parse_accept(self.headers.get("Accept-Language")):
            primary = tag.split("-")[0]
            if q > 0 and primary in LANGUAGES:
                return primary
        return LANGUAGES[0]

    # -- the endpoint

    def _sparql(self, query: str, fmt: str | None) -> None:
        accept = self.headers.get("Accept")
        if fmt:  # a format parameter overrides Accept: a media type, or a short name
            accept = FORMAT_NAMES.get(fmt.lower(), fmt if "/" in fmt else accept)
        request = urllib.request.Request(
            self.server_config.endpoint.url, data=query.encode(), method="POST",
            headers={"Content-Type": "application/sparql-query",
                     "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        try:
            with urllib.request.urlopen(request, timeout=self.server_config.endpoint.timeout_s
                                        + 5) as answer:
                kind = answer.headers.get_content_type()
                data = answer.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace").strip()
            status = HTTPStatus.BAD_REQUEST if exc.code == 400 else exc.code
            return self._error(status, detail or exc.reason)
        except (urllib.error.URLError, TimeoutError) as exc:
            return self._error(HTTPStatus.GATEWAY_TIMEOUT, f"the query did not finish: {exc}")
        limit = self.server_config.result_limit
        if kind == "application/sparql-results+json":
            body = json.loads(data)
            truncated = False
            if "results" in body and len(body["results"]["bindings"]) > limit:
                body["results"]["bindings"] = body["results"]["bindings"][:limit]
                truncated = True
            media = _choose(accept, RESULT_FORMATS)
            if media is None:
                return self._error(HTTPStatus.NOT_ACCEPTABLE,
                                   "results come as " + ", ".join(RESULT_FORMATS))
            results = ox.parse_query_results(json.dumps(body).encode(),
                                             format=ox.QueryResultsFormat.JSON)
            out = results.serialize(format=RESULT_FORMATS[media])
            headers = {"X-Result-Limit": str(limit)} if truncated else {}
            return self._send(HTTPStatus.OK, bytes(out), media, headers)
        lines = [line for line in data.splitlines() if line.strip()]
        truncated = len(lines) > limit
        media = _choose(accept, GRAPH_FORMATS)
        if media is None:
            return self._error(HTTPStatus.NOT_ACCEPTABLE, "graphs come as "
                               + ", ".join(GRAPH_FORMATS))
        triples = list(ox.parse(b"\n".join(lines[:limit]) + b"\n",
                                format=ox.RdfFormat.N_TRIPLES))
        out = ox.serialize(triples, format=GRAPH_FORMATS[media]) or b""
        headers = {"X-Result-Limit": str(limit)} if truncated else {}
        self._send(HTTPStatus.OK, bytes(out), media, headers)
