"""Web app and JSON HTTP API over the store."""

from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
