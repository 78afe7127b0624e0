"""Shared helpers for the reliability suite (marker `reliability`)."""

from __future__ import annotations

import httpx
import pytest

from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability


def counted(response: httpx.Response) -> httpx.Response:
    STATS["requests made"] += 1
    if response.status_code >= 500 and response.status_code != 503:
        STATS["5xx responses"] += 1
    return response
