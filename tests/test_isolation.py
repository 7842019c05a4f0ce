"""One server process serves every visitor: sessions must not see each other's state, and
the code keeps no global random state or mutable module-level state."""

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from apptest_utils import assert_clean, open_page
from streamlit.testing.v1.util import patch_config_options

ROOT = Path(__file__).resolve().parent.parent
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


def test_concurrent_sessions_do_not_share_state():
    gd = "pages/01_gradient_descent.py"
    params = [
        {"surface": "bowl", "lr": "0.1", "steps": "40"},
        {"surface": "himmelblau", "lr": "0.01", "steps": "200"},
    ]

    def session(p):
        at = open_page(gd, params=p)
        for _ in range(3):
            at.run()
        return at

    # AppTest.run patches Streamlit's config getter process-wide for the length of a run
    # ("global.appTest" on); two runs in threads undo each other's patch, and a widget of
    # the other run then misses its test hook (a KeyError inside AppTest, about every
    # second time). Holding the same patch around both keeps the harness out of the way.
    with patch_config_options({"global.appTest": True}), ThreadPoolExecutor(2) as pool:
        a, b = pool.map(session, params)
    for at, p in ((a, params[0]), (b, params[1])):
        assert_clean(at)
        assert at.selectbox(key="surface").value == p["surface"]
        assert str(at.select_slider(key="lr").value) == p["lr"]
        assert at.slider(key="steps").value == int(p["steps"])


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
