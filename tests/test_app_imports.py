"""No import cycle spans two apps: each app can be read (and changed) on top of the ones it uses.

Every project module is parsed, and each import it makes, at the top or inside a function, is an
edge of the module graph (importing a.b.c also runs a/__init__ and a/b/__init__). A strongly
connected component of that graph is a set of modules that import each other, directly or not;
one that holds modules of two apps means neither app stands without the other.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("config", "tenants", "connectors", "sync", "audit", "webhooks", "sandbox")


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports a.b when b is a module, else a name defined in a.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            found.update(m for m in _with_parents(target) if m in modules)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph has a few hundred modules)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cross_app_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    return [
        component
        for component in strongly_connected(graph)
        if len({module.split(".")[0] for module in component}) > 1
    ]


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    edges = [
        f"    {module} -> {target}"
        for module in component
        for target in sorted(graph[module] & members)
        if target.split(".")[0] != module.split(".")[0]
    ]
    return "  " + ", ".join(component) + "\n  crossing apps:\n" + "\n".join(edges)


@pytest.mark.embedded
def test_no_import_cycle_spans_two_apps():
    graph = import_graph()
    cycles = cross_app_cycles(graph)
    assert not cycles, "modules of two apps import each other:\n" + "\n".join(
        _describe(component, graph) for component in cycles
    )


@pytest.mark.embedded
def test_the_check_sees_a_cycle_through_a_local_import():
    """The check itself: an import inside a function closes a cycle as much as one at the top."""
    graph = import_graph()
    assert "sync.jobs" in graph["sync.tasks"]  # found inside the task's body
    graph["tenants.models"] = graph["tenants.models"] | {"sync.jobs"}
    assert any({"sync.jobs", "tenants.models"} <= set(c) for c in cross_app_cycles(graph))
