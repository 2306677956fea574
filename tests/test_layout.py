"""The layout shows the architecture (issue 16): no import cycle in service/, and no resource module imports another.

The import graph is read from the source with ast, not by importing it: module-level and function-level imports
count alike (an import inside a function that dodges a cycle is still a cycle); only imports inside an
`if TYPE_CHECKING:` block do not. An edge goes to the module named, or, for `from package import name` where
`name` is a submodule, to that submodule. The implicit import of a package's `__init__` when one of its
submodules is imported is not an edge (Python has the package in sys.modules before its submodules run).
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parent.parent / "service"
ROOT = SERVICE.parent

# service/resources/ modules that every resource may import: the registry's infrastructure and the schemas
# more than one resource serves. Every other module there is a resource module (one URL resource each).
SHARED = {
    "service.resources",  # the registry (__init__.py): imports every resource, imported by none of them
    "service.resources.common",
    "service.resources.cursors",
    "service.resources.feed",
    "service.resources.idempotency",
    "service.resources.listing",
    "service.resources.shapes",
    "service.resources.record_fields",
    "service.resources.record_writing",
    "service.resources.refs",
    "service.resources.schemas",
    "service.resources.writing",
    "service.resources.briefing_schemas",
}




def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SERVICE.rglob("*.py")) if "migrations" not in p.parts}


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node of TREE, at any depth, except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of service/ that module NAME (at PATH) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            if f"{base}.{alias.name}" in known:
                found.add(f"{base}.{alias.name}")
            elif base in known:
                found.add(base)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, each a cycle or more."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def a_cycle(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """One import path through COMPONENT that comes back to its start (for the failure message)."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        step = sorted(t for t in edges[path[-1]] if t in members)
        back = [t for t in step if t == start]
        if back and len(path) > 1:
            return [*path, start]
        fresh = [t for t in step if t not in seen]
        target = fresh[0] if fresh else step[0]
        if target in seen:
            return [*path[path.index(target):], target]
        path.append(target)
        seen.add(target)


def test_service_has_no_import_cycle():
    edges = graph()
    found = cycles(edges)
    assert not found, "import cycles in service/ (outside TYPE_CHECKING):\n" + "\n".join(
        f"  {', '.join(c)}\n    e.g. {' -> '.join(a_cycle(edges, c))}" for c in found)


def test_resource_modules_never_import_each_other():
    edges = graph()
    resources = {n for n in edges if n.startswith("service.resources.") and n not in SHARED}
    borrowed = sorted(f"{n} imports {t}" for n in resources for t in edges[n] if t in resources)
    assert not borrowed, "resource modules import each other (share through service/resources/schemas.py):\n  " \
        + "\n  ".join(borrowed)


def test_every_shared_module_exists():
    """SHARED names modules that exist, so that a renamed shared module is not silently a resource."""
    assert not SHARED - set(modules()), SHARED - set(modules())


def test_checker_sees_function_level_imports_and_skips_type_checking(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n"
                                  "def f():\n    from . import c\n")
    (package / "b.py").write_text("import pkg.a\n")
    (package / "c.py").write_text("from pkg.a import f\n")
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c"}
    edges = {name: imports_of(name, package / (name.split(".")[-1] + ".py") if name != "pkg"
                              else package / "__init__.py", known) for name in known}
    assert edges["pkg.a"] == {"pkg.c"}
    assert edges["pkg.b"] == {"pkg.a"}
    assert cycles(edges) == [["pkg.a", "pkg.c"]]
