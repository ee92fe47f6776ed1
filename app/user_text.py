"""Text people wrote (cohort names, logins, titles, check-ins, requirement descriptions) placed into
Markdown that Ladder writes, and links that may only point at web pages.

One place for both, so every report, comment and issue body neutralises user text the same way:

- `user_text(value)`: one line of Markdown that shows `value` literally — no raw HTML or `<!--` marker
  (`<`, `>`, `&` become entities), no emphasis, link, code or table-cell break (`*`, `_`, `[`, `|`, …
  are backslash-escaped), no block structure (a leading `#`, `>`, `-`, `1.` is escaped, line breaks
  become spaces) and no `@mention` (a zero-width space follows every `@`, so GitHub notifies nobody);
- `web_url(url)`: the URL when it is an absolute http(s) address, else None — a stored `javascript:`
  or `data:` URL never becomes a link;
- `markdown_link(text, url)`: `[text](url)` for a web URL, the neutralised text alone otherwise.

HTML pages do not need `user_text`: their templates autoescape; they use `web_url` for every href.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

# Backslash-escaped: each of these can open inline Markdown (emphasis, code, links, strikethrough,
# table cells); a backslash before ASCII punctuation always shows the character itself.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# At the start of a line these open a block (heading, quote, list, setext underline, numbered list).
_BLOCK_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
ZERO_WIDTH_SPACE = "&#8203;"  # an entity, so the neutralised `@` is visible in the Markdown source too


def user_text(value: Any) -> str:
    """`value` (any object, None is empty) as one line of Markdown that renders as exactly its text."""
    text = "" if value is None else str(value)
    text = _LINE_BREAKS.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    # `1.` is escaped after the digits: a backslash before a digit is not an escape and would show.
    text = _BLOCK_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), text)
    return text.replace("@", "@" + ZERO_WIDTH_SPACE)


def web_url(url: Any) -> str | None:
    """`url` when it is an absolute http or https address with a host, else None.

    Whitespace and control characters are refused rather than stripped: browsers drop them inside a
    scheme (`java\\tscript:` runs as `javascript:`), so a URL carrying any is not a link."""
    if not isinstance(url, str) or not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def markdown_link(text: Any, url: Any) -> str:
    """A Markdown link to a web URL, or the text alone when the target is anything else."""
    target = web_url(url)
    if target is None:
        return user_text(text)
    # `(`, `)`, `<`, `>` end a link destination and `|` a table cell; percent-encoded, it is the same URL.
    for ch, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ("|", "%7C")):
        target = target.replace(ch, code)
    return f"[{user_text(text)}]({target})"
