"""The input checks every route shares (viqa.api.validation), without a server."""

from __future__ import annotations

import pytest

from viqa.api.validation import body_problem, json_problem, scope_problem, unstorable


@pytest.mark.parametrize(("body", "field", "code"), [
    (b'{"a": 1, "a": 2}', "a", "invalid_json"),
    (b'{"s": [{"id": "x"}, {"id": "y", "id": "z"}]}', "s.1.id", "invalid_json"),
    (b'{"s": [{"t": "ok"}, {"t": "a\\u0000"}]}', "s.1.t", "invalid_characters"),
    (b'{"t": "\\udfff"}', "t", "invalid_characters"),
    (b'["\\u0000"]', "0", "invalid_characters"),
    (b'"\\u0000"', "body", "invalid_characters"),
    (b"[" * 50_000 + b"]" * 50_000, "body", "invalid_json"),
])
def test_json_problems_name_the_field(body: bytes, field: str, code: str) -> None:
    problem = json_problem(body)
    assert problem is not None and (problem.field, problem.code) == (field, code)


@pytest.mark.parametrize("body", ['{"t": "Tỉnh \\ud83d\\ude00 ok"}'.encode(), b"not json", b"\xff\xfe",
                                  b'{"t": "a\\nb\\u0001"}'])
def test_what_json_problem_leaves_to_the_app(body: bytes) -> None:
    """Paired surrogates (an emoji), other control characters, non-JSON, non-UTF-8: not ours."""
    assert json_problem(body) is None


def test_forms_csv_and_queries() -> None:
    form = body_problem("application/x-www-form-urlencoded", b"key=ok&comment=a%00b")
    assert form is not None and form.field == "comment"
    csv = body_problem("text/csv; charset=utf-8", b"source,target\nx,\x00\n")
    assert csv is not None and csv.field == "body" and "position 16" in csv.message
    assert body_problem("text/csv", b"source,target\nx,y\n") is None
    query = scope_problem({"type": "http", "query_string": b"severity=major&article=a%00"})
    assert query is not None and query.field == "article"
    assert scope_problem({"type": "http", "query_string": b"article=ok"}) is None


def test_the_message_says_what_and_where() -> None:
    problem = unstorable("external_id", "ab\x00c")
    assert problem is not None
    assert problem.message == ("external_id: contains a NUL character (U+0000) at position 2, "
                               "which cannot be stored; remove it")
