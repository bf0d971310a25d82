"""Ingest: turn every input the user names (paths, folders, URLs, "-") into RawDocuments.

Each reader returns documents or raises an InputError; nothing is silently dropped:
whatever cannot be read becomes a Skipped entry with its reason and code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..errors import EmptyFolder, InputError, MissingPath
from ..model import RawDocument, Skipped
from ..settings import Options
from .files import read_bytes_input, read_file
from .urls import fetch_url, is_url

log = logging.getLogger(__name__)


def skipped_from(error: InputError) -> Skipped:
    return Skipped(path=error.path, reason=error.reason, code=error.code, line=error.line)


def expand(inputs: Sequence[str]) -> Iterator[str | InputError]:
    """Each input as a file path or URL to read; folders are walked in sorted order."""
    for given in inputs:
        if given == "-" or is_url(given):
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            files = [
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            if not files:
                yield EmptyFolder(given, "folder holds no readable files")
            for file in files:
                yield str(file)
        elif path.is_file():
            yield given
        elif path.exists():
            yield MissingPath(given, "not a regular file or folder")
        else:
            yield MissingPath(given, "no such file or folder")


def read_inputs(
    inputs: Sequence[str], options: Options, stdin: BinaryIO | None = None
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read every input; returns the documents found and the inputs (or records) skipped."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    for item in expand(inputs):
        if isinstance(item, InputError):
            skipped.append(skipped_from(item))
            continue
        docs, errors = read_item(item, options, stdin)
        documents.extend(docs)
        skipped.extend(errors)
    for s in skipped:
        log.debug("ingest: skipped %s", s)  # the caller reports each skip once (CLI line, output list)
    return documents, skipped


def read_item(item: str, options: Options, stdin: BinaryIO | None = None) -> tuple[list[RawDocument], list[Skipped]]:
    """One expanded input (a file, a URL or "-"): its documents and what was skipped in it."""
    try:
        if item == "-":
            data = (stdin.read() if stdin is not None else b"")
            docs, errors = read_bytes_input("-", data, None, options)
        elif is_url(item):
            docs, errors = fetch_url(item, options)
        else:
            docs, errors = read_file(item, options)
    except InputError as error:
        return [], [skipped_from(error)]
    return list(docs), [skipped_from(e) for e in errors]


__all__ = ["read_inputs", "read_item", "expand", "skipped_from"]
