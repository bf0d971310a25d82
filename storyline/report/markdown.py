"""Markdown report: briefing with citation marks, coverage, disputes, single-source claims, timeline, people, sources."""

from __future__ import annotations

from ..model import Analysis
from .views import StoryView, story_view

_MARK = {"corroborated": "✅ corroborated", "single_source": "☝️ single source", "disputed": "⚠️ disputed"}


def _md(text: str) -> str:
    """Article text is untrusted: neutralise Markdown and raw HTML in it."""
    out = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "*_`[]|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def _cites(view: StoryView, ids: tuple[str, ...]) -> str:
    return "".join(f"[{s.number}]" for s in view.cite(ids))


def render_story(view: StoryView) -> list[str]:
    story = view.story
    c = view.counts
    lines = [f"## {_md(story.title)}", "",
             f"{len(view.sources)} articles from {len(view.outlets)} outlets · "
             f"{c['corroborated']} corroborated, {c['single_source']} single-source, {c['disputed']} disputed claims", "",
             "### Briefing", ""]
    lines += [f"- {_md(s.text)} {_cites(view, s.article_ids)}" for s in story.summary] or ["- (no claims)"]
    lines += ["", "### Coverage", "", "| claim | status | " + " | ".join(_md(o) for o in view.outlets) + " |",
              "|---|---|" + "---|" * len(view.outlets)]
    for claim, row in view.matrix[:40]:
        cells = " | ".join("●" if hit else "" for hit in row)
        lines.append(f"| {_md(claim.text)[:160]} | {_MARK[claim.status]} | {cells} |")
    if len(view.matrix) > 40:
        lines.append(f"\n({len(view.matrix) - 40} more claims in the JSON output)")
    reported = [h for h in story.happenings if h.origins >= 2]
    if reported:  # the event several outlets report; each claim about it keeps its own status
        lines += ["", "### Happenings reported by several outlets", ""]
        lines += [f"- {_md(h.text)[:200]} — reported by {h.origins} independent outlets, {len(h.claim_ids)} "
                  f"claim{'' if len(h.claim_ids) == 1 else 's'} {_cites(view, h.article_ids)}" for h in reported[:12]]
    lines += ["", "### Disputed", ""]
    for claim, others in view.disputed:
        lines.append(f"- **{claim.id}** {_md(claim.text)} {_cites(view, claim.article_ids)}")
        for other in others:
            lines.append(f"  - vs **{other.id}** {_md(other.text)} {_cites(view, other.article_ids)}")
        for member in (claim, *others):
            lines.append(f"  - {member.id}: {_md(member.reason)}")
    if not view.disputed:
        lines.append("- none found")
    lines += ["", "### Single-source claims", ""]
    for outlet, claims in view.single_by_outlet:
        lines.append(f"**{_md(outlet)}** ({len(claims)})")
        lines += [f"- {_md(cl.text)} {_cites(view, cl.article_ids)}" for cl in claims[:15]]
        lines.append("")
    lines += ["### Timeline", ""]
    lines += [f"- **{e.date}** {_md(e.text)} {_cites(view, e.article_ids)}" for e in story.events] or ["- no dated events"]
    lines += ["", "### People", ""]
    for entity, quotes in view.people:
        roles = f" — {_md('; '.join(entity.roles))}" if entity.roles else ""
        aliases = f" (also: {_md(', '.join(entity.aliases))})" if entity.aliases else ""
        lines.append(f"- **{_md(entity.name)}**{roles}{aliases}")
        for q in quotes[:6]:
            mark = "“" + _md(q.text) + "”" if q.direct else "(reported) " + _md(q.text)
            lines.append(f"  - {mark} {_cites(view, (q.article_id,))}")
    lines += ["", "### Sources", ""]
    for s in view.sources:
        a = s.article
        copy = f" · copy of {_md(s.copy_of)}" if s.copy_of else ""
        lines.append(f"[{s.number}] **{_md(s.outlet)}** — {_md(a.title or '(untitled)')} · "
                     f"{a.published or 'date unknown'} · {a.author and _md(a.author) or 'no byline'} · "
                     f"{s.words} words · {s.removed} boilerplate pieces removed · "
                     f"{s.unique_claims} unique claims{copy} · `{_md(a.path)}`")
    lines.append("")
    return lines


def render(analysis: Analysis) -> str:
    lines = ["# storyline briefing", ""]
    for story in analysis.stories:
        lines += render_story(story_view(analysis, story))
    if analysis.skipped:
        lines += ["## Skipped inputs", ""]
        lines += [f"- `{_md(s.path)}`{':' + str(s.line) if s.line else ''} [{s.code}] {_md(s.reason)}"
                  for s in analysis.skipped]
    return "\n".join(lines) + "\n"


escape = _md  # for other reports that put article text into Markdown
