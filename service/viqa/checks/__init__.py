"""Deterministic checks beside the model. Importing this package registers every check."""

from viqa.checks import (  # noqa: F401  (imported to register)
    completeness,
    fluency,
    glossary,
    meaning,
    mt,
    names,
    numbers,
    polarity,
)
from viqa.checks.base import REGISTRY, Check, Example, PairContext, run_checks

__all__ = ["REGISTRY", "Check", "Example", "PairContext", "run_checks"]
