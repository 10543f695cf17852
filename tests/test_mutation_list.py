"""The list of deliberate breakages stays applicable as the code moves: each `find` text stands
exactly once in its file and each test it names exists, so `./bin/mutations` never reports a
mutation as stale after a refactor (a stale one proves nothing)."""

from pathlib import Path

import pytest

from tests.support.mutations import MUTATIONS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.embedded
def test_names_are_unique():
    names = [m.name for m in MUTATIONS]
    assert len(names) == len(set(names))


@pytest.mark.embedded
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_each_mutation_applies_once_and_names_real_tests(mutation):
    path = ROOT / mutation.path
    assert path.is_file(), f"{mutation.path} does not exist"
    count = path.read_text().count(mutation.find)
    assert count == 1, f"{mutation.path}: the text to change occurs {count} times, not once"
    for test in mutation.tests:
        file, _, name = test.partition("::")
        assert (ROOT / file).is_file(), f"{file} does not exist"
        if name:
            function = name.split("::")[-1].split("[")[0]
            assert f"def {function}(" in (ROOT / file).read_text(), f"{test} is not defined"
