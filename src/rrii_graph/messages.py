"""The message catalogue: what the command line prints, one TOML file per language in
``messages/`` (``ca.toml``, ``es.toml``, ``en.toml``). A key a language lacks falls back in the
order of :data:`rrii_graph.layout.LANGUAGES`."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from .layout import LANGUAGES
from .terms import in_language

FOLDER = Path(__file__).parent / "messages"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """A language's messages as ``section.key`` -> text (empty when it has no file)."""
    path = FOLDER / f"{lang}.toml"
    if not path.is_file():
        return {}
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = value
    walk("", tomllib.loads(path.read_text(encoding="utf-8")))
    return flat


def text(key: str, lang: str, **values) -> str:
    """The message ``key`` (``section.key``) in ``lang``, with ``values`` filled in."""
    found = in_language({code: catalogue(code)[key] for code in {lang, *LANGUAGES}
                         if key in catalogue(code)}, lang)
    if found is None:
        raise KeyError(f"no message {key!r} in any language")
    return found.format(**values)


def has(key: str) -> bool:
    return any(key in catalogue(code) for code in LANGUAGES)


def section(name: str, lang: str) -> dict[str, str]:
    """Every message of a section (``site``) in ``lang``, by its key within the section."""
    keys = {k for code in LANGUAGES for k in catalogue(code) if k.startswith(name + ".")
            and "." not in k[len(name) + 1:]}
    return {k[len(name) + 1:]: text(k, lang) for k in sorted(keys)}
