"""A stdlib-only validator for the draft-07 subset bytescope's tests check documents against.

It refuses a schema keyword it does not implement, so a schema that grows cannot be silently half-checked.
"""

import re

_ANNOTATIONS = {"$schema", "$id", "title", "description", "definitions", "default", "examples"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class Validator:
    """``errors(instance)`` -> list of "path: problem" strings (empty when valid)."""

    def __init__(self, schema):
        self.root = schema

    def _resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, instance):
        return self.errors_at(self.root, instance, "")

    def errors_at(self, schema, value, path):
        found = []
        self._check(schema, value, path, found)
        return found

    def _check(self, schema, value, path, found):
        unknown = set(schema) - _ANNOTATIONS - set(_KEYWORDS)
        if unknown:
            raise ValueError(f"validator does not implement schema keyword(s) {sorted(unknown)} at {path or '/'}")
        if "$ref" in schema:
            self._check(self._resolve(schema["$ref"]), value, path, found)
        for keyword, rule in _KEYWORDS.items():
            if keyword in schema and keyword != "$ref":
                rule(self, schema, value, path or "/", found)


def _type(v, schema, value, path, found):
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(_TYPES[t](value) for t in types):
        found.append(f"{path}: expected {' or '.join(types)}, got {type(value).__name__}")


def _const(v, schema, value, path, found):
    if value != schema["const"] or type(value) is not type(schema["const"]):
        found.append(f"{path}: must be {schema['const']!r}")


def _enum(v, schema, value, path, found):
    if value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")


def _required(v, schema, value, path, found):
    if isinstance(value, dict):
        found.extend(f"{path}: missing {key!r}" for key in schema["required"] if key not in value)


def _properties(v, schema, value, path, found):
    if isinstance(value, dict):
        for key, sub in schema["properties"].items():
            if key in value:
                v._check(sub, value[key], f"{path.rstrip('/')}/{key}", found)


def _additional(v, schema, value, path, found):
    if not isinstance(value, dict):
        return
    extra = [key for key in value if key not in schema.get("properties", {})]
    rule = schema["additionalProperties"]
    for key in extra:
        if rule is False:
            found.append(f"{path}: unexpected property {key!r}")
        elif isinstance(rule, dict):
            v._check(rule, value[key], f"{path.rstrip('/')}/{key}", found)


def _items(v, schema, value, path, found):
    if isinstance(value, list):
        for index, item in enumerate(value):
            v._check(schema["items"], item, f"{path.rstrip('/')}/{index}", found)


def _min_items(v, schema, value, path, found):
    if isinstance(value, list) and len(value) < schema["minItems"]:
        found.append(f"{path}: fewer than {schema['minItems']} items")


def _minimum(v, schema, value, path, found):
    if _TYPES["number"](value) and value < schema["minimum"]:
        found.append(f"{path}: {value} < minimum {schema['minimum']}")


def _exclusive_minimum(v, schema, value, path, found):
    if _TYPES["number"](value) and value <= schema["exclusiveMinimum"]:
        found.append(f"{path}: {value} <= exclusive minimum {schema['exclusiveMinimum']}")


def _min_length(v, schema, value, path, found):
    if isinstance(value, str) and len(value) < schema["minLength"]:
        found.append(f"{path}: shorter than {schema['minLength']}")


def _pattern(v, schema, value, path, found):
    if isinstance(value, str) and not re.search(schema["pattern"], value):
        found.append(f"{path}: {value!r} does not match {schema['pattern']!r}")


def _one_of(v, schema, value, path, found):
    outcomes = [v.errors_at(sub, value, path) for sub in schema["oneOf"]]
    matches = sum(not errors for errors in outcomes)
    if matches == 1:
        return
    found.append(f"{path}: matches {matches} of the oneOf alternatives, not exactly one")
    # Say why the alternative of the value's own type failed, not just that none matched.
    wrong_type = f"{path}: expected "
    for errors in outcomes:
        if errors and not any(e.startswith(wrong_type) for e in errors):
            found.extend(errors)
            break


_KEYWORDS = {
    "$ref": None,
    "type": _type,
    "const": _const,
    "enum": _enum,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "minItems": _min_items,
    "minimum": _minimum,
    "exclusiveMinimum": _exclusive_minimum,
    "minLength": _min_length,
    "pattern": _pattern,
    "oneOf": _one_of,
}
