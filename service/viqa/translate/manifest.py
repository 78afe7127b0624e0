"""Checksums of a converted model folder, recorded at conversion and verified on load.

`viqa-model.json` sits beside the model files and names the model, its revision, the
conversion settings and the SHA-256 of every file. A truncated download or a corrupted
model.bin is refused with a message that says which file and how to fix it, instead of failing
somewhere inside CTranslate2.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST = "viqa-model.json"


class ModelIntegrityError(RuntimeError):
    """A model folder whose files do not match the checksums recorded when it was made."""


@dataclass(frozen=True)
class ModelManifest:
    model_id: str
    revision: str | None
    source_lang: str
    target_lang: str
    backend: str
    quantization: str | None
    files: dict[str, str] = field(default_factory=dict)
    converter: str | None = None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: ModelManifest) -> ModelManifest:
    """Record the checksum of every file in `folder` (except the manifest) and save it."""
    files = {p.name: sha256(p) for p in sorted(folder.iterdir())
             if p.is_file() and p.name != MANIFEST}
    recorded = ModelManifest(**{**asdict(manifest), "files": files})
    (folder / MANIFEST).write_text(json.dumps(asdict(recorded), indent=2), encoding="utf-8")
    return recorded


def read_manifest(folder: Path) -> ModelManifest | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        return ModelManifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise ModelIntegrityError(f"{path}: unreadable manifest ({exc}); re-run "
                                  "`viqa models pull` for this model") from exc


def verify_model_folder(folder: Path) -> ModelManifest | None:
    """The folder's manifest after checking every recorded file; None when it has none."""
    if not folder.is_dir():
        raise ModelIntegrityError(f"model folder {folder} does not exist")
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.exists():
            raise ModelIntegrityError(f"{folder}: {name} is missing; re-run `viqa models pull "
                                      f"{manifest.model_id}`")
        if sha256(path) != expected:
            raise ModelIntegrityError(
                f"{folder}: {name} does not match the checksum recorded at conversion (corrupted "
                f"or modified); re-run `viqa models pull {manifest.model_id}`")
    return manifest
