"""Command line: parse, call one library function, print; map library errors to messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import __version__, api
from .errors import SettingError, StorylineError
from .model import Skipped
from .pipeline import Progress
from .report import RENDERERS

EXIT_OK, EXIT_SOME_SKIPPED, EXIT_NOTHING = 0, 1, 2

ANALYZE_EXAMPLES = """examples:
  storyline analyze examples/ --format html -o report.html
  storyline analyze article.txt https://example.org/feed.xml --format md
  cat articles.jsonl | storyline analyze - > analysis.json
exit codes: 0 all inputs analysed, 1 some skipped (listed on stderr and in the output), 2 nothing analysed"""
INGEST_EXAMPLES = """examples:
  storyline ingest examples/ --db storyline.db
  storyline ingest new-article.html --db storyline.db   # joins its story or starts one"""
STORIES_EXAMPLES = """examples:
  storyline stories --db storyline.db
  storyline stories --db storyline.db --since 2h     # stories that changed in the last two hours"""
WATCH_EXAMPLES = """examples:
  storyline watch feeds.txt --db storyline.db               # poll every 10 minutes until Ctrl-C
  storyline watch feeds.opml --db storyline.db --every 30m
  storyline watch feeds.txt --db storyline.db --once        # one round, for cron
SOURCES is a text file with one feed/page URL or folder per line (# comments) or an OPML file.
exit codes with --once: 0 every source answered, 1 some failed or are backing off"""
SERVE_EXAMPLES = """examples:
  storyline serve --db storyline.db            # http://127.0.0.1:8750, this machine only
  storyline serve --db storyline.db --port 9000
  storyline serve --db storyline.db --watch feeds.txt   # and poll feeds; status at /watch
  storyline serve --db storyline.db --host 0.0.0.0 --token auto   # the network: a token is required"""
CHECK_EXAMPLES = """examples:
  storyline check --db storyline.db             # verify and repair (exit 0 when the store is sound after it)
  storyline check --db storyline.db --no-repair # only report (exit 1 when anything is wrong)"""
SHOW_EXAMPLES = """examples:
  storyline show s1 --db storyline.db --format md
  storyline show s1 --db storyline.db --format html -o s1.html"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    common.add_argument("-q", "--quiet", action="store_true", help="only errors; no progress bar")
    parser = argparse.ArgumentParser(
        prog="storyline", parents=[common],
        description="Read many outlets' coverage of the same events; label each claim corroborated, "
                    "single-source or disputed by independent origins.",
        epilog="examples:\n  storyline analyze examples/ --format html -o report.html\n"
               "  storyline ingest examples/ --db storyline.db && storyline stories --db storyline.db",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_: str, epilog: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_, description=help_, epilog=epilog,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = command("analyze", "analyse inputs and write the result (JSON contract, Markdown or HTML)", ANALYZE_EXAMPLES)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, URLs, or - for standard input")
    p.add_argument("--format", choices=sorted(RENDERERS), default=None,
                   help="output format (default: from each -o file's suffix, else json)")
    p.add_argument("-o", "--output", metavar="FILE", action="append",
                   help="write here instead of standard output; repeat for several formats "
                        "(-o a.json -o a.html)")
    p.add_argument("--db", default=":memory:", metavar="URL", help="store to use (default: in memory, discarded)")
    _engine_arguments(p)

    p = command("ingest", "add inputs to a persistent store; new articles join stories or start them", INGEST_EXAMPLES)
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--db", required=True, metavar="URL",
                   help="SQLite file (or sqlite:///path) or postgresql://user@host:port/dbname")
    _engine_arguments(p)

    p = command("stories", "list the stories in a store", STORIES_EXAMPLES)
    p.add_argument("--db", required=True, metavar="URL")
    p.add_argument("--since", metavar="DURATION", help="only stories that changed this long ago or later (2h, 30m)")

    p = command("watch", "poll feeds, pages and folders; ingest new items as they come", WATCH_EXAMPLES)
    p.add_argument("sources", metavar="SOURCES", help="text file (one URL or folder per line) or OPML")
    p.add_argument("--db", required=True, metavar="URL")
    p.add_argument("--every", metavar="DURATION", help="time between rounds (default: setting watch_every, 10m)")
    p.add_argument("--once", action="store_true", help="run one round and exit")

    p = command("show", "render one story from a store", SHOW_EXAMPLES)
    p.add_argument("story_id", metavar="STORY_ID")
    p.add_argument("--db", required=True, metavar="URL")
    p.add_argument("--format", choices=sorted(RENDERERS), default="md")
    p.add_argument("-o", "--output", metavar="FILE")


    p = command("check", "verify a store's integrity and invariants (every article in a story, counts consistent)"
                         " and repair what can be", CHECK_EXAMPLES)
    p.add_argument("--db", required=True, metavar="URL")
    p.add_argument("--no-repair", action="store_true", help="only report; change nothing")
    p.add_argument("--drop-builds", action="store_true",
                   help="forget the stored story builds first: each story is built again when next read")

    p = command("serve", "web app and JSON API (OpenAPI at /docs) over a store", SERVE_EXAMPLES)
    p.add_argument("--db", default="storyline.db", metavar="URL")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8750)
    p.add_argument("--token", default=None, metavar="SECRET",
                   help="secret every request must carry (default: setting token, STORYLINE_TOKEN); "
                        "'auto' makes one and prints the address with it; required beyond 127.0.0.1")
    p.add_argument("--watch", metavar="SOURCES", help="also poll the feeds, pages and folders SOURCES lists "
                                                       "(as `storyline watch` does); status at /watch")
    return parser


def _engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=("local", "ray"), default=None,
                   help="where per-article work runs (setting engine; default local)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (setting workers; default 0: one per core)")


def _options(args: argparse.Namespace) -> Any:
    from .settings import load_options

    return load_options(engine=args.engine, workers=args.workers)


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # skipped inputs are reported once, by the CLI, in a fixed format
    logging.getLogger("storyline.ingest").setLevel(max(level, logging.ERROR))
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on a terminal; nothing in pipes or with -q."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield update


def _report_skipped(skipped: Sequence[Skipped]) -> None:
    for s in skipped:
        where = f"{s.path}:{s.line}" if s.line is not None else s.path
        print(f"storyline: skipped [{s.code}] {where}: {s.reason}", file=sys.stderr)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


_SUFFIX_FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def _format_for(given: str | None, output: str | None) -> str:
    if given:
        return given
    return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), "json") if output else "json"


def _exit_code(analysed: int, skipped: int) -> int:
    if analysed == 0 and skipped > 0:
        return EXIT_NOTHING
    return EXIT_SOME_SKIPPED if skipped else EXIT_OK


def _duration(text: str) -> float:
    from .watch import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise SettingError(str(exc)) from exc


def _watch(args: argparse.Namespace) -> int:
    """One line per poll on stderr; SIGINT/SIGTERM end the run after the source being polled."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    failed = 0

    def on_poll(result: Any) -> None:
        nonlocal failed
        failed += result.outcome in ("error", "waiting")
        if not args.quiet or result.outcome == "error":
            print(f"storyline: {result.line()}", file=sys.stderr, flush=True)

    every = _duration(args.every) if args.every else None
    rounds = 0

    def on_round(results: list[Any]) -> None:
        nonlocal rounds
        rounds += 1
        if not args.quiet:
            wait = every if every is not None else api.load_options().watch_every
            upcoming = (datetime.now() + timedelta(seconds=wait)).strftime("%H:%M:%S")
            print(f"storyline: round {rounds}: {len(results)} sources, {sum(r.new for r in results)} new items, "
                  f"{sum(r.outcome == 'error' for r in results)} errors; next round at {upcoming} (Ctrl-C stops)",
                  file=sys.stderr, flush=True)

    try:
        _, skipped = api.watch(args.sources, db=args.db, every=every, once=args.once, on_poll=on_poll, stop=stop,
                               on_round=on_round)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _report_skipped(skipped)
    return EXIT_SOME_SKIPPED if failed or skipped else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    if args.command != "serve":  # the server has its own graceful shutdown
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run(args)
    except StorylineError as error:
        print(f"storyline: {error}", file=sys.stderr)
        return EXIT_NOTHING
    except KeyboardInterrupt:
        # every write is one transaction, rolled back here if it was open: what is stored is whole
        print("storyline: interrupted; stored work is kept, run the same command again to finish it",
              file=sys.stderr)
        return 130


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM stops like Ctrl-C: at the current statement, with the open transaction rolled back."""
    raise KeyboardInterrupt


def _run(args: argparse.Namespace) -> int:
    if args.command == "analyze":
        with _progress(args.quiet) as progress:
            analysis = api.analyze(args.inputs, db=args.db, stdin=sys.stdin.buffer, progress=progress,
                                   options=_options(args))
        _report_skipped(analysis.skipped)
        for output in args.output or [None]:
            _write(api.render(analysis, _format_for(args.format, output)), output)
            if output and not args.quiet:
                print(f"storyline: wrote {output}", file=sys.stderr)
        return _exit_code(len(analysis.articles), len(analysis.skipped))
    if args.command == "ingest":
        with _progress(args.quiet) as progress:
            report = api.ingest(args.inputs, db=args.db, stdin=sys.stdin.buffer, progress=progress,
                                options=_options(args))
        _report_skipped(report.skipped)
        if not args.quiet:
            print(f"storyline: {len(report.added)} added, {len(report.unchanged)} unchanged, "
                  f"{len(report.skipped)} skipped; stories touched: {', '.join(report.stories_touched) or 'none'}",
                  file=sys.stderr)
        return _exit_code(len(report.added) + len(report.unchanged), len(report.skipped))
    if args.command == "stories":
        if args.since:
            since = datetime.now(UTC) - timedelta(seconds=_duration(args.since))
            for row, at in api.changed_stories(args.db, since.isoformat(timespec="seconds")):
                print(f"{row.id}\t{row.size} articles\tchanged {at}\t{row.title}")
            return EXIT_OK
        for row in api.list_stories(args.db):
            dates = f"{row.first_date or '?'}..{row.last_date or '?'}"
            print(f"{row.id}\t{row.size} articles\t{dates}\t{row.title}")
        return EXIT_OK
    if args.command == "watch":
        return _watch(args)
    if args.command == "show":
        analysis = api.show(args.story_id, db=args.db)
        _write(api.render(analysis, args.format), args.output)
        return EXIT_OK
    if args.command == "check":
        if args.drop_builds:
            print(f"storyline: dropped {api.drop_builds(db=args.db)} story builds", file=sys.stderr)
        result = api.check(db=args.db, repair=not args.no_repair)
        for problem in result.problems:
            print(f"storyline: problem: {problem}", file=sys.stderr)
        for done in result.repaired:
            print(f"storyline: repaired: {done}", file=sys.stderr)
        print(f"storyline: {result.articles} articles, {result.stories} stories; "
              + ("ok" if result.ok else "problems remain"), file=sys.stderr)
        return EXIT_OK if result.ok else EXIT_SOME_SKIPPED
    if args.command == "serve":
        from .settings import load_options
        from .web import check_bind, serve
        from .web.guard import new_token

        options = load_options(token=new_token() if args.token == "auto" else args.token)
        check_bind(args.host, options.token)
        where = f"http://{args.host}:{args.port}/" + (f"?token={options.token}" if options.token else "")
        print(f"storyline: serving {args.db} on {where}", file=sys.stderr)
        serve(db=args.db, host=args.host, port=args.port, options=options, watch=args.watch)
        return EXIT_OK
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
