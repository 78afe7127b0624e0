"""Security by default: no article text and no key in the logs."""

from __future__ import annotations

import pytest

from tests.api.conftest import make_server
from tests.reliability.conftest import counted
from viqa.client import ViqaClient

pytestmark = pytest.mark.reliability


def test_no_article_text_or_key_in_logs(tmp_path) -> None:
    server = make_server(tmp_path, "sqlite", VIQA_MEANING_ENABLED="0")
    marker = "Thạch Sanh Lý Thông 9731 bí mật"
    try:
        server.start()
        key = server.key("logs", "plugin")
        with server.client("logs", "plugin") as http:
            counted(http.post("/v1/check", json={"translation": marker}))
            counted(http.post("/v1/check", json={"translation": 5, "source": marker}))
            job = counted(http.post("/v1/jobs", json={"translation": marker,
                                                      "external_id": "logs-1"})).json()
        with ViqaClient(server.url, key) as viqa:
            viqa.wait(job["id"])
    finally:
        server.stop()
    log = server.log.read_text()
    assert "job " + job["id"] in log, "the log says what happened, by id"
    assert marker not in log and "Thạch Sanh" not in log
    secret = key.split("_", 2)[2]  # the secret itself may contain "_"
    assert secret and key not in log and secret not in log
