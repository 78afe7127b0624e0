"""MT models by name: the registry, `viqa models pull`, and loading a translator.

A name is looked up in models/registry.toml; a local folder path works anywhere a name does
(a converted CTranslate2 folder, or a transformers folder, which is converted on pull); any
other string is taken as a model-hub id. Pulling downloads with a progress bar (interrupted
downloads resume), converts to CTranslate2 int8 and records checksums (`manifest.py`).
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from viqa.settings import Settings
from viqa.translate.base import Translator
from viqa.translate.manifest import ModelManifest, read_manifest, write_manifest

SPM_FILES = ("source.spm", "target.spm", "sentencepiece.bpe.model", "spiece.model",
             "tokenizer.json", "tokenizer_config.json", "vocab.json")


class ModelUnavailable(RuntimeError):
    """No model could be loaded; the message says what to do (pull it, or point to a folder)."""


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    hub_id: str
    directions: tuple[str, ...]
    licence: str
    commercial: bool = True
    params: str = ""
    size_int8: str = ""
    note: str = ""


@dataclass(frozen=True)
class Registry:
    entries: dict[str, RegistryEntry] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, models_dir: Path | None = None) -> Registry:
        path = (models_dir or Settings().models_dir) / "registry.toml"
        if not path.exists():
            return cls()
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = {
            name: RegistryEntry(name=name, hub_id=item["hub_id"],
                                directions=tuple(item.get("directions", ())),
                                licence=item.get("licence", "unknown"),
                                commercial=item.get("commercial", True),
                                params=item.get("params", ""),
                                size_int8=item.get("size_int8", ""), note=item.get("note", ""))
            for name, item in data.get("models", {}).items()
        }
        return cls(entries, dict(data.get("defaults", {})))

    def default_for(self, direction: str) -> str | None:
        return self.defaults.get(direction)


def installed_folder(name: str, models_dir: Path | None = None) -> Path | None:
    folder = (models_dir or Settings().models_dir) / name
    return folder if (folder / "model.bin").exists() else None


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def licence_warning(entry: RegistryEntry) -> str | None:
    """What a newsroom must know before using a model, or None."""
    if entry.note:
        return f"{entry.name}: {entry.note}"
    if not entry.commercial:
        return f"{entry.name} is licensed {entry.licence}: not for commercial use"
    return None


LOCAL_MODEL_HINT = ("set VIQA_MT_MODEL (vi→en) or VIQA_MT_REVERSE_MODEL (en→vi) to a local "
                    "folder (`viqa check --model FOLDER` or `--reverse-model FOLDER` for one "
                    "run)")
"""What to do when no MT model can be had, naming the settings that exist (both directions:
for a pull whose direction is not known)."""


def local_model_hint(direction: str) -> str:
    """LOCAL_MODEL_HINT for one direction: the setting and the `viqa check` option for it."""
    setting, option = (("VIQA_MT_MODEL", "--model") if direction == "vi-en"
                       else ("VIQA_MT_REVERSE_MODEL", "--reverse-model"))
    return (f"set {setting} to a local folder holding the {direction.replace('-', '→')} model "
            f"(`viqa check {option} FOLDER` for one run)")


def looks_like_path(name: str) -> bool:
    """A model name meant as a folder rather than a registry name or hub id ("owner/repo"):
    absolute, home- or dot-relative."""
    return name.startswith(("/", "~", "./", "../", "\\")) or name in (".", "..") or (
        len(name) > 2 and name[1] == ":" and name[2] in "/\\")


def _download(hub_id: str, target: Path, *, revision: str | None, timeout_s: float,
              directions: tuple[str, ...] = ()) -> tuple[Path, str | None]:
    """Snapshot of a hub repository (resumable, with progress bars); its folder and commit.
    `directions`: what the model is for, so that the hint names that direction's setting."""
    try:
        from huggingface_hub import model_info, snapshot_download
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelUnavailable("downloading needs huggingface-hub: pip install huggingface-hub") \
            from exc
    try:
        info = model_info(hub_id, revision=revision, timeout=timeout_s)
    except Exception as exc:  # network errors, 404, auth: all mean "cannot pull from here"
        raise ModelUnavailable(
            f"cannot reach the model hub for {hub_id} ({type(exc).__name__}: {exc}). On a "
            f"machine with internet run `viqa models pull {hub_id}`, or "
            f"{local_model_hint(directions[0]) if len(directions) == 1 else LOCAL_MODEL_HINT}"
            " (a converted CTranslate2 model or a transformers model)") from exc
    folder = snapshot_download(hub_id, revision=info.sha, local_dir=target,
                               allow_patterns=["*.json", "*.spm", "*.model", "*.txt",
                                               "*.safetensors", "pytorch_model.bin"])
    return Path(folder), info.sha


def convert(source: Path, output: Path, *, model_id: str, revision: str | None,
            directions: tuple[str, ...], quantization: str = "int8") -> ModelManifest:
    """Convert a transformers folder to CTranslate2 and record the checksums."""
    import ctranslate2

    copy = [name for name in SPM_FILES if (source / name).exists()]
    if output.exists():
        shutil.rmtree(output)
    ctranslate2.converters.TransformersConverter(str(source), copy_files=copy).convert(
        str(output), quantization=quantization, force=True)
    source_lang, target_lang = (directions[0].split("-") if directions else ("vi", "en"))
    return write_manifest(output, ModelManifest(
        model_id=model_id, revision=revision, source_lang=source_lang, target_lang=target_lang,
        backend="ctranslate2", quantization=quantization,
        converter=f"ctranslate2 {ctranslate2.__version__}"))


def pull(name: str, *, models_dir: Path | None = None, revision: str | None = None,
         quantization: str = "int8", directions: tuple[str, ...] = (),
         settings: Settings | None = None) -> Path:
    """Download (or take a local transformers folder) and convert into models/NAME."""
    settings = settings or Settings()
    models_dir = models_dir or settings.models_dir
    registry = Registry.load(models_dir)
    local = Path(name).expanduser()
    if local.is_dir():
        if (local / "model.bin").exists():
            return local  # already a CTranslate2 folder
        entry_name, source, commit = local.name, local, revision
        model_id = str(local.resolve())
    else:
        entry = registry.entries.get(name)
        hub_id = entry.hub_id if entry else name
        entry_name = entry.name if entry else name.replace("/", "--")
        directions = directions or (entry.directions if entry else ())
        source, commit = _download(hub_id, models_dir / ".downloads" / entry_name,
                                   revision=revision, timeout_s=settings.hub_timeout_s,
                                   directions=tuple(directions))
        model_id = hub_id
    output = models_dir / entry_name
    convert(source, output, model_id=model_id, revision=commit, directions=directions,
            quantization=quantization)
    return output


def _ct2_options(settings: Settings) -> dict[str, Any]:
    return {"device": settings.device, "inter_threads": settings.mt_inter_threads,
            "max_decoding_length": settings.mt_max_length,
            "min_decoding_length": settings.mt_min_length}


def load_translator(name: str | None, *, direction: str, models_dir: Path | None = None,
                    backend: str | None = None, beam_size: int | None = None,
                    auto_pull: bool | None = None, settings: Settings | None = None
                    ) -> Translator:
    """A translator for `direction` ("vi-en" or "en-vi") from a name, folder or hub id.

    Without a name the registry's default for the direction is used, pulled on first use when
    the hub is reachable. Raises ModelUnavailable with what to do when nothing can be loaded.
    """
    from viqa.translate.ctranslate2_backend import CTranslate2Translator
    from viqa.translate.transformers_backend import TransformersTranslator

    settings = settings or Settings()  # explicit in the service; from the environment otherwise
    models_dir = models_dir or settings.models_dir
    backend = backend or settings.mt_backend
    beam = beam_size if beam_size is not None else settings.beam_size
    auto_pull = settings.auto_pull if auto_pull is None else auto_pull
    source_lang, target_lang = direction.split("-")
    registry = Registry.load(models_dir)
    name = name or registry.default_for(direction)
    if name is None:
        raise ModelUnavailable(
            f"no MT model configured for {direction}; {local_model_hint(direction)}")
    local = Path(name).expanduser()
    if looks_like_path(name) and not local.is_dir():
        setting = "VIQA_MT_MODEL" if direction == "vi-en" else "VIQA_MT_REVERSE_MODEL"
        raise ModelUnavailable(
            f"MT model {name}: no such folder ({setting}, the {direction.replace('-', '→')} "
            "model, names a folder that does not exist; unset it for the default)")
    if local.is_dir():
        if backend == "transformers" or not (local / "model.bin").exists():
            if (local / "config.json").exists():
                return TransformersTranslator(local, source_lang=source_lang,
                                              target_lang=target_lang, beam_size=beam,
                                              device=settings.device)
            raise ModelUnavailable(f"{local} is neither a CTranslate2 nor a transformers model")
        return CTranslate2Translator(local, source_lang=source_lang, target_lang=target_lang,
                                     beam_size=beam, **_ct2_options(settings))
    if backend == "transformers":
        entry = registry.entries.get(name)
        return TransformersTranslator(entry.hub_id if entry else name, source_lang=source_lang,
                                      target_lang=target_lang, beam_size=beam,
                                      device=settings.device)
    entry = registry.entries.get(name)
    folder = installed_folder(entry.name if entry else name.replace("/", "--"), models_dir)
    if folder is None:
        if not auto_pull:
            raise ModelUnavailable(
                f"MT model {name} is not installed; run `viqa models pull {name}` on a machine "
                f"with internet, or {local_model_hint(direction)}")
        folder = pull(name, models_dir=models_dir, directions=(direction,), settings=settings)
    manifest = read_manifest(folder)
    return CTranslate2Translator(folder, source_lang=source_lang, target_lang=target_lang,
                                 model_id=manifest.model_id if manifest else name,
                                 beam_size=beam, **_ct2_options(settings))
