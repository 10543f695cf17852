"""The README stays true to the code: the environment table lists exactly what settings read, and
the quick start is the two commands that exist."""

import ast
import os
import re
from pathlib import Path

from connectors.registry import ERP_KINDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _variables_read_by_settings() -> set[str]:
    """First string argument of every env.<cast>(...) / Env().<cast>(...) call in settings.py,
    and the environment settings of every ERP's spec (settings.py reads those in one loop)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr != "read_env"
            and (
                (isinstance(node.func.value, ast.Name) and node.func.value.id == "env")
                or (
                    isinstance(node.func.value, ast.Call)
                    and ast.unparse(node.func.value) in {"Env()", "environ.Env()"}
                )
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names | {s.name for spec in ERP_KINDS.values() for s in spec.env_settings}


def _variables_in_readme_table() -> set[str]:
    section = README.split("### Environment", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_the_environment_table_matches_settings():
    in_settings = _variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= in_settings  # the parser finds them
    in_readme = _variables_in_readme_table()
    assert in_settings - in_readme == set(), "read by settings.py, missing from the README table"
    assert in_readme - in_settings == set(), "in the README table, not read by settings.py"


def test_the_quick_start_is_two_executable_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quick_start, re.S).group(1)
    assert block.split() == ["./bin/run", "./bin/test"]
    for command in ("bin/run", "bin/test", ".ci/run"):
        assert os.access(ROOT / command, os.X_OK), f"{command} is not executable"
