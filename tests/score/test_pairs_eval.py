from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from viqa.score.pairs_eval import (
    PairsInputError,
    pairs_metrics,
    read_pairs,
    roc_auc,
    threshold_at_false_flags,
)


def _demetr_row(item: int, pid: int, name: str, severity: str, perturbed: str,
                check: bool = True) -> str:
    return json.dumps({"id": f"{pid}-{item}", "item_id": item, "perturbation_id": pid,
                       "perturbation": name, "severity": severity, "reference": f"Ref {item}.",
                       "mt": f"MT {item}.", "perturbed": perturbed, "pert_check": check})


def test_demetr_rows_give_one_correct_pair_per_item_and_skip_failed_perturbations() -> None:
    pairs = read_pairs([
        _demetr_row(2, 8, "negation", "critical", "MT 2 not."),
        _demetr_row(2, 1, "repeat2", "minor", "MT MT 2."),
        _demetr_row(2, 10, "numbers_replaced", "critical", "MT 3.", check=False),
        _demetr_row(4, 17, "tense", "major", "MT 4 was."),
    ])
    assert [(p.id, p.changed, p.group) for p in pairs] == [
        ("2-mt", False, "correct"), ("8-2", True, "negation"), ("1-2", None, "repeat2"),
        ("4-mt", False, "correct"), ("17-4", True, "tense")]
    assert pairs[1].a == "Ref 2." and pairs[1].b == "MT 2 not."


def test_labels_in_each_vocabulary_and_a_clear_error_naming_the_line() -> None:
    rows = [{"id": "a", "a": "x", "b": "y", "label": "paraphrase"},
            {"id": "b", "a": "x", "b": "y", "label": "bad"},
            {"id": "c", "a": "x", "b": "y"},
            {"id": "d", "a": "x", "b": "y", "score": 4.6}]
    assert [p.changed for p in read_pairs(json.dumps(r) for r in rows)] == [False, True, None,
                                                                           False]
    with pytest.raises(PairsInputError, match="line 2: label 'maybe'"):
        read_pairs([json.dumps(rows[0]), json.dumps({**rows[0], "label": "maybe"})])
    with pytest.raises(PairsInputError, match="line 1: field 'b'"):
        read_pairs([json.dumps({"id": "a", "a": "x", "b": 3})])


def test_auc_threshold_and_recall_at_five_percent() -> None:
    assert roc_auc([0.1, 0.2, 0.9, 0.8], [False, False, True, True]) == 1.0
    assert roc_auc([0.5, 0.5], [False, True]) == 0.5
    correct = [i / 100 for i in range(100)]  # 0.00 .. 0.99
    cut = threshold_at_false_flags(correct)
    assert sum(r >= cut for r in correct) == 5
    pairs = read_pairs([json.dumps({"id": i, "a": "x", "b": "y", "label": "ok"})
                        for i in range(100)] + [json.dumps({"id": "c", "a": "x", "b": "z",
                                                            "label": "bad"})])
    metrics = pairs_metrics(pairs, [*correct, 0.97], threshold=0.5)
    assert metrics.false_flag_rate == 0.5 and metrics.recall == 1.0
    assert metrics.recall_at_5pct == 1.0


@pytest.mark.slow
def test_eval_pairs_command_prints_metrics_and_writes_risks_in_order(tmp_path: Path) -> None:
    rows = [
        {"id": "p1", "a": "The price of petrol was cut by 500 dong.",
         "b": "The price of petrol was reduced by 500 dong.", "label": "ok"},
        {"id": "n1", "a": "The company hired 300 new workers last year.",
         "b": "The company did not hire any workers last year.", "label": "bad"},
        {"id": "p2", "a": "Residents were evacuated as the storm approached.",
         "b": "Residents were moved out as the storm came closer.", "label": "paraphrase"},
        {"id": "n2", "a": "Scientists discovered a new species of orchid in the park.",
         "b": "Police arrested two men for stealing cars in the city.", "label": "not"},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "risks.jsonl"
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "eval", "--pairs", str(path),
                             "--output", str(out), "--json"], capture_output=True, text=True,
                            timeout=600, env={**os.environ, "VIQA_MEANING_JUDGE": "1"})
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["correct"] == 2 and metrics["changed"] == 2
    assert metrics["roc_auc"] == 1.0
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [w["id"] for w in written] == ["p1", "n1", "p2", "n2"]
    assert all(set(w) == {"id", "risk", "flagged"} for w in written)
    assert written[3]["flagged"] and not written[0]["flagged"]


def test_eval_pairs_refuses_a_bad_file_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"id": 1, "a": "x"}\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "viqa.cli", "eval", "--pairs", str(path)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 2
    assert "line 1: field 'b'" in result.stderr and "Traceback" not in result.stderr
