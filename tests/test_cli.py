"""End to end through the real command: the JSON contract, exit codes, quiet pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .conftest import EXAMPLES, PARIS, needs_shared

pytestmark = pytest.mark.slow
STORYLINE = [sys.executable, "-m", "storyline.cli"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*STORYLINE, *args], input=stdin, capture_output=True, timeout=600)


def check_references(doc: dict) -> None:
    ids = {a["id"] for a in doc["articles"]}
    assert len(ids) == len(doc["articles"])
    for a in doc["articles"]:
        assert a["origin"] in ids
        for d in a["dates"]:
            assert a["text"][d["start"]:d["end"]] == d["text"]
    for s in doc["stories"]:
        entity_ids = {e["id"] for e in s["entities"]}
        claim_ids = {c["id"] for c in s["claims"]}
        referenced = set(s["article_ids"])
        referenced |= {i for e in s["entities"] for i in e["article_ids"]}
        referenced |= {q["article_id"] for q in s["quotes"]}
        referenced |= {i for x in s["events"] + s["claims"] + s["summary"] for i in x["article_ids"]}
        assert referenced <= ids
        assert {q["entity_id"] for q in s["quotes"] if q["entity_id"]} <= entity_ids
        assert {c for x in s["claims"] for c in x["conflicts_with"]} <= claim_ids
        happening_ids = {h["id"] for h in s.get("happenings", [])}  # additive: each claim reports one happening
        assert {c.get("happening") for c in s["claims"]} <= happening_ids | {None}
        assert {c for h in s.get("happenings", []) for c in h["claim_ids"]} <= claim_ids
        assert {a for h in s.get("happenings", []) for a in h["article_ids"]} <= ids


def test_examples_json_contract(schema, tmp_path):
    out = tmp_path / "a.json"
    result = run("analyze", str(EXAMPLES), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema)
    check_references(doc)
    assert doc["skipped"] == []
    fire = max(doc["stories"], key=lambda s: len(s["article_ids"]))
    assert len(fire["article_ids"]) == 6 and len(doc["stories"]) == 2
    statuses = {c["status"] for c in fire["claims"]}
    assert statuses == {"corroborated", "single_source", "disputed"}
    by_id = {a["id"]: a for a in doc["articles"]}
    courier = next(a for a in doc["articles"] if a["outlet"] == "Brackmoor Courier")
    assert by_id[courier["origin"]]["outlet"] == "Northgate Wire"


@needs_shared(PARIS)
def test_paris_summit_forms_one_story(schema):
    files = sorted(str(p) for p in PARIS.glob("0*.txt"))
    result = run("analyze", *files, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, schema)
    check_references(doc)
    assert len(doc["stories"]) == 1 and len(doc["stories"][0]["article_ids"]) == 5
    assert result.stderr == b""  # quiet in a pipe: no progress bar, no chatter


def test_exit_code_one_when_some_inputs_are_skipped(tmp_path, schema):
    (tmp_path / "empty.txt").write_text("")
    result = run("analyze", str(EXAMPLES / "01-northgate-wire.txt"), str(tmp_path / "empty.txt"),
                 str(tmp_path / "missing.txt"))
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, schema)
    assert {(Path(s["path"]).name, s["code"]) for s in doc["skipped"]} == {("empty.txt", "SL102"), ("missing.txt", "SL101")}
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("storyline: skipped [SL10") for line in lines)


def test_exit_code_two_when_nothing_could_be_read(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = run("analyze", str(tmp_path / "bin.txt"))
    assert result.returncode == 2
    assert json.loads(result.stdout)["skipped"][0]["code"] == "SL103"


def test_stdin_and_markdown():
    record = json.dumps({"id": "p1", "outlet": "Pipe Post", "published": "2025-03-03",
                         "text": "The harbour bridge reopened on Monday after three weeks of repairs, the city said."})
    result = run("analyze", "-", "--format", "md", stdin=record.encode())
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert "Pipe Post" in text and "### Briefing" in text


def test_persistent_store_ingest_show_and_reingest(tmp_path):
    db = str(tmp_path / "s.db")
    first = run("ingest", str(EXAMPLES / "01-northgate-wire.txt"), "--db", db)
    assert first.returncode == 0 and b"1 added" in first.stderr
    again = run("ingest", str(EXAMPLES / "01-northgate-wire.txt"), "--db", db)
    assert b"0 added, 1 unchanged" in again.stderr
    more = run("ingest", str(EXAMPLES / "04-radio-eastmark.html"), str(EXAMPLES / "06-brackmoor-today.xml"), "--db", db)
    assert more.returncode == 0, more.stderr.decode()
    listing = run("stories", "--db", db).stdout.decode().strip().splitlines()
    assert len(listing) == 2 and listing[0].startswith("s1\t3 articles")
    shown = run("show", "s1", "--db", db, "--format", "json")
    doc = json.loads(shown.stdout)
    assert len(doc["stories"][0]["article_ids"]) == 3
    missing = run("show", "s99", "--db", db)
    assert missing.returncode == 2 and b"[SL202]" in missing.stderr


def test_help_has_examples_on_every_command():
    for command in ("analyze", "ingest", "stories", "show"):
        out = run(command, "--help").stdout.decode()
        assert "examples:" in out and "storyline " + command in out


def test_python_dash_m_storyline_runs_the_same_command_line():
    out = subprocess.run([sys.executable, "-m", "storyline", "analyze", "--help"], capture_output=True, timeout=120)
    assert out.returncode == 0 and "storyline analyze" in out.stdout.decode()
    bad = subprocess.run([sys.executable, "-m", "storyline", "no-such-command"], capture_output=True, timeout=120)
    assert bad.returncode == 2
