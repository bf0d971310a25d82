from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
PARIS = SHARED / "corpus" / "paris-summit"
SCHEMA = SHARED / "contracts" / "analysis-v1.schema.json"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present (../shared is beside the repo in CI)")


@pytest.fixture(scope="session")
def schema() -> dict:
    if not SCHEMA.exists():
        pytest.skip("analysis-v1 schema not present")
    return json.loads(SCHEMA.read_text())


@pytest.fixture(scope="session")
def example_analysis():
    import storyline

    return storyline.analyze([str(EXAMPLES)])


@pytest.fixture(scope="session")
def paris_analysis():
    if not PARIS.exists():
        pytest.skip("paris-summit corpus not present")
    import storyline

    files = sorted(str(p) for p in PARIS.glob("0*.txt"))
    return storyline.analyze(files)


# A throwaway PostgreSQL server (session) and db_url, parametrised over SQLite and PostgreSQL.
from tests.postgres import db_url, pg_url, postgres_server  # noqa: E402,F401
