"""Rules of the house that the import contracts cannot see: views and API endpoints reach the
database only through selectors and services (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
FACING = ("views.py", "views_*.py", "api.py", "exports.py")


def facing_modules() -> list[Path]:
    found = []
    for app in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "testing"):
        for pattern in FACING:
            found += sorted(app.glob(pattern))
    return found


def manager_uses(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(root)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]


def test_views_and_api_use_no_model_manager():
    modules = facing_modules()
    assert len(modules) >= 10, modules  # the walk really finds the views
    assert [use for path in modules for use in manager_uses(path)] == []


def test_the_check_finds_a_manager(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(r):\n    x = 1\n    return Pemda.objects.all()\n", encoding="utf-8")
    assert manager_uses(sample, tmp_path) == ["views.py:3"]
