"""Make a release (``make release VERSION=x.y.z``).

1. Stamp the version in its one source, ``src/rrii_graph/__init__.py``, and where it is repeated
   for readers and machines: the ontology's ``owl:versionInfo`` and ``owl:versionIRI``
   (``https://w3id.org/rrii/def/<version>``, which ``rrii publish`` serves), ``docs/model.md``
   and ``CITATION.cff`` (with the date).
2. Turn the CHANGELOG's "Unreleased" section into ``[<version>] - <date>`` under a new, empty
   "Unreleased".
3. Build the wheel and the sdist into ``dist/`` and install the wheel into a new virtual
   environment, where ``rrii build`` must run on this checkout.

Every file is written through a temporary file and a rename. Run it on a clean work tree and
commit what it changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _write(path: Path, text: str) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _sub(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=count, flags=re.M)
    if n == 0:
        raise SystemExit(f"release: {path.relative_to(ROOT)} has no {pattern!r} to stamp")
    _write(path, new)


def stamp(version: str, today: str) -> None:
    _sub(ROOT / "src" / "rrii_graph" / "__init__.py", r'^__version__ = "[^"]*"',
         f'__version__ = "{version}"')
    ontology = ROOT / "ontology" / "rrii.ttl"
    _sub(ontology, r"owl:versionIRI <https://w3id\.org/rrii/def/[^>]*>",
         f"owl:versionIRI <https://w3id.org/rrii/def/{version}>")
    _sub(ontology, r'owl:versionInfo "[^"]*"', f'owl:versionInfo "{version}"')
    _sub(ROOT / "docs" / "model.md", r"(namespace `rrii: <https://w3id\.org/rrii/def#>`, version )"
         r"\d+\.\d+\.\d+", rf"\g<1>{version}")
    citation = ROOT / "CITATION.cff"
    _sub(citation, r"^version: .*$", f"version: {version}")
    text = citation.read_text(encoding="utf-8")
    if re.search(r"^date-released: ", text, flags=re.M):
        _sub(citation, r"^date-released: .*$", f'date-released: "{today}"')
    else:
        _write(citation, text.rstrip("\n") + f'\ndate-released: "{today}"\n')


def changelog(version: str, today: str) -> None:
    path = ROOT / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    if "## [Unreleased]" not in text:
        raise SystemExit("release: CHANGELOG.md has no '## [Unreleased]' section")
    if f"## [{version}]" in text:
        raise SystemExit(f"release: CHANGELOG.md already has a section for {version}")
    _write(path, text.replace("## [Unreleased]",
                              f"## [Unreleased]\n\n## [{version}] - {today}", 1))


def build_and_try(version: str) -> None:
    dist = ROOT / "dist"
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist),
                    str(ROOT)], check=True)
    wheel = dist / f"rrii_graph-{version}-py3-none-any.whl"
    if not wheel.is_file() or not (dist / f"rrii_graph-{version}.tar.gz").is_file():
        raise SystemExit(f"release: the build did not give {wheel.name} and its sdist")
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True)
        out = subprocess.run([str(venv / "bin" / "rrii"), "--version"], check=True,
                             capture_output=True, text=True).stdout
        if version not in out:
            raise SystemExit(f"release: the installed rrii says {out.strip()!r}")
        subprocess.run([str(venv / "bin" / "rrii"), "build", "--out", str(Path(tmp) / "build")],
                       check=True, env={**os.environ, "RRII_HOME": str(ROOT)})
    print(f"released {version}: {wheel.name} and its sdist in dist/, installed and run in a "
          "clean virtual environment; commit the stamped files and tag v" + version)


def main(argv: list[str]) -> None:
    if len(argv) != 1 or not VERSION.match(argv[0]):
        raise SystemExit("usage: make release VERSION=x.y.z")
    version, today = argv[0], dt.date.today().isoformat()
    stamp(version, today)
    changelog(version, today)
    build_and_try(version)


if __name__ == "__main__":
    main(sys.argv[1:])
