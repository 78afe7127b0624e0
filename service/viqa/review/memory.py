"""Apply what reviewers decided before to a fresh report: every flag gets its fingerprint and
a status; a flag dismissed earlier (same fingerprint) comes back as dismissed, not raised."""

from __future__ import annotations

from typing import Any

from viqa.review.fingerprint import fingerprint, sentence_key


def annotate(report: dict[str, Any], dismissed: set[str], threshold: float) -> dict[str, Any]:
    """Add `fingerprint` and `status` to each flag; re-decide sentences whose every flag above
    the threshold was dismissed before."""
    for sentence in report["sentences"]:
        live_risk = 0.0
        key = sentence_key(sentence["source"], sentence["translation"])
        for flag in sentence["flags"]:
            flag["fingerprint"] = fingerprint(sentence["source"], sentence["translation"],
                                              flag["code"], key=key)
            flag["status"] = "dismissed" if flag["fingerprint"] in dismissed else "open"
            if flag["status"] == "open":
                live_risk = max(live_risk, flag["risk"])
        if sentence["flags"] and all(f["status"] == "dismissed" for f in sentence["flags"]):
            sentence["flagged"] = False
        elif sentence["flagged"]:
            sentence["flagged"] = live_risk >= threshold or not sentence["flags"]
    return report
