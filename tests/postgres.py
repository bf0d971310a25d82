"""A real, throwaway PostgreSQL server for the tests: Debian's postgresql binaries, a temporary data
directory, a free loopback port; started once per test session, each test gets a new database.

`make test` installs the postgresql package when it is missing (as root, with apt). Where it cannot
run (no binaries, or not root and no way to run initdb) the PostgreSQL half of the store tests is
skipped with the reason; STORYLINE_TEST_PG_URL points the tests at an existing server instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        bindir = _bin_dir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found: install Debian's postgresql package "
                               "(as root: apt-get install postgresql; `make test` does it)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres user
            if shutil.which("runuser") is None:
                raise RuntimeError("running as root and runuser is missing: cannot start PostgreSQL as postgres")
            shutil.chown(self.root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run(str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run(str(bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")
        # pg_ctl leaves the server running on its own: a watchdog stops it if this test run dies unfinished
        stop = " ".join([*self.as_user, str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        self.watchdog = subprocess.Popen(
            ["sh", "-c", f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; {stop} >/dev/null 2>&1;"
                         f" rm -rf {self.root}"], start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self._names = itertools.count(1)

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self.as_user, *argv], capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode:
            log = self.root / "log"
            raise RuntimeError(f"{' '.join(argv[:2])} failed: {done.stderr.strip()[-800:]}"
                               + (log.read_text()[-800:] if log.exists() else ""))

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        self.watchdog.kill()
        self.watchdog.wait()
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)


class ExistingServer:
    """STORYLINE_TEST_PG_URL: a server someone else runs; each test gets a database made there."""

    def __init__(self, url: str) -> None:
        self.base = url
        self._names = itertools.count(1)

    def new_database(self) -> str:
        import psycopg

        name = f"storyline_t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.base.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        pass


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | ExistingServer]:
    given = os.environ.get("STORYLINE_TEST_PG_URL")
    if given:
        yield ExistingServer(given)
        return
    try:
        server = PostgresServer()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"PostgreSQL half skipped: cannot start a throwaway server here ({exc})")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server: PostgresServer | ExistingServer) -> str:
    """A new, empty PostgreSQL database on the throwaway server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against a SQLite file and a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))
