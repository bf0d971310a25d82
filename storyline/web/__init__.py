"""Web app and JSON HTTP API over the store."""

from __future__ import annotations

from .app import check_bind, create_app, serve

__all__ = ["check_bind", "create_app", "serve"]
