"""Where per-article work runs: in this process, on local worker processes, or on Ray actors.

The pipeline hands an engine a task (a top-level function of options and one item) and a list of items;
the engine returns the results in input order, whatever ran them. Every worker loads the models once and
keeps them. Work is cut into fixed chunks of articles whatever the engine, so embedding batches (and hence
the int8 model's vectors, whose quantisation depends on the batch) are the same on one core, two, or a cluster.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from .errors import SettingError
from .settings import Options

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
Task = Callable[[Options, Any], Any]

# Articles per parse task and per embedding task. Fixed (not derived from the worker count) so results
# never depend on the engine; measured on ecbplus-dev: small parse chunks balance two workers, larger
# embedding chunks keep ONNX batches full.
PARSE_CHUNK = 4
EMBED_CHUNK = 16
# Below this many items a pool costs more to start than it saves.
MIN_PARALLEL_ITEMS = 8


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


class Engine(Protocol):
    workers: int

    def map(self, task: Task, items: Sequence[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


def worker_threads(workers: int) -> int:
    """Intra-op threads for ONNX Runtime in each of `workers` processes on this machine's cores."""
    return 0 if workers <= 1 else max(1, cores() // workers)


# ONNX Runtime intra-op threads in this process: 0 (all cores) unless this process is one of several workers.
THREADS = 0


def warm(options: Options, threads: int, parent: int | None = None) -> None:
    """Load the models a worker needs, once, before any task arrives."""
    from . import embed, nlp

    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    global THREADS
    THREADS = threads
    nlp.load(options.spacy_model)
    embed.load(options.embedding_model, THREADS)


def _exit_with(parent: int) -> None:
    """A worker ends when the process that started it is gone (killed with SIGKILL, it cannot say so):
    an orphan would keep the models in memory and the parent's stdout open, so its caller waits forever.
    A killed parent stays a zombie until its own caller reaps it, so "gone" includes that state."""
    spawner = os.getppid()  # the forkserver: it exits with the parent, and then this worker is re-parented
    while True:
        time.sleep(1.0)
        if os.getppid() != spawner or not _alive(parent):
            os._exit(1)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (not Linux): ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class InProcess:
    """Everything in the calling process: the reference every other engine must equal."""

    workers = 1

    def __init__(self, options: Options) -> None:
        self.options = options

    def map(self, task: Task, items: Sequence[Any]) -> Iterator[Any]:
        for item in items:
            yield task(self.options, item)

    def close(self) -> None:
        pass


def _run(task: Task, options: Options, item: Any) -> Any:
    return task(options, item)


class LocalPool:
    """Worker processes on this machine (forkserver: no models or threads inherited from the parent)."""

    def __init__(self, options: Options, workers: int) -> None:
        self.options = options
        self.workers = workers
        self.inline = InProcess(options)
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["storyline.engine", "storyline.analyze", "spacy"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=warm,
                                             initargs=(self.options, worker_threads(self.workers), os.getpid()))
            log.info("engine: %d local worker processes", self.workers)
        return self._pool

    def map(self, task: Task, items: Sequence[Any]) -> Iterator[Any]:
        if len(items) < MIN_PARALLEL_ITEMS and self._pool is None:
            return self.inline.map(task, items)
        pool = self._start()
        return self._in_order(task, items, [pool.submit(_run, task, self.options, item) for item in items])

    def _in_order(self, task: Task, items: Sequence[Any], futures: list[Future[Any]]) -> Iterator[Any]:
        for item, future in zip(items, futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                # a worker died (killed, out of memory): what is left runs here, nothing is lost
                if self._pool is not None:
                    log.warning("engine: a worker process died; the remaining work runs in this process")
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
                yield task(self.options, item)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class RayEngine:
    """Ray actors, one per CPU of the cluster (RAY_ADDRESS) or of a local instance started for the run."""

    def __init__(self, options: Options, workers: int) -> None:
        try:
            import ray
        except ImportError as exc:
            raise SettingError("engine 'ray' needs the ray package (pip install 'ray==2.60.0')") from exc
        self.options = options
        self._started = False
        if not ray.is_initialized():
            address = os.environ.get("RAY_ADDRESS") or None
            ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
            self._started = True
        self.workers = max(1, int(ray.cluster_resources().get("CPU", workers)))
        actor = ray.remote(num_cpus=1)(_Actor)
        self._actors: list[Any] = [actor.remote(options) for _ in range(self.workers)]
        self._ray = ray
        log.info("engine: %d Ray actors", self.workers)

    def map(self, task: Task, items: Sequence[Any]) -> Iterator[Any]:
        # Tasks go to the actors in turn and are read back in input order. Not ActorPool.map: its one result
        # queue mixes up two maps in flight (the pipeline queues embeddings while parses are still running).
        refs = [self._actors[i % len(self._actors)].run.remote(task, item) for i, item in enumerate(items)]
        return (self._ray.get(ref) for ref in refs)

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()


class _Actor:
    """A Ray actor: models loaded once in __init__, then any number of tasks."""

    def __init__(self, options: Options) -> None:
        self.options = options
        warm(options, threads=1)

    def run(self, task: Task, item: Any) -> Any:
        return task(self.options, item)


def create(options: Options) -> Engine:
    """The engine the settings name; `workers` 0 means one per core, 1 means all in this process."""
    workers = options.workers or cores()
    if options.engine == "ray":
        return RayEngine(options, workers)
    if options.engine != "local":
        raise SettingError(f"setting engine: {options.engine!r} is not 'local' or 'ray'")
    return InProcess(options) if workers <= 1 else LocalPool(options, workers)
