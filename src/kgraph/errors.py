"""kgraph's exceptions, in one small tree.

    KGraphError                  base class; never raised itself
    ├── UsageError               bad input: exit code 2
    │   ├── ParameterError       one parameter's value is unusable (names it: ``max_hops``)
    │   ├── InputFileError       a file is missing, unreadable or not UTF-8
    │   ├── OutputFileError      an output file cannot be written (no such folder, disk full)
    │   ├── RdfSyntaxError       malformed RDF (carries file, line, column)
    │   ├── QuerySyntaxError     malformed SPARQL (carries line, column)
    │   ├── QueryNotAllowedError SERVICE, LOAD or an update without the flag that allows it
    │   ├── DataModelError       a dataset (YAML) or graph breaks the data model
    │   ├── SourceTextMismatch   --source-text is not the text the graph was anchored to
    │   └── FormatError          an unknown output format, or one this machine cannot write
    ├── BackendError             backend trouble, not the user's input: exit code 4
    │   ├── QueryTimeoutError    a query ran past --timeout (any backend)
    │   └── EndpointError        a SPARQL server answered with an error or not usefully
    │       ├── EndpointUnreachable  no connection (refused, reset, no such host)
    │       └── EndpointAuthError    the server refused the credentials (HTTP 401/403)
    ├── NotFoundError            a name resolves to nothing: exit code 1
    │   └── AmbiguousNameError   a name resolves to several things: exit code 1
    └── NotConformingError       validation found violations: exit code 1

The CLI maps these to exit codes in one place (``kgraph.cli.app``); this module imports
nothing from kgraph so every other module may import it.
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_NOT_CONFORMING = 1
EXIT_USAGE = 2
EXIT_BACKEND = 4


class KGraphError(Exception):
    """Base of every error kgraph raises on purpose."""

    exit_code: int = EXIT_USAGE


class UsageError(KGraphError):
    """The user's input cannot be used as given."""

    exit_code = EXIT_USAGE


class ParameterError(UsageError):
    """The value of one parameter of a library call cannot be used.

    The message starts with the parameter's Python name (``max_hops: must be at least 1``);
    the CLI shows the flag the user typed instead (``--max-hops: …``), in one place
    (:func:`kgraph.cli.base.flag_message`).
    """

    def __init__(self, parameter: str, problem: str):
        self.parameter = parameter
        self.problem = problem
        super().__init__(f"{parameter}: {problem}")


class InputFileError(UsageError):
    """A file could not be read."""


class OutputFileError(UsageError):
    """An output file could not be written; the previous file, if any, is untouched."""


class RdfSyntaxError(UsageError):
    """An RDF file does not parse."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.line = line
        self.column = column
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QuerySyntaxError(UsageError):
    """A SPARQL query does not parse."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f"line {line}" + (f", column {column}" if column is not None else "") + ": "
        super().__init__(f"malformed SPARQL: {where}{message}")


class QueryNotAllowedError(UsageError):
    """A query asks for something that is off by default (federation, loading, updates)."""


class DataModelError(UsageError):
    """Input breaks the data model (unknown term, missing field, bad date...)."""


class SourceTextMismatch(UsageError):
    """The text given with --source-text is not the one the evidence offsets point into."""


class FormatError(UsageError):
    """An output format is unknown or cannot be produced here."""


class BackendError(KGraphError):
    """The graph's backend failed: a server is down, refuses, errs or is too slow.

    Not the user's input, so not exit code 2: a script can tell "fix the command" from
    "try again later" (``exit 4``).
    """

    exit_code = EXIT_BACKEND


class QueryTimeoutError(BackendError):
    """A query did not finish in time."""


class EndpointError(BackendError):
    """A remote SPARQL endpoint did not answer usefully (an HTTP error status, a malformed body).

    ``endpoint`` is the URL, ``status`` the HTTP status when there was one.
    """

    def __init__(self, message: str, *, endpoint: str | None = None, status: int | None = None):
        self.endpoint = endpoint
        self.status = status
        super().__init__(message)


class EndpointUnreachable(EndpointError):
    """No connection to the endpoint: refused, reset, no such host, a TLS failure."""


class EndpointAuthError(EndpointError):
    """The endpoint refused the request's credentials, or asked for some (HTTP 401/403)."""


class NotFoundError(KGraphError):
    """A name matched nothing; ``suggestions`` holds the closest labels."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, message: str, suggestions: Sequence[str] = ()):
        self.suggestions = list(suggestions)
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class AmbiguousNameError(NotFoundError):
    """A name matched several resources; ``candidates`` lists them."""

    def __init__(self, name: str, candidates: Sequence[str]):
        self.candidates = list(candidates)
        KGraphError.__init__(
            self, f"{name!r} is ambiguous: it matches " + ", ".join(self.candidates) + "; be more specific"
        )
        self.suggestions = []


class NotConformingError(KGraphError):
    """Validation found violations."""

    exit_code = EXIT_NOT_CONFORMING
