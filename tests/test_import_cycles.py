"""No import circle between the project's modules.

A circle (a services module importing its tasks, which import the services) works
only as long as the import order happens to suit it, and breaks at the first
reordering. The graph is read from the source: each module's imports run at
import time (module level, class bodies, `if`/`try` blocks) give its edges;
imports inside functions are lazy and left out, as are those under
`if TYPE_CHECKING:`.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("territories", "cluster", "projects", "funding")


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules():
    return {_module_name(path): path for app in APPS for path in (ROOT / app).rglob("*.py")}


def _is_type_checking(node):
    test = node.test
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _eager_imports(tree):
    """Yield the import statements run when the module is imported."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        pending.extend(ast.iter_child_nodes(node))


def _imported(node, *, module, is_package, modules):
    """Return the project modules an import statement of `module` loads."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[:len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module
    # `from package import module` loads that module; `from module import name`, the module.
    return {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names}


def import_graph():
    """Return {module: set of project modules it imports at import time}."""
    modules = _project_modules()
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for node in _eager_imports(tree):
            targets |= _imported(node, module=module, is_package=path.name == "__init__.py",
                                 modules=modules)
        graph[module] = {target for target in targets if target in modules and target != module}
    return graph


def find_cycle(graph):
    """Return one import circle as [a, b, …, a], or None (depth-first search)."""
    done, path, on_path = set(), [], set()

    def visit(module):
        path.append(module)
        on_path.add(module)
        for target in sorted(graph[module]):
            if target in on_path:
                return path[path.index(target):] + [target]
            if target not in done and (cycle := visit(target)):
                return cycle
        path.pop()
        on_path.discard(module)
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_circle_between_the_projects_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, (
        "Import circle: " + " → ".join(cycle) + ". Import lazily inside the function, "
        "or enqueue a task by its name (territories.outbox.enqueue).")


def test_the_check_sees_a_circle_and_ignores_lazy_imports():
    lazy = ast.parse("def f():\n    from cluster import tasks\n")
    assert list(_eager_imports(lazy)) == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_services_reach_their_tasks_by_name_only():
    graph = import_graph()
    for app in APPS:
        services = {module for module in graph
                    if module == f"{app}.services" or module.startswith(f"{app}.services.")}
        for module in services:
            assert f"{app}.tasks" not in graph[module], module
