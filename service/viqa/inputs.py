"""Reading what users hand the CLI: text files and segment JSONL, validated with clear errors.

Every problem raises `InputError` with a message that names the file, the line and the field,
so the CLI can print it and exit 2 instead of showing a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from viqa.domain import SegmentInput

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINE_CHARS = 1_000_000
MAX_SEGMENT_CHARS = 20_000


class InputError(ValueError):
    """Input that cannot be checked; the message says what and where."""


def read_text(path: str | Path, *, what: str = "file") -> str:
    """A UTF-8 text file, refused when missing, empty, binary or too large."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read ({exc.strerror or exc})") from exc
    if path.is_dir():
        raise InputError(f"{what} {path}: is a directory, expected a text file")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{what} {path}: {size} bytes is over the limit of {MAX_FILE_BYTES}")
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"{what} {path}: looks binary (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path}: not valid UTF-8 at byte {exc.start}") from exc
    if not text.strip():
        raise InputError(f"{what} {path}: is empty")
    return text


def _optional_text(row: dict[str, Any], field: str, where: str) -> str | None:
    value = row.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: field '{field}' must be a string, got {type(value).__name__}")
    if len(value) > MAX_SEGMENT_CHARS:
        raise InputError(f"{where}: field '{field}' has {len(value)} characters, over the "
                         f"limit of {MAX_SEGMENT_CHARS} per segment")
    return value


@dataclass(frozen=True)
class LabelledSegment:
    segment: SegmentInput
    label: str
    error: str | None = None
    severity: str | None = None


def read_segments(path: str | Path) -> list[tuple[SegmentInput, dict[str, Any]]]:
    """Segments from JSONL: `{"id", "source"?, "translation", "backtranslation"?}` per line.

    Returns each segment with its raw row, so callers can read extra fields (labels).
    """
    text = read_text(path, what="input")
    rows: list[tuple[SegmentInput, dict[str, Any]]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}, line {number}"
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            raise InputError(f"{where}: {len(line)} characters is over the limit of "
                             f"{MAX_LINE_CHARS} per line")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(row).__name__}")
        if "id" not in row:
            raise InputError(f"{where}: missing field 'id'")
        if not isinstance(row["id"], str | int) or isinstance(row["id"], bool):
            raise InputError(f"{where}: field 'id' must be a string or an integer")
        segment_id = str(row["id"])
        if segment_id in seen:
            raise InputError(f"{where}: duplicate id {segment_id!r}")
        seen.add(segment_id)
        translation = _optional_text(row, "translation", where)
        if translation is None:
            raise InputError(f"{where}: missing field 'translation'")
        rows.append((SegmentInput(
            id=segment_id,
            translation=translation,
            source=_optional_text(row, "source", where),
            backtranslation=_optional_text(row, "backtranslation", where),
        ), row))
    if not rows:
        raise InputError(f"input {path}: no segments (every line is blank)")
    return rows


def read_labelled(path: str | Path) -> list[LabelledSegment]:
    """Segments with `"label": "ok"|"bad"` and optional `"error"` type and `"severity"`."""
    labelled = []
    for number, (segment, row) in enumerate(read_segments(path), start=1):
        label = row.get("label")
        if label not in ("ok", "bad"):
            raise InputError(f"{path}, segment {number} (id {segment.id}): field 'label' must "
                             "be \"ok\" or \"bad\"")
        error = row.get("error")
        severity = row.get("severity")
        labelled.append(LabelledSegment(segment, label, str(error) if error else None,
                                        str(severity) if severity else None))
    return labelled
