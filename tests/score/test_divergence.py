from __future__ import annotations

import pytest

from viqa.score.divergence import _stem, score_meaning


@pytest.mark.parametrize(("a", "b", "same"), [
    ("dyke", "dike", True), ("organised", "organized", True), ("programmes", "programs", True),
    ("metres", "meters", True), ("colour", "color", True), ("travelled", "traveled", True),
    ("targets", "target", True), ("lending", "landing", False), ("rose", "fell", False),
    ("cut", "cat", False), ("organ", "organize", False),
])
def test_spelling_variants_share_a_stem(a: str, b: str, same: bool) -> None:
    assert (_stem(a) == _stem(b)) == same


@pytest.mark.slow
def test_swap_of_a_synonym_scores_above_a_wrong_sense(embedder) -> None:
    english = ["The price of petrol was cut by 500 dong.",
               "Scientists discovered a new species of orchid in the park."]
    back = ["The price of petrol was reduced by 500 dong.",
            "Scientists discovered a new species of snake in the park."]
    synonym, wrong = score_meaning(english, back, embedder)
    assert wrong.divergence.lost == ("orchid",) and wrong.divergence.added == ("snake",)
    assert synonym.substitution > wrong.substitution


@pytest.mark.slow
def test_omission_is_one_sided(embedder) -> None:
    [scores] = score_meaning(
        ["Residents were evacuated as the storm approached, where waves reached six metres."],
        ["Residents were evacuated as the storm approached."], embedder)
    assert scores.one_sided_words >= 3
    assert not scores.divergence.added
