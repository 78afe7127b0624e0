"""viqa.client as a plugin author meets it: its own errors, webhook verification of str or
bytes bodies, and the documented webhook body matching what the runner sends."""

from __future__ import annotations

import base64
import json
import socket

import pytest

from viqa.api.schemas import WebhookEvent
from viqa.client import ViqaClient, ViqaError, ViqaUnreachable, WebhookVerificationError, verify_webhook
from viqa.jobs import signing
from viqa.jobs.runner import webhook_payload

SECRET = "whsec_" + base64.b64encode(b"k" * 24).decode()


def test_an_unreachable_server_raises_the_clients_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ViqaClient(f"http://127.0.0.1:{port}", "viqa_x_y", timeout=5) as viqa, \
            pytest.raises(ViqaUnreachable) as caught:
        viqa.check(translation="Xin chào.")
    assert isinstance(caught.value, ViqaError) and caught.value.status == 0
    assert f"127.0.0.1:{port}" in str(caught.value) and "viqa serve" in str(caught.value)


@pytest.mark.parametrize("as_text", [False, True])
def test_verify_webhook_takes_bytes_or_str(as_text: bool) -> None:
    body = json.dumps({"type": "job.completed", "external_id": "bài-1"},
                      ensure_ascii=False).encode()
    headers = signing.headers(SECRET, "msg_1", body)
    received = body.decode() if as_text else body
    assert verify_webhook(SECRET, headers, received)["external_id"] == "bài-1"
    tampered = received[:-1] + (" }" if as_text else b" }")  # type: ignore[operator]
    with pytest.raises(WebhookVerificationError):
        verify_webhook(SECRET, headers, tampered)


def test_the_documented_webhook_body_is_what_the_runner_sends() -> None:
    failed = WebhookEvent.model_validate(webhook_payload("j1", None, None, "model crashed"))
    assert failed.type == "job.failed" and failed.error == "model crashed"
    done = WebhookEvent.model_validate(webhook_payload("j2", "a-42", None, None))
    assert done.type == "job.completed" and done.url == "/v1/jobs/j2"
    with pytest.raises(ValueError):
        WebhookEvent.model_validate({**webhook_payload("j3", None, None, None), "extra": 1})
