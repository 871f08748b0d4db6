"""A small validator for the JSON-Schema subset the rule-file schema uses.

Keywords: type, enum, required, properties, additionalProperties, items, minItems,
minLength, pattern, minimum, $ref (to ``#/$defs/...``). Every problem is reported
with the path of the field, e.g. ``criteria[2].indicators[0].threshold.op``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(top)'}: {self.message}"


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def validate(
    instance: Any, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> list[Problem]:
    """All problems of ``instance`` against ``schema`` (empty when it is valid).

    ``root`` is the document ``$ref`` paths start from, when ``schema`` is part of one.
    """
    return list(_check(instance, schema, root if root is not None else schema, ""))


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref are supported: {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    if not isinstance(node, Mapping):
        raise ValueError(f"$ref {ref} does not name a schema")
    return node


def _check(
    value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], path: str
) -> Iterator[Problem]:
    if "$ref" in schema:
        yield from _check(value, _resolve(root, schema["$ref"]), root, path)
        return
    wanted = schema.get("type")
    if wanted is not None:
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if not any(_is_type(value, n) for n in names):
            yield Problem(path, f"must be {' or '.join(names)}, not {_describe(value)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        yield Problem(path, f"{value!r} is not one of {allowed}")
    if isinstance(value, str):
        if len(value.strip()) < schema.get("minLength", 0):
            yield Problem(path, "must not be empty")
        pattern = schema.get("pattern")
        if pattern is not None and not re.fullmatch(pattern, value):
            yield Problem(path, f"{value!r} does not match {pattern}")
    if _is_type(value, "number") and "minimum" in schema and value < schema["minimum"]:
        yield Problem(path, f"must be at least {schema['minimum']}")
    if isinstance(value, dict):
        yield from _check_object(value, schema, root, path)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            yield Problem(path, f"needs at least {schema['minItems']} item(s)")
        items = schema.get("items")
        if items is not None:
            for i, item in enumerate(value):
                yield from _check(item, items, root, _join(path, i))


def _check_object(
    value: dict[Any, Any], schema: Mapping[str, Any], root: Mapping[str, Any], path: str
) -> Iterator[Problem]:
    for name in schema.get("required", []):
        if name not in value:
            yield Problem(_join(path, name), "is required")
    properties: Mapping[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            yield from _check(item, properties[key], root, _join(path, str(key)))
        elif extra is False:
            known = ", ".join(sorted(properties))
            yield Problem(_join(path, str(key)), f"is not a known field (known: {known})")
        elif isinstance(extra, Mapping):
            yield from _check(item, extra, root, _join(path, str(key)))


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
