"""Exit 0 when this environment satisfies pyproject.toml's dependencies (and the extras named as
arguments), 1 otherwise. Lets bin/run and bin/test skip pip on every start, yet notice any
dependency that was added or re-pinned since the last install."""

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # a brand-new environment: nothing installed yet
    sys.exit(1)

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
wanted = list(project["dependencies"])
for extra in sys.argv[1:]:
    wanted += project.get("optional-dependencies", {}).get(extra, [])

for line in wanted:
    requirement = Requirement(line)
    if requirement.marker and not requirement.marker.evaluate():
        continue
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        sys.exit(1)
    if not requirement.specifier.contains(installed, prereleases=True):
        sys.exit(1)
