"""A crawler of the whole API, driven by the spec and by the links the responses carry.

It starts at `GET /` (the index) and at every collection of the spec (every GET path without a path
parameter), walks every list page (following `next`), every `include=` value, a sparse fieldset
(`fields=`, pages of its own media type), each list's export operation in every `format` it offers (read
from the spec), every path of the spec under a record (items, sub-collections and their exports), the
composed briefing, and every same-origin `url` found anywhere in a response (citations' document URLs
without their fragment). It records each answer; the tests decide what must hold.

FETCH is any callable `fetch(path) -> (status, content_type, body)`, so the same crawl runs through
Flask's test client, a live server or a validating proxy in front of one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

Fetch = Callable[[str], tuple[int, str, bytes]]
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass
class Answer:
    path: str
    status: int
    content_type: str
    body: bytes

    def json(self):
        media = self.content_type.split(";")[0].strip()
        return json.loads(self.body) if media == "application/json" or media.endswith("+json") else None


@dataclass
class Crawl:
    spec: dict
    fetch: Fetch
    origin: str = "http://localhost"
    page_size: int = 10  # small pages, so that `next` is followed on every longer list
    answers: dict[str, Answer] = field(default_factory=dict)
    records: dict[str, list[dict]] = field(default_factory=dict)  # collection path -> its records
    external: set[str] = field(default_factory=set)  # urls of other origins, not followed

    # --- the spec --------------------------------------------------------------------------------
    def parameters(self, path: str) -> dict[str, dict]:
        item = self.spec["paths"][path]
        found = {}
        for parameter in [*item.get("parameters", []), *item["get"].get("parameters", [])]:
            if "$ref" in parameter:
                parameter = self.spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
            found[parameter["name"]] = parameter
        return found

    def get_paths(self) -> list[str]:
        return [path for path, item in self.spec["paths"].items() if "get" in item]

    def collections(self) -> list[str]:
        return [path for path in self.get_paths() if not PATH_PARAMETER.search(path) and not is_export(path)]

    def query_values(self, path: str, name: str) -> list[str]:
        """Each single value the spec allows for query parameter NAME of PATH (an enum, or the
        alternatives of a comma-list pattern like `^(a|b)(,(a|b))*$`)."""
        parameter = self.parameters(path).get(name)
        if parameter is None:
            return []
        schema = parameter.get("schema", {})
        schema = schema.get("items", schema) if schema.get("type") == "array" else schema
        if "enum" in schema:
            return [str(value) for value in schema["enum"]]
        match = re.match(r"\^\(([^()]+)\)", schema.get("pattern", ""))
        return match.group(1).split("|") if match else []

    # --- fetching --------------------------------------------------------------------------------
    def local(self, url: str) -> str | None:
        """URL as a path of this API (fragment dropped), or None when it is another site's."""
        parts = urlsplit(url)
        if parts.scheme and f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def get(self, path: str) -> Answer:
        if path not in self.answers:
            status, content_type, body = self.fetch(path)
            self.answers[path] = Answer(path, status, content_type, body)
            data = self.answers[path].json() if described(self.spec, path) else None  # not the spec's examples
            if data is not None:
                for url in urls_in(data):
                    local = self.local(url)
                    if local is None:
                        self.external.add(url)
                    elif local not in self.answers:
                        self.pending.append(local)
        return self.answers[path]

    def walk_list(self, path: str) -> list[dict]:
        """Every record of the list at PATH, following `next` to the end."""
        records, page = [], path
        while page:
            data = self.get(page).json()
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                break
            records.extend(item for item in data["items"] if isinstance(item, dict))
            nxt = data.get("next")
            page = self.local(nxt) if isinstance(nxt, str) else None
        return records

    def start(self, path: str, **query: str) -> str:
        """PATH with QUERY, small pages, and a value for each required query parameter (the spec's
        example, else its first enum value, else a word of a record's slug, found in the data)."""
        parameters = self.parameters(path)
        if "limit" in parameters:
            query.setdefault("limit", str(self.page_size))
        for name, parameter in parameters.items():
            if parameter.get("in") == "query" and parameter.get("required") and name not in query:
                schema = parameter.get("schema", {})
                word = next(iter(sorted(self.slugs())), "a").split("-")[0]
                query[name] = str(parameter.get("example", schema.get("example", (schema.get("enum") or [word])[0])))
        return f"{path}?{urlencode(query)}" if query else path

    def run(self) -> Crawl:
        self.pending: list[str] = []
        self.get("/")
        # collections needing no input first: their records give the values the others need
        collections = sorted(self.collections(), key=lambda p: any(
            q.get("required") for q in self.parameters(p).values() if q.get("in") == "query"))
        for path in collections:
            self.records[path] = self.walk_list(self.start(path))
            for value in self.query_values(path, "include"):
                self.walk_list(self.start(path, include=value))
            if "fields" in self.parameters(path) and self.records[path]:
                self.walk_list(self.start(path, fields=",".join(list(self.records[path][0])[:2])))
            export = path + EXPORT
            if export in self.spec["paths"]:
                for value in self.query_values(export, "format"):
                    self.get(self.start(export, format=value))
        for path in self.get_paths():  # items and sub-collections: one per record of the parent
            names = PATH_PARAMETER.findall(path)
            if len(names) != 1:
                continue
            parent = path[: path.index("{")].rstrip("/")
            for record in self.records.get(parent, []):
                value = record.get("slug") if names[0] == "slug" else record.get("id", record.get("slug"))
                if value is not None:
                    self.walk_list(self.start(path).replace("{" + names[0] + "}", str(value)))
        while self.pending:  # every same-origin link found in any response
            self.walk_list(self.pending.pop())
        return self

    # --- findings --------------------------------------------------------------------------------
    def failures(self) -> list[tuple[str, int]]:
        return sorted((a.path, a.status) for a in self.answers.values() if a.status != 200 and a.path != "/")

    def api_answers(self) -> list[Answer]:
        """The answers of the operations the spec describes (not /docs, nor the spec itself, that the index links)."""
        return [answer for answer in self.answers.values() if described(self.spec, answer.path)]

    def slugs(self) -> set[str]:
        return {r["slug"] for records in self.records.values() for r in records if isinstance(r.get("slug"), str)}

    def bare_references(self) -> list[tuple[str, str]]:
        """(path, where) of every reference without a URL in any JSON answer: a record's slug given as a
        bare string, an object naming a record by slug without `url`, a citation without `url`."""
        slugs, found = self.slugs(), []
        for answer in self.api_answers():
            data = answer.json()
            if data is not None:
                found.extend((answer.path, where) for where in bare_references(data, slugs))
        return found


EXPORT = "/export"  # a list's export operation: the list's path and this


def is_export(path: str) -> bool:
    return path.endswith(EXPORT)


def described(spec: dict, path: str) -> bool:
    """Whether PATH (a query may follow) is one of the spec's GET paths, its parameters filled in."""
    bare = path.split("?")[0].split("#")[0]
    return any(re.fullmatch(PATH_PARAMETER.sub("[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")),
                            bare) for template, item in spec["paths"].items() if "get" in item)


def urls_in(data, key: str | None = None) -> Iterator[str]:
    if isinstance(data, dict):
        for name, value in data.items():
            yield from urls_in(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from urls_in(value, key)
    elif isinstance(data, str) and key in ("url", "next"):
        yield data


def bare_references(data, slugs: set[str], where: str = "$") -> Iterator[str]:
    if isinstance(data, dict):
        if "slug" in data and "url" not in data:
            yield f"{where} (names {data['slug']!r} without url)"
        if "document" in data and "start" in data and "url" not in data:
            yield f"{where} (citation without url)"
        for name, value in data.items():
            if name != "slug":
                yield from bare_references(value, slugs, f"{where}.{name}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from bare_references(value, slugs, f"{where}[{index}]")
    elif isinstance(data, str) and data in slugs:
        yield f"{where} (bare slug {data!r})"
