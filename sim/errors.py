"""Domain errors: every problem a user can fix, each as one line naming where and how."""

from __future__ import annotations

from dataclasses import dataclass


class SimError(Exception):
    """A problem with the user's input; the CLI prints it as one line per problem."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file: where it is, what is wrong, how to fix it."""

    file: str
    key: str
    message: str
    line: int | None = None
    # True when `key` is the name of a library argument (the CLI shows its own option there)
    argument: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key} | {self.message}" if self.key else f"{where}: {self.message}"
        return one_line(text)


def one_line(text: str) -> str:
    """`text` with every character that would break it into lines (newlines, but also
    form feeds and Unicode separators that a user may paste into a key) escaped."""
    if len(text.splitlines()) <= 1 and not text.endswith(("\n", "\r")):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if len((c + "x").splitlines()) > 1
                   else c for c in text)


class InputError(SimError):
    """One or more problems found in an input file, reported all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
