"""What stands between the network and the app: Host names, the token, same-origin writes, body size, headers.

One ASGI wrapper around the whole app, so every response (errors from anywhere included) carries the
security headers and the one JSON error shape.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import secrets
import socket
from collections.abc import Iterable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..errors import BadHost, CrossSite, InternalError, TooLarge, Unauthorized

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]

TOKEN_COOKIE = "storyline_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# No inline script or style anywhere: the pages load /static files only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The API explorer loads Swagger UI from its CDN; still no inline script.
CSP_DOCS = ("default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON error shape of the whole API."""
    return {"error": {"status": status, "code": code, "message": message}}


def is_loopback(host: str) -> bool:
    """Is a bind address or host name this machine only?"""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_names(bind: str, setting: str) -> set[str]:
    """The names the app answers to: loopback, the bound address, the machine's names when bound to all, the setting."""
    names = set(LOOPBACK_NAMES)
    names |= {n.strip().lower().strip("[]") for n in setting.split(",") if n.strip()}
    wildcard = bind in ("0.0.0.0", "::", "")
    if not wildcard:
        names.add(bind.lower().strip("[]"))
    else:
        for name in {socket.gethostname(), socket.getfqdn()}:
            names.add(name.lower())
            try:
                names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
            except OSError:
                pass
    return names


def _host_of(value: str) -> str:
    """The host name of a Host header value ("example.org:8750", "[::1]:80")."""
    try:
        return (urlsplit(f"//{value}").hostname or "").lower()
    except ValueError:
        return ""


class Guard:
    """Refuses unknown Host names, requests without the token, cross-site writes and oversized bodies,
    and adds the security headers to every response."""

    def __init__(self, app: Any, *, hosts: Iterable[str], token: str, max_body: int) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = (CSP_DOCS if path == "/docs" else CSP).encode()
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"content-security-policy", policy), *HEADERS]
            await send(message)

        refusal = self.refusal(scope)
        if refusal is not None:
            await self.respond(send_with_headers, *refusal)
            return
        if self.token and self._token_in_query(scope):
            await self.set_token_cookie(scope, send_with_headers)
            return

        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message: Message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:  # whatever the app answers to a body it could not read in full, 413 is the answer
                await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception as exc:
            if not too_large:
                log.error("web: %s %s failed", scope.get("method"), path, exc_info=exc)
            if started:
                raise
            if not too_large:
                await self.respond(send_with_headers, 500, InternalError.code,
                                   "internal error; the server log has the details")
                return
        if too_large and not started:
            await self.respond(send_with_headers, 413, TooLarge.code,
                               f"request body over {self.max_body:,} bytes (setting max_upload_bytes)")

    def refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        """Why this request is refused before the app sees it, if it is."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if "*" not in self.hosts and _host_of(host) not in self.hosts:
            return 400, BadHost.code, "unknown host name in the Host header (setting allowed_hosts)"
        if self.token and not self._authorised(scope, headers):
            return 401, Unauthorized.code, ("this server asks for its token: open the address printed at start "
                                            "(?token=...) or send Authorization: Bearer <token>")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return 413, TooLarge.code, f"request body over {self.max_body:,} bytes (setting max_upload_bytes)"
        if scope.get("method", "GET") not in SAFE_METHODS and not self._same_origin(headers, scope):
            return 403, CrossSite.code, "writes are only accepted from this site's own pages"
        return None

    def _same_origin(self, headers: dict[str, str], scope: Scope) -> bool:
        """A browser names the page a write comes from (Origin, else Referer); it must be one of ours.
        Non-browser clients send neither, and cannot carry a victim's cookies."""
        own = headers.get("host", "").lower()
        # host and port decide; the scheme may differ behind a TLS-terminating proxy
        for name in ("origin", "referer"):
            value = headers.get(name)
            if value is not None:
                try:
                    parts = urlsplit(value)
                except ValueError:
                    return False
                return parts.scheme in ("http", "https") and parts.netloc.lower() == own
        return True

    def _authorised(self, scope: Scope, headers: dict[str, str]) -> bool:
        given = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given.append(auth[7:].strip())
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            pass
        if TOKEN_COOKIE in cookie:
            given.append(cookie[TOKEN_COOKIE].value)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query:
            given.append(query["token"])
        return any(hmac.compare_digest(g.encode(), self.token.encode()) for g in given)

    def _token_in_query(self, scope: Scope) -> bool:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        return scope.get("method") == "GET" and any(k == "token" for k, _ in query)

    async def set_token_cookie(self, scope: Scope, send: Any) -> None:
        """?token= once: the token moves into a cookie and out of the address bar (and of Referer headers)."""
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
        location = scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")
        cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
                                (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def respond(send: Any, status: int, code: str, message: str) -> None:
        body = json.dumps(error_body(status, code, message)).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """Raised inside the app's body reading when the stream passes the cap."""


def new_token() -> str:
    return secrets.token_urlsafe(24)
