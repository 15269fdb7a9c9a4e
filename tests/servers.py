"""Real SPARQL servers for the tests, each started on 127.0.0.1 and stopped after: Oxigraph (the
`oxigraph` package's server) and Virtuoso Open Source 7 (Debian's `virtuoso-opensource`)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.skip("the oxigraph server binary (pip package 'oxigraph') is not installed")
    return found


def oxigraph_endpoint(data: Path, folder: Path):
    """Load ``data`` into a new Oxigraph store in ``folder``, serve it read-only on a free
    loopback port, yield its query URL, and stop the server."""
    binary = _oxigraph()
    subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(data)],
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(folder / "db"),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint, Graph Store endpoint (digest authentication as
    dba) and SQL port."""

    sparql: str
    graph_store: str
    sql_port: int
    folder: Path

    def isql(self, *statements: str, timeout: int = 300) -> str:
        """Run SQL statements through Virtuoso's own client, ``isql-vt``."""
        answer = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba",
             "exec=" + " ".join(statements)],
            capture_output=True, text=True, timeout=timeout, check=False)
        if answer.returncode != 0 or "*** Error" in answer.stdout + answer.stderr:
            raise AssertionError(f"isql failed: {answer.stdout}\n{answer.stderr}")
        return answer.stdout

    def bulk_load(self, folder: Path, pattern: str, graph: str) -> None:
        """Virtuoso's bulk loader (``ld_dir`` then ``rdf_loader_run``): quads into their named
        graphs, triples without a graph name into ``graph``."""
        self.isql(f"ld_dir('{folder}', '{pattern}', '{graph}');", "rdf_loader_run();",
                  "checkpoint;")
        errors = self.isql("select ll_file, ll_error from DB.DBA.load_list "
                           "where ll_error is not null;")
        assert "0 Rows." in errors, errors


def virtuoso_server(folder: Path, readable: Path) -> Iterator[Virtuoso]:
    """Start Virtuoso with a new database in ``folder`` (its bulk loader may read
    ``readable``), yield it once its SPARQL endpoint answers, and shut it down."""
    binary = shutil.which("virtuoso-t")
    if binary is None or shutil.which("isql-vt") is None or not VIRTUOSO_INI.is_file():
        pytest.skip("Virtuoso Open Source 7 is not installed (Debian package "
                    "'virtuoso-opensource'; .ci/run installs it)")
    sql, http = free_port(), free_port()
    db = folder / "db"
    db.mkdir(parents=True, exist_ok=True)
    ini = VIRTUOSO_INI.read_text(encoding="utf-8")
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(db))
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http}", ini)
    ini = re.sub(r"(?m)^DirsAllowed\s*=.*$",
                 f"DirsAllowed = ., {readable}, /usr/share/virtuoso-opensource-7/vad", ini)
    # every named query to its end: no row cap, no refusal on the planner's estimate
    ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", ini)
    ini = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=.*$", "MaxQueryCostEstimationTime = 0", ini)
    ini = re.sub(r"(?m)^MaxQueryExecutionTime\s*=.*$", "MaxQueryExecutionTime = 300", ini)
    config = folder / "virtuoso.ini"
    config.write_text(ini, encoding="utf-8")
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([binary, "+configfile", str(config), "+foreground"],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    server = Virtuoso(f"http://127.0.0.1:{http}/sparql",
                      f"http://127.0.0.1:{http}/sparql-graph-crud-auth", sql, folder)
    try:
        deadline = time.monotonic() + 120
        probe = server.sparql + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while True:
            try:
                urllib.request.urlopen(probe, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("Virtuoso did not start: "
                                + (folder / "server.log").read_text(errors="replace")[-2000:])
                time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
