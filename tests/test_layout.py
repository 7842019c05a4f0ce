"""Each package keeps to its imports (the layout in README.md):

- ``sim`` (the engine) imports only numpy/pandas and itself;
- ``lessons`` (per-lesson computations) imports ``sim`` and itself: no Streamlit, no Altair,
  no pictures, so every "what to notice" fact can be unit-tested and used from a notebook;
- ``charts`` (chart builders) imports ``sim``, ``lessons`` (the results it draws) and itself,
  Altair and Pillow, never Streamlit: the layers run sim <- lessons <- charts <- ui <- pages;
- ``ui`` (everything Streamlit) and the pages import anything but one another's internals.

And no module uses another module's private name (``module._name``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "lessons", "charts", "ui")
PICTURES = {"altair", "PIL", "contourpy", "vl_convert"}
FORBIDDEN = {
    "sim": {"streamlit", "lessons", "charts", "ui", "pages"} | PICTURES,
    "lessons": {"streamlit", "charts", "ui", "pages"} | PICTURES,
    "charts": {"streamlit", "ui", "pages"},
    "ui": {"pages"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, anywhere in the file."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_keeps_to_its_imports(package):
    broken = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in modules(package)
    }
    assert {name: bad for name, bad in broken.items() if bad} == {}


def test_no_module_uses_another_modules_private_names():
    own = {}
    for package in PACKAGES:
        for path in modules(package):
            own[path.stem] = path
    found = []
    for path in [*(p for package in PACKAGES for p in modules(package)), *ROOT.glob("pages/*.py")]:
        text = path.read_text(encoding="utf-8")
        for module, name in re.findall(r"(?<![\w.])([a-z_]+)\._([a-z]\w*)", text):
            if module in own and own[module] != path and module != "self":
                found.append(f"{path.relative_to(ROOT)}: {module}._{name}")
    assert found == []


def test_the_engine_public_modules_stay_in_sim():
    """DESIGN.md's public API: these are checked from outside under these names."""
    for name in ("surfaces", "optimizers", "descent", "datasets", "nn", "caps", "training"):
        assert (ROOT / "sim" / f"{name}.py").exists() or (ROOT / "sim" / name).is_dir()
