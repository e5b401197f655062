"""Running tasks over worker processes that may hang or die, without losing the other tasks.

    results = run_tasks(tasks, work, jobs=2, timeout=300, on_lost=failed, on_done=tick)

Each worker is a process with its own pipe; the parent sends it one task index at a time and
waits on the pipes and the processes together. A task whose worker dies, or that runs longer
than `timeout` seconds (its worker is killed), gets `on_lost(task, Lost(...))` as its result;
a new worker takes the dead one's place. Workers ignore Ctrl-C and end with their parent.
On Ctrl-C the parent kills every worker and raises `Interrupted` with what was finished.
(`concurrent.futures.ProcessPoolExecutor` fails every task when one worker dies, and
`multiprocessing.Pool` waits forever for a dead worker's task.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Optional, Sequence

from .errors import ReportError

#: how often a worker checks that its parent is still there (seconds)
WATCH_INTERVAL = 0.5
#: the memory a worker may take beyond what it starts with (Linux): reading one file never
#: needs more, and a hostile one (a PDF's inflating stream, a workbook's sheet laid out whole)
#: ends that worker, not the machine
WORKER_MEMORY = 1536 * 1024 * 1024
#: True in a worker: its memory is limited, so `bounded` work runs in it directly
IN_WORKER = False
#: how long a worker may take to end once its pipe is closed (seconds)
EXIT_GRACE = 5.0


class Interrupted(ReportError):
    """Ctrl-C stopped the tasks: `finished` holds the results finished so far, in task order."""

    def __init__(self, finished: list, total: int):
        self.finished = finished
        self.total = total
        super().__init__(f"已中断：已完成 {len(finished)} 个，未完成 {total - len(finished)} 个")


@dataclass(frozen=True)
class Lost:
    """Why a task has no result of its own: it ran out of time, or its worker died."""

    timed_out: bool
    #: the worker's exit code (-N: ended by signal N); None when it was killed for its time
    exitcode: Optional[int] = None


def context():
    """Fork where available: workers inherit what the parent has compiled."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


def _watch_parent(parent: int) -> None:
    """End this worker as soon as its parent is gone (killed, or ended without closing up)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the watchdog thread below still ends the worker

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def limit_memory(extra: int = WORKER_MEMORY) -> None:
    """Let this process take at most `extra` bytes more address space (Linux; elsewhere the
    time limits alone bound the work)."""
    try:
        import resource
        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)  # the soft limit only: a program it runs may lift it
        resource.setrlimit(resource.RLIMIT_AS, (used + extra, hard))
    except (ImportError, OSError, ValueError):
        pass


def unlimited() -> None:
    """In a program a worker runs (LibreOffice): lift the worker's soft memory limit."""
    try:
        import resource
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, OSError, ValueError):
        pass


def _quiet() -> None:
    """A worker writes nothing to the terminal: its results go through its pipe, and what a
    library prints when it runs out of memory (a Rust backtrace) is not for the user."""
    try:
        import faulthandler
        faulthandler.disable()  # a test runner's, which writes elsewhere than fd 2
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def run_program(args: list[str], timeout: float, **options: Any) -> subprocess.CompletedProcess:
    """`subprocess.run(args, capture_output=True, …)` in a process group of its own, and on
    timeout the whole group killed: LibreOffice's `soffice` starts `soffice.bin`, which a
    plain kill of `soffice` would leave running (and eating memory) after we gave up."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=os.name == "posix", **options) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if os.name == "posix":
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def bounded(work: Callable[[Any], Any], arg: Any, timeout: float, lost: Callable[[Lost], Any]) -> Any:
    """`work(arg)` in a worker process whose memory is limited and which is stopped after
    `timeout` seconds (`lost(why)` is then the result); run directly in a worker already."""
    if IN_WORKER:
        return work(arg)
    return run_tasks([arg], work, 1, timeout, lambda _task, why: lost(why))[0]


def _serve(conn, work: Callable, tasks: Sequence, parent: int, inherited: list) -> None:
    """A worker: run the task whose index arrives, send back (index, result); end on EOF."""
    global IN_WORKER
    IN_WORKER = True
    limit_memory()
    _quiet()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _unblock_sigint()
    for other in inherited:  # the parent's ends of the pipes: EOF must mean the parent is gone
        other.close()
    _watch_parent(parent)
    while True:
        try:
            index = conn.recv()
        except (EOFError, OSError):
            break
        if index is None:
            break
        result = work(tasks[index])
        try:
            conn.send((index, result))
        except OSError:
            break
    conn.close()


def _block_sigint() -> bool:
    """Block Ctrl-C while forking, so that no worker dies of it before it ignores it."""
    if not hasattr(signal, "pthread_sigmask"):
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    return True


def _unblock_sigint() -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _Worker:
    """One worker process, its pipe, and the task it is running (None when idle)."""

    def __init__(self, ctx, work: Callable, tasks: Sequence, others: list["_Worker"]):
        self.conn, self._child = ctx.Pipe()
        forked = ctx.get_start_method() == "fork"
        inherited = [self.conn, *(w.conn for w in others)] if forked else []
        self.process = ctx.Process(target=_serve, args=(self._child, work, tasks, os.getpid(), inherited),
                                   name="xxgk-report-worker", daemon=True)
        self.task: Optional[int] = None
        self.started = 0.0

    def start(self) -> None:
        blocked = _block_sigint()
        try:
            self.process.start()
        finally:
            self._child.close()
            if blocked:
                _unblock_sigint()

    def give(self, index: int) -> None:
        self.conn.send(index)
        self.task, self.started = index, time.monotonic()


def _stop(workers: list[_Worker], kill: bool) -> None:
    """End the workers (at once when `kill`, else once they have read EOF) and reap them."""
    for worker in workers:
        worker.conn.close()
        worker._child.close()
        if kill and worker.process.is_alive():
            worker.process.kill()
    for worker in workers:
        if worker.process.pid is None:
            continue  # never started
        worker.process.join(None if kill else EXIT_GRACE)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()


def run_tasks(tasks: Sequence, work: Callable[[Any], Any], jobs: int, timeout: float,
              on_lost: Callable[[Any, Lost], Any], on_done: Optional[Callable[[Any], None]] = None) -> list:
    """`work(task)` for every task over `jobs` worker processes; the results in task order."""
    ctx, results, pending = context(), {}, deque(range(len(tasks)))
    workers: list[_Worker] = []
    try:
        while len(results) < len(tasks):
            while pending and len(workers) < jobs:
                workers.append(_Worker(ctx, work, tasks, workers))
                workers[-1].start()
            for worker in workers:
                if worker.task is None and pending:
                    worker.give(pending.popleft())
            for worker, result in _next_results(workers, tasks, timeout, on_lost):
                results[worker.task] = result
                worker.task = None
                if on_done:
                    on_done(result)
            gone = [w for w in workers if w.task is None and not w.process.is_alive()]
            _stop(gone, kill=True)
            workers = [w for w in workers if w not in gone]
        _stop(workers, kill=False)
    except KeyboardInterrupt:
        _stop(workers, kill=True)
        raise Interrupted([results[i] for i in sorted(results)], len(tasks)) from None
    finally:
        _stop(workers, kill=True)  # idempotent: only does something when another error got here
    return [results[i] for i in range(len(tasks))]


def _next_results(workers: list[_Worker], tasks: Sequence, timeout: float, on_lost: Callable) -> list:
    """Wait for a result, a dead worker or a time-out; return [(worker, result)] for each."""
    busy = [w for w in workers if w.task is not None]
    remaining = min(w.started for w in busy) + timeout - time.monotonic()
    ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], min(max(0.0, remaining), 60.0)))
    done, now = [], time.monotonic()
    for worker in busy:
        if worker.conn in ready or worker.process.sentinel in ready:
            try:
                if worker.conn.poll():
                    index, result = worker.conn.recv()
                    if index == worker.task:
                        done.append((worker, result))
                        continue
            except Exception:  # noqa: BLE001 (EOF, or a message cut short by the worker's death)
                pass
            _stop([worker], kill=True)
            done.append((worker, on_lost(tasks[worker.task], Lost(False, worker.process.exitcode))))
        elif now - worker.started >= timeout:
            _stop([worker], kill=True)
            done.append((worker, on_lost(tasks[worker.task], Lost(True))))
    return done
