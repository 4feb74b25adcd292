"""Mongo-style query, sort, select and mongoose-paginate-v2 paging over in-memory documents.

Only what the SpaceX API's ``POST /<resource>/query`` needs: enough to answer the tap and tests the
way the real API (MongoDB + mongoose-paginate-v2) does. ``_id`` is treated as ``id``.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable
from typing import Any

_MISSING = object()


class QueryError(ValueError):
    """A query or options object the mirror cannot understand (answered with HTTP 400)."""


def _field(name: str) -> str:
    return "id" if name == "_id" else name


def _resolve(value: Any, parts: list[str]) -> list[Any]:
    """Values found at a dotted path, descending into arrays like MongoDB does."""
    if not parts:
        return [value]
    if isinstance(value, dict):
        if parts[0] not in value:
            return []
        return _resolve(value[parts[0]], parts[1:])
    if isinstance(value, list):
        if parts[0].isdigit():
            index = int(parts[0])
            return _resolve(value[index], parts[1:]) if index < len(value) else []
        found: list[Any] = []
        for item in value:
            found.extend(_resolve(item, parts))
        return found
    return []


def _candidates(values: list[Any]) -> list[Any]:
    """A field matches if it or, for arrays, any of its elements matches."""
    out: list[Any] = []
    for value in values:
        out.append(value)
        if isinstance(value, list):
            out.extend(value)
    return out


def _comparable(a: Any, b: Any) -> bool:
    numeric = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    return (isinstance(a, numeric) and isinstance(b, numeric)) or (
        isinstance(a, str) and isinstance(b, str)
    )


_COMPARATORS = {
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _eq(candidates: list[Any], expected: Any) -> bool:
    if expected is None and not candidates:
        return True  # MongoDB: {field: null} matches a missing field
    return any(_same(value, expected) for value in candidates)


def _match_operator(values: list[Any], operator: str, operand: Any) -> bool:
    candidates = _candidates(values)
    if operator == "$eq":
        return _eq(candidates, operand)
    if operator == "$ne":
        return not _eq(candidates, operand)
    if operator in ("$in", "$nin"):
        if not isinstance(operand, list):
            raise QueryError(f"{operator} needs an array")
        hit = any(_eq(candidates, item) for item in operand)
        return hit if operator == "$in" else not hit
    if operator in _COMPARATORS:
        compare = _COMPARATORS[operator]
        return any(_comparable(v, operand) and compare(v, operand) for v in candidates)
    if operator == "$exists":
        return bool(values) == bool(operand)
    if operator == "$regex":
        pattern = re.compile(str(operand))
        return any(isinstance(v, str) and pattern.search(v) for v in candidates)
    if operator == "$options":
        return True  # consumed together with $regex
    raise QueryError(f"unsupported query operator {operator}")


def _match_field(doc: dict[str, Any], path: str, condition: Any) -> bool:
    values = _resolve(doc, [_field(part) for part in path.split(".")])
    is_operator_dict = (
        isinstance(condition, dict)
        and condition
        and all(str(key).startswith("$") for key in condition)
    )
    if not is_operator_dict:
        return _eq(_candidates(values), condition)
    if "$regex" in condition:
        flags = re.IGNORECASE if "i" in str(condition.get("$options", "")) else 0
        pattern = re.compile(str(condition["$regex"]), flags)
        if not any(isinstance(v, str) and pattern.search(v) for v in _candidates(values)):
            return False
        condition = {k: v for k, v in condition.items() if k not in ("$regex", "$options")}
    return all(_match_operator(values, op, operand) for op, operand in condition.items())


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    """True if ``doc`` satisfies the MongoDB filter ``query``."""
    if not isinstance(query, dict):
        raise QueryError("query must be a JSON object")
    for key, condition in query.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, list):
                raise QueryError(f"{key} needs an array")
            results = [matches(doc, sub) for sub in condition]
            ok = all(results) if key == "$and" else any(results)
            if (key == "$nor" and ok) or (key != "$nor" and not ok):
                return False
        elif key.startswith("$"):
            raise QueryError(f"unsupported top-level operator {key}")
        elif not _match_field(doc, key, condition):
            return False
    return True


def parse_sort(sort: Any) -> list[tuple[str, int]]:
    """Normalise ``{"date_utc": "desc"}``, ``{"name": 1}`` or ``"-date_utc name"``."""
    if sort in (None, "", {}):
        return []
    if isinstance(sort, str):
        keys = []
        for token in sort.split():
            direction = -1 if token.startswith("-") else 1
            keys.append((_field(token.lstrip("+-")), direction))
        return keys
    if isinstance(sort, dict):
        keys = []
        for name, direction in sort.items():
            text = str(direction).lower()
            if text in ("1", "asc", "ascending"):
                keys.append((_field(name), 1))
            elif text in ("-1", "desc", "descending"):
                keys.append((_field(name), -1))
            else:
                raise QueryError(f"invalid sort direction {direction!r} for {name}")
        return keys
    raise QueryError("sort must be an object or a string")


def _sort_key(value: Any) -> tuple[int, Any]:
    """MongoDB BSON order for the types the API holds: null < numbers < strings < bools."""
    if value is _MISSING or value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (4, value)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, str(value))


def sort_docs(docs: list[dict[str, Any]], sort: Any) -> list[dict[str, Any]]:
    ordered = list(docs)
    for name, direction in reversed(parse_sort(sort)):

        def key(doc: dict[str, Any], name: str = name) -> tuple[int, Any]:
            found = _resolve(doc, name.split("."))
            return _sort_key(found[0] if found else _MISSING)

        ordered.sort(key=key, reverse=direction == -1)
    return ordered


def parse_select(select: Any) -> tuple[list[str], bool]:
    """Return (paths, inclusive) for ``"name -id"``, ``["name"]`` or ``{"name": 1}``."""
    if select in (None, "", [], {}):
        return [], True
    if isinstance(select, str):
        tokens = select.split()
    elif isinstance(select, list):
        tokens = [str(token) for token in select]
    elif isinstance(select, dict):
        tokens = [
            name if str(flag).lower() not in ("0", "false") else f"-{name}"
            for name, flag in select.items()
        ]
    else:
        raise QueryError("select must be a string, array or object")
    excluded = [token[1:] for token in tokens if token.startswith("-")]
    included = [token.lstrip("+") for token in tokens if not token.startswith("-")]
    if included and [name for name in excluded if _field(name) != "id"]:
        raise QueryError("select cannot mix inclusion and exclusion")
    if included:
        hide_id = any(_field(name) == "id" for name in excluded)
        paths = [_field(name) for name in included]
        if not hide_id and "id" not in paths:
            paths.append("id")
        return paths, True
    return [_field(name) for name in excluded], False


def _copy_path(source: Any, target: dict[str, Any], parts: list[str]) -> None:
    if not isinstance(source, dict) or parts[0] not in source:
        return
    head, rest = parts[0], parts[1:]
    if not rest:
        target[head] = source[head]
        return
    child = source[head]
    if isinstance(child, dict):
        _copy_path(child, target.setdefault(head, {}), rest)
    elif isinstance(child, list):
        items = target.setdefault(head, [{} for _ in child])
        for item, out in zip(child, items, strict=False):
            if isinstance(item, dict):
                _copy_path(item, out, rest)


def _drop_path(target: Any, parts: list[str]) -> None:
    if isinstance(target, list):
        for item in target:
            _drop_path(item, parts)
    elif isinstance(target, dict) and parts[0] in target:
        if len(parts) == 1:
            del target[parts[0]]
        else:
            _drop_path(target[parts[0]], parts[1:])


def project(doc: dict[str, Any], select: Any) -> dict[str, Any]:
    """Apply a mongoose ``select`` projection to one document (returns a new dict)."""
    paths, inclusive = parse_select(select)
    if not paths:
        return doc
    if inclusive:
        out: dict[str, Any] = {}
        for path in paths:
            _copy_path(doc, out, path.split("."))
        # keep the document's own key order
        return {key: out[key] for key in doc if key in out}
    out = copy.deepcopy(doc)
    for path in paths:
        _drop_path(out, path.split("."))
    return out


def _as_int(options: dict[str, Any], name: str, default: int | None) -> int | None:
    value = options.get(name, default)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"options.{name} must be an integer, got {value!r}") from exc


def paginate(docs: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
    """Slice ``docs`` into a mongoose-paginate-v2 envelope (same keys, order and values)."""
    if not isinstance(options, dict):
        raise QueryError("options must be a JSON object")
    total = len(docs)
    limit = _as_int(options, "limit", 10)
    if limit is None or limit < 0:
        limit = 10
    pagination = options.get("pagination", True) is not False
    offset = _as_int(options, "offset", None)
    page = _as_int(options, "page", None)
    if offset is not None and offset >= 0:
        page = math.ceil((offset + 1) / limit) if limit > 0 else 1
        skip = offset
    else:
        page = page if page and page > 0 else 1
        skip = (page - 1) * limit
        offset = skip

    if not pagination:
        return _envelope(docs, total, 0, total, 1, 1, 1, False, False, None, None)
    if limit == 0:
        return _envelope([], total, offset, 0, 1, page, 1, False, False, None, None)

    total_pages = math.ceil(total / limit) or 1
    has_prev = page > 1 or (page == 1 and offset > 0)
    prev_page = (page - 1 if page > 1 else 1) if has_prev else None
    has_next = page < total_pages
    next_page = page + 1 if has_next else None
    page_docs = docs[skip : skip + limit]
    paging_counter = (page - 1) * limit + 1
    return _envelope(
        page_docs,
        total,
        offset,
        limit,
        total_pages,
        page,
        paging_counter,
        has_prev,
        has_next,
        prev_page,
        next_page,
    )


def _envelope(
    docs: list[dict[str, Any]],
    total: int,
    offset: int,
    limit: int,
    total_pages: int,
    page: int,
    paging_counter: int,
    has_prev: bool,
    has_next: bool,
    prev_page: int | None,
    next_page: int | None,
) -> dict[str, Any]:
    return {
        "docs": docs,
        "totalDocs": total,
        "offset": offset,
        "limit": limit,
        "totalPages": total_pages,
        "page": page,
        "pagingCounter": paging_counter,
        "hasPrevPage": has_prev,
        "hasNextPage": has_next,
        "prevPage": prev_page,
        "nextPage": next_page,
    }


def query_parts(body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The validated ``query`` and ``options`` of a ``POST /<resource>/query`` body."""
    if not isinstance(body, dict):
        raise QueryError("request body must be a JSON object")
    query = body.get("query") or {}
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise QueryError("options must be a JSON object")
    return query, options


def matching_sorted(
    docs: Iterable[dict[str, Any]], query: dict[str, Any], sort: Any
) -> list[dict[str, Any]]:
    """Every doc matching ``query``, in ``sort`` order (the part a server may cache per query)."""
    return sort_docs([doc for doc in docs if matches(doc, query)], sort)


def page_of(found: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
    """One page of already filtered and sorted docs, in the paginate envelope."""
    envelope = paginate(found, options)
    select = options.get("select")
    if select:
        envelope["docs"] = [project(doc, select) for doc in envelope["docs"]]
    return envelope


def run_query(docs: Iterable[dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
    """Answer a ``POST /<resource>/query`` body against ``docs``."""
    query, options = query_parts(body)
    return page_of(matching_sorted(docs, query, options.get("sort")), options)
