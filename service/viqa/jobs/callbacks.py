"""Callback URL safety: no webhooks to loopback, private, link-local or reserved addresses
unless explicitly allowed (VIQA_ALLOW_PRIVATE_CALLBACKS=1). Checked when a job is submitted and
again at each delivery (a DNS name can change what it points to); redirects are not followed."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeCallback(ValueError):
    """A callback URL viqa will not call; the message says why."""


def resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnsafeCallback(f"callback host {host!r} does not resolve") from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_callback_url(url: str, *, allow_private: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeCallback("callback_url must be an http or https URL")
    if not parts.hostname:
        raise UnsafeCallback("callback_url has no host")
    if parts.username or parts.password:
        raise UnsafeCallback("callback_url must not carry credentials")
    if allow_private:
        return url
    for address in resolve(parts.hostname):
        if not address.is_global or address.is_multicast:
            raise UnsafeCallback(
                f"callback_url resolves to a non-public address ({address}); set "
                "VIQA_ALLOW_PRIVATE_CALLBACKS=1 to allow private targets")
    return url
