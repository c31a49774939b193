"""The evaluator process: runs restricted code under operating-system limits.

Started by `sandbox_pool` (`python -m app.engine.sandbox_child`), it reads requests from stdin and
answers on stdout, each a 4-byte length and a pickle. Before each evaluation it sets the address-
space limit (RLIMIT_AS) to its current size plus the memory allowance, so a big allocation fails
with MemoryError, and arms a CPU-time interval timer (ITIMER_PROF) whose signal, left at its
default action, makes the kernel end the process the moment the CPU allowance is spent — even
inside one long C call (`sorted`, `str.ljust`), where no Python code could interrupt it.
"""
from __future__ import annotations

import os
import pickle
import resource
import signal
import sys

from .sandbox_frames import read_message, write_message


def address_space() -> int | None:
    """The process's current virtual size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def set_memory_limit(megabytes: float | None) -> None:
    """At most `megabytes` more than now (None: no limit)."""
    if megabytes is None:
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        return
    current = address_space()
    if current is not None:
        limit = current + int(megabytes * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))


def evaluate(request):
    from .sandbox import run_restricted
    op, source, context, external, cpu_seconds, memory_mb = request
    set_memory_limit(memory_mb)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    try:
        return run_restricted(op, source, context, external)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        set_memory_limit(None)


def answer(request) -> tuple[bytes, bool]:
    """The pickled answer, and whether this process should end after sending it."""
    try:
        return pickle.dumps(("ok", evaluate(request))), False
    except MemoryError:
        return pickle.dumps(("memory", None)), True
    except Exception as err:  # the script's own error, reported to the caller as it was
        try:
            return pickle.dumps(("error", err)), False
        except Exception:
            return pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}"))), False


def main() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent; it ends us
    from . import sandbox  # noqa: F401  (import before the first limit is set)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    while (payload := read_message(stdin)) is not None:
        try:
            reply, done = answer(pickle.loads(payload))
        except MemoryError:
            reply, done = pickle.dumps(("memory", None)), True
        write_message(stdout, reply)
        if done:
            break


if __name__ == "__main__":
    main()
