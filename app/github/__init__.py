"""Talking to GitHub: the App client (client.py), its auth caches, URL rules and retry policy."""

from .client import API_VERSION, GitHubClient, GraphQLRateLimited, LadderGitHubAPI, make_client
from .ratelimit import GitHubRetryLater, RetryAdvice, RetryPolicy, retry_advice
from .urls import graphql_endpoint, rewrite_url

__all__ = [
    "API_VERSION",
    "GitHubClient",
    "GitHubRetryLater",
    "GraphQLRateLimited",
    "LadderGitHubAPI",
    "RetryAdvice",
    "RetryPolicy",
    "graphql_endpoint",
    "make_client",
    "retry_advice",
    "rewrite_url",
]
