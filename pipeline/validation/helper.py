"""Work done in a helper process that may die without taking the caller with it.

python-calamine ends the whole process when it cannot get memory (a Rust abort:
exit 134 and a backtrace), and the size limits cannot measure every sheet before
it is read. What could end that way runs here, in a child process: its input
goes through a pipe and its answer comes back through one (no file is written),
its error output goes nowhere, and on Linux its address space is capped, so a
workbook that asks for too much ends the child, never the command line or the web
worker that called it. The caller gets HelperDied and says it in Swedish.

The child is a fresh interpreter (not a fork of a process that may hold threads)
that finds the package the way this process found it: its module search path is
this process's, and the current folder is not added to it.
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable

from pipeline import config

# Bytes of address space in the child (Linux). The largest year measured, 1 000 000
# attendance rows, peaks at 930 MB while its 18 MB aktiviteter.xlsx is read and checked.
MEMORY_LIMIT = 2_000_000_000


class HelperDied(Exception):
    """The helper process ended without an answer (killed, out of memory, a Rust abort)."""


def command(preload: str = "") -> list[str]:
    """How to start the helper: this interpreter, this module; no current folder on the path."""
    return [sys.executable, "-P", "-m", __name__, str(MEMORY_LIMIT), preload]


def environment() -> dict[str, str]:
    """This process's environment, with its module search path passed on."""
    path = [entry or os.getcwd() for entry in sys.path]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(path))}


class Helper:
    """One call of a function in a child process.

    The process starts at once and loads `preload` (a module name) while the caller
    goes on; `send` hands it the function and its arguments (pickled: the function by
    its module and name), `answer` waits for the result. An exception raised in the
    child is raised here; a child that ends without an answer raises HelperDied.
    """

    def __init__(self, preload: str = ""):
        self._process = subprocess.Popen(
            command(preload),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment(),
        )
        self._thread: threading.Thread | None = None
        self._output = b""

    def send(self, function: Callable, *args) -> None:
        payload = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        # A thread feeds the pipe and reads the answer, so the caller goes on meanwhile.
        self._thread = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self._thread.start()

    def _talk(self, payload: bytes) -> None:
        try:
            self._output, _ = self._process.communicate(payload)
        except (OSError, ValueError):
            self._output = b""

    def answer(self):
        if self._thread is None:
            raise RuntimeError("send() before answer()")
        self._thread.join()
        if self._process.returncode != 0 or not self._output:
            raise HelperDied(self._process.returncode)
        ok, value = pickle.loads(self._output)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """End the child if it still runs (the caller no longer wants its answer)."""
        if self._process.poll() is None:
            self._process.kill()
        if self._thread is not None:
            self._thread.join()
        else:
            self._process.communicate()


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no cap, the child still dies alone
        return
    if sys.platform.startswith("linux") and limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(limit: int, preload: str) -> None:
    """In the child: cap memory, load, read the call from stdin, answer on stdout."""
    _limit_memory(limit)
    answer = os.fdopen(os.dup(1), "wb")
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)  # a stray print cannot spoil the answer
    os.close(quiet)
    if preload:
        importlib.import_module(preload)
    # One call and the process ends: the collector leaves what was imported alone and looks
    # less often at what the call makes, as in the command line's process (config.
    # settle_imports). With its defaults it walked the million cells python-calamine gives
    # again and again: 2 of 9 s reading 1 000 000 attendance rows.
    gc.freeze()
    gc.set_threshold(*config.ONE_RUN_THRESHOLDS)
    function, args = pickle.load(sys.stdin.buffer)
    try:
        result = (True, function(*args))
    except Exception as error:
        error.add_note(f"In the helper process:\n{traceback.format_exc()}")
        result = (False, error)
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        data = pickle.dumps((False, RuntimeError(traceback.format_exc())))
    answer.write(data)
    answer.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
