"""The house keeps its shape: folders are the stages, lower stages never import higher ones (not even lazily), no
import cycles, no module over 400 lines, and the watch loop knows nothing of the build it is handed.

The checks are functions of a package folder, so the last test can show them failing on a planted upward import and a
401-line module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"
MAX_LINES = 400
# The stages, bottom to top. A module may import its own stage and any below it.
STAGES = {"errors": 0, "inputs": 1, "analysis": 2, "formats": 3, "builder": 4}
TOP = 5  # cli, __init__, __main__, scaffold: the public API and the programs that use it
TOP_LEVEL = {
    "__init__.py",
    "__main__.py",
    "cli.py",
    "errors.py",
    "inputs",
    "analysis",
    "formats",
    "builder",
    "scaffold",
}


def modules(package: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.get(parts[1], TOP) if len(parts) > 1 else TOP


def imports(path: Path, top_level_only: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of the package's own modules; ``from briefgen import __version__`` names the
    root package's version constant (set before anything else is imported), not the API above the stages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "briefgen")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "briefgen":
            if node.module == "briefgen" and [alias.name for alias in node.names] == ["__version__"]:
                continue
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            yield from ((node.lineno, name) for name in names)


def upward_imports(package: Path) -> list[str]:
    found = []
    for module, path in modules(package):
        for line, target in imports(path):
            if stage(target) > stage(module):
                found.append(f"{path.relative_to(package.parent)}:{line}: {module} imports {target}")
    return found


def long_modules(package: Path) -> list[str]:
    counts = ((path, len(path.read_text(encoding="utf-8").splitlines())) for _, path in modules(package))
    return [f"{path.relative_to(package.parent)}: {n} lines" for path, n in counts if n > MAX_LINES]


def cycles(package: Path) -> list[list[str]]:
    """Cycles among imports executed when a module is imported (top-level statements)."""
    known = dict(modules(package))
    graph = {m: {_owner(t, known) for _, t in imports(p, top_level_only=True)} - {None, m} for m, p in known.items()}
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(n for n in graph[node] if n is not None):
            if state.get(nxt) == 1:
                found.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def _owner(name: str, known: dict[str, Path]) -> str | None:
    """The module an imported name lives in (``briefgen.inputs.scales.Marking`` → ``briefgen.inputs.scales``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_folders_are_the_stages() -> None:
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert entries == TOP_LEVEL, "a new entry beside the stages: put it in the stage it belongs to"


def test_no_lower_stage_imports_a_higher_one() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_module_is_over_400_lines() -> None:
    assert long_modules(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(PACKAGE) == []


def test_the_watch_loop_is_handed_its_build() -> None:
    watch = PACKAGE / "builder" / "watch.py"
    assert [target for _, target in imports(watch)] == []  # not even briefgen's errors: it reports any exception


def test_the_checks_fail_on_an_upward_import_a_long_module_and_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "briefgen"
    for folder in ("inputs", "builder"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "inputs" / "load.py").write_text("from briefgen.builder.run import build\n")
    (package / "inputs" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (package / "builder" / "a.py").write_text("from briefgen.builder import b\n")
    (package / "builder" / "b.py").write_text("import briefgen.builder.a\n")
    (package / "builder" / "run.py").write_text("def build() -> None:\n    from briefgen import cli\n")
    assert upward_imports(package) == [
        "briefgen/builder/run.py:2: briefgen.builder.run imports briefgen.cli",
        "briefgen/inputs/load.py:1: briefgen.inputs.load imports briefgen.builder.run.build",
    ]
    assert long_modules(package) == [f"briefgen/inputs/long.py: {MAX_LINES + 1} lines"]
    assert cycles(package) == [["briefgen.builder.a", "briefgen.builder.b", "briefgen.builder.a"]]
