"""Claims files, the public format users write (YAML or JSON; docs/authoring.md).

A claims file is a :class:`kgraph.models.Dataset` written out. Reading one checks it
completely and reports every problem at once, each on one line that starts with the file and
the line it is on: ``mine.yaml:14: claims.2.predicate: ...``. The same file as JSON gives the
same dataset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgraph.errors import DataModelError
from kgraph.fileio import read_text
from kgraph.models import Dataset

Loc = tuple[str | int, ...]

MAX_PROBLEMS = 50
"""Beyond this many problems in one file the rest are counted, not listed."""


@dataclass
class Problem:
    """One thing wrong with a claims file: where (a line, a field path) and what."""

    path: str
    line: int | None
    loc: Loc
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field_ = ".".join(str(x) for x in self.loc)
        return f"{where}: {field_ + ': ' if field_ else ''}{self.message}"


class ClaimsFileError(DataModelError):
    """One or more claims files are not valid: every problem, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
        super().__init__("\n".join(shown))


@dataclass
class ClaimsFile:
    """A claims file read and checked: its dataset, and the line of every item and field."""

    path: str
    dataset: Dataset
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc`` or of the nearest item that holds it."""
        for n in range(len(loc), -1, -1):
            if (found := self.lines.get(tuple(loc[:n]))) is not None:
                return found
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.path, self.line(loc), loc, message)


def _marks(node: Any, loc: Loc, out: dict[Loc, int]) -> None:
    """Walk a composed YAML node, recording the 1-based line of every mapping key and item."""
    import yaml

    out.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark.line)
            out[(*loc, k)] = key.start_mark.line + 1
            _marks(value, (*loc, k), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[(*loc, i)] = item.start_mark.line + 1
            _marks(item, (*loc, i), out)


def _anchors(text: str, path: str) -> Iterator[Problem]:
    """YAML anchors and aliases (``&a``, ``*a``, ``<<: *a``): refused, so that each item is
    written out whole and a reader (or a billion-laughs file) cannot multiply one."""
    import yaml

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        name = getattr(event, "anchor", None)
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            yield Problem(path, line, (), f"YAML alias *{name} is not allowed: write the item out")
        elif name is not None:
            yield Problem(
                path,
                line,
                (),
                f"YAML anchor &{name} is not allowed: write each item out",
            )


def _Loader() -> Any:
    """YAML's safe loader without its dates: ``point_in_time: 2023-02-30`` is the string the
    models check (and refuse with a message), not a ``datetime.date`` that YAML fails to make."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _load(text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    """The data of a YAML or JSON claims file and the lines of its parts."""
    import yaml

    lines: dict[Loc, int] = {}
    if path.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ClaimsFileError(
                [Problem(path, e.lineno, (), f"malformed JSON: {e.msg} (column {e.colno})")]
            ) from None
        except RecursionError:
            raise ClaimsFileError([Problem(path, None, (), "malformed JSON: nested too deeply")]) from None
        # JSON is YAML: composing it gives the line numbers json.loads does not keep.
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            node = None
        if node is not None:
            _marks(node, (), lines)
        return data, lines
    try:
        problems = list(_anchors(text, path))
        if problems:
            raise ClaimsFileError(problems)
        node = yaml.compose(text, Loader=_Loader())
        data = yaml.load(text, Loader=_Loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        where = f" (column {mark.column + 1})" if mark is not None else ""
        raise ClaimsFileError(
            [
                Problem(
                    path, mark.line + 1 if mark is not None else None, (), f"malformed YAML: {problem}{where}"
                )
            ]
        ) from None
    except RecursionError:
        raise ClaimsFileError([Problem(path, None, (), "malformed YAML: nested too deeply")]) from None
    if node is not None:
        _marks(node, (), lines)
    return data, lines


_UNION_MEMBER = re.compile(r"^(str|LiteralValue|function-(after|before|wrap|plain)\[.*\])$")


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if error["type"] in ("extra_forbidden",):
        return "unknown field"
    if error["type"] == "missing":
        return "required field missing"
    if isinstance(given, str | int | float) and not isinstance(given, bool) and str(given) not in message:
        return f"{message} (given {given!r})"
    return message


def read_claims_file(path: str | Path) -> ClaimsFile:
    """Read and check one claims file; every problem is a :class:`Problem` of one
    :class:`ClaimsFileError`."""
    from pydantic import ValidationError

    name = str(path)
    data, lines = _load(read_text(path, what="claims file"), name)
    if not isinstance(data, dict):
        raise ClaimsFileError(
            [Problem(name, 1, (), "a claims file is a mapping with source(s), actors, events and claims")]
        )
    try:
        dataset = Dataset.model_validate(data)
    except ValidationError as e:
        found = ClaimsFile(name, Dataset.model_construct(), lines)
        problems = []
        seen: set[Loc] = set()
        for err in e.errors():
            # pydantic names the member of a union it tried ("object.str", "object.function-after[
            # _one_of(), LiteralValue]"): drop it, and report the field once, by its first member.
            loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and _UNION_MEMBER.match(x)))
            if loc in seen:
                continue
            seen.add(loc)
            problems.append(found.problem(loc, _message(dict(err))))
        raise ClaimsFileError(problems) from None
    return ClaimsFile(name, dataset, lines)


def schema() -> dict[str, Any]:
    """The JSON Schema of the claims-file format (what `kgraph schema` prints)."""
    out = Dataset.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "kgraph claims file"
    return out
