"""Fault injection for the crash tests: STORYLINE_FAULT=POINT:N[@SIGNAL] stops this process at a named point.

The points are safe points between transactions (e.g. `store:3`, after the third article is stored;
`place:2`, `consolidate:1`, `step:embed` before a step). SIGKILL by default; SIGINT or SIGTERM test
the clean stop. Unset (always, outside tests) this is one dictionary lookup per point.
"""

from __future__ import annotations

import os
import signal

_SPEC = os.environ.get("STORYLINE_FAULT", "")


def point(name: str, count: int | str = 0) -> None:
    if not _SPEC:
        return
    where, _, how = _SPEC.partition("@")
    if where == f"{name}:{count}":
        os.kill(os.getpid(), getattr(signal, how or "SIGKILL"))
