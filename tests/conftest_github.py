"""Pytest fixtures for talking to the GitHub stand-in (loaded from tests/conftest.py as a plugin).

    async def test_x(stand_in, github_client, fake_sleep): ...

`stand_in` fails the test at teardown when the code under test sent any request GitHub would reject.
`github_client` is the app's real GitHubClient pointed at it, with a recording fake sleep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.github import GitHubClient, RetryPolicy
from app.stand_in import StandIn, start_stand_in

APP_ID = 4242


@dataclass(frozen=True)
class AppKey:
    app_id: int
    private_pem: str = field(repr=False)
    public_pem: str


@dataclass
class FakeSleep:
    """Records the delays the client asked for instead of sleeping."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def check_violations(stand_in: StandIn) -> None:
    """Fail the test if the stand-in recorded requests GitHub would have rejected."""
    if stand_in.violations:
        pytest.fail("requests GitHub would reject:\n  " + "\n  ".join(stand_in.violations), pytrace=False)


@pytest.fixture(scope="session")
def app_key() -> AppKey:
    """A fresh RSA key for the test App (generated, never committed)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return AppKey(APP_ID, private, public)


@pytest.fixture
async def stand_in(app_key: AppKey):
    server = await start_stand_in(app_id=app_key.app_id, public_key=app_key.public_pem)
    try:
        yield server
    finally:
        await server.close()
    check_violations(server)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
async def http_session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def github_client(stand_in: StandIn, app_key: AppKey, fake_sleep: FakeSleep, http_session) -> GitHubClient:
    return GitHubClient(
        http_session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        user_agent="ladder-tests",
        policy=RetryPolicy(sleep=fake_sleep),
    )
