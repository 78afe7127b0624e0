"""Logs carry no SQL parameters and no user text. Named to run last in the reliability suite:
after the other tests it greps every server and worker log they left (and its own server's,
fed marked text on every way that once reached a traceback) for the marked text, the suite's
article text and SQLAlchemy's parameter dumps."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.api.conftest import drop_postgres_database, make_server, postgres_database, wait_for
from tests.reliability.conftest import counted
from tests.reliability.log_canaries import CANARY
from tests.reliability.stats import STATS
from viqa import logsafe
from viqa.store.db import make_engine

pytestmark = pytest.mark.reliability

USER_TEXT = [CANARY, "truy tặng", "Xuất khẩu", "Năm 2023, tỉnh"]
"""Marked text, and article text the reliability tests send (hostile text, limits, jobs)."""
PARAMETER_DUMPS = ["[parameters:", "[SQL parameters"]


def planted(server) -> None:
    """Marked text through every input that once reached a log: ids, URLs, CSV, comments,
    translations; NUL in each (PostgreSQL's DataError tracebacks printed the parameters)."""
    with server.client("logs", "admin") as http:
        for body in ({"translation": "x.", "external_id": f"{CANARY}\x00"},
                     {"translation": "x.", "callback_url": f"http://8.8.8.8/{CANARY}\x00"},
                     {"translation": f"{CANARY} Xuất khẩu\x00 tăng."}):
            assert counted(http.post("/v1/jobs", json=body)).status_code == 422
        for csv in (f"source,target,forbidden,note\n{CANARY},\x00,,\n",
                    f"source,target,forbidden,note\n{CANARY},đảng viên,,\n"):
            counted(http.put("/v1/glossary", content=csv, headers={"content-type": "text/csv"}))
        job = counted(http.post("/v1/jobs", json={
            "source": "Exports rose 3.5%.", "translation": f"Xuất khẩu tăng 4,5% {CANARY}.",
            "external_id": "logs-1",
            "callback_url": f"http://127.0.0.1:9/{CANARY}"})).json()  # refused: an error
        done = wait_for(lambda: (j := http.get(f"/v1/jobs/{job['id']}").json())["status"]
                        == "done" and j)
        flagged = [(s["id"], f["code"]) for s in done["result"]["sentences"] for f in s["flags"]]
        assert flagged, "the number mismatch is flagged"
        sentence, code = flagged[0]
        path = f"/v1/jobs/{job['id']}/sentences/{sentence}/flags/{code}/decision"
        assert counted(http.post(path, json={"action": "comment",
                                             "comment": f"{CANARY} note"})).status_code == 201
        assert counted(http.post(path, json={"action": "comment",
                                             "comment": f"{CANARY}\x00"})).status_code == 422
        counted(http.get(f"/v1/review/queue?article={CANARY}"))
        wait_for(lambda: http.get(f"/v1/jobs/{job['id']}").json()["webhook"]["attempts"] > 0)
    STATS["inputs tried"] += 10


def test_no_parameters_or_user_text_in_any_log(tmp_path_factory) -> None:
    database = postgres_database()
    backend = "postgresql" if database else "sqlite"
    if database:
        drop_postgres_database(database)
    server = make_server(tmp_path_factory.mktemp("log-hygiene"), backend,
                         VIQA_MEANING_ENABLED="0", VIQA_WEBHOOK_MAX_ATTEMPTS="1")
    server.start()
    try:
        planted(server)
        time.sleep(0.5)
    finally:
        server.stop()
        if backend == "postgresql":
            drop_postgres_database(server.database_url)
    logs = sorted(Path(tmp_path_factory.getbasetemp()).rglob("*.log"))
    assert server.log in logs
    found = {(log.name, needle) for log in logs
             for needle in USER_TEXT + PARAMETER_DUMPS
             if needle in log.read_text(encoding="utf-8", errors="replace")}
    print(f"\n{len(logs)} logs grepped, {sum(p.stat().st_size for p in logs):,} bytes")
    assert not found, found


def test_database_errors_carry_no_parameters() -> None:
    """The same NUL that PostgreSQL refuses, sent past the API: the error names the statement,
    not the values, and a logged traceback withholds the driver's message."""
    database = postgres_database()
    if database is None:
        pytest.skip("no PostgreSQL")
    engine = make_engine(database)
    try:
        with pytest.raises(Exception) as raised, engine.connect() as connection:
            connection.execute(text("SELECT CAST(:value AS text)"),
                               {"value": f"{CANARY}\x00"})
        assert CANARY not in str(raised.value)
        formatted = logsafe.ScrubbingFormatter(logsafe.FORMAT).format(logging.LogRecord(
            "viqa.test", logging.ERROR, __file__, 1, "failed", None,
            (raised.type, raised.value, raised.tb)))
        assert CANARY not in formatted and "Traceback" in formatted
    finally:
        engine.dispose()
        drop_postgres_database(database)


def test_tracebacks_keep_frames_and_drop_messages() -> None:
    try:
        raise ValueError(f"bad segment {CANARY}")
    except ValueError as exc:
        formatted = logsafe.format_exception((type(exc), exc, exc.__traceback__))
    assert CANARY not in formatted
    assert "builtins.ValueError: (message withheld" in formatted
    assert "test_tracebacks_keep_frames_and_drop_messages" in formatted
