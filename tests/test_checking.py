"""The checking service and what it owns: the typed request, models built from Settings (on the
device the settings name), HTML offsets on the typed report, the scoring version, and the
verdict rules in decide.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viqa import __version__
from viqa.checking import CheckingService, CheckRequest
from viqa.decide import decide, judge_meaning, meaning_model, weights_path
from viqa.domain import Category, Flag, MeaningScores, SegmentInput, Severity
from viqa.policy import Policy, fixed_policy
from viqa.settings import Settings
from viqa.version import PACKAGE, content_hash, scoring_version


def service() -> CheckingService:
    return CheckingService.load(Settings(meaning_enabled=False, mt_enabled=False))


def test_the_request_names_what_is_wrong() -> None:
    for bad, message in ((dict(), "either 'translation'"),
                         (dict(translation="  "), "must not be blank"),
                         (dict(translation="x", source_lang="vi", target_lang="vi"), "differ"),
                         (dict(translation="x", source_lang="fr"), "unsupported language pair"),
                         (dict(segments=(SegmentInput("1", "a"), SegmentInput("1", "b"))),
                          "unique"),
                         (dict(translation="x", threshold=1.5), "between 0 and 1")):
        with pytest.raises(ValueError, match=message):
            CheckRequest(**bad)  # type: ignore[arg-type]
    request = CheckRequest(segments=(SegmentInput("a", "Xin chào.", source="Hello."),),
                           threshold=0.3)
    assert CheckRequest.from_json(request.to_json()) == request


def test_html_offsets_point_into_the_markup() -> None:
    html = "<p>Tỉnh <b>truy tặng và truy tặng</b> huy hiệu.</p>"
    report = service().check(CheckRequest(translation=html, format="html"))
    flag = next(f for s in report.sentences for f in s.flags if f.code == "DUPLICATED_WORDS")
    assert html[flag.offset: flag.offset + flag.length] == "truy tặng và truy tặng"


def test_the_policy_is_asked_about_this_article_only() -> None:
    asked: list[set[str]] = []
    article = CheckRequest(translation="Tỉnh truy tặng và truy tặng huy hiệu.")
    first = service().check(article)
    flag = first.sentences[0].flags[0]

    def policy(fingerprints):
        asked.append(set(fingerprints))
        return fixed_policy(Policy(dismissed=frozenset({flag.fingerprint, "f" * 32})))(
            fingerprints)

    again = service().check(article, policy)
    assert len(asked) == 1 and flag.fingerprint in asked[0] and "f" * 32 not in asked[0]
    assert [f.status for f in again.sentences[0].flags] == ["dismissed"]
    assert not again.sentences[0].flagged and again.sentences[0].severity is None
    assert again.sentences[0].risk == 0.0


def test_mt_loads_on_the_settings_device(tiny_marian) -> None:
    import ctranslate2

    def loaded(device: str) -> CheckingService:
        return CheckingService.load(Settings(device=device, meaning_enabled=False,
                                             mt_model=str(tiny_marian["ct2-vi-en"]),
                                             auto_pull=False), directions=("vi-en",))

    def device_of(found: CheckingService) -> str:
        model = found.options.to_english
        while hasattr(model, "inner"):
            model = model.inner
        return model._translator.device  # type: ignore[union-attr]

    assert device_of(loaded("cpu")) == "cpu"
    on_cuda = loaded("cuda")
    if ctranslate2.get_cuda_device_count() > 0:
        assert device_of(on_cuda) == "cuda"
    else:  # asked for CUDA, so it tried CUDA (and, on a machine without, says so)
        assert on_cuda.options.to_english is None
        assert "cuda" in on_cuda.status.missing["mt vi-en"].lower()


def test_the_scoring_version_follows_the_scored_files(tmp_path: Path) -> None:
    version, _, digest = scoring_version().partition("+")
    assert version == __version__ != "0.1.0" and digest == content_hash()
    copy = tmp_path / "viqa"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert content_hash(copy) == content_hash()
    weights = copy / "data" / weights_path().name
    weights.write_text(weights.read_text().replace('"bias": ', '"bias": 0.01 + '))
    assert content_hash(copy) != content_hash()
    unchanged = tmp_path / "again"
    shutil.copytree(PACKAGE, unchanged, ignore=shutil.ignore_patterns("__pycache__"))
    (unchanged / "api" / "app.py").write_text("# not scoring code\n")
    assert content_hash(unchanged) == content_hash()


def flag(code: str, severity: Severity, risk: float, status: str = "open") -> Flag:
    return Flag(code, Category.MISTRANSLATION, severity, "m", 0, 1, risk=risk,
                fingerprint=code.lower(), status=status)  # type: ignore[arg-type]


def test_rule_flags_flag_whatever_the_threshold() -> None:
    minor = flag("BROKEN_PUNCTUATION", Severity.MINOR, 0.6)
    verdict = decide([minor], meaning=0.2)
    assert verdict.flagged and verdict.risk == 0.6 and verdict.severity == Severity.MINOR
    scores = MeaningScores(cosine=0.9, token_f1=0.9, lost_weight=0.0, added_weight=0.0)
    risk = meaning_model().risk(scores)
    assert judge_meaning(scores, risk).flagged and not judge_meaning(scores, risk + 0.01).flagged


def test_a_dismissed_flag_counts_for_nothing() -> None:
    critical = flag("POLARITY_MISMATCH", Severity.CRITICAL, 0.95, "dismissed")
    minor = flag("DUPLICATED_WORDS", Severity.MINOR, 0.6)
    alone = decide([critical], meaning=0.1)
    assert (alone.flagged, alone.risk, alone.severity) == (False, 0.1, None)
    beside = decide([critical, minor], meaning=0.1)
    assert (beside.flagged, beside.risk, beside.severity) == (True, 0.6, Severity.MINOR)
    meaning = flag("MEANING_DIVERGENCE", Severity.CRITICAL, 0.93, "dismissed")
    gone = decide([meaning], meaning=0.93)
    assert (gone.flagged, gone.risk, gone.severity) == (False, 0.0, None)


def test_a_high_threshold_keeps_the_rule_flags(seed_article: str) -> None:
    """The threshold governs the meaning risk only: at 0.99 the seed article's minor rule flags
    (broken punctuation, fragments) still flag, as at 0.5 (before, 0.7 silently dropped them)."""
    flagged = {threshold: [s.id for s in service().check(
        CheckRequest(translation=seed_article, threshold=threshold)).sentences if s.flagged]
        for threshold in (0.5, 0.7, 0.99)}
    assert flagged[0.5] and flagged[0.5] == flagged[0.7] == flagged[0.99]
    minor_only = [s for s in service().check(CheckRequest(translation=seed_article,
                                                          threshold=0.99)).sentences
                  if s.flags and all(f.severity == Severity.MINOR for f in s.flags)]
    assert minor_only and all(s.flagged and s.risk < 0.99 for s in minor_only)
