"""Real servers for the tests that talk HTTP: the app under ``streamlit run`` and the OpenID provider
``oidc-provider-mock``, each on a free port of 127.0.0.1 and stopped when the ``with`` block ends."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEALTH_TIMEOUT = 60.0


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    """The body of a GET, or "" when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@contextmanager
def running(cmd: list[str], log: Path, ready: str, name: str, env: dict | None = None) -> Iterator[None]:
    """``cmd`` in the background until ``ready`` (a URL) answers; fails the test, with the log, if it never does."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not get(ready):
            if proc.poll() is not None:
                pytest.fail(f"{name} exited with {proc.returncode} before answering:\n{tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer {ready} within {HEALTH_TIMEOUT:.0f} s:\n{tail(log)}")
            time.sleep(0.25)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def app_env(store: Path) -> dict[str, str]:
    """The environment of a test server: this store, no neural NER, the offline basemap, no online geocoder."""
    env = {**os.environ, "ATLAS_STORE": str(store), "ATLAS_NER_MODEL": "off"}
    for name in ("ATLAS_BASEMAP", "ATLAS_ONLINE_GEOCODING", "ATLAS_READ_ONLY"):
        env.pop(name, None)
    return env


def build_store(store: Path) -> Path:
    """A store built from the seeds by the command line, as a user would."""
    built = subprocess.run([sys.executable, "-m", "geo", "ingest", "seeds", "--store", str(store)], cwd=ROOT,
                           env=app_env(store), capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, f"building the store failed:\n{built.stdout}\n{built.stderr}"
    return store


@contextmanager
def app_server(store: Path, log: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on ``store`` (with extra ``--option value`` pairs); yields its base URL."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
           str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *options]
    with running(cmd, log, f"{base}/_stcore/health", "streamlit", app_env(store)):
        yield base


@contextmanager
def oidc_provider(log: Path, *users: dict) -> Iterator[str]:
    """``oidc-provider-mock`` on 127.0.0.1 with these predefined users (claims with a ``sub``); yields its URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    for user in users:
        cmd += ["--user-claims", json.dumps(user)]
    with running(cmd, log, f"{base}/.well-known/openid-configuration", "oidc-provider-mock"):
        yield base
