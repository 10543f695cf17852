"""The sandbox's check against BigCommerce's OpenAPI files may skip on a developer's machine
without them, but never in CI: there a missing specs folder fails the run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC_TESTS = "tests/sandbox/test_bigcommerce_spec.py"


def collect_spec_tests(tmp_path, **env) -> subprocess.CompletedProcess:
    """Collect (not run: no database needed) the spec tests with the specs folder missing."""
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    environ.update(BIGCOMMERCE_SPECS_DIR=str(tmp_path / "no-specs-here"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         SPEC_TESTS],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_missing_specs_fail_the_run_in_ci(tmp_path):
    result = collect_spec_tests(tmp_path, CI="true")
    output = result.stdout + result.stderr
    assert result.returncode not in (0, 5), output
    assert "BigCommerce's OpenAPI files are not at" in output
    assert "BIGCOMMERCE_SPECS_DIR" in output  # the message says what to do


def test_missing_specs_only_skip_outside_ci(tmp_path):
    result = collect_spec_tests(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    from tests.sandbox.test_bigcommerce_spec import CASES, ERROR_CASES

    assert f"{len(CASES) + len(ERROR_CASES)} tests collected" in result.stdout
