"""Opening a database from a URL; the base every query module builds on."""

from __future__ import annotations

import sqlite3

from ..errors import UnsupportedDatabase


def sqlite_path(url: str) -> str:
    """':memory:', a plain path, or sqlite:///path; other schemes are not supported yet."""
    if url in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise UnsupportedDatabase(f"database URL scheme {scheme!r} is not supported yet; use a file path or sqlite:///")
    return url


class Base:
    """One open connection and the URL it came from; each query module is a mixin over this."""

    def __init__(self, db: sqlite3.Connection, url: str) -> None:
        self.db = db
        self.url = url
