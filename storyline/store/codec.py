"""Values as the store keeps them: vectors as float16 blobs with their shape, times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def blob(array: np.ndarray | None) -> bytes | None:
    if array is None:
        return None
    array = np.asarray(array, dtype=np.float32)
    header = np.array(array.shape if array.ndim == 2 else (1, array.shape[0]), dtype=np.int32).tobytes()
    return header + array.astype(np.float16).tobytes()


def array(data: bytes | None) -> np.ndarray:
    if not data:
        return np.zeros((0, 0), dtype=np.float32)
    rows, cols = np.frombuffer(data[:8], dtype=np.int32)
    return np.frombuffer(data[8:], dtype=np.float16).astype(np.float32).reshape(rows, cols)
