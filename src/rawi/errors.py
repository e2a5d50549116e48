"""The one exception family of rawi. Messages name the input and say what to do about it."""

from __future__ import annotations


class RawiError(Exception):
    """Base of every error rawi raises on purpose; the CLI prints these without a traceback."""


class InputError(RawiError):
    """An input (file, record, URL) that cannot be read as news. Always names the input."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class UsageError(RawiError):
    """A command used in a way that cannot work (bad option values and the like)."""
