"""Model registry, pulling (conversion of a local folder; the hub path fails cleanly offline),
loading by name or folder, and the translators wired into the pipeline and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from viqa.domain import SegmentInput
from viqa.pipeline import CheckOptions, check_document, check_segments
from viqa.translate.ctranslate2_backend import CTranslate2Translator
from viqa.translate.manifest import read_manifest
from viqa.translate.models import ModelUnavailable, Registry, licence_warning, load_translator, pull


def test_registry_lists_defaults_and_licences() -> None:
    registry = Registry.load(ROOT / "models")
    assert registry.default_for("vi-en") == "opus-mt-vi-en"
    assert registry.entries["opus-mt-vi-en"].hub_id == "Helsinki-NLP/opus-mt-vi-en"
    assert registry.entries["opus-mt-en-vi"].licence == "Apache-2.0"
    nllb = registry.entries["nllb-200-distilled-600m"]
    assert not nllb.commercial and "commercial" in (licence_warning(nllb) or "")
    assert "AGPL" in registry.entries["vinai-translate-vi2en-v2"].licence


def test_pull_converts_a_local_folder_with_a_manifest(tiny_marian, tmp_path: Path) -> None:
    (tmp_path / "registry.toml").write_text((ROOT / "models" / "registry.toml").read_text())
    folder = pull(str(tiny_marian["hf-vi-en"]), models_dir=tmp_path, directions=("vi-en",))
    assert folder == tmp_path / "hf-vi-en"
    manifest = read_manifest(folder)
    assert manifest is not None and manifest.quantization == "int8"
    assert manifest.converter and manifest.converter.startswith("ctranslate2")
    translator = load_translator(str(folder), direction="vi-en", models_dir=tmp_path)
    assert isinstance(translator, CTranslate2Translator)


def test_unreachable_hub_names_the_way_out(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "registry.toml").write_text((ROOT / "models" / "registry.toml").read_text())
    with pytest.raises(ModelUnavailable, match="viqa models pull"):
        load_translator(None, direction="vi-en", models_dir=tmp_path, auto_pull=False)
    with pytest.raises(ModelUnavailable, match="local folder"):
        load_translator(None, direction="vi-en", models_dir=tmp_path, auto_pull=True)


@pytest.mark.parametrize(("direction", "setting", "option", "other"), [
    ("vi-en", "VIQA_MT_MODEL", "check --model FOLDER", "REVERSE"),
    ("en-vi", "VIQA_MT_REVERSE_MODEL", "check --reverse-model FOLDER", "check --model"),
])
def test_the_hub_hint_names_its_own_directions_setting(direction: str, setting: str, option: str,
                                                       other: str, tmp_path: Path) -> None:
    """What the serve log and /readyz say when the default model cannot be pulled: the
    setting and the `viqa check` option of that model's direction, not the other's."""
    (tmp_path / "registry.toml").write_text((ROOT / "models" / "registry.toml").read_text())
    with pytest.raises(ModelUnavailable) as raised:
        load_translator(None, direction=direction, models_dir=tmp_path, auto_pull=True)
    message = str(raised.value)
    assert setting in message and option in message and other not in message, message


@pytest.mark.slow
def test_en_vi_segments_are_back_translated(tiny_marian, embedder) -> None:
    to_english = CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=16)
    segments = [SegmentInput("1", source="The province admitted 1,214 members.",
                             translation="Tỉnh kết nạp 1.214 đảng viên."),
                SegmentInput("2", source="Exports rose.", translation="Xuất khẩu tăng.",
                             backtranslation="Exports increased.")]
    report = check_segments(segments, options=CheckOptions(embedder=embedder,
                                                           to_english=to_english))
    first, second = report.sentences
    assert first.backtranslation and first.mt_confidence is not None
    assert first.meaning is not None, "the back-translation was scored"
    assert second.backtranslation == "Exports increased." and second.mt_confidence is None
    assert report.signature["mt_model"]["id"] == "tiny-vi-en"
    assert report.signature["mt_model"]["compute_type"] == "int8"
    assert not report.warnings


def test_translation_only_round_trip(tiny_marian) -> None:
    options = CheckOptions(
        to_english=CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=12),
        to_vietnamese=CTranslate2Translator(tiny_marian["ct2-en-vi"], max_decoding_length=12))
    report = check_document("Tỉnh kết nạp 1.214 đảng viên. Các thành viên của bữa tiệc họp.",
                            options=options)
    assert report.direction == "vi"
    for sentence in report.sentences:
        assert sentence.backtranslation and sentence.roundtrip is not None
        codes = {f.code for f in sentence.flags}
        # A random model's round trip is gibberish and unsure of itself: both signals fire.
        assert {"ROUND_TRIP_DIVERGENCE", "LOW_MT_CONFIDENCE"} <= codes


def test_cli_with_a_local_model_folder(tiny_marian, tmp_path: Path) -> None:
    segments = tmp_path / "segments.jsonl"
    segments.write_text(json.dumps({"id": "a", "source": "Exports rose 3.5%.",
                                    "translation": "Xuất khẩu tăng 3,5%."}) + "\n")
    output = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "check", "--input", str(segments),
                             "--output", str(output), "--model", str(tiny_marian["ct2-vi-en"]),
                             "--no-meaning"], capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    [row] = [json.loads(line) for line in output.read_text().splitlines()]
    assert row["backtranslation"] and row["mt_confidence"] is not None


def test_cli_refuses_a_corrupted_model(tiny_marian, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(tiny_marian["ct2-vi-en"], folder)
    (folder / "model.bin").write_bytes(b"not a model")
    segments = tmp_path / "segments.jsonl"
    segments.write_text(json.dumps({"id": "a", "source": "x y z", "translation": "x y z"}) + "\n")
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "check", "--input", str(segments),
                             "--model", str(folder), "--no-meaning"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2
    assert "does not match the checksum" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("auto_pull", ["0", "1"])
def test_cli_without_models_degrades_and_says_how_to_fix(auto_pull: str) -> None:
    """With auto-pull (a newcomer's default; the hub is unreachable here) and without: each
    missing model's hint is printed once, naming its own direction's setting."""
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "check", "--translation",
                             str(ROOT / "seeds" / "vinh-long-2023.vi.txt"), "--no-meaning"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT,
                            env={**os.environ, "VIQA_AUTO_PULL": auto_pull})
    assert result.returncode == 1
    assert "viqa models pull" in result.stderr and "local folder" in result.stderr
    for name in ("opus-mt-vi-en", "opus-mt-en-vi"):
        assert result.stderr.count(f"viqa models pull {'Helsinki-NLP/' * (auto_pull == '1')}"
                                   f"{name}`") == 1, "each hint once"
    assert "VIQA_MT_REVERSE_MODEL" in result.stderr and "--reverse-model" in result.stderr
    assert "DUPLICATED_WORDS" in result.stdout


def test_models_list_shows_licences() -> None:
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "models", "list"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={"COLUMNS": "200", **__import__("os").environ})
    assert result.returncode == 0
    assert "Apache-2.0" in result.stdout and "CC-BY-NC-4.0" in result.stdout
    assert "not for commercial" in result.stdout
