"""Callback URL safety: no webhooks to loopback, private, link-local or reserved addresses
unless explicitly allowed (VIQA_ALLOW_PRIVATE_CALLBACKS=1).

A URL is parsed by `httpx.URL`, the parser that delivers it, so what was checked is what is
called: control characters, whitespace and anything httpx refuses are refused at submission.
At delivery the host is resolved once, every address checked, and the connection is made to
the checked address (viqa.jobs.delivery pins it), so a DNS answer that changes between the check
and the connection (rebinding) cannot reach an address that was not checked. IPv6 forms that
carry an IPv4 address (mapped, translated, compatible, NAT64, 6to4) are judged by that address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]

MAX_URL_LENGTH = 2000
_HOSTNAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}"
                       r"[a-z0-9])?)*\.?$")
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")   # RFC 6052
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")      # RFC 8215, IPv4 in RFC 6052 /48 form
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")            # RFC 4291, deprecated


class UnsafeCallback(ValueError):
    """A callback URL viqa will not call; the message says why."""


@dataclass(frozen=True)
class CallbackTarget:
    """A parsed callback URL: what to connect to and what to tell the server it is."""

    url: httpx.URL
    host: str
    """The host as sent in `Host` and TLS SNI (IDNA-encoded; an IPv6 literal without brackets)."""
    port: int
    is_literal: bool


@dataclass(frozen=True)
class CheckedTarget:
    target: CallbackTarget
    addresses: list[IPAddress]
    """Every address the host resolved to, each checked; connect only to these."""


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it carries one."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    value = int(address)
    if address in _NAT64_WELL_KNOWN or address in _IPV4_TRANSLATED:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address in _NAT64_LOCAL:  # /48 prefix: bits 48-63 and 72-87 (bits 64-71 are zero)
        high = (value >> 64) & 0xFFFF
        low = (value >> 40) & 0xFFFF
        return ipaddress.IPv4Address((high << 16) | low)
    if address in _IPV4_COMPATIBLE and value > 1:  # not :: nor ::1
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Global unicast, and so is the IPv4 address it embeds (if any)."""
    if not address.is_global or address.is_multicast:
        return False
    inner = embedded_ipv4(address)
    if inner is not None and (not inner.is_global or inner.is_multicast):
        return False
    return not (isinstance(address, ipaddress.IPv6Address) and address in _NAT64_LOCAL
                and inner is None)


def _bad_character(url: str) -> str | None:
    for position, char in enumerate(url):
        category = unicodedata.category(char)
        if char.isspace() or category.startswith(("C", "Z")):
            return f"{char!r} at position {position}"
    return None


def parse_callback_url(url: str) -> CallbackTarget:
    """Parse with httpx, as delivery will; refuse what delivery could not call as given."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeCallback(f"callback_url is over {MAX_URL_LENGTH} characters")
    bad = _bad_character(url)
    if bad is not None:
        raise UnsafeCallback(f"callback_url must not contain whitespace or control characters "
                             f"({bad}); percent-encode them")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise UnsafeCallback(f"callback_url is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeCallback("callback_url must be an http or https URL")
    if not parsed.raw_host:
        raise UnsafeCallback("callback_url has no host")
    if parsed.userinfo:
        raise UnsafeCallback("callback_url must not carry credentials")
    host = parsed.raw_host.decode("ascii").lower()
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
        if not _HOSTNAME.match(host):
            raise UnsafeCallback(f"callback_url's host {host!r} is not a valid host name"
                                 ) from None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return CallbackTarget(parsed, host, port, literal)


def system_resolver(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeCallback(f"callback host {host!r} does not resolve") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(addresses))


def check_target(target: CallbackTarget, *, allow_private: bool,
                 resolver: Resolver = system_resolver) -> CheckedTarget:
    """Resolve once and check every address; the result is what may be connected to."""
    addresses = ([ipaddress.ip_address(target.host)] if target.is_literal
                 else resolver(target.host, target.port))
    if not addresses:
        raise UnsafeCallback(f"callback host {target.host!r} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise UnsafeCallback(
                    f"callback_url resolves to a non-public address ({address}); set "
                    "VIQA_ALLOW_PRIVATE_CALLBACKS=1 to allow private targets")
    return CheckedTarget(target, addresses)


def check_callback_url(url: str, *, allow_private: bool,
                       resolver: Resolver = system_resolver) -> str:
    """At submission: the URL parses as delivery parses it and resolves to allowed addresses."""
    check_target(parse_callback_url(url), allow_private=allow_private, resolver=resolver)
    return url
