"""The guides stay true to the tree: every file `docs/architecture.md` and `docs/adding-an-erp.md`
name exists, and every `file:name` hop names something defined in that file. A `<kind>` in a
path stands for every ERP with a connector (the guides describe what each one has)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ("docs/architecture.md", "docs/adding-an-erp.md")
TOP_LEVEL = {
    path.name for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")
}
# `app/dir/file.py`, `app/file.py:name`, `app/` — a leading slash is a URL, not a file.
PATH = re.compile(r"^([a-z_]+/[A-Za-z0-9_<>.*/-]*)(?::([A-Za-z_][A-Za-z0-9_.]*))?$")
KINDS = ("myob", "exact_online")  # the ERPs with a connector: the models the guide points to


def named_paths(guide: str) -> list[tuple[str, str | None]]:
    names = []
    for token in re.findall(r"`([^`\s]+)`", (ROOT / guide).read_text()):
        match = PATH.match(token)
        if match and match.group(1).split("/")[0] in TOP_LEVEL:
            names.append((match.group(1), match.group(2)))
    return names


def defines(text: str, name: str) -> bool:
    last = name.split(".")[-1]
    return re.search(rf"^\s*(?:def|class)\s+{last}\b|^{last}\s*[:=]", text, re.M) is not None


@pytest.mark.embedded
@pytest.mark.parametrize("guide", GUIDES)
def test_every_path_a_guide_names_exists(guide):
    named = named_paths(guide)
    assert len(named) > 10, "the guide names its files in backticks"
    missing = []
    for path, name in named:
        for concrete in {path.replace("<kind>", kind) for kind in KINDS}:
            matches = list(ROOT.glob(concrete)) if "*" in concrete else [ROOT / concrete]
            if not any(match.exists() for match in matches):
                missing.append(concrete)
            elif name and not defines(matches[0].read_text(), name):
                missing.append(f"{concrete}:{name}")
    assert missing == [], f"{guide} names what is not there: {missing}"
