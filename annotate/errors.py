"""The project's own exceptions: every bad input ends as one of these."""

from __future__ import annotations


class CounterclaimError(Exception):
    """Base class of every error the project raises on purpose."""


class InputError(CounterclaimError):
    """Bad input, located: ``file:where: message`` (``where`` is a line, record or span)."""

    def __init__(self, message: str, file: str | None = None, where: str | int | None = None):
        self.message = message
        self.file = file
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        place = ":".join(str(part) for part in (self.file, self.where) if part not in (None, ""))
        return f"{place}: {self.message}" if place else self.message

    def located(self, file: str | None = None, where: str | int | None = None) -> InputError:
        """The same error with the file and place filled in where they were unknown."""
        return InputError(
            self.message, self.file or file, self.where if self.where is not None else where
        )


class Cancelled(CounterclaimError):
    """Raised by a progress callback to stop a long job (an import's current file is rolled
    back)."""


class ValidationError(CounterclaimError):
    """A span, relation, command or schema breaks a rule of the domain."""


class StoreError(CounterclaimError):
    """The store cannot be opened or written (locked, missing, corrupt, full)."""


class StoreBusy(StoreError):
    """Another program held the store's write lock longer than the writer would wait: nothing
    was written (the edit may be tried again)."""


class StoreFileGone(StoreError):
    """The store's file was moved, deleted or replaced while the store was open: nothing more
    is written to it (the open store can still be saved elsewhere)."""


class StoreClosed(StoreError):
    """The Store was closed: it makes no connection again, and is used no more."""


class OutputError(InputError):
    """An output that may not or cannot be written where asked, located: ``path: message``
    (the path is the store's own file, a folder of other files, the disk is full, ...)."""


def plain_message(exc: BaseException) -> str:
    """A plain, user-facing message for an error that stopped a job."""
    if isinstance(exc, CounterclaimError | ImportError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return f"{type(exc).__name__}: {exc}"
