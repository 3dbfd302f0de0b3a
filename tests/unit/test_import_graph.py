"""Dependencies in portal/ run one way (DESIGN.md section 2): views -> forms -> domain -> core;
the worker (jobs) -> documents -> the domain (cases). No two modules import each other, even
by a roundabout way, and no two packages do.

The graph is read from the source (ast), as ../shared/tools/house-check reads it: an import
inside a function counts as much as one at the top; a package's __init__ importing its own
submodules (the blueprint idiom: routes register on import) is wiring, not a dependency.
Migrations are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Set
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"

# (importer's area, imported area): the layers one way only; an area is portal's subpackage.
FORBIDDEN = {
    ("forms", "staff"): "forms describe input; they never import views",
    ("forms", "public"): "forms describe input; they never import views",
    ("staff", "public"): "the staff and public sites are separate audiences",
    ("public", "staff"): "the staff and public sites are separate audiences",
    ("cases", "staff"): "the domain never imports views",
    ("cases", "public"): "the domain never imports views",
    ("cases", "forms"): "the domain never imports forms",
    ("cases", "documents"): "a case's document models belong to the domain",
    ("cases", "jobs"): "the domain writes jobs through the core outbox (portal.outbox)",
    ("documents", "jobs"): "the worker calls documents; shared wording lives in the domain",
    ("documents", "staff"): "documents render from the domain, never from views",
    ("documents", "public"): "documents render from the domain, never from views",
}


def module_names() -> dict[Path, str]:
    return {
        path: ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        )
        for path in PORTAL.rglob("*.py")
        if "migrations" not in path.parts
    }


def _imported(node: ast.AST, name: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may refer to (a module, or a name in one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: from the importing module's package upwards
        package = name if is_package else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Each portal module and the portal modules it imports, anywhere in its source."""
    names = module_names()
    modules = set(names.values())
    graph: dict[str, set[str]] = {}
    for path, name in names.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, name, is_package):
                wiring = is_package and target.startswith(name + ".")
                if target in modules and target != name and not wiring:
                    targets.add(target)
        graph[name] = targets
    return graph


def package_of(module: str, packages: Set[str]) -> str | None:
    """portal.cases for portal.cases and portal.cases.clock; None for a top-level module."""
    package = ".".join(module.split(".")[:2])
    return package if package in packages else None


def package_graph(graph: Mapping[str, Set[str]]) -> dict[str, set[str]]:
    packages = {
        ".".join(path.relative_to(PORTAL.parent).parts[:2])
        for path in PORTAL.glob("*/__init__.py")
        if "migrations" not in path.parts
    }
    result: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module, packages)
        if source is None:
            continue
        for target in targets:
            imported = package_of(target, packages)
            if imported is not None and imported != source:
                result.setdefault(source, set()).add(imported)
    return result


def cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """Every group of nodes that reach each other (Tarjan's strongly connected components,
    without recursion), each sorted by name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def _cycle_through(group: list[str], graph: Mapping[str, Set[str]]) -> list[str]:
    """A path from the group's first member back to itself, inside the group, for the
    message: "a -> b -> a" says where to cut."""
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*paths[node], start]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return [*group, start]  # not reached: a strongly connected group has such a path


def _say(kind: str, found: list[list[str]], graph: Mapping[str, Set[str]]) -> str:
    return "\n".join(
        f"{kind}: {' <-> '.join(group)} (for one: {' -> '.join(_cycle_through(group, graph))})"
        for group in found
    )


def test_no_module_imports_itself_by_a_roundabout_way():
    graph = import_graph()
    found = cycles(graph)
    assert not found, _say("import cycle", found, graph)


def test_no_two_packages_import_each_other():
    graph = package_graph(import_graph())
    found = cycles(graph)
    assert not found, _say("package cycle", found, graph)


def test_layers_depend_one_way():
    crossings = []
    for module, targets in sorted(import_graph().items()):
        for target in sorted(targets):
            pair = (module.split(".")[1:2] or [""])[0], (target.split(".")[1:2] or [""])[0]
            if pair in FORBIDDEN:
                crossings.append(f"{module} imports {target}: {FORBIDDEN[pair]}")
    assert not crossings, "\n".join(crossings)


def test_the_graph_sees_imports_inside_functions():
    """The graph is the one a person reads: an import inside a function (such as the one
    that once tied casework and service together) counts."""
    graph = import_graph()
    assert "portal.cases.clock" in graph["portal.cases.deadlines"]
    # The worker imports the daily clean-up inside the function that runs it.
    assert "portal.maintenance" in graph["portal.jobs.worker"]
    # Wiring is not a dependency: portal.staff's __init__ imports its views to register them.
    assert "portal.staff.case" not in graph["portal.staff"]


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_a_cycle_is_found(graph, expected):
    assert sorted(cycles(graph)) == expected


def test_a_cycle_is_named_with_a_path_to_cut():
    graph = {"a": {"b", "x"}, "b": {"c"}, "c": {"a"}, "x": set()}
    assert _say("import cycle", cycles(graph), graph) == (
        "import cycle: a <-> b <-> c (for one: a -> b -> c -> a)"
    )


def test_a_package_cycle_is_found_through_its_modules():
    """portal.cases.x -> portal.documents.y -> portal.jobs.z -> portal.cases.w is a cycle of
    packages even though no module imports itself (the cycle issue 12 removed)."""
    graph = {
        "portal.cases.casework": {"portal.documents.models"},
        "portal.documents.letters": {"portal.jobs.emails"},
        "portal.jobs.worker": {"portal.documents.production"},
        "portal.jobs.emails": {"portal.cases.models"},
    }
    packages = package_graph(graph)
    assert cycles(packages) == [["portal.cases", "portal.documents", "portal.jobs"]]
