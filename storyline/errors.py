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


class TooDeep(InputError):
    """JSON nested deeper than the setting max_json_depth allows."""

    code = "SL112"


class UnsupportedFormat(InputError):
    """A document format storyline does not read (PDF, office files, images), whatever its name says."""

    code = "SL113"


class AnalysisFailed(InputError):
    """The language analysis of one article raised; that article is skipped, the batch goes on."""

    code = "SL114"


class BlockedAddress(FetchFailed):
    """A URL whose host is, or redirects to, a loopback, private or otherwise internal address."""

    code = "SL115"


class TextTooLong(InputError):
    """A text longer than an article can be (setting max_article_chars): a book or a dump, not news."""

    code = "SL116"


class WatchSourceError(InputError):
    """A line of a watch sources file that names nothing watchable."""

    code = "SL117"


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


class StoryFailed(StorylineError):
    """Building one story (alignment, timeline, briefing) raised; the other stories are still written."""

    code = "SL501"


class UnsafeServe(StorylineError):
    """`serve` asked to listen beyond this machine without a token."""

    code = "SL601"


class InternalError(StorylineError):
    """An unexpected failure behind a web request; the details go to the server log, not the client."""

    code = "SL500"


class BadHost(StorylineError):
    """A web request whose Host header names none of the app's host names (setting allowed_hosts)."""

    code = "SL602"


class CrossSite(StorylineError):
    """A write to the web app from another site (Origin or Referer), or a form without its CSRF token."""

    code = "SL603"


class Unauthorized(StorylineError):
    """A web request without the token the app was started with (setting token)."""

    code = "SL604"


class WrongMediaType(StorylineError):
    """A request body in another format than the endpoint reads."""

    code = "SL605"
