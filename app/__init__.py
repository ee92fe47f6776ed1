"""Ladder, the GitHub App. The version is defined here once (pyproject.toml reads it)."""

__version__ = "0.1.0"
