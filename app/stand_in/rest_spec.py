"""Checks a REST request against GitHub's REST description (the trimmed OpenAPI subset).

A request passes when its method and path match an operation in `paths` (parameters marked
`x-multi-segment`, and `{ref}` under `git/ref(s)`, may contain `/`; integer path parameters must be
digits), every query parameter is one the operation declares (with a valid value), and its JSON body
is valid against the operation's `requestBody` schema, `$ref`s resolved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema

SUBSET = Path(__file__).with_name("rest-openapi.subset.json")


@dataclass
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /repos/{owner}/{repo}/issues
    operation_id: str
    regex: re.Pattern
    path_params: dict[str, dict]  # name -> schema
    query_params: dict[str, dict]  # name -> schema
    body_schema: dict | None
    body_required: bool
    literal_length: int  # prefer the most specific template when several match


@dataclass
class Match:
    operation: Operation
    params: dict[str, str] = field(default_factory=dict)


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` is not JSON Schema; spell it as a union with null."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class RestSpec:
    def __init__(self, doc: dict) -> None:
        self.doc = _nullable_to_json_schema(doc)
        self._validator = jsonschema.Draft4Validator(self.doc)
        self.operations: list[Operation] = []
        for path, item in self.doc["paths"].items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method == "parameters":
                    continue
                self.operations.append(self._operation(method.upper(), path, op, shared))

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _operation(self, method: str, path: str, op: dict, shared: list) -> Operation:
        params = [self._resolve(p) for p in [*shared, *op.get("parameters", [])]]
        path_params = {p["name"]: p for p in params if p["in"] == "path"}
        query_params = {p["name"]: p.get("schema", {}) for p in params if p["in"] == "query"}
        pattern = ""
        literal = 0
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                name = piece[1:-1]
                multi = path_params.get(name, {}).get("x-multi-segment") or (name == "ref" and "/git/ref" in path)
                pattern += f"(?P<{name}>.+)" if multi else f"(?P<{name}>[^/]+)"
            else:
                pattern += re.escape(piece)
                literal += len(piece)
        body_schema = None
        body_required = False
        if "requestBody" in op:
            body = self._resolve(op["requestBody"])
            body_required = bool(body.get("required"))
            content = body.get("content", {})
            media = content.get("application/json") or next(iter(content.values()), {})
            body_schema = media.get("schema")
        return Operation(
            method=method,
            path=path,
            operation_id=op.get("operationId", f"{method} {path}"),
            regex=re.compile(pattern + r"\Z"),
            path_params={name: p.get("schema", {}) for name, p in path_params.items()},
            query_params=query_params,
            body_schema=body_schema,
            body_required=body_required,
            literal_length=literal,
        )

    def match(self, method: str, raw_path: str) -> Match | None:
        """The operation for `method` and the raw (still percent-encoded) path, or None."""
        best: Match | None = None
        for op in self.operations:
            if op.method != method:
                continue
            m = op.regex.match(raw_path)
            if m is None:
                continue
            params = {k: unquote(v) for k, v in m.groupdict().items()}
            if any(
                schema.get("type") == "integer" and not params[name].isdigit()
                for name, schema in op.path_params.items()
            ):
                continue
            if best is None or op.literal_length > best.operation.literal_length:
                best = Match(op, params)
        return best

    def path_exists(self, raw_path: str) -> bool:
        return any(op.regex.match(raw_path) for op in self.operations)

    def check_query(self, op: Operation, query: dict[str, str]) -> list[str]:
        problems = []
        for name, value in query.items():
            schema = op.query_params.get(name)
            if schema is None:
                problems.append(
                    f"query parameter {name!r} is not one of {op.operation_id}'s: {sorted(op.query_params)}"
                )
                continue
            kind = schema.get("type")
            if kind == "integer" and not value.lstrip("-").isdigit():
                problems.append(f"query parameter {name}={value!r} is not an integer")
            elif kind == "boolean" and value not in ("true", "false"):
                problems.append(f"query parameter {name}={value!r} is not a boolean")
            elif "enum" in schema and value not in schema["enum"]:
                problems.append(f"query parameter {name}={value!r} is not one of {schema['enum']}")
        return problems

    def check_body(self, op: Operation, body: bytes) -> tuple[Any, list[str]]:
        """The decoded JSON body (None if empty) and what is wrong with it."""
        if not body.strip():
            if op.body_required:
                return None, [f"{op.operation_id} needs a JSON body"]
            return None, []
        try:
            data = json.loads(body)
        except ValueError as exc:
            return None, [f"body is not JSON: {exc}"]
        if op.body_schema is None:
            return data, [f"{op.operation_id} takes no body"]
        validator = self._validator.evolve(schema=op.body_schema)
        problems = []
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(body)"
            problems.append(f"body {where}: {error.message}")
        return data, problems


@lru_cache(maxsize=1)
def load_spec() -> RestSpec:
    """The REST description, parsed once per process."""
    return RestSpec(json.loads(SUBSET.read_text(encoding="utf-8")))
