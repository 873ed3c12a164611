"""The house rules that code review would otherwise have to remember: imports follow the layer
table of docs/architecture.md, only the UI imports Streamlit, no import cycles, no file over
400 lines and no function over 60, and none of the patterns this project replaces."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "switchboard"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
# Frameworks and SDKs whose use the layer table rules; everything else is free to import.
RULED = {
    "a2a",
    "anyio",
    "google",
    "httpx",
    "httpx2",
    "mcp",
    "mcp_types",
    "openai",
    "pydantic",
    "sqlalchemy",
    "starlette",
    "streamlit",
    "uvicorn",
}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]
    may_import: tuple[str, ...]  # layer names or module paths
    frameworks: frozenset[str]


def layers() -> list[Layer]:
    """The layer table, as docs/architecture.md has it."""
    found = []
    for line in ARCHITECTURE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`switchboard"):
            continue
        name, modules, may, frameworks = cells
        found.append(
            Layer(
                name,
                tuple(re.findall(r"`([\w.]+)`", modules)),
                tuple(p.strip("` ") for p in may.split(",") if p.strip() not in ("—", "")),
                frozenset(f.strip() for f in frameworks.split(",") if f.strip() != "—"),
            )
        )
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str, table: list[Layer]) -> Layer:
    """The layer whose module prefix matches `module` most closely."""
    matches = [
        (len(prefix), layer)
        for layer in table
        for prefix in layer.modules
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} is in no layer of {ARCHITECTURE.name}"
    return max(matches, key=lambda m: m[0])[1]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, inside functions too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def known_modules() -> set[str]:
    return {module_name(path) for path in PACKAGE.rglob("*.py")}


def test_every_import_follows_the_layer_table() -> None:
    table = layers()
    assert {layer.name for layer in table} >= {"runtime", "connections", "chat", "ui"}
    known = known_modules()
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        layer = layer_of(source, table)
        allowed = {layer.name, "package", *layer.may_import}
        for line, target in imports(path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if top in RULED and top not in layer.frameworks:
                crossings.append(f"{where} ({layer.name} may not use {top})")
            if top != "switchboard" or target not in known:
                continue
            other = layer_of(target, table)
            if other.name not in allowed and not any(
                target == m or target.startswith(m + ".") for m in layer.may_import
            ):
                crossings.append(f"{where} ({layer.name} may not import {other.name})")
    assert crossings == []


def test_there_are_no_import_cycles() -> None:
    known = known_modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for path in PACKAGE.rglob("*.py"):
        source = module_name(path)
        for _, target in imports(path):
            if target in known and target != source and not source.startswith(target + "."):
                graph[source].add(target)
    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == []


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of a directed graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            found.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def python_files() -> list[Path]:
    """Our own Python files (not the npm packages' under tests/support/node)."""
    return sorted(
        p
        for folder in ("src", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
        if "node_modules" not in p.parts
    )


def test_no_file_is_over_400_lines_and_no_function_over_60() -> None:
    too_long = []
    for path in python_files():
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_FILE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    too_long.append(f"{where} {node.name}: {length} lines")
    assert too_long == []


def test_src_never_uses_the_patterns_this_project_replaces() -> None:
    forbidden = re.compile(r"asyncio\.run\(|run_until_complete|nest_asyncio|new_event_loop")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if forbidden.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    runtime = "switchboard/runtime/loop.py"  # the runtime's own, single loop
    assert [o for o in offenders if not o.startswith(runtime)] == []
    assert sum(o.startswith(runtime) for o in offenders) == 1


def test_the_readme_links_the_architecture_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#]+)", readme)
    assert "docs/architecture.md" in links
    assert all((ROOT / link).exists() for link in links if not link.startswith("http"))
