"""Every check's own example sentences, bad and ok, run through the check alone."""

from __future__ import annotations

import pytest

from viqa.checks import REGISTRY, Example, PairContext
from viqa.checks.base import check
from viqa.domain import Category, Pair, Severity, Span
from viqa.glossary import Glossary

CASES = [(code, example) for code, registered in REGISTRY.items()
         for example in registered.examples]


def context_for(example: Example) -> PairContext:
    pair = Pair(id="1", translation=example.translation,
                translation_span=Span(0, len(example.translation)),
                source=example.source,
                source_span=Span(0, len(example.source)) if example.source is not None else None,
                backtranslation=example.backtranslation)
    glossary = Glossary.builtin() + Glossary.from_csv_text(
        "source,target,forbidden,note\nParty member,đảng viên,,\n")
    return PairContext(pair=pair, direction=example.direction, glossary=glossary)


@pytest.mark.parametrize(("code", "example"), CASES,
                         ids=[f"{c}-{'bad' if e.flagged else 'ok'}-{i}" for i, (c, e) in
                              enumerate(CASES)])
def test_check_example(code: str, example: Example) -> None:
    flags = REGISTRY[code].flags(context_for(example))
    assert bool(flags) == example.flagged, [f.message for f in flags]
    for flag in flags:
        text = example.translation if flag.side == "translation" else example.source
        assert text is not None
        assert 0 <= flag.offset <= flag.offset + flag.length <= len(text)
        assert flag.code == code


def test_every_check_is_documented_and_has_examples_or_needs_a_document() -> None:
    for registered in REGISTRY.values():
        assert registered.description
        model_signals = {"document", "meaning", "mt_confidence", "roundtrip"}
        assert registered.examples or set(registered.requires) & model_signals, \
            registered.code
        if registered.examples:
            assert any(e.flagged for e in registered.examples), registered.code


def test_duplicate_ids_fail_at_registration() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        @check("NUMBER_MISMATCH", category=Category.NUMBER, severity=Severity.MAJOR)
        def again(context):  # pragma: no cover - never registered
            """Duplicate."""
            return []
