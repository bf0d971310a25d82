"""The JSON contract on a public corpus never seen by the rules: `storyline analyze` on ECB+ dev validates."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest

from .conftest import SHARED, needs_shared
from .test_cli import check_references

ECB = SHARED / "corpus" / "ecbplus-dev"
pytestmark = pytest.mark.slow


@needs_shared(ECB)
def test_ecbplus_dev_analysis_validates_against_the_schema(schema, tmp_path):
    out = tmp_path / "ecb.json"
    result = subprocess.run([sys.executable, "-m", "storyline.cli", "analyze", str(ECB), "-o", str(out)],
                            capture_output=True, timeout=1800)
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema)
    check_references(doc)
    assert len(doc["articles"]) >= 190
    events = [e for s in doc["stories"] for e in s["events"]]
    assert events, "ECB+ reports dated events; an empty timeline means dating broke"
    shapes = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    for e in events:
        assert re.fullmatch(shapes[e["precision"]], e["date"]), e
