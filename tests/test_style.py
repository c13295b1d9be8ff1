"""The code passes the project's linter (ruff, configured in pyproject.toml), as a reviewer would check it."""
import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_the_code_passes_ruff():
    ruff = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    out = subprocess.run([*cmd, "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
