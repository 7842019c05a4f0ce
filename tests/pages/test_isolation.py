"""One server process serves every visitor: the code keeps no global random state or
mutable module-level state. (Visitors running at the same time on one server are checked in
the browser: tests/browser/test_concurrent_visitors.py.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = sorted(
    [
        ROOT / "app.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "sim").rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
    ]
)
LEGACY_RNG = {
    "seed",
    "rand",
    "randn",
    "randint",
    "random",
    "normal",
    "uniform",
    "choice",
    "shuffle",
    "permutation",
    "random_sample",
    "binomial",
    "poisson",
    "exponential",
}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "add",
    "discard",
    "remove",
    "__setitem__",
}


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_global_rng_and_no_mutable_module_state(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Global), f"global statement at line {node.lineno}"
        if isinstance(node, ast.Attribute) and node.attr in LEGACY_RNG:
            owner = ast.unparse(node.value)
            assert owner not in ("np.random", "numpy.random", "random"), (
                f"global RNG {owner}.{node.attr} at line {node.lineno}: "
                "use np.random.default_rng(seed)"
            )
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            assert "random" not in names or isinstance(node, ast.ImportFrom), "stdlib random"
    # Modules imported once per process (sim, ui) share their globals between sessions, so
    # their module-level containers must be constants. Page scripts run afresh on every
    # rerun, in a namespace of their own: their top-level variables are per run.
    if path.parent.name == "pages" or path.name == "app.py":
        return
    module_names = set()
    for stmt in tree.body:
        targets = (
            stmt.targets
            if isinstance(stmt, ast.Assign)
            else ([stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        )
        for target in targets:
            if isinstance(target, ast.Name):
                module_names.add(target.id)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in module_names
        ):
            pytest.fail(f"module-level {node.func.value.id} mutated at line {node.lineno}")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in module_names
                ):
                    pytest.fail(f"module-level {target.value.id} item set at line {node.lineno}")
