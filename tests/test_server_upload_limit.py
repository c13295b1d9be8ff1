"""The upload limit holds on the server, not only on the page: requests sent straight to Streamlit's upload
endpoint of a real ``streamlit run`` (a session opened over its websocket, as a browser would) are refused above
the limit the Add articles page shows, before the body is read."""
from __future__ import annotations

import asyncio
import socket
import uuid

import httpx
import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from atlas_app.upload import UPLOAD_LIMIT_MB
from geo.sources import MAX_BYTES
from tests.servers import app_server, build_store

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limit")
    with app_server(build_store(tmp / "atlas.sqlite"), tmp / "streamlit.log") as url:
        yield url


def put(url: str, body: bytes) -> int:
    token = generate_xsrf_token_string()
    r = httpx.put(url, files={"file": ("big.txt", body, "text/plain")}, headers={"X-Xsrftoken": token},
                  cookies={"_streamlit_xsrf": token}, timeout=60)
    return r.status_code


def with_session(base: str, check) -> None:
    """Run ``check(upload_url)`` while a session is connected."""
    async def go():
        async with websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream",
                                      subprotocols=["streamlit"]) as ws:
            hello = BackMsg()
            hello.rerun_script.query_string = ""
            await ws.send(hello.SerializeToString())
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await asyncio.wait_for(ws.recv(), 30))
                if msg.WhichOneof("type") == "new_session":
                    sid = msg.new_session.initialize.session_id
                    break
            await asyncio.to_thread(check, lambda: f"{base}/_stcore/upload_file/{sid}/{uuid.uuid4()}")
    asyncio.run(go())


def test_the_page_shows_the_limit_the_server_enforces():
    assert UPLOAD_LIMIT_MB * 1024 * 1024 == MAX_BYTES


def test_a_file_under_the_limit_is_taken_and_one_byte_over_it_is_refused(base):
    """(The server counts the request's multipart framing too, a few hundred bytes, against the limit.)"""
    def check(url):
        assert put(url(), b"x" * (MAX_BYTES - 1024)) == 204
        assert put(url(), b"x" * (MAX_BYTES + 1)) == 413
    with_session(base, check)


def test_an_announced_150_mb_upload_is_refused_before_its_body_is_sent(base):
    """Only the headers go out: the answer comes at once, so the server never waits for (or holds) the body."""
    def check(url):
        target = httpx.URL(url())
        token = generate_xsrf_token_string()
        head = (f"PUT {target.raw_path.decode()} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
                f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {150 * 1024 * 1024}\r\n"
                f"X-Xsrftoken: {token}\r\nCookie: _streamlit_xsrf={token}\r\n\r\n")
        with socket.create_connection((target.host, target.port), timeout=10) as s:
            s.sendall(head.encode())
            status = s.recv(200).split(b"\r\n", 1)[0]
        assert b" 413 " in status, status
    with_session(base, check)


def test_an_oversized_upload_without_a_length_is_cut_off_while_streaming(base):
    def check(url):
        token = generate_xsrf_token_string()

        def body():
            yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
            for _ in range(40):                                   # 40 MB if nobody stops it
                yield b"x" * (1024 * 1024)

        r = httpx.put(url(), content=body(), timeout=60,
                      headers={"X-Xsrftoken": token, "Content-Type": "multipart/form-data; boundary=b",
                               "Cookie": f"_streamlit_xsrf={token}"})
        assert r.status_code == 413
    with_session(base, check)
