"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
"{webhook-id}.{webhook-timestamp}.{body}" with the tenant's secret, sent as "v1,<base64>".

Plugin authors verify a delivery with `verify` (also in `viqa.client`):

    from viqa.client import verify_webhook
    payload = verify_webhook(secret, request.headers, request.body)  # raises on a bad signature
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

TOLERANCE_S = 5 * 60


class WebhookVerificationError(ValueError):
    """Missing headers, a stale timestamp or a signature that does not match."""


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, body: bytes, timestamp: int | None = None
            ) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
            "content-type": "application/json"}


def verify(secret: str, received: Mapping[str, str], body: bytes | str, *,
           now: float | None = None) -> dict[str, Any]:
    """The JSON payload of a genuine, fresh delivery; raises WebhookVerificationError. A `str`
    body (as some frameworks give it) is taken as the UTF-8 text that was signed."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lower = {k.lower(): v for k, v in received.items()}
    try:
        message_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        signatures = lower["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise WebhookVerificationError("missing or malformed webhook headers") from exc
    if abs((now or time.time()) - timestamp) > TOLERANCE_S:
        raise WebhookVerificationError("timestamp outside the tolerance window")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise WebhookVerificationError("signature does not match")
    return json.loads(body)
