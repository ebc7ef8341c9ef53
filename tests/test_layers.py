"""The layer contract (pyproject.toml, docs/architecture.md): it holds today, and an upward import breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


def copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "portal", tmp_path / "portal", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_the_layer_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_that_runs_up_breaks_the_contract(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with (tree / "portal" / "meetings" / "services.py").open("a") as module:
        module.write("\nfrom portal.comments import services as _comments  # noqa: E402\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "portal.meetings.services -> portal.comments.services" in result.stdout


def test_shared_words_may_not_reach_into_a_feature(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with (tree / "portal" / "core" / "enums.py").open("a") as module:
        module.write("\nfrom portal.accounts.models import User  # noqa: E402\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "portal.core.enums -> portal.accounts.models" in result.stdout
