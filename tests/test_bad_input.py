"""Hostile and broken inputs: huge texts, deep JSON, formats dressed as text, web bodies past the cap, and
failures inside one article or one story. Each must cost only itself, with a coded reason, never the batch."""

from __future__ import annotations

import gzip
import importlib
import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storyline
from storyline import align, summarize
from storyline.analyze import analyze_articles, parts
from storyline.analyze.dates import find_dates
from storyline.ingest import read_inputs
from storyline.ingest.files import read_named_bytes
from storyline.ingest.records import json_depth
from storyline.model import Article, ClaimMention, DateMention
from storyline.settings import Options

from .conftest import EXAMPLES
from .test_web import server, wait_job  # noqa: F401  (the shared real server process)

GOOD = sorted(p for p in EXAMPLES.iterdir() if p.suffix != ".xml")[:5]
DEEP = "[" * 100_000 + "]" * 100_000
LIMIT_2GB = 2_000_000_000


def example_text() -> str:
    """Real prose (the bundled articles), one paragraph per line."""
    return "\n\n".join(p.read_text() for p in sorted(EXAMPLES.glob("*.txt")))


def run_measured(args: list[str], cwd: Path) -> tuple[int, str, int]:
    """A real `storyline` process: exit code, stderr, and its own peak resident memory in bytes."""
    process = subprocess.Popen([sys.executable, "-m", "storyline.cli", *args], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr, usage.ru_maxrss * 1024


# --- size: texts past the parser's limit, single-line megabytes --------------------------------------

def test_parts_cut_at_sentence_ends_and_cover_the_text():
    text = example_text() * 3
    pieces = parts(text, 2_000)
    assert "".join(p for _, p in pieces) == text and len(pieces) > 5
    assert all(len(p) <= 2_000 for _, p in pieces)
    assert all(text[o - 2:o].rstrip(" \n")[-1:] in '.!?"”’)' for o, _ in pieces[1:]), "a cut inside a sentence"
    assert [len(p) for _, p in parts("x" * 250, 100)] == [100, 100, 50]  # no space at all: a hard cut


@pytest.mark.slow
def test_a_long_text_analysed_in_parts_keeps_its_offsets_and_findings():
    nlp = storyline.nlp.load(Options().spacy_model)
    text = example_text() * 2
    article = Article(id="long", path="long.txt", outlet=None, title=None, author=None, published="2025-10-14",
                      text=text, removed=(), origin="long", content_hash="x")
    whole = analyze_articles([article], nlp, part_chars=len(text))[0]
    split = analyze_articles([article], nlp, part_chars=3_000)[0]
    for name in ("claims", "mentions", "quotes"):  # the same spans at the same offsets into the whole text
        one, parted = set(getattr(whole, name)), set(getattr(split, name))
        assert len(one & parted) >= 0.9 * len(one) and len(parted) >= 0.9 * len(one), name
    assert split.claims[-1].start > len(text) - 3_000  # the last part was analysed too


@pytest.mark.slow
def test_a_text_longer_than_the_parser_allows_is_analysed_not_a_traceback(tmp_path):
    """spaCy raises E088 on a text over nlp.max_length (the 6 MB text's traceback): parts stay under it."""
    nlp = storyline.nlp.load(Options().spacy_model)
    text = example_text()
    (tmp_path / "long.txt").write_text(text)
    saved = nlp.max_length
    nlp.max_length = len(text) // 3
    try:
        result = storyline.analyze([str(tmp_path / "long.txt")])
    finally:
        nlp.max_length = saved
    assert result.skipped == () and len(result.articles) == 1
    assert result.articles[0].claims[-1].start > len(text) * 2 // 3


@pytest.mark.slow
def test_megabytes_on_one_line_are_skipped_with_their_code_in_bounded_memory(tmp_path):
    """4.9 MB on one line took more than 9 GB; now texts past max_article_chars are skipped, the rest kept."""
    line = " ".join(example_text().split())
    peaks = {}
    for megabytes in (5, 20):
        folder = tmp_path / f"in{megabytes}"
        folder.mkdir()
        data = ((line + " ") * (megabytes * 1_000_000 // len(line) + 1)).encode()
        (folder / "huge.txt").write_bytes(data[:megabytes * 1_000_000 - 50_000].decode(errors="ignore").encode())
        (folder / "good.txt").write_text((EXAMPLES / "01-northgate-wire.txt").read_text())
        code, stderr, peaks[megabytes] = run_measured(["analyze", str(folder), "-o", str(folder / "out.json")],
                                                      tmp_path)
        assert code == 1, stderr
        assert "[SL116]" in stderr and "huge.txt" in stderr and "Traceback" not in stderr
        out = json.loads((folder / "out.json").read_text())
        assert len(out["articles"]) == 1 and out["skipped"][0]["code"] == "SL116"
        assert peaks[megabytes] < LIMIT_2GB, peaks
    print(f"peak RSS: 5 MB input {peaks[5] / 1e6:.0f} MB, 20 MB input {peaks[20] / 1e6:.0f} MB")


# --- nesting ----------------------------------------------------------------------------------------

def test_json_depth_is_counted_without_recursion():
    assert json_depth('{"a": [1, {"b": "[[[{{"}]}') == 3
    assert json_depth(DEEP) == 100_000


@pytest.mark.slow
def test_deep_json_is_skipped_and_the_good_files_beside_it_are_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in GOOD:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "deep.json").write_text(DEEP)
    (folder / "deep.jsonl").write_text(json.dumps({"text": "A short line."}) + "\n" + DEEP + "\n")
    expected = len(read_inputs([str(p) for p in GOOD], Options())[0])
    report = storyline.api.ingest([str(folder)], db=str(tmp_path / "s.db"))
    codes = {(Path(s.path).name, s.code) for s in report.skipped}
    assert ("deep.json", "SL112") in codes and ("deep.jsonl", "SL112") in codes
    assert len(report.added) == expected + 1 and expected >= 5  # the good line beside the deep one too


def test_deep_json_in_the_web_api_is_a_json_error(server):  # noqa: F811
    response = httpx.post(server + "/api/articles", content=DEEP.encode(),
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "SL112"


# --- formats dressed as text ------------------------------------------------------------------------

MINIMAL_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj
4 0 obj << /Length 60 >> stream
BT /F1 12 Tf 72 712 Td (The council approved the budget on Monday.) Tj ET
endstream endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def test_pdf_office_and_images_dressed_as_text_are_refused(tmp_path):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document>The council approved the budget.</w:document>")
    (tmp_path / "report.txt").write_bytes(MINIMAL_PDF)
    (tmp_path / "letter.txt").write_bytes(docx.getvalue())
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"IHDR" + b"text " * 100)
    (tmp_path / "real.txt").write_text("The council approved the budget on Monday, the mayor said.")
    docs, skipped = read_inputs([str(tmp_path)], Options())
    assert [Path(d.path).name for d in docs] == ["real.txt"]
    reasons = {Path(s.path).name: (s.code, s.reason) for s in skipped}
    assert reasons["report.txt"][0] == "SL113" and "PDF" in reasons["report.txt"][1]
    assert reasons["letter.txt"][0] == "SL113" and "ZIP" in reasons["letter.txt"][1]
    assert reasons["photo.html"][0] == "SL113"


def test_gz_is_read_by_name_and_by_content():
    text = (EXAMPLES / "01-northgate-wire.txt").read_bytes()
    docs, _ = read_named_bytes("a.txt.gz", "a.txt.gz", gzip.compress(text), Options())
    assert docs[0].text.strip() == text.decode().strip()
    docs, _ = read_named_bytes("-", "-", gzip.compress(text), Options())  # stdin or a URL body
    assert docs[0].text.strip() == text.decode().strip()


# --- the web app's bodies ---------------------------------------------------------------------------

def test_gz_uploads_are_read_as_on_the_cli_and_bombs_are_capped(server):  # noqa: F811
    text = b"Engineers restored power to the Harlow valley on Thursday after a storm cut three lines, the utility said."
    files = [("files", ("harlow.txt.gz", gzip.compress(text))),
             ("files", ("bomb.txt.gz", gzip.compress(b"a " * 15_000_000)))]  # 30 MB inside: max_file_bytes
    state = wait_job(server, httpx.post(server + "/api/upload", files=files).json()["job"])
    assert len(state["added"]) == 1 and state["skipped"][0]["code"] == "SL105", state
    article = httpx.get(f"{server}/api/articles/{state['added'][0]}").json()["article"]
    assert "Harlow valley" in article["text"]


def _server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"--port\0{port}\0" in (entry / "cmdline").read_text() + "\0":
                return int(entry.name)
        except OSError:
            continue
    raise AssertionError("server process not found")


def _rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) * 1024


def test_chunked_bodies_past_the_cap_are_cut_off_without_buffering(server):  # noqa: F811
    pid = _server_pid(server)
    before = _rss(pid)
    boundary = "b0undary"

    def multipart():  # 40 MB in 64 kB chunks, no Content-Length (chunked transfer)
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'.encode()
        for _ in range(640):
            yield b"word " * 13_107
        yield f"\r\n--{boundary}--\r\n".encode()

    def chunked_json():
        yield b'{"text": "'
        for _ in range(640):
            yield b"word " * 13_107
        yield b'"}'

    for path, body, kind in (("/api/upload", multipart, f"multipart/form-data; boundary={boundary}"),
                             ("/api/articles", chunked_json, "application/json"),
                             ("/add", multipart, f"multipart/form-data; boundary={boundary}")):
        try:
            response = httpx.post(server + path, content=body(), headers={"Content-Type": kind}, timeout=60)
        except httpx.TransportError:  # the server may close the connection once it has answered
            continue
        assert response.status_code == 413, (path, response.text[:200])
        assert response.json()["error"]["code"] == "SL105"
    assert _rss(pid) - before < 30_000_000, (before, _rss(pid))
    assert httpx.get(server + "/api/stories", timeout=5).status_code == 200


def test_pasted_text_is_capped_where_the_form_says(tmp_path):
    from .test_security import running

    with running(["serve", "--db", str(tmp_path / "p.db")], env={"STORYLINE_MAX_UPLOAD_BYTES": "3000000"}) as base:
        assert "3,000,000 bytes" in httpx.get(base + "/add").text
        pasted = "The river rose again overnight. " * 37_500  # 1.2 MB: over Starlette's 1 MB field default
        response = httpx.post(base + "/api/upload", data={"text": pasted})
        assert response.status_code == 202, response.text
        state = wait_job(base, response.json()["job"])
        assert state["skipped"][0]["code"] == "SL116"  # read in full, then too long to be one article
        over = httpx.post(base + "/api/upload", data={"text": "x" * 3_100_000})
        assert over.status_code == 413 and over.json()["error"]["code"] == "SL105"


# --- failure isolation ------------------------------------------------------------------------------

@pytest.mark.slow
def test_one_article_whose_analysis_raises_is_skipped_and_the_rest_analysed(tmp_path, monkeypatch, caplog):
    analyze = importlib.import_module("storyline.analyze")  # the package, not storyline.analyze() the function
    real = analyze.extract_claims

    def flaky(doc, quotes):
        if "POISON" in doc.text:
            raise RuntimeError("claim extraction blew up")
        return real(doc, quotes)

    monkeypatch.setattr(analyze, "extract_claims", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    for path in GOOD:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "poison.txt").write_text("The POISON mayor said on Monday that the bridge will close for a month.")
    with caplog.at_level(logging.ERROR, logger="storyline.pipeline"):
        result = storyline.analyze([str(folder)])
    failed = [s for s in result.skipped if s.code == "SL114"]
    assert len(failed) == 1 and failed[0].path.endswith("poison.txt")
    assert len(result.articles) == len(read_inputs([str(p) for p in GOOD], Options())[0])
    assert any("poison.txt" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
def test_one_story_whose_build_raises_is_reported_and_the_rest_written(tmp_path):
    """A real `storyline analyze` run where one story's timeline raises (as `2019-WI` did in _within)."""
    inject = (
        "import sys, storyline.summarize as s\n"
        "real = s.timeline\n"
        "def timeline(articles, claims):\n"
        "    if len(articles) > 1:\n"
        "        raise ValueError(\"invalid literal for int() with base 10: 'I'\")\n"
        "    return real(articles, claims)\n"
        "s.timeline = timeline\n"
        "from storyline.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    out = tmp_path / "out.json"
    run = subprocess.run([sys.executable, "-c", inject, "analyze", str(EXAMPLES), "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    result = json.loads(out.read_text())
    failed = [s for s in result["skipped"] if s["code"] == "SL501"]
    assert len(failed) == 1 and failed[0]["path"].startswith("story ") and "ValueError" in failed[0]["reason"]
    assert len(result["stories"]) == 1 and len(result["stories"][0]["article_ids"]) == 1
    assert "[SL501]" in run.stderr and "Traceback" not in run.stderr.split("storyline: skipped")[-1]


# --- properties: arbitrary TIMEX3 values and texts never raise -----------------------------------------

TIMEX = st.one_of(
    st.from_regex(r"\A(1[0-9]|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?\Z"),
    st.from_regex(r"\A\d{4}-(W\d{1,2}|W[A-Z]{1,2}|WI|WE|SU|SP|FA|WXX|Q[1-4]|H[12])(-\d)?\Z"),
    st.from_regex(r"\A(PRESENT_REF|PAST_REF|FUTURE_REF|XXXX-XX-\d\d|\d{3}X|\d\dXX|P\d+[DWMY]|T\d\d:\d\d)\Z"),
    st.text(max_size=12),
)
DATE_WORDS = st.sampled_from(["on Monday", "last week", "in 2019", "the winter of 2019", "Q3 2020", "12/31/1999",
                              "February 30", "week 53 of 2020", "2019-WI", "the 1990s", "tomorrow", "31 June",
                              "0000-00-00", "9999-12-31", "next spring", "3 p.m.", "mid-2021", "FY2022"])
SENTENCE = st.lists(st.one_of(DATE_WORDS, st.text(min_size=1, max_size=10)), max_size=12).map(" ".join)
PUBLISHED = st.one_of(st.none(), st.dates().map(str), st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"), st.text(max_size=10))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=SENTENCE, published=PUBLISHED)
def test_the_date_normaliser_never_raises(text, published):
    for mention in find_dates(text, published):
        assert 0 <= mention.start <= mention.end <= len(text)


def _article(number: int, text: str, values: list[str], numbers: tuple[str, ...] = ()) -> Article:
    claim = ClaimMention(text=text, start=0, end=len(text), numbers=numbers)
    dates = tuple(DateMention(text=v, value=v, type="DATE", start=0, end=min(1, len(text))) for v in values)
    return Article(id=f"a{number}", path=f"a{number}.txt", outlet=f"Outlet {number}", title=None, author=None,
                   published=None, text=text, removed=(), origin=f"a{number}", content_hash=str(number),
                   dates=dates, claims=(claim,) if text else ())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.tuples(SENTENCE, st.lists(TIMEX, max_size=4)), min_size=1, max_size=5))
def test_the_timeline_merge_never_raises(items):
    articles = [_article(i, text.strip() or "x", values) for i, (text, values) in enumerate(items)]
    vectors = {a.id: np.ones((len(a.claims), 8), dtype=np.float32) for a in articles}  # all claims one group
    claims = align.align(articles, vectors, Options())
    for event in summarize.timeline(articles, claims):
        assert event.article_ids


NUMBER = st.one_of(st.from_regex(r"\A[$€£]?\d{1,3}(,\d{3})*(\.\d+)?( ?(%|percent|million|billion))?( \w{1,8})?\Z"),
                   st.text(max_size=8))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.tuples(SENTENCE, st.lists(NUMBER, max_size=3), st.integers(0, 3)), min_size=1, max_size=6))
def test_the_claim_aligner_never_raises(items):
    articles = [_article(i, text.strip() or "x", [], tuple(numbers)) for i, (text, numbers, _) in enumerate(items)]
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(4, 16)).astype(np.float32)
    vectors = {a.id: basis[[k]] / np.linalg.norm(basis[k]) for a, (_, _, k) in zip(articles, items)}
    claims = align.align(articles, vectors, Options())
    assert {c.status for c in claims} <= {"corroborated", "single_source", "disputed"}
    assert sorted(a for c in claims for a in c.article_ids) == sorted(a.id for a in articles if a.claims)
