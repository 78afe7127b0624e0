"""Counters the reliability tests fill and the test run prints at the end."""

from collections import Counter

STATS: Counter[str] = Counter()
