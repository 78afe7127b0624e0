"""Real servers for the API tests: `viqa serve` in a subprocess on a free loopback port, on
SQLite and on this machine's PostgreSQL, keys made with `viqa keys create`, and a webhook
receiver on loopback. With VIQA_REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL fails the run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

PG_ADMIN_URL = os.environ.get("VIQA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    database_url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    keys: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()

    def start(self, timeout: float = 120.0) -> None:
        port = int(self.url.rsplit(":", 1)[1])
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "viqa.cli", "serve", "--port", str(port), *self.args],
            env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server did not become ready: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def key(self, tenant: str, role: str) -> str:
        name = f"{tenant}/{role}"
        if name not in self.keys:
            done = subprocess.run([sys.executable, "-m", "viqa.cli", "keys", "create",
                                   "--tenant", tenant, "--role", role], env=self.env, cwd=ROOT,
                                  capture_output=True, text=True, check=True)
            self.keys[name] = done.stdout.strip().splitlines()[-1]
        return self.keys[name]

    def client(self, tenant: str = "alpha", role: str = "plugin") -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120,
                            headers={"Authorization": f"Bearer {self.key(tenant, role)}"})


def postgres_database() -> str | None:
    """A fresh database on the machine's PostgreSQL, or None when there is none."""
    import psycopg

    name = "viqa_test_" + uuid.uuid4().hex[:10]
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        if os.environ.get("VIQA_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (VIQA_REQUIRE_POSTGRES=1) but {PG_ADMIN_URL} "
                        "is unreachable")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_server(tmp: Path, backend: str, **env: str) -> Server:
    if backend == "postgresql":
        database_url = postgres_database()
        if database_url is None:
            pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    else:
        database_url = f"sqlite:///{tmp / 'viqa.db'}"
    environment = {**os.environ, "VIQA_DATABASE_URL": database_url, "VIQA_AUTO_PULL": "0",
                   "VIQA_ALLOW_PRIVATE_CALLBACKS": "1", "VIQA_WEBHOOK_BACKOFF_S": "0.2",
                   "VIQA_RUNNER_POLL_S": "0.1", "VIQA_RATE_LIMIT_BURST": "1000",
                   "VIQA_RATE_LIMIT_PER_MINUTE": "100000", **env}
    return Server(f"http://127.0.0.1:{free_port()}", database_url, environment,
                  tmp / f"server-{backend}.log")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    """A server with the real pipeline (meaning on), on each database backend."""
    tmp = tmp_path_factory.mktemp(f"server-{request.param}")
    server = make_server(tmp, request.param)
    server.start()
    yield server
    server.stop()
    if request.param == "postgresql":
        drop_postgres_database(server.database_url)


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """Records every POST; answers with `status` (settable, to simulate an outage)."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                receiver.deliveries.append(Delivery(dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def for_job(self, job_id: str) -> list[Delivery]:
        return [d for d in self.deliveries if json.loads(d.body).get("job_id") == job_id]

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    yield hook
    hook.close()


def wait_for(predicate, timeout: float = 60.0, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError("condition not met in time")
