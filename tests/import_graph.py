"""The import graph of loracord's own packages, read with `ast` (no imports are executed).

Used by tests/test_architecture.py (the layering rules) and runnable by hand:
`python tests/import_graph.py` prints every cycle and every arrow against the layering.
An import counts wherever it is written (module top, inside a function, under TYPE_CHECKING), and
`importlib.import_module("a.b")` with a literal name counts too: a late import is still a dependency.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "trainer", "advisor", "bot", "standin", "cli")


def module_name(path: Path, root: Path = ROOT) -> str:
    """Dotted module name of a file under `root` (`pkg/__init__.py` -> `pkg`)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Module name -> file, for every .py file of our packages."""
    files: dict[str, Path] = {}
    for pkg in packages:
        base = root / pkg
        if base.is_dir():
            for path in sorted(base.rglob("*.py")):
                files[module_name(path, root)] = path
        elif (root / f"{pkg}.py").is_file():
            files[pkg] = root / f"{pkg}.py"
    return files


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is one of our modules (`a.b.C` -> `a.b`)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name the file imports (including literal importlib.import_module calls)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # `from pkg import sub` names pkg.sub; `from pkg import Name` resolves back to pkg.
            base = _absolute(node, module, is_package)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _enclosing_packages(target: str, importer: str, modules: dict[str, Path]) -> set[str]:
    """The packages Python initialises first when `importer` imports `target` from outside them.

    Importing `a.b.c` runs `a/b/__init__.py` too; from inside `a.b` that package is already being
    initialised, but from outside it is a real dependency (an __init__ that imports its cog, which
    imports back, is a circle at run time).
    """
    parts = target.split(".")
    found = set()
    for i in range(1, len(parts)):
        package = ".".join(parts[:i])
        if package in modules and not (importer == package or importer.startswith(package + ".")):
            found.add(package)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the set of our modules it imports (a module never lists itself)."""
    modules = source_files(root)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {_resolve(n, modules) for n in imported_names(module, path)}
        targets = {t for t in targets if t}
        for target in list(targets):
            targets |= _enclosing_packages(target, module, modules)
        graph[module] = {t for t in targets if t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


# Which top-level packages each package may import (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    "config": frozenset(),
    "trainer": frozenset({"config"}),
    "advisor": frozenset({"config"}),
    "bot": frozenset({"config", "trainer", "advisor"}),
    "standin": frozenset(),
    "cli": frozenset({"config", "trainer", "advisor", "bot", "standin"}),
}

# The torch-free trainer modules the advisor may read (pure types and readers).
ADVISOR_MAY_IMPORT: frozenset[str] = frozenset()


def forbidden_edges(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs that break the layering."""
    bad = []
    for src, targets in sorted(graph.items()):
        src_pkg = src.split(".")[0]
        for dst in sorted(targets):
            dst_pkg = dst.split(".")[0]
            if dst_pkg == src_pkg or dst_pkg in ALLOWED.get(src_pkg, frozenset()):
                continue
            if src_pkg == "advisor" and dst in ADVISOR_MAY_IMPORT:
                continue
            bad.append((src, dst))
    return bad


def main() -> int:
    graph = import_graph()
    found = cycles(graph)
    bad = forbidden_edges(graph)
    print(f"{len(graph)} modules, {sum(len(t) for t in graph.values())} import edges")
    print(f"{len(found)} cycles, {sum(len(c) for c in found)} files in them")
    for c in found:
        print("  cycle:", " <-> ".join(c))
    print(f"{len(bad)} arrows against the layering")
    for src, dst in bad:
        print(f"  {src} -> {dst}")
    return 1 if found or bad else 0


if __name__ == "__main__":
    sys.exit(main())
