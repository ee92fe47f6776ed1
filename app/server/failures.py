"""Which processing failures a retry can cure.

A delivery whose handler fails on its payload (a field of the wrong type, a missing key, text no database
can hold) fails the same way on every attempt: it is kept as failed at once, with its reason, instead of
being tried six times over half an hour. Everything else (the database busy or full, GitHub unreachable,
rate-limited or answering 5xx) may pass, and is retried with backoff as before.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp
import gidgethub

# Passing faults, checked first: e.g. a TimeoutError is an OSError, never a payload error.
PASSING = (
    OSError,
    asyncio.TimeoutError,
    aiohttp.ClientError,
    gidgethub.GitHubException,
    sqlite3.OperationalError,  # locked, disk full, I/O error
)
# The same payload raises these again on every attempt. (sqlite3's InterfaceError/ProgrammingError:
# a value of a type it cannot bind; IntegrityError: a required field that is null.)
PAYLOAD = (
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    ValueError,  # includes a lone surrogate's UnicodeEncodeError and int() of a non-number
    RecursionError,
    OverflowError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    sqlite3.IntegrityError,
)


def is_payload_error(error: BaseException) -> bool:
    """True when retrying the delivery cannot help: its payload is what fails."""
    if isinstance(error, PASSING):
        return False
    return isinstance(error, PAYLOAD)
