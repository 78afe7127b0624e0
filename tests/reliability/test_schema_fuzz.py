"""Schemathesis against viqa's own OpenAPI schema, every /v1 route, with an admin key (admitted
everywhere) and with no key: no server errors, every response as the schema says. CI runs a
bounded profile; `VIQA_FUZZ_EXAMPLES=500 VIQA_FUZZ_SECONDS=1800 pytest -m reliability -k fuzz`
runs a longer one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Server, make_server
from tests.conftest import ROOT
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability
EXAMPLES = os.environ.get("VIQA_FUZZ_EXAMPLES", "12")
SECONDS = os.environ.get("VIQA_FUZZ_SECONDS", "120")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("fuzz"), "sqlite", VIQA_MEANING_ENABLED="0",
                         VIQA_SYNC_MAX_SENTENCES="200")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("auth", ["admin-key", "no-key"])
def test_schemathesis(server: Server, auth: str, tmp_path: Path) -> None:
    headers = ["-H", f"Authorization: Bearer {server.key('fuzz', 'admin')}"] \
        if auth == "admin-key" else []
    schemathesis = Path(sys.executable).parent / "schemathesis"
    run = subprocess.run(
        [str(schemathesis), "run", server.url + "/openapi.json", *headers,
         "--checks", CHECKS, "--max-examples", EXAMPLES, "--max-time", SECONDS,
         "--phases", "examples,coverage,fuzzing", "--include-path-regex", "^/v1/",
         "--seed", "1", "--no-color", "--request-timeout", "60",
         "--suppress-health-check", "all"],
        capture_output=True, text=True, timeout=int(SECONDS) * 3 + 120, cwd=ROOT)
    output = run.stdout + run.stderr
    made = re.search(r"(\d+) generated", output)
    STATS["inputs tried"] += int(made.group(1)) if made else 0
    STATS["requests made"] += int(made.group(1)) if made else 0
    assert run.returncode == 0, output[-6000:]
