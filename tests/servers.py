"""Real servers for the tests that talk HTTP: the app under ``streamlit run`` (one, or replicas on one store), the
OpenID provider ``oidc-provider-mock`` and Debian's nginx running deploy/nginx.conf, each on a free port of
127.0.0.1 and stopped when the ``with`` block ends."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, closing, contextmanager
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
def replicas(store: str | Path, tmp: Path, count: int = 2) -> Iterator[list[str]]:
    """``count`` app servers on one store, each its own ``streamlit run`` process (replicas, as behind a proxy);
    yields their base URLs."""
    with ExitStack() as stack:
        yield [stack.enter_context(app_server(store, tmp / f"replica-{i}.log")) for i in range(count)]


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


NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SHIPPED_REPLICAS = ("127.0.0.1:8501", "127.0.0.1:8502")
SHIPPED_LISTEN = "listen 80;"
SHIPPED_ACCESS_LOG = "/var/log/nginx/atlas.access.log"


def nginx_binary() -> str | None:
    """Debian's nginx (``apt-get install nginx``), or None when it is not installed."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).is_file() else None


def nginx_site(replicas: list[str], port: int, access_log: Path) -> str:
    """deploy/nginx.conf with its two replicas, its port and its access log replaced by these (fails if the shipped
    file no longer has the lines it replaces, so the test never runs a config other than the shipped one)."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    swaps = [*zip(SHIPPED_REPLICAS, replicas), (SHIPPED_LISTEN, f"listen 127.0.0.1:{port};"),
             (SHIPPED_ACCESS_LOG, str(access_log))]
    for old, new in swaps:
        assert text.count(old) == 1, f"deploy/nginx.conf should hold {old!r} once"
        text = text.replace(old, new)
    return text


def nginx_main(prefix: Path, site: Path) -> str:
    """A top-level nginx.conf around a site file: in the foreground, everything it writes under ``prefix``."""
    user = "user root;\n" if os.geteuid() == 0 else ""     # workers of a root master must reach the temp folder
    temps = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} info;\n"
            f"events {{ worker_connections 256; }}\nhttp {{\n{temps}    include {site};\n}}\n")


@contextmanager
def nginx_proxy(replicas: list[str], prefix: Path) -> Iterator[dict]:
    """Debian's nginx running deploy/nginx.conf in front of ``replicas`` (base URLs), on a free port of 127.0.0.1,
    with its files under ``prefix``; yields its base URL and its access log."""
    prefix.mkdir(parents=True, exist_ok=True)
    port, access = free_port(), prefix / "access.log"
    site, main = prefix / "atlas.conf", prefix / "nginx.conf"
    site.write_text(nginx_site([urllib.parse.urlsplit(r).netloc for r in replicas], port, access), encoding="utf-8")
    main.write_text(nginx_main(prefix, site), encoding="utf-8")
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    checked = subprocess.run([binary, "-t", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(main)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, f"nginx -t refused the config:\n{checked.stderr}"
    base = f"http://127.0.0.1:{port}"
    with running([binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(main)],
                 prefix / "nginx.out", f"{base}/_stcore/health", "nginx"):
        yield {"base": base, "access_log": access, "error_log": prefix / "error.log"}
