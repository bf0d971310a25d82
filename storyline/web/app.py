"""The web app: story list, story and article pages, an add-articles form, and the JSON API beside them."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from fastapi import FastAPI, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware

from .. import api
from ..errors import BadRecord, InputError, StorylineError, StoryNotFound, TooLarge
from ..ingest import skipped_from
from ..ingest.files import read_bytes_input
from ..ingest.records import record
from ..model import Analysis, Article, RawDocument, Skipped
from ..pipeline import Pipeline
from ..report.json import article_dict, story_dict
from ..report.views import story_view
from ..settings import Options, load_options
from ..store import Store
from . import follow

log = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class ApiError(Exception):
    """An HTTP error with a stable code, rendered in the API's one error shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON error shape of the whole API."""
    return {"error": {"status": status, "code": code, "message": message}}


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


class _BodyLimit(BaseHTTPMiddleware):
    """Refuse a request whose declared body exceeds the cap before reading it."""

    def __init__(self, app: Any, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def dispatch(self, request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.limit:
            return JSONResponse(error_body(413, "SL105", f"request body over {self.limit:,} bytes"), status_code=413)
        return await call_next(request)


def create_app(db: str, options: Options | None = None, watch: str | None = None) -> FastAPI:
    options = options or load_options()
    Store.open(db).close()  # create and migrate once, before any request
    app = FastAPI(title="storyline", version="1", description="Stories, claims and their corroboration, over a store.")
    app.add_middleware(_BodyLimit, limit=options.max_upload_bytes)
    templates = Environment(
        loader=ChoiceLoader([PackageLoader("storyline.web", "templates"), PackageLoader("storyline.report", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True))
    jobs: dict[str, Job] = {}
    lock = threading.Lock()  # one ingest at a time: SQLite has one writer

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(exc.status, exc.code, exc.message), status_code=exc.status)
        return page("error.html.j2", status=exc.status, status_code=exc.status, message=exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = f"HTTP{exc.status_code}"
        if wants_json(request):
            return JSONResponse(error_body(exc.status_code, code, str(exc.detail)), status_code=exc.status_code)
        return page("error.html.j2", status=exc.status_code, status_code=exc.status_code, message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body(422, "SL422", f"{where}: {first.get('msg', 'invalid request')}"), status_code=422)

    @app.exception_handler(StorylineError)
    async def _storyline_error(request: Request, exc: StorylineError) -> Response:
        status = 404 if isinstance(exc, StoryNotFound) else 400
        if wants_json(request):
            return JSONResponse(error_body(status, exc.code, exc.message), status_code=status)
        return page("error.html.j2", status=status, status_code=status, message=str(exc))

    # --- data access ------------------------------------------------------------------------

    def search(q: str | None, date_from: str | None, date_to: str | None, outlet: str | None,
               person: str | None) -> list[Any]:
        store = Store.open(db)
        try:
            return store.search_stories(q or None, date_from or None, date_to or None, outlet or None, person or None)
        finally:
            store.close()

    def build_story(story_id: str) -> Analysis:
        return api.show(story_id, db=db, options=options)

    def load_article(article_id: str) -> tuple[Article, str | None]:
        store = Store.open(db)
        try:
            found = store.articles([article_id])
            if not found:
                raise ApiError(404, "SL203", f"no article {article_id!r}")
            return found[0], store.story_of(article_id)
        finally:
            store.close()

    def filters() -> dict[str, Any]:
        store = Store.open(db)
        try:
            return {"outlets": store.outlets(), "people": store.people()}
        finally:
            store.close()

    # --- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def list_page(request: Request, q: str = "", date_from: str = "", date_to: str = "", outlet: str = "",
                  person: str = "") -> HTMLResponse:
        rows = search(q, date_from, date_to, outlet, person)
        return page("list.html.j2", stories=rows, q=q, date_from=date_from, date_to=date_to, outlet=outlet,
                    person=person, **filters())

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, since: str = "") -> HTMLResponse:
        analysis = build_story(story_id)
        return page("story_page.html.j2", analysis=analysis, v=story_view(analysis, analysis.stories[0]),
                    h=follow.history_context(analysis.stories[0], since))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        article, story_id = load_article(article_id)
        statuses: dict[str, tuple[str, str]] = {}
        if story_id:
            story = build_story(story_id).stories[0]
            for claim in story.claims:
                for source_id, sentence in claim.sources:
                    if source_id == article_id:
                        statuses[sentence] = (claim.status, claim.reason)
        return page("article.html.j2", article=article, story_id=story_id,
                    paragraphs=marked_paragraphs(article, statuses))

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page() -> HTMLResponse:
        return page("add.html.j2", limit=options.max_upload_bytes)

    @app.post("/add", include_in_schema=False)
    async def add_form(files: list[UploadFile] | None = None, text: str = Form(""), title: str = Form(""),
                       outlet: str = Form(""), urls: str = Form("")) -> Response:
        job = await start_job(files or [], text, title, outlet, urls)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        return page("job.html.j2", job=get_job(job_id))

    # --- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stories", summary="Stories matching the filters")
    def api_stories(q: str = "", date_from: str = "", date_to: str = "", outlet: str = "",
                    person: str = "") -> dict[str, Any]:
        rows = search(q, date_from, date_to, outlet, person)
        return {"stories": [{"id": r.id, "title": r.title, "articles": r.size, "first_date": r.first_date,
                             "last_date": r.last_date} for r in rows]}

    @app.get("/api/stories/{story_id}", summary="One story, built as the JSON contract describes it")
    def api_story(story_id: str) -> dict[str, Any]:
        analysis = build_story(story_id)
        return {"schema_version": 1, "story": story_dict(analysis.stories[0]),
                "articles": [article_dict(a) for a in analysis.articles]}

    @app.get("/api/articles/{article_id}", summary="One article, clean, with its story")
    def api_article(article_id: str) -> dict[str, Any]:
        article, story_id = load_article(article_id)
        return {"article": article_dict(article), "story_id": story_id}

    @app.post("/api/articles", status_code=202, summary="Add article objects (input contract v1); returns a job")
    async def api_add(request: Request) -> dict[str, Any]:
        try:
            payload = await request.json()
        except ValueError as exc:
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

    @app.post("/api/upload", status_code=202, summary="Upload files and URLs to ingest; returns a job")
    async def api_upload(files: list[UploadFile] | None = None, text: str = Form(""), title: str = Form(""),
                         outlet: str = Form(""), urls: str = Form("")) -> dict[str, Any]:
        job = await start_job(files or [], text, title, outlet, urls)
        return {"job": job.id, "status_url": f"/api/jobs/{job.id}"}

    @app.get("/api/jobs/{job_id}", summary="Progress of an ingest job")
    def api_job(job_id: str) -> dict[str, Any]:
        return get_job(job_id).__dict__

    # --- jobs -------------------------------------------------------------------------------

    def get_job(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise ApiError(404, "SL204", f"no job {job_id!r}")
        return job

    async def start_job(files: list[UploadFile], text: str, title: str, outlet: str, urls: str) -> Job:
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
                docs, errors = read_bytes_input(f"upload/{name}", data, PurePosixPath(name).suffix.lower() or None,
                                                options)
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

        def progress(step: str, done: int, total: int) -> None:
            job.step, job.done, job.total = step, done, total

        def run() -> None:
            job.state = "running"
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
            except Exception as exc:  # a failed job must say why instead of hanging
                log.exception("web: ingest job %s failed", job.id)
                job.state, job.error = "failed", str(exc)

        threading.Thread(target=run, daemon=True).start()
        return job

    # following, exports, feeds and the watch loop (storyline serve --watch SOURCES) live in follow.py
    watcher = follow.WatchThread(watch, db, options, lock) if watch else None
    app.include_router(follow.router(db, options, templates, watcher, build_story))
    if watcher is not None:
        app.router.on_startup.append(watcher.start)
        app.router.on_shutdown.append(watcher.stop.set)
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


def serve(db: str, host: str = "127.0.0.1", port: int = 8750, options: Options | None = None,
          watch: str | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(db, options, watch=watch), host=host, port=port, log_level="warning")
