"""Webhook delivery on a real database and a real receiver on loopback: the connection goes to
the address that was checked (a rebinding resolver cannot reach loopback), every failure is an
attempt recorded with its error, and IPv6 forms are judged by the IPv4 address they carry."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterator

import pytest

from tests.api.conftest import WebhookReceiver
from tests.reliability.stats import STATS
from viqa.jobs import callbacks
from viqa.jobs.delivery import WebhookDeliverer
from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store import webhooks as webhook_store
from viqa.store.db import Database, migrate
from viqa.store.keys import get_or_create_tenant
from viqa.store.models import WebhookDelivery, utcnow

pytestmark = pytest.mark.reliability


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'viqa.db'}")
    migrate(database.engine)
    return database


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    yield hook
    hook.close()


def pending_delivery(db: Database, url: str, tenant: str = "t") -> str:
    """A finished job with a webhook due now to `url` (stored as is, like a legacy row)."""
    with db.sessions() as session:
        tenant_id = get_or_create_tenant(session, tenant).id
        job, _ = job_store.create_job(session, tenant_id=tenant_id,
                                      request={"translation": "Câu."}, external_id=None,
                                      callback_url=None, idempotency_key=None)
        delivery_id = "msg_" + uuid.uuid4().hex
        session.add(WebhookDelivery(id=delivery_id, job_id=job.id, tenant_id=tenant_id, url=url,
                                    payload={"type": "job.completed", "job_id": job.id},
                                    next_attempt_at=utcnow()))
        session.commit()
    return delivery_id


def delivery(db: Database, delivery_id: str) -> WebhookDelivery:
    with db.sessions() as session:
        found = session.get(WebhookDelivery, delivery_id)
        assert found is not None
        return found


class Rebinding:
    """Answers a public address first, then loopback: what a rebinding DNS server does."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[callbacks.IPAddress]:
        self.calls += 1
        if self.calls == 1:
            return [ipaddress.ip_address("8.8.8.8")]
        return [ipaddress.ip_address("127.0.0.1")]


def test_a_rebinding_resolver_cannot_get_a_delivery_to_loopback(db, receiver) -> None:
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    delivery_id = pending_delivery(db, f"http://hooks.rebind.test:{port}/hook")
    resolver = Rebinding()
    settings = Settings(webhook_timeout_s=1.0, webhook_max_attempts=1)
    STATS["faults injected"] += 1
    assert WebhookDeliverer(db, settings, resolver=resolver).deliver_due() == 1
    assert resolver.calls == 1, "resolved once, and the checked address is the one connected to"
    assert receiver.deliveries == [], "nothing reached loopback"
    row = delivery(db, delivery_id)
    assert row.state == "failed" and row.attempts == 1 and row.last_error
    STATS["faults survived"] += 1


def test_the_pinned_address_gets_the_name_in_host(db, receiver) -> None:
    """Allowed private targets are pinned too: the request goes to the resolved address with
    the URL's own name in Host and a viqa User-Agent."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    delivery_id = pending_delivery(db, f"http://cms.pinned.test:{port}/hook")
    settings = Settings(allow_private_callbacks=True)
    loopback = lambda host, port: [ipaddress.ip_address("127.0.0.1")]  # noqa: E731
    WebhookDeliverer(db, settings, resolver=loopback).deliver_due()
    [received] = receiver.deliveries
    assert received.headers["Host"] == f"cms.pinned.test:{port}"
    assert received.headers["User-Agent"].startswith("viqa/")
    assert delivery(db, delivery_id).state == "delivered"


@pytest.mark.parametrize("url", [
    "http://8.8.8.8/x\ny", "http://8.8.8.8/\x00", "http://[::1", "http://exa mple.com/",
    "http://127.0.0.1:99999/", "gopher://8.8.8.8/",
])
def test_every_failure_is_an_attempt_with_its_error_and_the_loop_goes_on(db, receiver,
                                                                        url) -> None:
    STATS["inputs tried"] += 1
    bad = pending_delivery(db, url, tenant="bad")
    good = pending_delivery(db, receiver.url, tenant="good")
    settings = Settings(allow_private_callbacks=True, webhook_max_attempts=1)
    assert WebhookDeliverer(db, settings).deliver_due() == 2
    row = delivery(db, bad)
    assert row.state == "failed" and row.attempts == 1 and row.last_error, row.last_error
    assert "\x00" not in row.last_error
    assert delivery(db, good).state == "delivered"
    assert len(receiver.deliveries) == 1


def test_a_slow_tenant_gets_its_share_and_no_more(db, receiver) -> None:
    """Ten deliveries to a receiver that never answers, then one of another tenant: the other
    tenant's is attempted at once, beside the slow tenant's share of slots."""
    import socket
    import time

    tarpit = socket.socket()
    tarpit.bind(("127.0.0.1", 0))
    tarpit.listen(64)  # accepts connections (the kernel does), never answers
    try:
        slow = [pending_delivery(db, f"http://127.0.0.1:{tarpit.getsockname()[1]}/", "slow")
                for _ in range(10)]
        good = pending_delivery(db, receiver.url, "good")
        settings = Settings(allow_private_callbacks=True, webhook_timeout_s=1.5,
                            webhook_max_attempts=1, webhook_concurrency=4,
                            webhook_tenant_concurrency=2, runner_poll_s=0.05)
        deliverer = WebhookDeliverer(db, settings)
        started = time.monotonic()
        deliverer.start()
        try:
            while delivery(db, good).state != "delivered":
                assert time.monotonic() - started < 3, "the other tenant waited on the slow one"
                time.sleep(0.05)
            while any(delivery(db, d).state == "pending" for d in slow):
                assert time.monotonic() - started < 30
                time.sleep(0.1)
        finally:
            deliverer.stop()
        errors = {delivery(db, d).last_error for d in slow}
        assert all(e and "no answer within 1.5 s" in e for e in errors), errors
    finally:
        tarpit.close()


@pytest.mark.parametrize("address", [
    "::7f00:1", "::ffff:0:7f00:1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::",
    "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b:1:7f00:0:100::", "2002:a9fe:a9fe::1",
])
def test_ipv6_forms_are_judged_by_the_ipv4_they_carry(address: str) -> None:
    STATS["inputs tried"] += 1
    assert not callbacks.is_public(ipaddress.ip_address(address))
    with pytest.raises(callbacks.UnsafeCallback, match="non-public"):
        callbacks.check_callback_url(f"http://[{address}]/hook", allow_private=False)


@pytest.mark.parametrize("address", ["8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
                                     "2606:4700:4700::1111"])
def test_public_addresses_and_their_ipv6_forms_pass(address: str) -> None:
    assert callbacks.is_public(ipaddress.ip_address(address))


def test_rfc6052_slash48_extraction() -> None:
    assert callbacks.embedded_ipv4(ipaddress.ip_address("64:ff9b:1:7f00:0:100::")) == \
        ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize("url", ["http://8.8.8.8/x\ny", "http://8.8.8.8/\x00", "http://8.8.8.8/a b",
                                 "http://8.8.8.8/\u200b", "http://exa%41mple.com/",
                                 "http://8.8.8.8\t/", "https://[::1/"])
def test_what_httpx_would_refuse_or_rewrite_is_refused_at_submission(url: str) -> None:
    STATS["inputs tried"] += 1
    with pytest.raises(callbacks.UnsafeCallback):
        callbacks.check_callback_url(url, allow_private=True)


def test_claims_skip_tenants_at_their_share(db) -> None:
    first = pending_delivery(db, "http://a.test/", "a")
    pending_delivery(db, "http://a.test/", "a")
    other = pending_delivery(db, "http://b.test/", "b")
    with db.sessions() as session:
        claimed = webhook_store.claim_due(session, lease_s=30)
        assert claimed is not None and claimed.id == first
        skipped = webhook_store.claim_due(session, lease_s=30, skip_tenants=[claimed.tenant_id])
        assert skipped is not None and skipped.id == other


def test_slow_dns_of_one_tenant_does_not_delay_another(db, receiver) -> None:
    """Lookups that hang past their deadline (a resolver cannot be cancelled) cost the slow
    tenant its attempts, not the threads that claim and record everyone's."""
    import threading
    import time

    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    release = threading.Event()

    def resolver(host: str, _: int) -> list[callbacks.IPAddress]:
        if host == "slow.dns.test":
            release.wait(10)
        return [ipaddress.ip_address("127.0.0.1")]

    slow = [pending_delivery(db, "http://slow.dns.test/hook", "slow") for _ in range(20)]
    good = pending_delivery(db, f"http://good.dns.test:{port}/hook", "good")
    settings = Settings(allow_private_callbacks=True, webhook_timeout_s=0.5,
                        webhook_max_attempts=1, runner_poll_s=0.05)
    deliverer = WebhookDeliverer(db, settings, resolver=resolver)
    started = time.monotonic()
    deliverer.start()
    try:
        while delivery(db, good).state != "delivered":
            assert time.monotonic() - started < 3, "the other tenant waited on slow lookups"
            time.sleep(0.05)
        while any(delivery(db, d).state == "pending" for d in slow):
            assert time.monotonic() - started < 30
            time.sleep(0.1)
    finally:
        release.set()
        deliverer.stop()
    assert all("no answer within 0.5 s" in (delivery(db, d).last_error or "") for d in slow)


def test_https_to_the_pinned_address_sends_the_name_in_sni_and_verifies_it(db, tmp_path
                                                                           ) -> None:
    """TLS to the checked IP: SNI carries the URL's name and the certificate is verified for
    the name (a name the certificate does not cover fails), not for the IP."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import httpx

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=cms.pinned.test", "-keyout", str(key), "-out", str(cert),
                    "-addext", "subjectAltName=DNS:cms.pinned.test"],
                   check=True, capture_output=True)
    server_names: list[str | None] = []
    hosts: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    try:
        good = pending_delivery(db, f"https://cms.pinned.test:{port}/hook")
        wrong = pending_delivery(db, f"https://other.pinned.test:{port}/hook", "other")
        trust = ssl.create_default_context(cafile=str(cert))
        loopback = lambda host, port: [ipaddress.ip_address("127.0.0.1")]  # noqa: E731
        settings = Settings(allow_private_callbacks=True, webhook_max_attempts=1)
        WebhookDeliverer(db, settings, resolver=loopback,
                         transport=httpx.AsyncHTTPTransport(verify=trust)).deliver_due()
        assert delivery(db, good).state == "delivered"
        assert "cms.pinned.test" in server_names and hosts == [f"cms.pinned.test:{port}"]
        failed = delivery(db, wrong)
        assert failed.state == "failed" and "CERTIFICATE_VERIFY_FAILED" in failed.last_error
    finally:
        httpd.shutdown()
