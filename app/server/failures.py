"""Which processing failures a retry can cure.

A delivery whose handler fails on its payload (a field of the wrong type, a missing key, text no database
can hold) fails the same way on every attempt: it is kept as failed at once, with its reason, instead of
being tried six times over half an hour. Everything else (the database busy, full or unreachable, a
PostgreSQL serialization failure or lock timeout, GitHub unreachable, rate-limited or answering 5xx) may
pass, and is retried with backoff as before. Which of the database drivers' errors are which is the
store's knowledge (app/store/errors.py), on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import asyncio

import aiohttp
import gidgethub

from app.store.errors import TRANSIENT_ERRORS, VALUE_ERRORS

# Passing faults, checked first: e.g. a TimeoutError is an OSError, never a payload error.
PASSING = (
    OSError,
    asyncio.TimeoutError,
    aiohttp.ClientError,
    gidgethub.GitHubException,
    *TRANSIENT_ERRORS,
)
# The same payload raises these again on every attempt.
PAYLOAD = (
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    ValueError,  # includes a lone surrogate's UnicodeEncodeError and int() of a non-number
    RecursionError,
    OverflowError,
    *VALUE_ERRORS,
)


def is_payload_error(error: BaseException) -> bool:
    """True when retrying the delivery cannot help: its payload is what fails."""
    if isinstance(error, PASSING):
        return False
    return isinstance(error, PAYLOAD)
