"""The environment contract of PRODUCT.md §2, and one clear line for every bad setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.settings import SettingsError, graphql_url_for, load_settings


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_defaults_are_probots():
    s = load_settings({"WEBHOOK_SECRET": "s"})
    assert (s.webhook_path, s.port, s.host, s.github_api_url, str(s.database_path), s.log_level) == (
        "/api/github/webhooks",
        3000,
        "0.0.0.0",
        "https://api.github.com",
        "ladder.db",
        "info",
    )
    assert s.dry_run and s.app_id is None
    assert s.graphql_url == "https://api.github.com/graphql"


def test_graphql_endpoint_is_derived_for_enterprise_server():
    assert graphql_url_for("https://ghe.example.com/api/v3") == "https://ghe.example.com/api/graphql"
    assert graphql_url_for("http://127.0.0.1:8123") == "http://127.0.0.1:8123/graphql"


def test_app_settings_with_a_key_file(tmp_path, pem):
    key = tmp_path / "key.pem"
    key.write_text(pem)
    s = load_settings(
        {"APP_ID": "12345", "PRIVATE_KEY_PATH": str(key), "WEBHOOK_SECRET": "s", "PORT": "8080", "LOG_LEVEL": "DEBUG"}
    )
    assert (s.app_id, s.port, s.log_level, s.dry_run) == (12345, 8080, "debug", False)
    assert s.private_key == pem


def test_private_key_with_escaped_newlines_as_heroku_stores_it(pem):
    s = load_settings({"APP_ID": "1", "PRIVATE_KEY": pem.replace("\n", "\\n"), "WEBHOOK_SECRET": "s"})
    assert s.private_key == pem


def test_secrets_are_not_in_the_repr(pem):
    s = load_settings({"APP_ID": "1", "PRIVATE_KEY": pem, "WEBHOOK_SECRET": "hunter2"})
    assert "hunter2" not in repr(s) and "PRIVATE KEY" not in repr(s)


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "WEBHOOK_SECRET is required"),
        ({"WEBHOOK_SECRET": "s", "APP_ID": "abc"}, "APP_ID must be the GitHub App's numeric id"),
        ({"WEBHOOK_SECRET": "s", "APP_ID": "1"}, "PRIVATE_KEY or PRIVATE_KEY_PATH is required when APP_ID is set"),
        ({"WEBHOOK_SECRET": "s", "PRIVATE_KEY": "not a key"}, "PRIVATE_KEY is not a PEM private key"),
        (
            {
                "WEBHOOK_SECRET": "s",
                "PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
            },
            "PRIVATE_KEY is not a valid PEM private key",
        ),
        ({"WEBHOOK_SECRET": "s", "PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, "PRIVATE_KEY_PATH cannot be read"),
        ({"WEBHOOK_SECRET": "s", "PORT": "http"}, "PORT must be a number from 1 to 65535"),
        ({"WEBHOOK_SECRET": "s", "PORT": "70000"}, "PORT must be a number from 1 to 65535"),
        ({"WEBHOOK_SECRET": "s", "WEBHOOK_PATH": "hooks"}, "WEBHOOK_PATH must start with '/'"),
        (
            {"WEBHOOK_SECRET": "s", "WEBHOOK_PATH": "/healthz"},
            "WEBHOOK_PATH must not be one of the service's own pages",
        ),
        ({"WEBHOOK_SECRET": "s", "GITHUB_API_URL": "api.github.com"}, r"GITHUB_API_URL must be an http\(s\) URL"),
        (
            {"WEBHOOK_SECRET": "s", "LOG_LEVEL": "loud"},
            "LOG_LEVEL must be one of trace, debug, info, warn, warning, error, fatal, got 'loud'",
        ),
        ({"WEBHOOK_SECRET": "s", "LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json, got 'xml'"),
        ({"WEBHOOK_SECRET": " \t\n "}, "WEBHOOK_SECRET is only whitespace"),
        (
            {"WEBHOOK_SECRET": "s", "DATABASE_PATH": "/nonexistent/dir/ladder.db"},
            "DATABASE_PATH's folder does not exist",
        ),
    ],
)
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


@pytest.mark.parametrize(
    "given, level",
    [
        ("trace", "debug"),
        ("debug", "debug"),
        ("INFO", "info"),
        ("warn", "warning"),
        ("error", "error"),
        ("fatal", "critical"),
    ],
)
def test_probots_log_levels_mean_pythons(given, level):
    assert load_settings({"WEBHOOK_SECRET": "s", "LOG_LEVEL": given}).log_level == level


def test_insecure_no_secret_is_explicit():
    assert load_settings({}, insecure_no_secret=True).webhook_secret is None


def test_ladder_serve_with_bad_settings_prints_one_line_and_no_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH")}
    env.update(WEBHOOK_SECRET="s", PORT="not-a-port", DATABASE_PATH=str(tmp_path / "l.db"))
    done = subprocess.run([sys.executable, "-m", "app", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "ladder: PORT must be a number from 1 to 65535, got 'not-a-port'\n"
    assert done.stdout == ""


def test_ladder_serve_refuses_a_database_from_a_newer_version(tmp_path):
    import sqlite3

    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 999")
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH")}
    env.update(WEBHOOK_SECRET="s", PORT="3999", DATABASE_PATH=str(path))
    done = subprocess.run([sys.executable, "-m", "app", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "newer than this Ladder knows" in done.stderr


def test_database_url_selects_postgresql_and_keeps_its_password_out_of_the_repr():
    s = load_settings({"WEBHOOK_SECRET": "s", "DATABASE_URL": " postgres://ladder:hunter2@db.example:5432/ladder "})
    assert s.database == s.database_url == "postgres://ladder:hunter2@db.example:5432/ladder"
    assert "hunter2" not in repr(s)
    assert load_settings({"WEBHOOK_SECRET": "s", "DATABASE_URL": ""}).database == Path("ladder.db")
    # The SQLite file's folder does not matter when PostgreSQL is used.
    env = {"WEBHOOK_SECRET": "s", "DATABASE_URL": "postgresql://h/db", "DATABASE_PATH": "/nonexistent/dir/l.db"}
    assert load_settings(env).database == "postgresql://h/db"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("mysql://ladder:hunter2@db.example/ladder", "got 'mysql://ladder:***@db.example/ladder'"),
        ("ladder:hunter2@db.example/ladder", "got a value that is not a URL"),
        ("sqlite:///ladder.db", "got 'sqlite:///ladder.db'"),
    ],
)
def test_a_bad_database_url_is_one_line_without_the_password(url, shown):
    with pytest.raises(SettingsError) as raised:
        load_settings({"WEBHOOK_SECRET": "s", "DATABASE_URL": url})
    message = str(raised.value)
    assert message == f"DATABASE_URL must start with postgresql:// or postgres://, {shown}"
    assert "hunter2" not in message


def test_ladder_serve_with_an_unreachable_database_url_prints_one_line_without_the_password(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH")}
    env.update(
        WEBHOOK_SECRET="s", PORT="3998", DATABASE_URL="postgresql://ladder:hunter2@127.0.0.1:1/ladder?connect_timeout=3"
    )
    done = subprocess.run([sys.executable, "-m", "app", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and "hunter2" not in done.stderr
    assert done.stderr.startswith("ladder: DATABASE_URL: cannot connect to postgresql://ladder:***@127.0.0.1:1/ladder")


# ---------------------------------------------------------------------------- issue 9: dashboard access
def test_dashboard_access_settings():
    s = load_settings({"WEBHOOK_SECRET": "s"})
    assert (s.github_client_id, s.github_client_secret, s.dashboard_public, s.metrics_token, s.sign_in) == (
        None,
        None,
        False,
        None,
        False,
    )
    s = load_settings(
        {
            "WEBHOOK_SECRET": "s",
            "GITHUB_CLIENT_ID": "Iv1.0123abcd",
            "GITHUB_CLIENT_SECRET": "c1ient-secret",
            "DASHBOARD_PUBLIC": "TRUE",
            "METRICS_TOKEN": "m3trics",
        }
    )
    assert (s.github_client_id, s.github_client_secret, s.dashboard_public, s.metrics_token, s.sign_in) == (
        "Iv1.0123abcd",
        "c1ient-secret",
        True,
        "m3trics",
        True,
    )
    assert "c1ient-secret" not in repr(s) and "m3trics" not in repr(s)


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"GITHUB_CLIENT_ID": "Iv1.0123abcd"},
            "GITHUB_CLIENT_SECRET is required when GITHUB_CLIENT_ID is set (the App's client secret)",
        ),
        (
            {"GITHUB_CLIENT_SECRET": "x"},
            "GITHUB_CLIENT_ID is required when GITHUB_CLIENT_SECRET is set (the App's client id)",
        ),
        (
            {"GITHUB_CLIENT_ID": "Iv1 0123", "GITHUB_CLIENT_SECRET": "x"},
            "GITHUB_CLIENT_ID must be the App's client id (like Iv1.0123abcd), got 'Iv1 0123'",
        ),
        (
            {"GITHUB_CLIENT_ID": "Iv1.0123abcd", "GITHUB_CLIENT_SECRET": " \t "},
            "GITHUB_CLIENT_SECRET is only whitespace: set it to the App's client secret",
        ),
        ({"DASHBOARD_PUBLIC": "yes"}, "DASHBOARD_PUBLIC must be true or false, got 'yes'"),
        (
            {"METRICS_TOKEN": " padded-t0ken "},
            "METRICS_TOKEN must be printable ASCII without spaces at its ends (it is sent as a Bearer token)",
        ),
        (
            {"WEBHOOK_PATH": "/auth/callback"},
            "WEBHOOK_PATH must not be one of the service's own pages, got '/auth/callback'",
        ),
    ],
)
def test_bad_dashboard_settings_are_one_line_that_never_shows_a_secret(env, message):
    with pytest.raises(SettingsError) as raised:
        load_settings({"WEBHOOK_SECRET": "s", **env})
    assert str(raised.value) == message
    assert "padded-t0ken" not in str(raised.value)


@pytest.mark.parametrize(
    "api_url, web",
    [
        ("https://api.github.com", "https://github.com"),
        ("https://api.github.com/", "https://github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
        ("https://ghe.example.com:8443/api/v3/", "https://ghe.example.com:8443"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_the_web_host_belongs_to_the_api_url(api_url, web):
    from app.github.urls import web_url_for

    assert web_url_for(api_url) == web
    assert load_settings({"WEBHOOK_SECRET": "s", "GITHUB_API_URL": api_url}).web_url == web
