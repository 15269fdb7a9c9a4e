"""One error hierarchy for the library. Library code raises these; only the CLI prints and exits."""

from __future__ import annotations

from pathlib import Path


class RriiError(Exception):
    """Base class of every error that rrii-graph raises on purpose."""


class InputError(RriiError):
    """A source file cannot be read or parsed, or holds something the project does not accept."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        where = ""
        if self.path is not None:
            where = str(self.path)
            if line is not None:
                where += f", line {line}"
                if column is not None:
                    where += f", column {column}"
            where += ": "
        super().__init__(where + message)


class BuildMissingError(RriiError):
    """A command needs the built dataset and there is none."""


class QueryError(RriiError):
    """A named query is unknown, malformed, or was given bad parameters."""


class ConfigError(RriiError):
    """A setting (base IRI, language, folder) is not usable."""


class ResourceError(RriiError):
    """The machine could not give a task what it needed (a worker process was stopped, most
    often for lack of memory)."""
