"""Fault: the SQLite database's disk fills up. Writes answer 503 storage_full (never a 500),
reads keep working, a job accepted before the disk filled is not lost, and once space is freed
the service accepts and completes jobs again without a restart."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import make_server, wait_for
from tests.reliability.conftest import counted
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability
ARTICLE = {"source": "Exports rose 3.5%.", "translation": "Xuất khẩu giảm 3,5%."}


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 3 MB tmpfs: a real filesystem that really fills (needs root, as in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs",
                                            str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_sqlite_disk_full(tmp_path, small_disk: Path) -> None:
    server = make_server(tmp_path, "sqlite", VIQA_MEANING_ENABLED="0")
    server.env["VIQA_DATABASE_URL"] = f"sqlite:///{small_disk / 'viqa.db'}"
    try:
        server.start()
        key = server.key("disk", "plugin")
        with httpx.Client(base_url=server.url, timeout=30,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            before = counted(http.post("/v1/jobs", json=ARTICLE)).json()["id"]
            STATS["jobs accepted"] += 1
            filler = fill(small_disk)
            STATS["faults injected"] += 1
            refused = [counted(http.post("/v1/jobs", json={**ARTICLE, "external_id": f"f{i}"}))
                       for i in range(30)]
            assert {r.status_code for r in refused} <= {202, 503}, "never a 500"
            full = [r for r in refused if r.status_code == 503]
            assert full, "a full disk must show: no write can succeed for ever"
            assert full[-1].json()["error"]["code"] == "storage_full"
            assert full[-1].headers["Retry-After"]
            assert counted(http.get(f"/v1/jobs/{before}")).status_code == 200
            assert counted(http.post("/v1/check", json=ARTICLE)).status_code == 200

            filler.unlink()
            after = counted(http.post("/v1/jobs", json=ARTICLE))
            assert after.status_code == 202
            STATS["jobs accepted"] += 1
            accepted = [before, after.json()["id"]] + [r.json()["id"] for r in refused
                                                        if r.status_code == 202]
            STATS["jobs accepted"] += len(accepted) - 2
            for job_id in accepted:
                wait_for(lambda j=job_id: http.get(f"/v1/jobs/{j}").json()["status"] == "done",
                         timeout=60)
            STATS["jobs completed"] += len(accepted)
            STATS["faults survived"] += 1
    finally:
        server.stop()
    assert "database storage is full" in server.log.read_text(), "the operator is told why"
