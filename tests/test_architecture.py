"""The shape of batch/, held by a test: each module imports only modules below it (the order
docs/ARCHITECTURE.md draws), no module passes 500 lines and no function 60, except the debts
listed here, which may only shrink.

A package is one layer unless some of its modules are listed on their own ("rules.match"):
a module is in the layer of the longest entry that names it or a package holding it."""

from __future__ import annotations

import ast
from pathlib import Path

BATCH = Path(__file__).resolve().parent.parent / "batch"

# Bottom to top: a module may import only modules earlier in this list.
LAYERS = [
    # foundations: no import of the package
    "codes", "utf8", "collector", "normalize", "jpholidays", "jpcalendar", "messages", "i18n",
    "errors", "row_messages", "interrupts", "xlsx",
    # the data the layouts are made of: the carrier registry, the format profiles (which name
    # its carriers); reading and the shared records; what a rule is
    "carriers", "tracking", "formats", "seller_formats", "config", "read", "exceptions",
    "rules.registry", "ledger", "job",
    # the canonical tables; matching and watch find the rows the match and unshipped rules read
    "inputs", "upload", "orderstate", "rules.match", "matching", "listing_carrier",
    "rules.unshipped", "watch",
    "staging", "outputs",
    # deciding (the rest of batch/rules: row, order, cart, facts, engine) and reporting; what
    # every command does around its own work
    "rules", "report", "upload_life", "command",
    # the commands
    "pipeline", "plan", "labels", "qapi",
    # the command line
    "cli", "console", "__main__",
]  # fmt: skip
# Modules side by side, none built on another: the commands.
PEERS = {"pipeline", "plan", "labels", "qapi"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
# Debts of the issue "One home for each kind of change", as measured: lower a number when you
# shorten one; the test fails if one grows or a new one appears, and asks for a lower number
# when one has shrunk.
LONG_MODULES: dict[str, int] = {}
LONG_FUNCTIONS: dict[str, int] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for path in BATCH.rglob("*.py"):
        rel = path.relative_to(BATCH).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        found[".".join(parts) or "__init__"] = path
    return found


def _layer(name: str) -> str | None:
    """The LAYERS entry of module ``name``: the longest that names it or a package of it."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    return None


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The batch modules ``path`` imports (dotted names below batch; ``from batch.x import
    y`` names x.y when y is a module of ``modules``)."""
    got = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "batch" or node.module.startswith("batch."):
                base = node.module[len("batch.") :] if node.module != "batch" else ""
                for alias in node.names:
                    sub = f"{base}.{alias.name}" if base else alias.name
                    got.add(sub if sub in modules or not base else base)
        elif isinstance(node, ast.Import):
            got |= {a.name[len("batch.") :] for a in node.names if a.name.startswith("batch.")}
    return got


def test_every_module_has_a_layer():
    missing = {m for m in _modules() if _layer(m) is None} - {"__init__"}
    assert not missing, f"add {sorted(missing)} to LAYERS and to docs/ARCHITECTURE.md"


def test_no_module_imports_one_above_it():
    rank = {name: i for i, name in enumerate(LAYERS)}
    modules = _modules()
    upward = []
    for name, path in modules.items():
        me = _layer(name)
        for imported in _imports(path, set(modules)):
            other = _layer(imported)
            if other != me and rank.get(other, -1) >= rank.get(me, -1):
                upward.append(f"{name} imports {other}")
            elif other != me and {me, other} <= PEERS:
                upward.append(f"{name} imports its peer {other}")
    assert not upward, upward


def _long_functions(path: Path, module: str) -> dict[str, int]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        f"{module}.{f.name}": f.end_lineno - f.lineno + 1
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        and f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    }


def test_modules_and_functions_stay_short():
    problems = []
    functions: dict[str, int] = {}
    for name, path in _modules().items():
        lines = len(path.read_text("utf-8").splitlines())
        allowed = LONG_MODULES.get(name, MAX_MODULE_LINES)
        if lines > allowed:
            problems.append(f"{name}.py has {lines} lines (at most {allowed})")
        elif name in LONG_MODULES and lines < allowed:
            problems.append(f"{name}.py shrank to {lines} lines: lower LONG_MODULES to that")
        functions.update(_long_functions(path, name))
    for fn, lines in functions.items():
        allowed = LONG_FUNCTIONS.get(fn, MAX_FUNCTION_LINES)
        if lines > allowed:
            problems.append(f"{fn} has {lines} lines (at most {allowed})")
        elif lines < allowed:
            problems.append(f"{fn} shrank to {lines} lines: lower LONG_FUNCTIONS to that")
    for fn in set(LONG_FUNCTIONS) - set(functions):
        problems.append(f"{fn} is short now (or gone): remove it from LONG_FUNCTIONS")
    for name in set(LONG_MODULES) - set(_modules()):
        problems.append(f"{name}.py is gone: remove it from LONG_MODULES")
    assert not problems, "\n".join(problems)
