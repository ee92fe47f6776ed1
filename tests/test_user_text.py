"""`app.user_text`: people's text in Markdown shows as exactly that text (no HTML, marker, mention or
table break), and only http(s) addresses become links."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.user_text import markdown_link, user_text, web_url


def shown(markdown: str) -> str:
    """What a CommonMark renderer shows for `user_text`'s output: backslash escapes and entities
    undone, the zero-width space after `@` dropped (it is invisible)."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    return html.unescape(text).replace("@\u200b", "@")


@pytest.mark.parametrize(
    "text, markdown",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<!-- ladder:readiness:42 -->", "&lt;!-- ladder:readiness:42 --&gt;"),
        ("thanks @maria and @org/team", "thanks @&#8203;maria and @&#8203;org/team"),
        ("a | b", "a \\| b"),
        ("*bold* _it_ `code` ~x~ [l](http://e)", "\\*bold\\* \\_it\\_ \\`code\\` \\~x\\~ \\[l\\](http://e)"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("> quote", "&gt; quote"),
        ("two\nlines\r\nhere", "two lines here"),
        ("AT&T &amp;", "AT&amp;T &amp;amp;"),
        ("back\\slash", "back\\\\slash"),
        (None, ""),
        (42, "42"),
    ],
)
def test_user_text(text, markdown):
    assert user_text(text) == markdown


@given(st.text())
def test_user_text_shows_the_text_and_nothing_else(text):
    out = user_text(text)
    assert "<" not in out and ">" not in out  # no tag, no comment, no autolink
    assert not re.search(r"[\r\n\u2028\u2029\x0b\x0c\x85]", out)  # stays on its line
    assert not re.search(r"(?<!\\)\|", out)  # never ends a table cell
    assert not re.search(r"@(?!&#8203;)", out)  # never a mention
    assert not re.search(r"(?<!\\)[*_`\[\]~]", out)  # no emphasis, code, link
    assert not re.match(r"[#=+-]|\d+[.)]", out)  # no heading, list, setext line
    assert shown(out) == re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85]+", " ", text).strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative",
        "http:/no-host",
        "https://exa mple.com",
        "http://[::1",
        "",
        None,
    ],
)
def test_only_web_addresses_are_links(url):
    assert web_url(url) is None
    assert markdown_link("comment", url) == "comment"


def test_web_links():
    assert web_url("https://github.com/o/r/issues/1#issuecomment-2") == "https://github.com/o/r/issues/1#issuecomment-2"
    assert web_url("HTTP://ghe.example/o/r") == "HTTP://ghe.example/o/r"
    assert (
        markdown_link("o/r#1 @x", "https://github.com/o/r/issues/1")
        == "[o/r#1 @&#8203;x](https://github.com/o/r/issues/1)"
    )
    # A target cannot end the link or the table cell early: the same URL, percent-encoded.
    assert markdown_link("x", "https://e.example/a(b)|c<d>") == "[x](https://e.example/a%28b%29%7Cc%3Cd%3E)"


@given(st.text())
def test_anything_accepted_is_an_http_address(url):
    accepted = web_url(url)
    assert accepted is None or (accepted == url and re.match(r"(?i)https?://[^\s/]", url))
