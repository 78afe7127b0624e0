"""Input checks that every route needs, made once, before routing and authentication.

* Text no database stores: NUL (PostgreSQL refuses it in text and JSON) and unpaired
  surrogates (not Unicode, so not UTF-8: neither SQLite nor PostgreSQL can take them). Found in
  a path parameter, a query parameter, a JSON string or key, a form field or a text body, they
  are a 422 naming the field, the same on every backend, instead of a 500 on one and a stored
  value on the other.
* Strict JSON: a duplicate key is a 422 naming it (Python's json keeps the last one silently);
  nesting deeper than the parser can follow is a 422 too.
* Numbers as numbers: `Threshold` (for the schemas) refuses "0.5" and true.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

from pydantic import Field, Strict
from starlette.requests import Request
from starlette.types import Scope

Threshold = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
"""A threshold in [0, 1], given as a JSON number (an integer is a number; a string is not)."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """A 422 to answer: which field, and what to do about it."""

    code: str
    message: str
    field: str


def unstorable(field: str, text: str) -> Problem | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    what = ("a NUL character (U+0000)" if char == "\x00"
            else f"an unpaired surrogate (U+{ord(char):04X}), which is not Unicode text")
    return Problem("invalid_characters",
                   f"{field}: contains {what} at position {found.start()}, which cannot be "
                   "stored; remove it", field)


def scope_problem(scope: Scope) -> Problem | None:
    """Query parameters (path parameters are known only once routed: `storable_path`)."""
    query = scope.get("query_string", b"")
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            problem = unstorable(name, name) or unstorable(name, value)
            if problem:
                return problem
    return None


def storable_path(request: Request) -> None:
    """An app-wide dependency: path parameters, checked after routing and before any other
    dependency (authentication, the database session) runs."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and (problem := unstorable(name, value)):
            from viqa.api.errors import ApiError

            raise ApiError(422, problem.code, problem.message, field=problem.field)


def body_problem(content_type: str, body: bytes) -> Problem | None:
    """The body by its media type: JSON walked key by key, forms field by field, anything else
    (CSV, plain text) as one field, `body`."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return json_problem(body)
    if media == "application/x-www-form-urlencoded":
        text = body.decode("utf-8", "replace")
        for name, value in parse_qsl(text, keep_blank_values=True):
            problem = unstorable(name, name) or unstorable(name, value)
            if problem:
                return problem
        return None
    if media.startswith("multipart/"):
        return None  # no route takes files; the app refuses it
    position = body.find(b"\x00")
    if position >= 0:
        return Problem("invalid_characters",
                       f"body: contains a NUL byte at position {position}, which cannot be "
                       "stored; remove it", "body")
    return None


class _Pairs(list):
    """A JSON object as its (key, value) pairs, duplicates kept, to be checked."""


def json_problem(body: bytes) -> Problem | None:
    """Duplicate keys and unstorable text in a JSON body. A body that is not JSON at all (or
    not UTF-8) passes: the app answers it with its own 400/422."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        document = json.loads(text, object_pairs_hook=_Pairs)
    except RecursionError:
        return Problem("invalid_json", "the JSON body is nested too deeply", "body")
    except ValueError:
        return None
    return _walk(document, "")


def _walk(value: Any, path: str) -> Problem | None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            for key, item in node:
                field = f"{where}.{key}" if where else key
                if key in seen:
                    return Problem("invalid_json",
                                   f"{field}: the key appears twice in one JSON object; send "
                                   "it once", field)
                seen.add(key)
                if problem := unstorable(field, key):
                    return problem
                stack.append((item, field))
        elif isinstance(node, list):
            stack.extend((item, f"{where}.{index}" if where else str(index))
                         for index, item in enumerate(node))
        elif isinstance(node, str) and (problem := unstorable(where or "body", node)):
            return problem
    return None
