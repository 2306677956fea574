"""Schemas compiled into plain functions for list pages and exports: Schema.dump's output, at a third of its cost.

marshmallow walks every field through its generic machinery for each object (accessor lookup, missing
checks, per-field method calls); on a page of 50 positions with nested citations that was a quarter of
the request (bench/, pyinstrument). The schema stays the single description of the output: this module
reads it once and generates one function per schema (with a closure per field for mappings). Field kinds
it does not know go through the field's own `_serialize`, and a schema with dump hooks is dumped by
marshmallow itself. tests/test_dumping.py checks that the output equals Schema.dump for every record of
every list resource.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Dump = Callable[[Any], dict]


@functools.cache
def dumper(schema_class: type[ma.Schema], only: tuple[str, ...] | None = None) -> Dump:
    """The compiled dump of SCHEMA_CLASS (restricted to ONLY), built once per combination."""
    return compile_schema(schema_class(only=only))


def compile_schema(schema: ma.Schema) -> Dump:
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return functools.partial(schema.dump, many=False)
    steps = [(field.data_key if field.data_key is not None else name, name, field)
             for name, field in schema.dump_fields.items()]
    compiled = [(key, compile_field(name, field, schema)) for key, name, field in steps]

    def dump_any(obj: Any) -> dict:
        result = {}
        for key, serialize in compiled:
            value = serialize(obj)
            if value is not missing:
                result[key] = value
        return result

    return _generate(schema, steps, compiled, dump_any)


def _generate(schema: ma.Schema, steps: list, compiled: list, dump_any: Dump) -> Dump:
    """The dump as one generated function for objects read by attribute (ORM records, list rows): each
    field's lookup and conversion inline, where the closures above cost three calls a field. Mappings
    (item access first, as marshmallow) and anything unusual go through DUMP_ANY's closures."""
    names: dict[str, Any] = {"missing": missing, "dump_any": dump_any, "str": str, "int": int}
    lines = ["def dump(obj):", "    if hasattr(obj, '__getitem__'):", "        return dump_any(obj)",
             "    result = {}"]
    for i, ((key, name, field), (_, serialize)) in enumerate(zip(steps, compiled, strict=True)):
        attribute = field.attribute or name
        plain = (not isinstance(field, fields.Function | fields.Method) and "." not in attribute
                 and field.dump_default is missing and attribute.isidentifier())
        if not plain:
            names[f"serialize_{i}"] = serialize
            lines += [f"    value = serialize_{i}(obj)", "    if value is not missing:",
                      f"        result[{key!r}] = value"]
            continue
        lines += [f"    value = getattr(obj, {attribute!r}, missing)", "    if value is not missing:"]
        kind = type(field)
        if kind is fields.String:
            expr = "value if value is None or value.__class__ is str else str(value)"
        elif kind is fields.Integer and not field.as_string:
            expr = "value if value is None or value.__class__ is int else int(value)"
        elif kind is fields.List and type(field.inner) is fields.Nested:
            names[f"nested_{i}"] = compile_nested(field.inner)
            expr = f"None if value is None else [None if each is None else nested_{i}(each) for each in value]"
        elif kind is fields.Nested:
            names[f"nested_{i}"] = compile_nested(field)
            expr = f"None if value is None else nested_{i}(value)"
        else:
            names[f"convert_{i}"] = value_converter(name, field)
            expr = f"convert_{i}(value, obj)"
        lines.append(f"        result[{key!r}] = {expr}")
    lines.append("    return result")
    exec(compile("\n".join(lines), f"<dump {type(schema).__name__}>", "exec"), names)  # noqa: S102
    return names["dump"]


def compile_field(name: str, field: fields.Field, schema: ma.Schema) -> Callable[[Any], Any]:
    """A function of the object being dumped that returns the field's output (or `missing`)."""
    if isinstance(field, fields.Function):
        return field.serialize_func  # type: ignore[return-value]
    if isinstance(field, fields.Method):
        return getattr(schema, field.serialize_method_name)  # type: ignore[arg-type]
    get = getter(field.attribute or name, field.dump_default)
    convert = value_converter(name, field)

    def serialize(obj: Any) -> Any:
        value = get(obj)
        return value if value is missing else convert(value, obj)

    return serialize


def value_converter(name: str, field: fields.Field) -> Callable[[Any, Any], Any]:
    """(value, obj) -> output, as FIELD._serialize would give it."""
    kind = type(field)
    if kind is fields.String:
        return lambda value, obj: value if value is None or type(value) is str else str(value)
    if kind is fields.Integer and not field.as_string:  # type: ignore[attr-defined]
        return lambda value, obj: value if value is None or type(value) is int else int(value)
    if kind is fields.Nested:
        nested = compile_nested(field)  # type: ignore[arg-type]
        return lambda value, obj: None if value is None else nested(value)
    if kind is fields.List:
        inner = value_converter(name, field.inner)  # type: ignore[attr-defined]
        return lambda value, obj: None if value is None else [inner(each, obj) for each in value]
    return lambda value, obj: field._serialize(value, name, obj)


def compile_nested(field: fields.Nested) -> Callable[[Any], Any]:
    schema = field.schema
    single = compile_schema(schema)
    if schema.many or field.many:
        return lambda value: [single(each) for each in value]
    return single


def getter(attribute: str, default: Any) -> Callable[[Any], Any]:
    """marshmallow's get_value (item access first for mappings, else attributes; dotted paths)."""
    keys = attribute.split(".")

    def get(obj: Any) -> Any:
        obj = ma.utils.get_value(obj, attribute, missing)  # marshmallow's public accessor, dotted paths too
        if obj is missing:
            return default() if callable(default) else default
        return obj

    if len(keys) == 1:
        key = keys[0]

        def get_one(obj: Any) -> Any:
            value = getattr(obj, key, missing) if not hasattr(obj, "__getitem__") else \
                ma.utils.get_value(obj, key, missing)
            if value is missing:
                return default() if callable(default) else default
            return value

        return get_one
    return get
