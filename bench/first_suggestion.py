"""How long the first agent waits for a domain suggestion after a server starts, without and with
the background warm-up of the routing model (QISU_WARM_ROUTING).

Needs the database `make run` prepared (a trained, active model); serves it with `flask run` on a
spare port, once per setting, and prints both times and their ratio:

    .venv/bin/python bench/first_suggestion.py [--port 5301] [--settle 15]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

import requests

TEXT = "我司工厂废气排放超标的问题，请环保部门尽快处理"


def first_suggestion(port: int, warm: bool, settle: float) -> float:
    env = dict(os.environ, FLASK_APP="app", QISU_WARM_ROUTING="1" if warm else "0")
    server = subprocess.Popen([sys.executable, "-m", "flask", "run", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/login", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        time.sleep(settle)  # an agent logs in and starts typing some seconds after the start
        session = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(base + "/login").text).group(1)
        session.post(base + "/login", data={"username": "agent1", "password": "qisu-agent1",
                                            "csrf_token": token})
        started = time.perf_counter()
        answer = session.get(base + "/intake/domains", params={"description": TEXT})
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200 and "data-domain" in answer.text, "no active model?"
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5301)
    parser.add_argument("--settle", type=float, default=15.0)
    args = parser.parse_args()
    cold = first_suggestion(args.port, False, args.settle)
    warm = first_suggestion(args.port, True, args.settle)
    print(f"first suggestion {args.settle:.0f} s after start: without warm-up {cold:.2f} s, "
          f"with warm-up {warm:.3f} s, ratio {cold / warm:.0f}x")


if __name__ == "__main__":
    main()
