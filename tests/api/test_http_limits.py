"""Limits before work, on `caleido serve` as its own process: a body over the limit is refused while it
arrives (declared or chunked, JSON or multipart, without a key), a request head over the limit is refused
before it is read whole (431, or 414 for the request line), and no key reaches the server's log.

Raw sockets, because an HTTP client would not send what these send. The store plays no part (the limits hold
before any route runs), so one embedded store serves the module.
"""

from __future__ import annotations

import re
import select
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from caleido.api.keys import KeyStore
from tests.reliability.served import Served, caleido_serve

MiB = 2**20
HUGE = 300 * MiB  # far past every limit; none of it may end up in the server's memory


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("limits")
    with caleido_serve(f"embedded:{folder / 'store'}", folder / "keys.sqlite3", folder / "serve.log") as server:
        yield server


def exchange(url: str, chunks: Iterable[bytes]) -> tuple[int, bytes]:
    """Send the chunks on one connection until the server answers or stops reading; what was sent, and the
    server's answer."""
    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sent = 0
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # it has answered
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass  # it closed with our bytes unread, after answering
        return sent, answer


def status_of(answer: bytes) -> int:
    found = re.match(rb"HTTP/1\.1 (\d{3})", answer)
    assert found, answer[:200]
    return int(found.group(1))


def filler(total: int, piece: bytes) -> Iterator[bytes]:
    for _ in range(total // len(piece)):
        yield piece


def peak_rss(served: Served) -> int:
    status = Path(f"/proc/{served.process.pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert found, status
    return int(found.group(1)) * 1024


def chunked(head: bytes, body: Iterable[bytes]) -> Iterator[bytes]:
    yield head + b"Transfer-Encoding: chunked\r\n\r\n"
    for piece in body:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("path", "content_type", "opening"),
    [
        ("/api/v1/findings", b"application/json", b'{"statement": {"en": "'),  # C16
        (
            "/api/v1/evidence/import",  # C17
            b"multipart/form-data; boundary=xyz",
            b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n',
        ),
    ],
)
def test_a_huge_chunked_body_without_a_key_is_refused_while_it_arrives(
    served: Served, path: str, content_type: bytes, opening: bytes
) -> None:
    before = peak_rss(served)
    started = time.monotonic()
    head = b"POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: %s\r\n" % (path.encode(), content_type)
    sent, answer = exchange(served.url, chunked(head, [opening, *filler(HUGE, b"x" * MiB)]))
    assert status_of(answer) == 413 and b"application/problem+json" in answer, answer[:300]
    assert b"Content too large" in answer
    assert sent < 64 * MiB  # it stopped reading at the limit (10 MiB), give or take the sockets' buffers
    assert peak_rss(served) - before < 100 * MiB
    assert time.monotonic() - started < 15
    assert httpx.get(served.url + "/healthz").status_code == 200


def test_a_declared_length_over_the_limit_is_413_before_the_body_comes(served: Served) -> None:  # C14
    head = b"POST /api/v1/findings HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    _, answer = exchange(served.url, [head + b"Content-Length: %d\r\n\r\n" % HUGE])
    assert status_of(answer) == 413 and b"larger than 10485760 bytes" in answer, answer[:300]
    assert b"connection: close" in answer.lower()


def test_a_huge_header_is_431_before_it_is_read(served: Served) -> None:  # R8
    started = time.monotonic()
    head = [b"GET /api/v1/search?q=x HTTP/1.1\r\nHost: test\r\nX-Junk: ", *filler(100 * MiB, b"a" * 65536), b"\r\n\r\n"]
    sent, answer = exchange(served.url, head)
    assert status_of(answer) == 431 and b"application/problem+json" in answer, answer[:300]
    assert sent < 32 * MiB and time.monotonic() - started < 10


def test_a_long_request_line_is_414_problem_json(served: Served) -> None:  # R9
    line = [b"GET /api/v1/search?q=", *filler(512 * 1024, b"a" * 65536), b" HTTP/1.1\r\nHost: test\r\n\r\n"]
    _, answer = exchange(served.url, line)
    assert status_of(answer) == 414 and b'"title": "URI too long"' in answer, answer[:300]


def test_headers_within_the_limit_are_read(served: Served) -> None:
    response = httpx.get(served.url + "/healthz", headers={"X-Junk": "a" * 30_000})
    assert response.status_code == 200


def test_no_key_reaches_the_log(served: Served, tmp_path: Path) -> None:  # A9
    plain, info = KeyStore(tmp_path / "keys.sqlite3").create("elsewhere", "researcher")  # unknown to the server
    secret = plain.removeprefix(f"cal_{info.key_id}_")
    in_url = httpx.post(f"{served.url}/api/v1/findings?api_key={plain}&key={plain}&X-API-Key={plain}", json={})
    assert in_url.status_code == 401 and "revoke" in in_url.json()["detail"]
    httpx.get(served.url + "/api/v1/model", headers={"Authorization": f"Bearer {plain}"})
    httpx.get(served.url + "/api/v1/model", headers={"X-API-Key": plain, "Cookie": f"caleido_key={plain}"})
    httpx.get(f"{served.url}/api/v1/search?q=x&token=s3cr3t-value")
    time.sleep(0.5)  # the access log is written after the answer
    log = served.log.read_text()
    assert f"cal_{info.key_id}_[redacted]" in log  # which key to revoke, without its secret
    assert secret not in log and "s3cr3t-value" not in log
