"""One breakage the tests must notice (the lists are in tests/support/mutations*.py)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutation:
    name: str
    claim: str
    path: str
    find: str
    replace: str
    tests: tuple[str, ...]
    env: dict = field(default_factory=dict)
