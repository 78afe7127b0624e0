"""What scored a report, exactly: the package version and a hash of everything that decides a
verdict (the checks, the lexicons and text rules, the scoring code, the decision rules and the
data files with the meaning weights). Two reports with the same scoring version were scored by
the same rules; a change to any of those files changes it, whether or not the version was
bumped."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from viqa import __version__

PACKAGE = Path(__file__).resolve().parent
# Relative to the package: what decides a verdict.
SCORED_BY = ("checks/*.py", "text/*.py", "score/*.py", "decide.py", "glossary.py", "data/**/*")


def scored_files(package: Path = PACKAGE) -> list[Path]:
    found = {path for pattern in SCORED_BY for path in package.glob(pattern) if path.is_file()}
    return sorted(found, key=lambda p: p.relative_to(package).as_posix())


def content_hash(package: Path = PACKAGE) -> str:
    """Short SHA-256 over the scored files' paths and bytes."""
    digest = hashlib.sha256()
    for path in scored_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@functools.cache
def scoring_version() -> str:
    """`<version>+<content hash>`, as the report signature gives it (hashed once per
    process)."""
    return f"{__version__}+{content_hash()}"
