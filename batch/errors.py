"""The program's own exceptions. The CLI turns them into one-line messages and exit codes."""

from __future__ import annotations


class DispatchError(Exception):
    """Base class: an error the user can fix. Never shown with a traceback."""


class InputError(DispatchError):
    """An input file cannot be used at all (exit code 2).

    ``path`` names the file, ``hint`` says what to do about it.
    """

    def __init__(self, path: object, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.path}: {self.problem}"
        return f"{text}\n  {self.hint}" if self.hint else text


class UsageError(DispatchError):
    """A bad combination of options or arguments (exit code 2)."""
