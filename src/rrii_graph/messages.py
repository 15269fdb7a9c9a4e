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
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{section}.{key}": text for section, entries in raw.items()
            for key, text in entries.items()}


def text(key: str, lang: str, **values) -> str:
    """The message ``key`` (``section.key``) in ``lang``, with ``values`` filled in."""
    found = in_language({code: catalogue(code)[key] for code in {lang, *LANGUAGES}
                         if key in catalogue(code)}, lang)
    if found is None:
        raise KeyError(f"no message {key!r} in any language")
    return found.format(**values)
