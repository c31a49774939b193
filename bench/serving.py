"""Shared by the benchmarks that run the app over real HTTP (load, crash, db_restart): a free
port, waiting for `/readyz`, and bearer tokens of the seeded demo users."""
from __future__ import annotations

import socket
import time
from typing import Callable

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str, timeout: float, exited: Callable[[], bool] = lambda: False,
               also: Callable[[], bool] = lambda: True) -> bool:
    """Poll `/readyz` until it answers 200 and `also()` holds. False when `exited()` says a
    process died or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if exited():
            return False
        try:
            if requests.get(base + "/readyz", timeout=5).status_code == 200 and also():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def login(base: str, users: tuple[str, ...], timeout: float = 60) -> dict[str, str]:
    """{username: bearer token} of seeded users (password `qisu-<username>`)."""
    tokens = {}
    for user in users:
        raw = requests.post(f"{base}/api/auth/token", timeout=timeout,
                            json={"username": user, "password": f"qisu-{user}"})
        raw.raise_for_status()
        tokens[user] = raw.json()["token"]
    return tokens
