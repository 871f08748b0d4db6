"""The one error type users see: it says what is wrong and how to fix it."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be met; the CLI prints it and exits with 1."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class NotAllowed(UserError):
    """The viewer may not do this (the web answers 403; the command line exits with 1)."""


class NotFound(UserError):
    """No such record, or none the viewer may see (the web answers 404)."""
