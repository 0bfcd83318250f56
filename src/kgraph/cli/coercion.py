"""Option and argument values turned into Python without pydantic, where that is plain.

typer 0.29 coerces every parameter through a pydantic ``TypeAdapter`` it builds at parse time:
importing pydantic's schema machinery and building a dozen adapters cost a look-up more than the
look-up itself (docs/performance.md, Start-up). kgraph's options are ``str``, ``int``, ``float``,
``bool``, ``Path`` and lists of them, whose conversion is one call; those go through
:class:`PlainRuntimeParam`. Anything else (a choice, a bound, a parser, a value not in the plain
form such as ``1_000``) is handed to typer's own coercion, so that what is accepted and every
error message stay typer's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import _click
from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import TyperArgument, TyperGroup, TyperOption, _TyperParameter

_INT = re.compile(r"-?[0-9]{1,18}")
_FLOAT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")
_PLAIN_LEAVES = (str, int, float, bool, Path)


class _Declined(Exception):
    """The value is not in its plain form: typer's coercion decides."""


def _leaf(kind: type, value: Any, param: _TyperParameter, ctx: Context) -> Any:
    if kind is str:
        if isinstance(value, str):
            return value
    elif kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT.fullmatch(value):
            return int(value)
    elif kind is float:
        if isinstance(value, float):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _FLOAT.fullmatch(value):
            return float(value)
    elif kind is Path and (
        isinstance(value, Path) or (isinstance(value, str) and value and "\0" not in value)
    ):
        # typer's own checks (readable, exists, dir_okay…), given a Path so that it needs no adapter.
        return coerce_cli_path(
            Path(value), param.type_descriptor.parameter_info, path_type=Path, param=param, ctx=ctx
        )
    raise _Declined


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """Coercion of a plain annotation (or a list of one); typer's ``fallback`` for the rest."""

    kind: type
    many: bool
    fallback: Callable[[], RuntimeParam]

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        try:
            if not self.many:
                return _leaf(self.kind, value, param, ctx)
            items = value if isinstance(value, list | tuple) else [value]
            return [_leaf(self.kind, item, param, ctx) for item in items]
        except _Declined:
            return self.fallback()._coerce_value(value, param=param, ctx=ctx)


def plain_runtime_param(
    descriptor: TypeDescriptor, fallback: Callable[[], RuntimeParam]
) -> RuntimeParam | None:
    """A :class:`PlainRuntimeParam` for ``descriptor``, or None when typer's coercion is needed."""
    info = descriptor.parameter_info
    annotation: Any = descriptor.annotation
    many = get_origin(annotation) is list
    kind = get_args(annotation)[0] if many else annotation
    if (
        kind not in _PLAIN_LEAVES
        or info.parser is not None
        or getattr(info, "click_type", None) is not None
        or info.min is not None
        or info.max is not None
        or descriptor.is_file
        or descriptor.is_choice
        or info.path_type is not None
        or info.resolve_path
        or info.allow_dash
    ):
        return None
    return PlainRuntimeParam(
        parameter_info=info, annotation=annotation, kind=kind, many=many, fallback=fallback
    )


class _Plain(_TyperParameter):
    def get_runtime_param(self) -> RuntimeParam:
        if self._runtime_param is None:
            typers = functools.cache(functools.partial(build_runtime_param, self.type_descriptor))
            self._runtime_param = plain_runtime_param(self.type_descriptor, typers) or typers()
        return self._runtime_param


class PlainOption(_Plain, TyperOption):
    """A typer option coerced by :func:`plain_runtime_param` where it can be."""


class PlainArgument(_Plain, TyperArgument):
    """A typer argument coerced by :func:`plain_runtime_param` where it can be."""


def make_plain(params: list[Any]) -> None:
    """Swap typer's own option and argument classes in ``params`` for the plain ones."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = PlainOption
        elif type(param) is TyperArgument:
            param.__class__ = PlainArgument


class PlainHelp(_click.Command):
    """A command whose ``--help`` option (made by click as the command is parsed) is plain too."""

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            make_plain([option])
        return option


class PlainGroup(PlainHelp, TyperGroup):
    """kgraph's group: see :class:`PlainHelp`."""
