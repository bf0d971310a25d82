"""Shared bench helpers: a corpus of real texts replicated to volume, and runs in fresh processes."""

from __future__ import annotations

import csv
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def real_texts() -> list[str]:
    """Every real article text in ../shared: ECB+ documents, paris-summit, extraction ground truth."""
    out = []
    ecb = SHARED / "corpus" / "ecbplus-dev"
    for row in csv.DictReader((ecb / "labels.csv").open()):
        out.append((ecb / row["file"]).read_text())
    out += [p.read_text() for p in sorted((SHARED / "corpus" / "paris-summit").glob("0*.txt"))]
    truth = json.loads((SHARED / "corpus" / "article-extraction" / "ground-truth.json").read_text())
    out += [v["articleBody"] for v in truth.values() if v["articleBody"].strip()]
    return out


def real_pages() -> list[str]:
    folder = SHARED / "corpus" / "article-extraction" / "html"
    return [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(folder.glob("*.html.gz"))]


def replicate(items: list[str], n: int) -> list[str]:
    """n items cycling through the real ones; a suffix keeps copies distinct (no free dedup)."""
    return [items[i % len(items)] + ("" if i < len(items) else f"\n\nCopy {i}.") for i in range(n)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """Peak resident memory and CPU time of this process and every process under it (worker pools, Ray
    actors), sampled. CPU seconds barely move when other jobs share the machine; wall seconds do."""

    def __init__(self, every: float = 0.1) -> None:
        import os
        import threading

        self.peak_kb = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb / 1024, peak_rss_mb())

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self._sample()

    def _sample(self) -> None:
        rss, cpu = _tree(self._pid)
        self.peak_kb = max(self.peak_kb, rss)
        self._cpu.update(cpu)


def _tree(root: int) -> tuple[int, dict[int, float]]:
    import os

    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(stat[1]), []).append(pid)
        rss[pid] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        cpu[pid] = (int(stat[11]) + int(stat[12])) / tick  # utime + stime
    total, seen, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        seen[pid] = cpu.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total, seen


def run_isolated(script: Path, *args: str) -> dict:
    """Run one variant in its own process so its peak memory is its own."""
    out = subprocess.run([sys.executable, str(script), "--variant", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(function, items) -> float:
    started = time.perf_counter()
    function(items)
    return time.perf_counter() - started


class KeptPostgres:
    """A PostgreSQL server whose data directory outlives the run (a bench resumes a store grown before):
    Debian's binaries, started as tests/postgres.py starts its throwaway one (fsync off, a free port),
    stopped, not removed, when the process that started it ends."""

    def __init__(self, root: Path) -> None:
        import os
        import shutil

        from tests.postgres import _bin_dir, _free_port

        bindir = _bin_dir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found: install Debian's postgresql package")
        self.bindir, self.root, self.data, self.port = bindir, root, root / "data", _free_port()
        self.as_user: list[str] = []
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        if not (self.data / "PG_VERSION").exists():
            self._run(str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--no-sync", "--no-instructions")
        options = (f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off")
        self._run(str(bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(root / "log"), "-w",
                  "-t", "120", "start")
        stop = " ".join([*self.as_user, str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"])
        self.watchdog = subprocess.Popen(
            ["sh", "-c", f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; {stop} >/dev/null 2>&1"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self.as_user, *argv], capture_output=True, text=True, timeout=180, cwd=self.root)
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv[:2])} failed: {done.stderr.strip()[-800:]}")

    def database(self, name: str) -> str:
        """The URL of a database on this server, made when missing."""
        import psycopg

        base = f"postgresql://postgres@127.0.0.1:{self.port}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f"CREATE DATABASE {name}")
        return f"{base}/{name}"

    def stop(self) -> None:
        self.watchdog.kill()
        self.watchdog.wait()
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                       capture_output=True, timeout=120, cwd=self.root)
