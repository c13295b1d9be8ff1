"""deploy/nginx.conf for real: Debian's nginx, running the shipped file (its ports and log path changed), in front of
two app replicas (``streamlit run``) on one PostgreSQL store. Through nginx: a new visitor is given a sticky key and
keeps to one replica; the map draws in a real browser (which needs the websocket through the proxy); both replicas
show the same store; the visitor is not taken for the machine's own user (read-only without sign-in); an upload
reaches the replica holding its session, and one over the app's 2 MB limit is refused by nginx.

Skips, saying why, when nginx is not installed (apt-get install nginx), or there is no PostgreSQL server or browser.
"""
from __future__ import annotations

import re
import socket
import time
from contextlib import closing

import httpx
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from geo.sources import MAX_BYTES
from tests.conftest import fresh_database
from tests.servers import nginx_binary, nginx_proxy, replicas
from tests.test_e2e_browser import MAP_CANVAS, log, metric
from tests.test_e2e_signin import ARTIFACTS, STEP_TIMEOUT_MS, UPLOADER, open_page

METRIC = "[data-testid='stMetricValue']"
COOKIE = "atlas_replica"
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ replica=(?P<key>\S*) '
                      r'upstream=(?P<upstream>\S*)')


@pytest.fixture(scope="module")
def site(postgres_server, postgres_seed_store, tmp_path_factory):
    """nginx on a free port in front of two replicas on a copy of the seed store; yields nginx's base URL, its
    access log, the replicas' addresses and the store."""
    if not nginx_binary():
        pytest.skip("no nginx: /usr/sbin/nginx is missing and `nginx` is not on PATH (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    with fresh_database(postgres_server, postgres_seed_store) as store, replicas(store, tmp) as bases, \
            nginx_proxy(bases, tmp / "nginx") as proxy:
        yield proxy | {"replicas": [b.split("//", 1)[1] for b in bases], "store": store}


def requests_logged(site) -> list[dict]:
    """nginx's access log, one dict per request (method, path, status, sticky key, replica that answered)."""
    text = site["access_log"].read_text(encoding="utf-8")
    return [m.groupdict() for m in LOG_LINE.finditer(text)]


def replica_of(site, key: str) -> str:
    """The replica nginx sends a browser with this sticky key to (asked once, read from the access log)."""
    r = httpx.get(f"{site['base']}/_stcore/health", cookies={COOKIE: key}, timeout=10)
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 5          # nginx logs a request just after answering it
    while not (mine := [x["upstream"] for x in requests_logged(site) if x["key"] == key]):
        assert time.monotonic() < deadline, f"no access log line for key {key}"
        time.sleep(0.05)
    return mine[-1]


@pytest.fixture(scope="module")
def keys(site) -> dict[str, str]:
    """A sticky key for each replica (replica address -> key), found by trying a few."""
    found: dict[str, str] = {}
    for i in range(64):
        found.setdefault(replica_of(site, f"probe-{i}"), f"probe-{i}")
        if len(found) == 2:
            return found
    pytest.fail(f"64 sticky keys all went to {sorted(found)}: the hash does not spread browsers over the replicas")


def store_counts(store: str) -> tuple[int, int]:
    """(articles with events, events) in the store itself: what the overview's metrics should show."""
    from geo.store import connect, read_events
    with closing(connect(store, readonly=True)) as conn:
        rows = read_events(conn)
    return len({r["doc_id"] for r in rows}), len(rows)


def test_a_new_visitor_gets_a_sticky_key_and_keeps_to_one_replica(site, keys):
    assert sorted(keys) == sorted(site["replicas"])
    first = httpx.get(f"{site['base']}/", timeout=10)
    assert first.status_code == 200
    key = first.cookies.get(COOKIE)
    assert key, f"nginx set no {COOKIE} cookie: {first.headers}"
    again = httpx.get(f"{site['base']}/_stcore/health", cookies={COOKIE: key}, timeout=10)
    assert COOKIE not in again.headers.get("set-cookie", ""), "the key is set again on every answer"
    for _ in range(5):
        replica_of(site, key)
    assert len({r["upstream"] for r in requests_logged(site) if r["key"] == key}) == 1


def watch(page, seen: dict) -> None:
    """Records in ``seen`` the page's websocket URLs (under "ws") and the Streamlit session id it was last given
    ("id": a reload starts another session)."""
    seen["ws"] = []

    def frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            msg = ForwardMsg()
            msg.ParseFromString(bytes(payload))
            if msg.WhichOneof("type") == "new_session":
                seen["id"] = msg.new_session.initialize.session_id

    def opened(ws) -> None:
        seen["ws"].append(ws.url)
        ws.on("framereceived", frame)

    page.on("websocket", opened)


def draw(page, url: str) -> None:
    """Wait for the overview's map and counts, already asked for at ``url``. Two cold replicas drawing at once on
    two cores can stall a first page (NOTES.md): then load it once more and wait again, longer."""
    try:
        page.wait_for_selector(MAP_CANVAS, state="attached", timeout=STEP_TIMEOUT_MS)
        page.wait_for_selector(METRIC, timeout=STEP_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: one reload, then fail for real
        log("the overview stalled: loading it once more")
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(MAP_CANVAS, state="attached", timeout=2 * STEP_TIMEOUT_MS)
        page.wait_for_selector(METRIC, timeout=2 * STEP_TIMEOUT_MS)


@pytest.fixture(scope="module")
def visitors(site, keys, browser):
    """A browser for each replica (its sticky key already in the cookie jar) with the overview drawn through nginx
    (both asked for at once: the replicas start their sessions side by side); yields, for each, a dict of its
    replica, context, page, websocket URLs and session id."""
    opened, url = [], f"{site['base']}/"
    try:
        for replica, key in keys.items():
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
            opened.append({"replica": replica, "context": context})
            context.add_cookies([{"name": COOKIE, "value": key, "url": site["base"]}])
            context.set_default_timeout(STEP_TIMEOUT_MS)
            page = opened[-1]["page"] = context.new_page()
            watch(page, opened[-1])
            page.goto(url, wait_until="domcontentloaded")
        for visitor in opened:
            draw(visitor["page"], url)
            log(f"overview drawn through nginx by {visitor['replica']}")
        yield opened
    finally:
        for visitor in opened:
            visitor["context"].close()


def test_the_map_draws_through_nginx_from_both_replicas_on_one_store(site, keys, visitors):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expected = store_counts(site["store"])
    stream = site["base"].replace("http", "ws", 1) + "/_stcore/stream"
    for i, v in enumerate(visitors):
        assert (metric(v["page"], "Articles"), metric(v["page"], "Events")) == expected, v["replica"]
        assert set(v["ws"]) == {stream} and v.get("id"), f"the page's websocket did not go through nginx: {v['ws']}"
        v["page"].screenshot(path=str(ARTIFACTS / f"nginx-overview-replica-{i}.png"))
    logged = requests_logged(site)       # (a websocket is logged when it closes: the pages' are still open)
    for replica, key in keys.items():
        mine = [r for r in logged if r["key"] == key]
        assert mine and {r["upstream"] for r in mine} == {replica}, f"key {key} left its replica: {mine}"


def test_a_visitor_through_the_proxy_is_not_the_machines_own_user(site, visitors):
    """Without sign-in, the app behind nginx is read-only: the forwarding headers say the visitor is elsewhere."""
    page = visitors[1]["context"].new_page()         # a page of its own: the overviews' sessions stay open
    try:
        open_page(page, f"{site['base']}/Add_articles", "nobody can change it here")
        assert page.locator(UPLOADER).count() == 0
    finally:
        page.close()


def put(context, site, session: str, size: int):
    """An upload of ``size`` bytes to ``session`` through nginx, with the context's cookies (sticky key, XSRF)."""
    token = next((c["value"] for c in context.cookies(site["base"]) if c["name"] == "_streamlit_xsrf"), "")
    return context.request.put(f"{site['base']}/_stcore/upload_file/{session}/replica-test",
                               headers={"X-Xsrftoken": token}, timeout=60_000,
                               multipart={"file": {"name": "a.txt", "mimeType": "text/plain", "buffer": b"x" * size}})


def announce(site, size: int) -> bytes:
    """The start of nginx's answer to an upload announcing ``size`` bytes, sent with its headers only."""
    host, port = site["base"].split("//", 1)[1].split(":")
    head = (f"PUT /_stcore/upload_file/any/any HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {size}\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head.encode())
        return s.recv(4096)


def test_uploads_reach_their_session_and_nginx_refuses_one_over_the_limit(site, visitors):
    mine, other, session = visitors[0]["context"], visitors[1]["context"], visitors[0]["id"]
    taken = put(mine, site, session, MAX_BYTES - 1024)
    assert taken.status == 204, taken.text()
    too_big = put(mine, site, session, MAX_BYTES + 1)       # the app's limit is nginx's: nginx refuses it
    assert too_big.status == 413 and "nginx" in too_big.text(), too_big.text()
    far_over = announce(site, 3 * MAX_BYTES // 2)            # refused on its headers, by nginx, before any body
    assert b" 413 " in far_over.split(b"\r\n", 1)[0] and b"nginx" in far_over, far_over[:300]
    lost = put(other, site, session, 1024)       # the other replica does not hold this session
    assert lost.status == 400 and "sticky sessions" in lost.text(), lost.text()
    errors = site["error_log"].read_text(encoding="utf-8")
    assert "temporarily disabled" not in errors, "an upload made nginx take a replica for failed"
