"""A tenant's policy for one check: its threshold, its glossary, and the dismissed fingerprints
that can match the article. The checking service asks a `PolicySource` for it once per check,
with the fingerprints the article's flags could have; `viqa.store.policy` answers from the
database, `fixed_policy` from what the command line was given."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from viqa.glossary import Glossary


@dataclass(frozen=True)
class Policy:
    threshold: float | None = None
    """None: the service's default (VIQA_THRESHOLD)."""
    glossary: Glossary | None = None
    """Terms checked beside the built-in calques."""
    dismissed: frozenset[str] = field(default_factory=frozenset)
    """Flag ids (or, for dismissals recorded before flags had ids, fingerprints) whose latest
    decision in scope is a dismissal (only of the fingerprints asked about)."""


PolicySource = Callable[[Collection[str]], Policy]
"""Given the fingerprints an article's flags could have, the policy to check it with."""


def fixed_policy(policy: Policy) -> PolicySource:
    """A source that always answers `policy`, keeping only the dismissals asked about."""

    def source(fingerprints: Collection[str]) -> Policy:
        wanted = set(fingerprints)
        return Policy(policy.threshold, policy.glossary,
                      frozenset(f for f in policy.dismissed if f in wanted))

    return source


NO_POLICY: PolicySource = fixed_policy(Policy())
