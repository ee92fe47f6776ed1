"""`X-Hub-Signature-256`: HMAC-SHA256 of the raw body, compared in constant time.

The header's form (`sha256=` and 64 hex digits) is checked before the body is read, so a request that
cannot be signed is refused without holding its body; the HMAC is then updated chunk by chunk as the
body arrives.
"""

from __future__ import annotations

import hashlib
import hmac
import re

HEADER_RE = re.compile(r"sha256=[0-9a-fA-F]{64}")


def expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def well_formed(header: str | None) -> bool:
    """`sha256=` and 64 hex digits (any other text, including bytes that are not ASCII, is not)."""
    return header is not None and HEADER_RE.fullmatch(header.strip()) is not None


class BodySignature:
    """The HMAC of a body read in chunks: `update` each chunk, then `matches` the header."""

    def __init__(self, secret: str) -> None:
        self._mac = hmac.new(secret.encode(), digestmod=hashlib.sha256)

    def update(self, chunk: bytes) -> None:
        self._mac.update(chunk)

    def matches(self, header: str | None) -> bool:
        if not well_formed(header):
            return False
        expected = "sha256=" + self._mac.hexdigest()
        return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    signature = BodySignature(secret)
    signature.update(body)
    return signature.matches(header)
