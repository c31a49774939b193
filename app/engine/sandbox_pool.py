"""Evaluator processes: where restricted code runs, under CPU-time and memory limits.

Each web or worker process keeps a small pool of `sandbox_child` processes, started on first use
(one per thread evaluating at the same time). A request carries the code, the task's data and the
limits; the answer is the value, the script's updated data, or the script's error. A child that
went past a limit is ended and replaced; the caller gets `SandboxLimitExceeded`, which names the
limit. The parent also waits at most a wall-clock bound (a backstop: the CPU limit ends the child
first). Answers are unpickled with an allow-list of plain data types only.
"""
from __future__ import annotations

import io
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .sandbox_frames import HEADER, write_message

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SandboxLimits:
    cpu_seconds: float = 1.0
    memory_mb: float = 64.0

    @property
    def wall_seconds(self) -> float:
        return self.cpu_seconds * 5 + 5


class SandboxLimitExceeded(Exception):
    """A script or expression went past the sandbox's CPU or memory limit."""


def cpu_message(limits: SandboxLimits) -> str:
    return f"脚本超出沙箱限制：CPU 时间超过 {limits.cpu_seconds:g} 秒"


def memory_message(limits: SandboxLimits) -> str:
    return f"脚本超出沙箱限制：内存超过 {limits.memory_mb:g} MB"


_SAFE_BUILTINS = {"set", "frozenset", "list", "dict", "tuple", "bytearray", "bytes", "complex",
                  "range", "slice", "str", "int", "float", "bool"}
_SAFE_CLASSES = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")} | {
    ("decimal", "Decimal"), ("collections", "OrderedDict"), ("app.engine.sandbox", "SandboxError")}


class _AnswerUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "builtins":
            obj = getattr(__import__("builtins"), name, None)
            if name in _SAFE_BUILTINS or (isinstance(obj, type) and issubclass(obj, Exception)):
                return obj
        elif (module, name) in _SAFE_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"脚本结果含有不支持的类型 {module}.{name}")


class Evaluator:
    """One evaluator process and its pipes."""

    def __init__(self):
        # No secrets in its environment (DATABASE_URL, SECRET_KEY, ...): only what Python needs.
        env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.engine.sandbox_child"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, cwd=str(ROOT), env=env, start_new_session=True)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()

    def _read(self, size: int, deadline: float) -> bytes | None:
        fd, chunks, left = self.process.stdout.fileno(), [], size
        while left:
            if not select.select([fd], [], [], max(0.0, deadline - _now()))[0]:
                return None  # wall-clock backstop
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def call(self, request, limits: SandboxLimits):
        """Send one request; the unpickled answer, or raise SandboxLimitExceeded (then this
        evaluator is dead and must be discarded)."""
        write_message(self.process.stdin, pickle.dumps(request))
        deadline = _now() + limits.wall_seconds
        header = self._read(HEADER.size, deadline)
        size = HEADER.unpack(header)[0] if header else None
        if size is not None and size > limits.memory_mb * 1024 * 1024:
            header = None  # an answer larger than the memory allowance is not taken in
        payload = self._read(size, deadline) if header else None
        if payload is None:
            self.close()
            if self.process.returncode == -signal.SIGPROF:
                raise SandboxLimitExceeded(cpu_message(limits))
            if _now() >= deadline:
                raise SandboxLimitExceeded(cpu_message(limits))
            raise SandboxLimitExceeded(memory_message(limits))
        kind, value = _AnswerUnpickler(io.BytesIO(payload)).load()
        if kind == "memory":
            self.close()
            raise SandboxLimitExceeded(memory_message(limits))
        return kind, value


def _now() -> float:
    return time.monotonic()


class Pool:
    """Idle evaluators of this process; forgotten (not reused) in a forked child process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.idle: list[Evaluator] = []
        self.pid = os.getpid()

    def take(self) -> Evaluator:
        with self.lock:
            if self.pid != os.getpid():
                self.idle, self.pid = [], os.getpid()
            while self.idle:
                evaluator = self.idle.pop()
                if evaluator.alive():
                    return evaluator
        return Evaluator()

    def give_back(self, evaluator: Evaluator) -> None:
        with self.lock:
            if self.pid == os.getpid():
                self.idle.append(evaluator)

    def shutdown(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for evaluator in idle:
            evaluator.close()


POOL = Pool()


def evaluate_limited(op: str, source: str, context: dict, external: dict | None,
                     limits: SandboxLimits):
    """Run `sandbox.run_restricted(op, source, context, external)` in an evaluator process."""
    evaluator = POOL.take()
    request = (op, source, dict(context), dict(external or {}), limits.cpu_seconds,
               limits.memory_mb)
    try:
        kind, value = evaluator.call(request, limits)
    except SandboxLimitExceeded:
        raise
    except BaseException:
        evaluator.close()  # a half-read answer: this pipe is out of step
        raise
    POOL.give_back(evaluator)
    if kind == "error":
        raise value
    return value
