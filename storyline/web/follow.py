"""Pages and API routes for following the news: watch status, entities, outlets, followed stories, exports, feeds.

Kept apart from app.py as one APIRouter; create_app includes it. GET only: nothing here changes the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment

from .. import api
from ..follow import EntityProfile, OutletProfile, entity_profile, outlet_profile
from ..model import Analysis, Story
from ..report.exports import FeedEntry, briefing_markdown, changes_atom, matrix_csv
from ..report.json import change_dict
from ..settings import Options
from ..store import Store

log = logging.getLogger(__name__)
Names = Annotated[list[str] | None, Query()]  # a repeatable query parameter: ?name=A&name=B


def history_context(story: Story, since: str = "") -> dict[str, Any]:
    """What the story page needs for its "what changed" timeline, with changes after `since` marked new."""
    since = since.strip()
    versions = []
    for version, changes in groupby(story.changes, key=lambda c: c.version):
        listed = list(changes)
        versions.append({"version": version, "at": listed[0].at, "changes": listed,
                         "new": bool(since) and listed[0].at > since})
    versions.reverse()  # newest first
    latest = story.changes[-1].at if story.changes else datetime.now(UTC).isoformat(timespec="seconds")
    return {"versions": versions, "since": since, "new_count": sum(len(v["changes"]) for v in versions if v["new"]),
            "next_since": latest, "next_link": f"/stories/{quote(story.id)}?since={quote(latest)}"}


class WatchThread:
    """The watch loop inside the server: a daemon thread sharing the server's ingest lock."""

    def __init__(self, sources: str, db: str, options: Options, lock: threading.Lock) -> None:
        self.sources, self.db, self.options, self.lock = sources, db, options, lock
        self.stop = threading.Event()
        self.rounds = 0
        self.last_round: str | None = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="storyline-watch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        from ..watch import Watcher, read_sources

        store = Store.open(self.db)
        try:
            found, errors = read_sources(self.sources)
            for error in errors:
                log.warning("watch: %s", error)
            watcher = Watcher(found, store, self.options, lock=self.lock, stop=self.stop)
            while not self.stop.is_set():
                watcher.round()
                self.rounds += 1
                self.last_round = datetime.now(UTC).isoformat(timespec="seconds")
                self.stop.wait(watcher.every)
        except Exception as exc:  # the server keeps serving; the status page says why watching stopped
            log.exception("watch: stopped")
            self.error = str(exc)
        finally:
            store.close()


def router(db: str, options: Options, templates: Environment, watch: WatchThread | None = None,
           build: Callable[[str], Analysis] | None = None,
           read: Callable[[Callable[[Store], Any]], Any] | None = None) -> APIRouter:
    """`read` runs a function on a store (the server's connection of the thread); by default a store opened
    for the call."""
    routes = APIRouter()
    build = build or (lambda story_id: api.show(story_id, db=db, options=options))

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context))

    def not_found(code: str, message: str) -> Exception:
        from .app import ApiError  # app imports this module

        return ApiError(404, code, message)

    def with_store(function: Callable[[Store], Any]) -> Any:
        if read is not None:
            return read(function)
        store = Store.open(db)
        try:
            return function(store)
        finally:
            store.close()

    def watch_status() -> dict[str, Any]:
        states = with_store(lambda s: s.watch_states())
        # the file's name only: where the server keeps its files is nobody else's business
        return {"running": bool(watch and watch.thread.is_alive()),
                "sources_file": Path(watch.sources).name if watch else None,
                "rounds": watch.rounds if watch else 0, "last_round": watch.last_round if watch else None,
                "error": watch.error if watch else None, "sources": [asdict(s) for s in states]}

    def entity(name: str) -> EntityProfile:
        profile = with_store(lambda s: entity_profile(name, s, build))
        if not profile.appearances:
            raise not_found("SL205", f"no story names {name!r}")
        return profile

    def outlet(name: str) -> OutletProfile:
        profile = with_store(lambda s: outlet_profile(name, s, build))
        if not profile.articles:
            raise not_found("SL206", f"no articles from outlet {name!r}")
        return profile

    def following(names: Sequence[str], outlets: Sequence[str], since: str) -> list[dict[str, Any]]:
        """Stories naming any followed entity or carrying any followed outlet, with their changes since."""
        def rows(store: Store) -> list[dict[str, Any]]:
            found: dict[str, dict[str, Any]] = {}
            for name in names:
                for row in store.stories_naming(name, 100):
                    found.setdefault(row.id, {"row": row, "because": []})["because"].append(name)
            for name in outlets:
                for row in store.search_stories(outlet=name):
                    found.setdefault(row.id, {"row": row, "because": []})["because"].append(name)
            recent = store.recent_story_changes(2000, list(found))
            for item in found.values():
                changes = [c for sid, c in recent if sid == item["row"].id]
                item["latest"] = changes[0].at if changes else ""
                item["new"] = [c for c in changes if since and c.at > since]
            return sorted(found.values(), key=lambda i: (i["latest"], i["row"].last_date or ""), reverse=True)
        return with_store(rows)

    def feed_entries(entity_name: str, story: str, limit: int = 100) -> list[FeedEntry]:
        def entries(store: Store) -> list[FeedEntry]:
            ids = None
            if entity_name:
                ids = [r.id for r in store.stories_naming(entity_name, 200)]
            if story:
                ids = [story] if ids is None else [i for i in ids if i == story]
            titles: dict[str, str] = {}
            out = []
            for story_id, change in store.recent_story_changes(limit, ids):
                if story_id not in titles:
                    try:
                        titles[story_id] = store.story(story_id).title
                    except Exception:  # a story merged away keeps its history; name it by id
                        titles[story_id] = story_id
                out.append(FeedEntry(story_id, titles[story_id], change))
            return out
        return with_store(entries)

    def download(body: str, media: str, filename: str) -> Response:
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    # --- pages ------------------------------------------------------------------------------

    @routes.get("/watch", response_class=HTMLResponse, include_in_schema=False)
    def watch_page() -> HTMLResponse:
        changes = with_store(lambda s: s.recent_story_changes(30))
        return page("watch.html.j2", status=watch_status(), changes=changes)

    @routes.get("/entities/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(name: str) -> HTMLResponse:
        return page("entity.html.j2", p=entity(name))

    @routes.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(name: str) -> HTMLResponse:
        return page("outlet.html.j2", p=outlet(name))

    @routes.get("/following", response_class=HTMLResponse, include_in_schema=False)
    def following_page(name: Names = None, outlet: Names = None,
                       since: str = "") -> HTMLResponse:
        names = [n.strip() for n in name or [] if n.strip()]
        outlets = [o.strip() for o in outlet or [] if o.strip()]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        carry = "&".join([*(f"name={quote(n)}" for n in names), *(f"outlet={quote(o)}" for o in outlets)])
        return page("following.html.j2", names=names, outlets=outlets, since=since,
                    stories=following(names, outlets, since) if names or outlets else [],
                    next_link=f"/following?{carry}&since={quote(now)}" if carry else "",
                    known_outlets=with_store(lambda s: s.outlets()), people=with_store(lambda s: s.people()))

    # --- exports and feeds --------------------------------------------------------------------

    @routes.get("/stories/{story_id:path}/claims.csv", summary="The story's claim x outlet matrix as CSV",
                response_class=Response)
    def export_csv(story_id: str) -> Response:
        analysis = build(story_id)
        return download(matrix_csv(analysis, analysis.stories[0]), "text/csv; charset=utf-8",
                        f"{story_id}-claims.csv")

    @routes.get("/stories/{story_id:path}/briefing.md", summary="The story's briefing as Markdown",
                response_class=Response)
    def export_md(story_id: str) -> Response:
        analysis = build(story_id)
        return download(briefing_markdown(analysis, analysis.stories[0]), "text/markdown; charset=utf-8",
                        f"{story_id}-briefing.md")

    @routes.get("/stories/{story_id:path}/story.json", summary="The story as the JSON contract, as a download",
                response_class=Response)
    def export_json(story_id: str) -> Response:
        return download(api.render(build(story_id), "json"), "application/json", f"{story_id}.json")

    @routes.get("/feeds/changes.atom", summary="Atom feed of story changes (optionally for one entity or story)",
                response_class=Response)
    def changes_feed(request: Request, entity: str = "", story: str = "") -> Response:
        base = str(request.base_url).rstrip("/")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        title = "storyline: story changes" + (f" naming {entity}" if entity else "") + (f" in {story}" if story else "")
        return Response(changes_atom(feed_entries(entity, story), base, title, path),
                        media_type="application/atom+xml; charset=utf-8")

    # --- JSON API ---------------------------------------------------------------------------

    @routes.get("/api/watch", summary="Watch loop status: last poll, items added, errors per source")
    def api_watch() -> dict[str, Any]:
        return watch_status()

    @routes.get("/api/entities/{name:path}", summary="A person, organisation or place across stories")
    def api_entity(name: str) -> dict[str, Any]:
        p = entity(name)
        return {"name": p.name, "forms": [{"name": n, "label": lab, "articles": k} for n, lab, k in p.forms],
                "stories": [{"id": a.story_id, "title": a.title, "first_date": a.first_date, "last_date": a.last_date,
                             "entity": {"name": a.entity.name, "type": a.entity.type, "roles": list(a.entity.roles),
                                        "aliases": list(a.entity.aliases)}, "changes": a.changes,
                             "quotes": len(a.quotes)} for a in p.appearances],
                "roles": [{"date": d, "role": r, "story_id": s} for d, r, s in p.roles],
                "quotes": [{"story_id": s, "text": q.text, "direct": q.direct, "article_id": q.article_id}
                           for s, q in p.quotes]}

    @routes.get("/api/outlets/{name:path}", summary="An outlet: articles, wire-copy rate, claims only it makes, disputes")
    def api_outlet(name: str) -> dict[str, Any]:
        p = outlet(name)
        return {"outlet": p.outlet, "articles": list(p.articles), "copies": p.copies, "copy_rate": p.copy_rate,
                "only_claims": [{"story_id": c.story_id, "claim": c.claim.text, "claim_id": c.claim.id}
                                for c in p.only_claims],
                "disputes": [{"story_id": c.story_id, "claim": c.claim.text, "against": [o.text for o in c.against]}
                             for c in p.disputes],
                "later_corroborated": [{"story_id": s, **change_dict(c)} for s, c in p.later_corroborated],
                "corroboration_rate": p.corroboration_rate, "stories_read": p.stories_read}

    @routes.get("/api/following", summary="Stories naming followed entities or carried by followed outlets")
    def api_following(name: Names = None, outlet: Names = None,
                      since: str = "") -> dict[str, Any]:
        found = following([n for n in name or [] if n.strip()], [o for o in outlet or [] if o.strip()], since)
        return {"stories": [{"id": i["row"].id, "title": i["row"].title, "articles": i["row"].size,
                             "because": i["because"], "latest_change": i["latest"] or None,
                             "new_changes": [change_dict(c) for c in i["new"]]} for i in found]}

    @routes.get("/api/stories/{story_id:path}/changes", summary="A story's history, oldest first")
    def api_changes(story_id: str, since: str = "") -> dict[str, Any]:
        story = build(story_id).stories[0]
        return {"story_id": story_id, "changes": [change_dict(c) for c in story.changes if c.at > since]}

    return routes
