"""The committed meaning judge: checksums guard its files, it loads offline from the installed
wheel plus the committed adapter, and it ranks a changed fact above a paraphrase."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from viqa.score.judge import (
    ADAPTER_FILE,
    CHECKSUM_FILE,
    JUDGE_DIR,
    MANIFEST_FILE,
    JudgeLoadError,
    MeaningJudge,
    english_signals,
    judge_for,
    verify_checksums,
)


def test_committed_files_match_their_checksums_and_stay_small() -> None:
    verify_checksums(JUDGE_DIR)
    assert sum(p.stat().st_size for p in JUDGE_DIR.iterdir()) <= 10 * 1024 * 1024


def _listed() -> list[str]:
    return [line.split("  ", 1)[1] for line in (JUDGE_DIR / CHECKSUM_FILE).read_text().splitlines()
            if line.strip()]


def test_every_weights_file_is_listed() -> None:
    assert MANIFEST_FILE in _listed()
    uses_adapter = "cross_encoder" in json.loads((JUDGE_DIR / MANIFEST_FILE).read_text())[
        "features"]
    assert (ADAPTER_FILE in _listed()) == uses_adapter


@pytest.mark.parametrize("name", _listed())
def test_a_tampered_weights_file_is_refused(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "judge"
    shutil.copytree(JUDGE_DIR, folder)
    data = bytearray((folder / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / name).write_bytes(bytes(data))
    with pytest.raises(JudgeLoadError, match="does not match its sha256"):
        MeaningJudge(folder)


def test_a_folder_without_checksums_is_refused(tmp_path: Path) -> None:
    shutil.copytree(JUDGE_DIR, tmp_path / "judge")
    (tmp_path / "judge" / "SHA256SUMS").unlink()
    with pytest.raises(JudgeLoadError, match="SHA256SUMS is missing"):
        MeaningJudge(tmp_path / "judge")


def test_manifest_carries_threshold_and_validation_figures() -> None:
    manifest = json.loads((JUDGE_DIR / MANIFEST_FILE).read_text())
    assert 0.0 < manifest["threshold"] < 1.0
    assert {"demetr", "paws"} <= set(manifest["validation"]["judge"])


def test_english_signals() -> None:
    assert english_signals("It rose 5%.", "It rose 6%.") == (1.0, 0.0, 0.0)
    assert english_signals("He did not go.", "He went.") == (0.0, 1.0, 0.0)
    assert english_signals("She isn't here.", "She is not here.") == (0.0, 0.0, 0.0)
    assert english_signals("Five people came.", "5 people came?") == (0.0, 0.0, 1.0)


def test_another_embedding_model_gets_no_judge_and_says_why() -> None:
    class Other:
        model_id = "some/other-model"

    judge, why = judge_for(Other())
    assert judge is None and why is not None and "some/other-model" in why


@pytest.mark.slow
def test_judge_ranks_a_changed_fact_above_a_paraphrase(embedder) -> None:
    from viqa.decide import meaning_risk, meaning_threshold
    from viqa.score.divergence import score_meaning

    judge = MeaningJudge()
    english = ["The price of petrol was cut by 500 dong on Tuesday.",
               "The company hired 300 new workers last year.",
               "The price of petrol was cut by 500 dong on Tuesday."]
    back = ["The price of petrol was reduced by 500 dong on Tuesday.",
            "The company did not hire any workers last year.",
            "The price of petrol was raised by 5,000 dong on Tuesday."]
    paraphrase, negated, changed = score_meaning(english, back, embedder, judge=judge)
    assert all(s.judge_risk is not None for s in (paraphrase, negated, changed))
    assert meaning_risk(changed) > meaning_risk(paraphrase)
    assert meaning_risk(negated) > meaning_risk(paraphrase)
    assert meaning_risk(paraphrase) < meaning_threshold(paraphrase) <= meaning_risk(changed)
    # the words are still named
    assert "raised" in " ".join(changed.divergence.added)
