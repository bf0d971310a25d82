"""The web app: story list, story and article pages, an add-articles form, and the JSON API beside them."""

from __future__ import annotations

import gzip
import hmac
import importlib.resources
import json
import logging
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    BadRecord,
    CrossSite,
    InputError,
    StoryFailed,
    StorylineError,
    StoryNotFound,
    TooLarge,
    UnsafeServe,
    WrongMediaType,
)
from ..ingest import skipped_from
from ..ingest.files import read_named_bytes
from ..ingest.records import loads, record
from ..model import Analysis, Article, RawDocument, Skipped
from ..pipeline import Pipeline
from ..report.json import article_dict, story_dict
from ..settings import Options, load_options
from ..store import Store
from . import cache, follow
from .connections import Connections
from .guard import Guard, error_body, host_names, is_loopback

log = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class ApiError(Exception):
    """An HTTP error with a stable code, rendered in the API's one error shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Job:
    id: str
    state: str = "queued"  # queued, running, done, failed
    step: str = ""
    done: int = 0
    total: int = 0
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    error: str | None = None


def safe_name(filename: str | None) -> str:
    """An upload's name without any directory part or odd characters ("../../etc/passwd" -> "passwd")."""
    base = PurePosixPath((filename or "upload").replace("\\", "/")).name
    return _SAFE_NAME.sub("_", base).strip("._") or "upload"


# Files served under /static: (package, resource, media type). The report's stylesheet is shared.
STATIC = {
    "style.css": ("storyline.report", "templates/style.css", "text/css"),
    "web.css": ("storyline.web", "static/web.css", "text/css"),
    "job.js": ("storyline.web", "static/job.js", "text/javascript"),
    "docs.js": ("storyline.web", "static/docs.js", "text/javascript"),
}
UPLOAD_SCHEMA = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "text": {"type": "string"}, "title": {"type": "string"}, "outlet": {"type": "string"},
        "urls": {"type": "string", "description": "http(s) URLs, one a line"}}}}}}}
ARTICLES_SCHEMA = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}],
    "description": "article objects of the input contract v1"}}}}}


def create_app(db: str, options: Options | None = None, host: str = "127.0.0.1",
               watch: str | None = None) -> FastAPI:
    """The app for a store; `host` is the address it will be bound to (it answers to that name);
    `watch` a sources file to poll in the background (storyline serve --watch)."""
    options = options or load_options()
    store = Store.open(db)  # create and migrate once, before any request
    try:
        store.fail_unfinished_jobs()  # a job the last server left running will never finish now
    finally:
        store.close()
    app = FastAPI(title="storyline", version="1", docs_url=None, redoc_url=None,
                  description="Stories, claims and their corroboration, over a store. Errors are "
                              '{"error": {"status", "code", "message"}}.')
    app.add_middleware(Guard, hosts=host_names(host, options.allowed_hosts), token=options.token,
                       max_body=options.max_upload_bytes)
    templates = Environment(
        loader=ChoiceLoader([PackageLoader("storyline.web", "templates"), PackageLoader("storyline.report", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True))
    jobs: dict[str, Job] = {}
    lock = threading.Lock()  # one ingest at a time: SQLite has one writer
    csrf = secrets.token_urlsafe(32)  # in every form this process renders; a cross-site page cannot read it
    # the database's location is nobody's business but the server's
    hidden = sorted({db, str(Path(db).resolve())} - {":memory:"}, key=len, reverse=True) if db else []

    def scrub(message: str) -> str:
        for needle in hidden:
            message = message.replace(needle, "the store")
        return message

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    def error(request: Request, status: int, code: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, code, message), status_code=status)
        return page("error.html.j2", status=status, status_code=status, message=f"[{code}] {message}")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error(request, exc.status, exc.code, scrub(exc.message))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, f"HTTP{exc.status_code}", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body(422, "SL422", f"{where}: {first.get('msg', 'invalid request')}"), status_code=422)

    @app.exception_handler(StorylineError)
    async def _storyline_error(request: Request, exc: StorylineError) -> Response:
        status = 404 if isinstance(exc, StoryNotFound) else 500 if isinstance(exc, StoryFailed) else 400
        return error(request, status, exc.code, scrub(exc.message))

    # --- data access ------------------------------------------------------------------------

    def search(q: str | None, date_from: str | None, date_to: str | None, outlet: str | None,
               person: str | None) -> list[Any]:
        return built.read(lambda store: store.list_stories(q or None, date_from or None, date_to or None,
                                                             outlet or None, person or None))

    # one store connection per server thread, shared by every read of a request; closed at shutdown
    connections = Connections(db)
    app.router.on_shutdown.append(connections.close)

    def build_story(story_id: str) -> Analysis:
        # on this thread's connection, as api.show builds it (reads the stored build, or builds and stores it)
        analysis = connections.read(lambda store: Pipeline(options, store).analysis([story_id], skipped=()))
        if not analysis.stories:  # its build failed: the pipeline logged why and reported it as skipped
            reason = analysis.skipped[-1].reason if analysis.skipped else f"building story {story_id} failed"
            raise StoryFailed(reason)
        return analysis

    built = cache.Stories(db, options, build_story, connections=connections)

    def cached(request: Request, entry: cache.Built, name: str, media_type: str, render: Callable[[], bytes],
               keep: bool = True) -> Response:
        """A page rendered once per build (keep=False: per request), with the build's ETag: 304 when unchanged."""
        return answer(request, entry.marker, name, media_type, entry.page if keep else None, render)

    lists = cache.Lists()

    def listed(request: Request, name: str, media_type: str, render: Callable[[], bytes]) -> Response:
        """A story list rendered once per store generation (any write makes a new one), with its ETag."""
        generation = built.read(lambda store: store.generation())  # before the data render reads
        return answer(request, ("lists", str(generation)), name, media_type,
                      lambda key, make: lists.get(generation, (key,), make), render)

    def answer(request: Request, marker: tuple[str, ...], name: str, media_type: str,
               kept: Callable[[str, Callable[[], bytes]], bytes] | None, render: Callable[[], bytes]) -> Response:
        """304 when the client holds this version; else the body, kept (and gzipped once) when `kept` keeps it."""
        packed = kept is not None and accepts_gzip(request.headers.get("accept-encoding", ""))  # pages ~8x smaller
        tag = cache.etag(marker, name, "gzip" if packed else "")
        headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}  # no-cache: revalidated
        if tag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
            return Response(status_code=304, headers=headers)
        if kept is None:
            return Response(render(), media_type=media_type, headers=headers)
        body = kept(name, render)
        if packed:  # compressed once, like the page itself
            plain = body
            body = kept(f"{name}.gz", lambda: gzip.compress(plain, compresslevel=6, mtime=0))
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=media_type, headers=headers)

    def html(name: str, **context: Any) -> bytes:
        return templates.get_template(name).render(**context).encode()

    def story_of(article_id: str) -> str | None:
        return built.read(lambda store: store.story_of(article_id))

    def load_article(article_id: str) -> tuple[Article, str | None]:
        found, story_id = connections.read(lambda store: (store.articles([article_id]), store.story_of(article_id)))
        if not found:
            raise ApiError(404, "SL203", f"no article {article_id!r}")
        return found[0], story_id

    def filters() -> dict[str, Any]:
        return built.read(lambda store: {"outlets": store.outlets(), "people": store.people()})

    # following, exports, feeds and the watch loop (storyline serve --watch SOURCES) live in follow.py;
    # included before the pages so /stories/{id}/claims.csv is not read as a story id with a slash
    watcher = follow.WatchThread(watch, db, options, lock) if watch else None
    # exports read the same kept builds as the pages
    app.include_router(follow.router(db, options, templates, watcher, lambda story_id: built.get(story_id).analysis,
                                     connections.read))
    if watcher is not None:
        app.router.on_startup.append(watcher.start)
        app.router.on_shutdown.append(watcher.stop.set)

    # --- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def list_page(request: Request, q: str = "", date_from: str = "", date_to: str = "", outlet: str = "",
                  person: str = "") -> Response:
        return listed(request, "list?" + json.dumps([q, date_from, date_to, outlet, person]), "text/html; charset=utf-8",
                      lambda: html("list.html.j2", stories=search(q, date_from, date_to, outlet, person), q=q,
                                   date_from=date_from, date_to=date_to, outlet=outlet, person=person, **filters()))

    # ids may hold "/" (they come from the input's "id" field): the path converter keeps them whole
    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, since: str = "") -> Response:
        entry = built.get(story_id)
        story = entry.analysis.stories[0]
        return cached(request, entry, f"story?since={since}", "text/html; charset=utf-8", lambda: html(
            "story_page.html.j2", analysis=entry.analysis, v=entry.view, h=follow.history_context(story, since)),
            keep=not since)  # one page per build; a page since a given time is made on demand

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> Response:
        story_id = story_of(article_id)
        if story_id is None:  # not placed (or no such article: 404)
            article, story_id = load_article(article_id)
            return page("article.html.j2", article=article, story_id=story_id,
                        paragraphs=marked_paragraphs(article, {}))
        entry = built.get(story_id)
        # the story's build holds its articles: the article page does not rebuild or re-read the story
        found = next((a for a in entry.analysis.articles if a.id == article_id), None)
        if found is None:  # it joined the story after this build was read
            found, _ = load_article(article_id)
        article = found
        return cached(request, entry, f"article:{article_id}", "text/html; charset=utf-8", lambda: html(
            "article.html.j2", article=article, story_id=story_id,
            paragraphs=marked_paragraphs(article, entry.statuses(article_id))))

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page() -> HTMLResponse:
        return page("add.html.j2", limit=options.max_upload_bytes, csrf=csrf)

    @app.post("/add", include_in_schema=False)
    async def add_form(request: Request) -> Response:
        files, fields = await read_form(request)
        if not hmac.compare_digest(fields.get("csrf", "").encode(), csrf.encode()):
            raise ApiError(403, CrossSite.code, "the form is missing its token or is from another page: reload /add")
        job = await start_job(files, fields)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        return page("job.html.j2", job=get_job(job_id))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return page("docs.html.j2")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            raise ApiError(404, "HTTP404", "Not Found")
        package, resource, media_type = STATIC[name]
        body = importlib.resources.files(package).joinpath(resource).read_bytes()
        return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})

    # --- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stories", summary="Stories matching the filters", response_class=JSONResponse)
    def api_stories(request: Request, q: str = "", date_from: str = "", date_to: str = "", outlet: str = "",
                    person: str = "") -> Response:
        def render() -> bytes:
            rows = search(q, date_from, date_to, outlet, person)
            return json.dumps({"stories": [{"id": r.id, "title": r.title, "articles": r.size,
                                            "first_date": r.first_date, "last_date": r.last_date} for r in rows]},
                              ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        return listed(request, "api?" + json.dumps([q, date_from, date_to, outlet, person]), "application/json", render)

    @app.get("/api/stories/{story_id:path}", summary="One story, built as the JSON contract describes it",
             response_class=JSONResponse)
    def api_story(request: Request, story_id: str) -> Response:
        entry = built.get(story_id)
        analysis = entry.analysis
        return cached(request, entry, "json", "application/json", lambda: json.dumps(
            {"schema_version": 1, "story": story_dict(analysis.stories[0]),
             "articles": [article_dict(a) for a in analysis.articles]},
            ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode())  # as JSONResponse writes it

    @app.get("/api/articles/{article_id:path}", summary="One article, clean, with its story")
    def api_article(article_id: str) -> dict[str, Any]:
        article, story_id = load_article(article_id)
        return {"article": article_dict(article), "story_id": story_id}

    @app.post("/api/articles", status_code=202, openapi_extra=ARTICLES_SCHEMA,
              summary="Add article objects (input contract v1); returns a job")
    async def api_add(request: Request) -> dict[str, Any]:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            # a cross-site page can send text/plain without asking; application/json it cannot
            raise ApiError(415, WrongMediaType.code, "send the articles as application/json")
        body = await request.body()
        try:
            payload = await run_in_threadpool(loads, "api", body.decode("utf-8"), options.max_json_depth)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "SL106", "request body is not valid JSON") from exc
        items = payload if isinstance(payload, list) else [payload]
        documents, skipped = [], []
        for number, item in enumerate(items, start=1):
            try:
                documents.append(record("api", item, number))
            except InputError as error:
                skipped.append(skipped_from(error))
        job = launch(documents, skipped, [])
        return {"job": job.id, "status_url": f"/api/jobs/{job.id}"}

    @app.post("/api/upload", status_code=202, openapi_extra=UPLOAD_SCHEMA,
              summary="Upload files (.gz too), pasted text and URLs to ingest; returns a job")
    async def api_upload(request: Request) -> dict[str, Any]:
        files, fields = await read_form(request)
        job = await start_job(files, fields)
        return {"job": job.id, "status_url": f"/api/jobs/{job.id}"}

    @app.get("/api/jobs/{job_id}", summary="Progress of an ingest job (kept in the store: restarts keep history)")
    def api_job(job_id: str) -> dict[str, Any]:
        return get_job(job_id)

    # --- jobs -------------------------------------------------------------------------------

    def get_job(job_id: str) -> dict[str, Any]:
        """A running job from memory (live progress), a finished or older one from the store."""
        job = jobs.get(job_id)
        if job is not None:
            return dict(job.__dict__)
        stored = connections.read(lambda store: store.job(job_id))
        if stored is None:
            raise ApiError(404, "SL204", f"no job {job_id!r}")
        return stored

    def persist(job: Job) -> None:
        """Saved at each change of state, not at each progress tick: the ingest holds the writer meanwhile."""
        result = ({"added": job.added, "unchanged": job.unchanged, "skipped": job.skipped, "stories": job.stories}
                  if job.state == "done" else None)
        try:
            store = Store.open(db)
            try:
                store.save_job(job.id, job.state, step=job.step, done=job.done, total=job.total, result=result,
                               error=job.error)
            finally:
                store.close()
        except Exception:  # the job itself goes on; its history is what is lost
            log.exception("web: could not save job %s", job.id)

    async def read_form(request: Request) -> tuple[list[UploadFile], dict[str, str]]:
        """The form's files and fields; a pasted text may be as long as the whole body may be."""
        form = await request.form(max_files=1000, max_fields=100, max_part_size=options.max_upload_bytes)
        files = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return files, fields

    async def start_job(files: list[UploadFile], fields: dict[str, str]) -> Job:
        text, title, outlet, urls = (fields.get(k, "") for k in ("text", "title", "outlet", "urls"))
        documents: list[RawDocument] = []
        skipped: list[Skipped] = []
        for upload in files:
            if not upload.filename:
                continue
            name = safe_name(upload.filename)
            data = await upload.read(options.max_upload_bytes + 1)
            try:
                if len(data) > options.max_upload_bytes:
                    raise TooLarge(name, f"upload over {options.max_upload_bytes:,} bytes")
                # parsing is CPU work: off the event loop, so other requests are answered meanwhile
                docs, errors = await run_in_threadpool(read_named_bytes, f"upload/{name}", name, data, options)
                documents.extend(docs)
                skipped.extend(skipped_from(e) for e in errors)
            except InputError as error:
                skipped.append(skipped_from(error))
        if text.strip():
            documents.append(RawDocument(path=f"pasted/{uuid.uuid4().hex[:8]}", text=text,
                                         title=title.strip() or None, outlet=outlet.strip() or None))
        wanted = [u.strip() for u in urls.split() if u.strip()]
        bad = [u for u in wanted if not u.startswith(("http://", "https://"))]
        skipped.extend(skipped_from(BadRecord(u, "not an http(s) URL")) for u in bad)
        if not documents and not skipped and not wanted:
            raise ApiError(400, "SL102", "nothing to add: give files, text or URLs")
        return launch(documents, skipped, [u for u in wanted if u not in bad])

    def launch(documents: list[RawDocument], skipped: list[Skipped], urls: list[str]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12])
        jobs[job.id] = job
        persist(job)

        def progress(step: str, done: int, total: int) -> None:
            job.step, job.done, job.total = step, done, total

        def run() -> None:
            job.state = "running"
            persist(job)
            try:
                with lock:
                    store = Store.open(db)
                    try:
                        report = Pipeline(options, store, progress).ingest(urls, documents=documents, skipped=skipped)
                    finally:
                        store.close()
                job.added, job.unchanged = list(report.added), list(report.unchanged)
                job.skipped = [s.__dict__ for s in report.skipped]
                job.stories = list(report.stories_touched)
                job.state = "done"
            except StorylineError as exc:
                log.exception("web: ingest job %s failed", job.id)
                job.state, job.error = "failed", scrub(str(exc))
            except Exception:  # a failed job must say so instead of hanging; the details stay in the log
                log.exception("web: ingest job %s failed", job.id)
                job.state, job.error = "failed", "internal error; the server log has the details"
            persist(job)

        threading.Thread(target=run, daemon=True).start()
        return job

    return app


def marked_paragraphs(article: Article, statuses: dict[str, tuple[str, str]]) -> list[list[dict[str, Any]]]:
    """The clean text cut into runs for the template: plain text, named entities, claims with their status."""
    text = article.text
    claims = sorted(article.claims, key=lambda c: c.start)
    mentions = sorted(article.mentions, key=lambda m: m.start)
    runs: list[dict[str, Any]] = []
    position = 0

    def plain(upto: int, inside: dict[str, Any] | None = None) -> None:
        nonlocal position
        target = inside["parts"] if inside is not None else runs
        while position < upto:
            mention = next((m for m in mentions if position <= m.start < upto), None)
            if mention is None or mention.end > upto:
                target.append({"kind": "text", "text": text[position:upto]})
                position = upto
                return
            if mention.start > position:
                target.append({"kind": "text", "text": text[position:mention.start]})
            target.append({"kind": "entity", "text": text[mention.start:mention.end], "label": mention.label,
                           "role": mention.role})
            position = mention.end

    for claim in claims:
        if claim.start < position:
            continue
        plain(claim.start)
        status, reason = statuses.get(claim.text, ("unaligned", "not aligned in a story"))
        run = {"kind": "claim", "status": status, "reason": reason, "parts": []}
        plain(claim.end, run)
        runs.append(run)
    plain(len(text))
    # split runs into paragraphs at blank lines in plain text
    paragraphs: list[list[dict[str, Any]]] = [[]]
    for run in runs:
        if run["kind"] == "text" and "\n\n" in run["text"]:
            pieces = str(run["text"]).split("\n\n")
            for i, piece in enumerate(pieces):
                if i:
                    paragraphs.append([])
                if piece:
                    paragraphs[-1].append({"kind": "text", "text": piece})
        else:
            paragraphs[-1].append(run)
    return [p for p in paragraphs if p]


def accepts_gzip(header: str) -> bool:
    """Does an Accept-Encoding header take gzip ("gzip, br", "gzip;q=0.5"; not "gzip;q=0")?"""
    for part in header.lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def check_bind(host: str, token: str) -> None:
    """Refuse to listen beyond this machine without a token: anyone on the network could read and add."""
    if not is_loopback(host) and not token:
        raise UnsafeServe(f"refusing to serve on {host} without a token: anyone who can reach this machine could "
                          "read the store and add articles. Give --token SECRET (or STORYLINE_TOKEN), "
                          "or --token auto to have one made and printed")


def serve(db: str, host: str = "127.0.0.1", port: int = 8750, options: Options | None = None,
          watch: str | None = None) -> None:
    import uvicorn

    options = options or load_options()
    check_bind(host, options.token)
    uvicorn.run(create_app(db, options, host=host, watch=watch), host=host, port=port, log_level="warning")
