"""http(s) URLs: fetched with a timeout, a size cap and a User-Agent, only from public addresses.

Safe to run on a server: the host is resolved once, every address it resolves to is checked (loopback,
private, link-local, multicast, reserved and unspecified addresses are refused unless the setting
fetch_allow names them), and the connection is made to the checked address itself, so a DNS answer
that changes between check and connect (rebinding) cannot reach inside. Redirects are followed by hand,
each hop checked again. Connection errors all read the same, so a fetch cannot be used to scan ports.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from ..errors import BlockedAddress, FetchFailed, HttpStatus, InputError
from ..model import RawDocument
from ..settings import Options

_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
NO_ANSWER = "no answer from the server"  # the one message for refused, reset, unreachable and timed out

Result = tuple[list[RawDocument], list[InputError]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def allowances(setting: str) -> tuple[set[str], list[Network]]:
    """The host names and networks of the setting fetch_allow ('wiki.intranet, 10.0.0.0/8, 127.0.0.1')."""
    names: set[str] = set()
    networks: list[Network] = []
    for item in (part.strip() for part in setting.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            names.add(item.lower().rstrip("."))
    return names, networks


def is_public(address: Address) -> bool:
    """False for every address that is not on the public internet, IPv4 forms inside IPv6 included."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is not None:
            return is_public(inner)
        if address in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 carries an IPv4 address in its low bits
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return not (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified or not address.is_global)


def resolve(url: str, host: str, port: int, options: Options) -> str:
    """The address to connect to: the host resolved once, refused if any address it has is internal."""
    names, networks = allowances(options.fetch_allow)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(url, f"cannot resolve host {host!r}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise FetchFailed(url, f"cannot resolve host {host!r}")
    named = host.lower().rstrip(".") in names
    for address in addresses:
        if not (named or is_public(address) or any(address in net for net in networks)):
            raise BlockedAddress(url, f"host {host!r} is an internal address ({address}); storyline only fetches "
                                      "public addresses (setting fetch_allow names allowed hosts and networks)")
    return str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Like _PinnedHTTP over TLS; the certificate is still checked against the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch_url(url: str, options: Options) -> Result:
    from .files import read_bytes_input  # files imports this module's siblings

    body, content_type, final_url = fetch(url, options)
    match = _CHARSET.search(content_type)
    suffix = _suffix_for(content_type, final_url)
    return read_bytes_input(url, body, suffix, options, url=final_url,
                            declared_charset=match.group(1) if match else None)


def fetch(url: str, options: Options) -> tuple[bytes, str, str]:
    """The body, Content-Type and final URL of a GET, redirects followed (and checked) by hand."""
    answer = get(url, options)
    return answer.body, answer.content_type, answer.url


def get(url: str, options: Options, headers: dict[str, str] | None = None) -> Fetched:
    """One GET through the address checks, redirects followed (and checked) by hand; extra request headers
    (a poll's validators) go to every hop. A 304 is an answer; a 4xx/5xx raises HttpStatus (a FetchFailed).
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed(url, f"not an http(s) URL: {current!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise FetchFailed(url, "bad port in URL") from exc
        address = resolve(url, parts.hostname, port, options)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, address, port, options.fetch_timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers={
                "User-Agent": options.user_agent, "Accept-Encoding": "identity",
                "Accept": "text/html,application/xml,application/json,text/plain,*/*", **(headers or {}),
            })
            response = connection.getresponse()
            if response.status in _REDIRECTS and response.getheader("Location"):
                current = urljoin(current, response.getheader("Location", ""))
                continue
            if response.status >= 400:
                raise HttpStatus(url, f"HTTP {response.status} {response.reason}", status=response.status,
                                 retry_after=response.getheader("Retry-After"))
            if response.status == 304:
                return Fetched(304, current, b"", "", response.getheader("ETag"), response.getheader("Last-Modified"))
            body = response.read(options.fetch_max_bytes + 1)
            content_type = response.getheader("Content-Type", "") or ""
        except ssl.SSLCertVerificationError as exc:
            raise FetchFailed(url, "the server's TLS certificate is not valid for this host") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(url, NO_ANSWER) from exc
        finally:
            connection.close()
        if len(body) > options.fetch_max_bytes:
            raise FetchFailed(url, f"response larger than {options.fetch_max_bytes:,} bytes (setting fetch_max_bytes)")
        return Fetched(response.status, current, body, content_type, response.getheader("ETag"),
                       response.getheader("Last-Modified"))
    raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects")


def _suffix_for(content_type: str, url: str) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return ".html"
    if kind in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"):
        return ".xml"
    if kind == "application/json":
        return ".json"
    if kind in ("application/x-ndjson", "application/jsonl"):
        return ".jsonl"
    if kind == "text/plain":
        return ".txt"
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return suffix or None


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer to a (possibly conditional) GET, for callers that poll: the watch loop."""

    status: int  # 200, or 304 when the validators sent still match
    url: str  # after redirects
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    retry_after: str | None = None  # from a 429/503, as sent


def fetch_conditional(url: str, options: Options, etag: str | None = None,
                      last_modified: str | None = None) -> Fetched:
    """GET with If-None-Match / If-Modified-Since through the same checks and limits as fetch_url.

    A 304 comes back as an answer (the validators kept); other failures raise FetchFailed, and a
    4xx/5xx raises HttpStatus carrying the status and any Retry-After.
    """
    headers = {"Accept": "application/rss+xml,application/atom+xml,text/html,application/xml,*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    answer = get(url, options, headers)
    if answer.status == 304:
        return Fetched(304, answer.url, b"", "", answer.etag or etag, answer.last_modified or last_modified)
    return answer


def read_fetched(path: str, fetched: Fetched, options: Options) -> Result:
    """The documents in a fetched body, read as fetch_url reads them."""
    from .files import read_bytes_input

    match = _CHARSET.search(fetched.content_type)
    return read_bytes_input(path, fetched.body, _suffix_for(fetched.content_type, fetched.url), options,
                            url=fetched.url, declared_charset=match.group(1) if match else None)
