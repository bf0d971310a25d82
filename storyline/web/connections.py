"""The server's store connections: one per server thread, opened on its first request, kept for the next.

Opening a store costs a connection (for PostgreSQL a TCP connection and a session) and a migration check:
more than most reads. A connection is never shared between threads (a psycopg connection serialises its
users; a SQLite connection's transaction state is per connection), so there are at most as many as the
server has threads (anyio's pool: 40 by default, within PostgreSQL's default 100 connections). A thread's
connection is closed once the thread has ended (the pool retires idle threads), and all at shutdown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from ..store import Store, database_error

T = TypeVar("T")


class Connections:
    def __init__(self, db: str) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._open: dict[threading.Thread, Store] = {}

    def get(self) -> Store:
        """This thread's store, opened on first use."""
        thread = threading.current_thread()
        with self._lock:
            store = self._open.get(thread)
        if store is not None:
            return store
        store = Store.open(self.db)
        with self._lock:
            ended = [t for t in self._open if not t.is_alive()]
            retired = [self._open.pop(t) for t in ended]
            self._open[thread] = store
        for old in retired:
            _close(old)
        return store

    def read(self, function: Callable[[Store], T]) -> T:
        """`function` on this thread's store; after a database error (a restarted database, a dropped
        connection) the connection is dropped and the thread's next request opens a new one. Any other error
        (no such story, a 404 of a page) leaves the connection be."""
        try:
            return function(self.get())
        except Exception as exc:
            if database_error(exc):
                self.drop()
            raise

    def drop(self) -> None:
        """Close this thread's connection."""
        with self._lock:
            store = self._open.pop(threading.current_thread(), None)
        if store is not None:
            _close(store)

    def count(self) -> int:
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Close every thread's connection (at shutdown; a later request opens its thread's again)."""
        with self._lock:
            stores, self._open = list(self._open.values()), {}
        for store in stores:
            _close(store)


def _close(store: Store) -> None:
    try:
        store.close()
    except Exception:  # noqa: BLE001 - a connection the database already dropped: nothing left to close
        pass
