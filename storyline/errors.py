"""Named exceptions, each message carrying a stable code ([SL101] ...)."""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    code = "SL000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputError(StorylineError):
    """An input (file, record, URL) that cannot be analysed; the run goes on."""

    code = "SL100"

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class MissingPath(InputError):
    code = "SL101"


class EmptyInput(InputError):
    code = "SL102"


class BinaryInput(InputError):
    code = "SL103"


class NotUtf8(InputError):
    code = "SL104"


class TooLarge(InputError):
    code = "SL105"


class BadRecord(InputError):
    """A JSON/JSONL record that is malformed or lacks text and html."""

    code = "SL106"


class BadFeed(InputError):
    code = "SL107"


class FetchFailed(InputError):
    code = "SL108"


class HttpStatus(FetchFailed):
    """A URL answered with an HTTP error status; 429/503 may say when to come back (Retry-After)."""

    def __init__(self, path: str, reason: str, status: int, retry_after: str | None = None) -> None:
        super().__init__(path, reason)
        self.status = status
        self.retry_after = retry_after


class NoText(InputError):
    """The input was readable but held no article text after cleaning."""

    code = "SL109"


class DuplicateInput(InputError):
    """The same article (same content hash) was given twice in one run."""

    code = "SL110"


class EmptyFolder(InputError):
    code = "SL111"


class WatchSourceError(InputError):
    """A line of a watch sources file that names nothing watchable."""

    code = "SL112"


class StoreError(StorylineError):
    code = "SL200"


class UnsupportedDatabase(StoreError):
    code = "SL201"


class StoryNotFound(StoreError):
    code = "SL202"


class ModelUnavailable(StorylineError):
    """A configured language or embedding model cannot be loaded."""

    code = "SL300"


class SettingError(StorylineError):
    code = "SL400"
