"""Line-level edits of YAML lists: one entry in, one entry out, every other byte of the file unchanged.

Re-dumping YAML loses comments, blank lines, quoting, indentation and trailing whitespace, and roster
pull requests must be reviewable at a glance, so these functions edit the text itself. The YAML node tree
(positions only) says where a list is; a new entry copies the indentation and quoting of its neighbours
and goes in sorted position when the list is sorted case-insensitively, else at the end.

The roster editors (``owners_edit`` for OWNERS and OWNERS_ALIASES, ``peribolos`` for org.yaml) build on
these; each passes its own error class, so a refusal names the right kind of file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ladder_rules.owners import OwnersError, compose, is_null, norm_login

# Plain scalars YAML 1.1 or 1.2 would read as something other than a string (numbers, dates, booleans).
_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9a-fA-FxXoObB_.eE:+-]*\Z")
_SPECIAL_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_ITEM_PREFIX = re.compile(r" *- +\Z")
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True)
class Edit:
    """The result of an edit: which file, its text before and after, and a sentence for people."""

    path: str
    old_text: str
    new_text: str
    message: str
    line: int | None = None  # 1-based line of the added (or, for a removal, removed) entry

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


# --- text helpers ------------------------------------------------------------------------------


class YamlLines:
    """A file's text, its lines (split on "\\n" exactly as the YAML marks count them) and node tree."""

    def __init__(self, text: str, path: str, error: type[ValueError] = OwnersError, *, newline: str = "\n"):
        """`newline`: the line break new lines get when `text` has none of its own (an edit of an edit
        passes the original file's, so a one-line remainder of a CRLF file stays CRLF)."""
        self.text = text
        self.path = path
        self.error = error  # raised as error(path, line, sentence) when an edit cannot be made safely
        self.root = compose(text, path)  # OwnersError for text that is not YAML
        odd = _ODD_BREAK.search(text)
        if odd is not None:  # YAML counts these as line breaks too: positions would not match our lines
            line = text.count("\n", 0, odd.start()) + 1
            raise error(path, line, "the file has a line break other than \\n or \\r\\n; edit it by hand.")
        self.starts = [0]
        for match in re.finditer("\n", text):
            self.starts.append(match.end())
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # the text ends with a newline: no empty last line
        if not text:
            self.starts = []
        first = re.search(r"\r?\n", text)
        self.newline = first.group(0) if first else newline

    def line(self, index: int) -> str:
        """Line ``index`` (0-based) without its line ending."""
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end].rstrip("\r\n")

    def insert_lines(self, index: int, lines: list[str]) -> str:
        """The text with ``lines`` inserted before line ``index`` (or appended when past the end)."""
        block = "".join(line + self.newline for line in lines)
        if index < len(self.starts):
            offset = self.starts[index]
            return self.text[:offset] + block + self.text[offset:]
        if self.text and not self.text.endswith("\n"):
            # Keep "no newline at end of file": the break goes before the new lines, not after.
            return self.text + self.newline + block[: -len(self.newline)]
        return self.text + block

    def delete_lines(self, first: int, last: int) -> str:
        """The text without lines ``first``..``last`` (inclusive)."""
        start = self.starts[first]
        if last + 1 < len(self.starts):
            return self.text[:start] + self.text[self.starts[last + 1] :]
        if self.text.endswith("\n") or first == 0:
            return self.text[:start]
        # The deleted lines end the file without a newline: drop the break before them instead.
        previous = self.text[:start]
        return previous[: -len(self.newline)] if previous.endswith(self.newline) else previous[:-1]


def last_line(node: Node) -> int:
    """0-based line where ``node``'s own text ends (block collections end at their last child)."""
    if isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        if isinstance(last, tuple):
            key, value = last
            return key.end_mark.line if bare_null(value) else last_line(value)
        return last_line(last)
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


def bare_null(node: Node | None) -> bool:
    """A key with nothing after it (as opposed to an explicit ``~`` or ``null``)."""
    return is_null(node) and (node is None or node.value == "")


def find_key(mapping: MappingNode | None, key: str) -> tuple[ScalarNode, Node] | None:
    if mapping is None:
        return None
    for key_node, value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def walk_pairs(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key, value
            yield from walk_pairs(value)


def needs_quotes(name: str) -> bool:
    return name.lower() in _SPECIAL_WORDS or _NUMBER_LIKE.match(name) is not None or name.startswith("@")


def scalar(name: str, style: str | None, quote: str = '"') -> str:
    """``name`` written as its neighbours are written (quoted or plain); when it needs quotes anyway
    (``"249043822"``), with ``quote``: the quote character the list already uses."""
    if style == "'":
        return f"'{name}'"
    if style == '"':
        return f'"{name}"'
    return f"{quote}{name}{quote}" if needs_quotes(name) else name


def quote_of(items: list[ScalarNode], default: str = '"') -> str:
    """The quote character a list uses for its quoted entries (``default`` when it has none)."""
    return next((item.style for item in items if item.style in ("'", '"')), default)


def list_style(items: list[ScalarNode]) -> str | None:
    """How the list writes its entries: quoted (``'`` or ``"``) when most of them are, else plain (None).

    A list that quotes only what must be quoted (kubernetes/org's ``- "249043822"``) is a plain list."""
    styles = [item.style if item.style in ("'", '"') else None for item in items]
    style = max(set(styles), key=styles.count) if styles else None
    return style if style is not None and styles.count(style) * 2 > len(styles) else None


def is_sorted(names: list[str]) -> bool:
    keys = [norm_login(name) for name in names]
    return all(a <= b for a, b in zip(keys, keys[1:]))


def item_style(doc: YamlLines) -> tuple[int, str]:
    """How this file indents block lists: the dash's offset from its key, and the text after the dash."""
    for key, value in walk_pairs(doc.root):
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            item = value.value[0]
            prefix = doc.line(item.start_mark.line)[: item.start_mark.column]
            if _ITEM_PREFIX.match(prefix):
                dash = prefix.index("-")
                return dash - key.start_mark.column, prefix[dash:]
    return 2, "- "


def list_entries(doc: YamlLines, value: Node, what: str) -> list[ScalarNode]:
    """The entry nodes of a list (or of a flow mapping used as a set, as OWNERS_ALIASES allows)."""
    if isinstance(value, SequenceNode):
        return [item for item in value.value if isinstance(item, ScalarNode)]
    if isinstance(value, MappingNode) and value.flow_style:
        if any(not bare_null(v) for _, v in value.value):
            raise doc.error(doc.path, value.start_mark.line + 1, f"{what} is a mapping with values; edit it by hand.")
        return [key for key, _ in value.value]
    raise doc.error(doc.path, value.start_mark.line + 1, f"{what} is not a list.")


# --- inserting and removing one entry -----------------------------------------------------------


def _check_shared(doc: YamlLines, key_node: ScalarNode, value: Node, what: str) -> None:
    """Refuse a list that is another's alias or has an anchor: one text edit would change two lists."""
    if value.start_mark.index < key_node.end_mark.index:
        raise doc.error(
            doc.path,
            key_node.start_mark.line + 1,
            f"{what} reuses another list through a YAML alias; edit that list instead.",
        )
    if getattr(value, "anchor", None):
        raise doc.error(
            doc.path,
            key_node.start_mark.line + 1,
            f"{what} is reused elsewhere in the file through its YAML anchor &{value.anchor}; edit it by hand.",
        )


def insert_entry(
    doc: YamlLines,
    mapping: MappingNode | None,
    key: str,
    name: str,
    what: str,
    *,
    anchors: tuple[str, ...] = (),
    column: int = 0,
    after: int | None = None,
    comment: str = "",
    quote: str | None = None,
) -> tuple[str, int]:
    """Add ``name`` to the list ``key`` of ``mapping``; returns the new text and the entry's line (1-based).

    ``column``/``after`` place a new key when ``mapping`` is None (empty file or empty filter entry);
    ``quote`` is the quote character for a name that needs one when the list itself quotes nothing.
    """
    fallback = quote or '"'
    pair = find_key(mapping, key)
    if pair is None:
        return insert_key(
            doc, mapping, key, name, anchors=anchors, column=column, after=after, comment=comment, quote=fallback
        )
    key_node, value = pair
    _check_shared(doc, key_node, value, what)
    if is_null(value):
        if bare_null(value):  # `reviewers:` with nothing: start a block list under the key
            offset, dash = item_style(doc)
            line = " " * (key_node.start_mark.column + offset) + dash + scalar(name, None, fallback) + comment
            return doc.insert_lines(key_node.end_mark.line + 1, [line]), key_node.end_mark.line + 2
        start, end = value.start_mark.index, value.end_mark.index  # `reviewers: ~` becomes `reviewers: [name]`
        return doc.text[:start] + "[" + scalar(name, None, fallback) + "]" + doc.text[end:], value.start_mark.line + 1
    items = list_entries(doc, value, what)
    new_key = norm_login(name)
    if items and is_sorted([item.value for item in items]):
        before = [item for item in items if norm_login(item.value) < new_key]
        previous = before[-1] if before else None
    else:
        previous = items[-1] if items else None
    if value.flow_style:
        return insert_flow(doc, value, items, previous, name, fallback)
    if not items:
        raise doc.error(doc.path, value.start_mark.line + 1, f"{what} holds no names to write beside; edit it by hand.")
    model = previous or items[0]
    quote = quote_of(items, fallback)
    prefix = doc.line(model.start_mark.line)[: model.start_mark.column]
    if not _ITEM_PREFIX.match(prefix):
        raise doc.error(
            doc.path, model.start_mark.line + 1, f"the entries of {what} are not one per line; edit it by hand."
        )
    line = prefix + scalar(name, list_style(items), quote) + comment
    index = last_line(previous) + 1 if previous is not None else items[0].start_mark.line
    return doc.insert_lines(index, [line]), index + 1


def insert_flow(
    doc: YamlLines, value: Node, items: list[ScalarNode], previous: ScalarNode | None, name: str, quote: str = '"'
) -> tuple[str, int]:
    """Add to a flow list (``[a, b]`` or ``{a, b}``) within its line(s), copying its separator."""
    if not items:
        position = value.start_mark.index + 1
        text = scalar(name, None, quote)
    else:
        separator = ", "
        if len(items) >= 2:
            between = doc.text[items[0].end_mark.index : items[1].start_mark.index]
            if "#" not in between:
                separator = between
        written = scalar(name, list_style(items), quote_of(items, quote))
        if previous is not None:
            position, text = previous.end_mark.index, separator + written
        else:
            position, text = items[0].start_mark.index, written + separator
    new_text = doc.text[:position] + text + doc.text[position:]
    name_at = position + len(separator) if items and previous is not None else position
    return new_text, new_text.count("\n", 0, name_at) + 1


def insert_key(
    doc: YamlLines,
    mapping: MappingNode | None,
    key: str,
    name: str,
    *,
    anchors: tuple[str, ...],
    column: int,
    after: int | None,
    comment: str,
    quote: str = '"',
) -> tuple[str, int]:
    """Create ``key:`` with one entry, after the anchor key's block (or after the mapping's last key)."""
    if mapping is not None and mapping.flow_style:
        raise doc.error(
            doc.path, mapping.start_mark.line + 1, f"{key} would go into a one-line mapping; edit it by hand."
        )
    if mapping is not None and mapping.value:
        column = mapping.value[0][0].start_mark.column
        pairs = {k.value: (k, v) for k, v in mapping.value if isinstance(k, ScalarNode)}
        anchor = next((pairs[a] for a in anchors if a in pairs), mapping.value[-1])
        anchor_key, anchor_value = anchor
        after = anchor_key.end_mark.line if bare_null(anchor_value) else last_line(anchor_value)
    elif after is None:
        after = len(doc.starts) - 1
    offset, dash = item_style(doc)
    lines = [" " * column + f"{key}:", " " * (column + offset) + dash + scalar(name, None, quote) + comment]
    return doc.insert_lines(after + 1, lines), after + 3


def remove_entry(
    doc: YamlLines, mapping: MappingNode | None, key: str, name: str, what: str
) -> tuple[str, int, str, str]:
    """Remove ``name`` from a list: (new text, its line (1-based), its written form, its inline comment)."""
    pair = find_key(mapping, key)
    if pair is None or is_null(pair[1]):
        raise doc.error(doc.path, None, f"{name} is not in {what}.")
    value = pair[1]
    _check_shared(doc, pair[0], value, what)
    items = list_entries(doc, value, what)
    matches = [index for index, item in enumerate(items) if norm_login(item.value) == norm_login(name)]
    if not matches:
        raise doc.error(doc.path, value.start_mark.line + 1, f"{name} is not in {what}.")
    index = matches[0]
    item = items[index]
    written = item.value  # as the file writes it: a moved entry keeps its case and any "@"
    if value.flow_style:
        if index + 1 < len(items):
            start, end = item.start_mark.index, items[index + 1].start_mark.index
        elif index > 0:
            start, end = items[index - 1].end_mark.index, item.end_mark.index
        else:
            start, end = item.start_mark.index, item.end_mark.index
        return doc.text[:start] + doc.text[end:], item.start_mark.line + 1, written, ""
    first, last = item.start_mark.line, last_line(item)
    if not _ITEM_PREFIX.match(doc.line(first)[: item.start_mark.column]):
        raise doc.error(doc.path, first + 1, f"the entries of {what} are not one per line; edit it by hand.")
    rest = doc.line(last)[item.end_mark.column :] if first == last else ""
    comment = rest.rstrip() if rest.strip().startswith("#") else ""
    return doc.delete_lines(first, last), first + 1, written, comment
