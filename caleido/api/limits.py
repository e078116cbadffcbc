"""Limits that hold before any work is done on a request: the size of its body (for every route, chunked or
not, counted while it arrives) and the size of its head (request line and headers, in the HTTP protocol that
`caleido serve` runs). Either is refused with problem+json and the connection closed, so a client cannot make
the server read or keep more than the limits, with or without a key.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from caleido.api import problems
from caleido.errors import CaleidoError, ContentTooLarge, HeadTooLarge, RequestError, UriTooLong

_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²".isdigit() is true, and int("²") fails


def _problem(error: CaleidoError) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The head and body of a problem+json answer that also closes the connection (uvicorn then reads no more
    of the request)."""
    body = json.dumps(problems.body(error.status, error.title, error.detail)).encode()
    headers = [
        (b"content-type", problems.PROBLEM.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return headers, body


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes gets 413 as soon as the declared length or the bytes received
    pass it. The app then sees the client as gone and whatever it answers is dropped; the connection is
    closed, so the rest of the body is never read. It runs outside the routes, so before any key is checked
    (a route reads its body before its dependencies run).

    Not FastAPI's own `max_body_size`: that one answers text/plain where the app's handlers never see the
    error (a declared length over the limit), and keeps the connection open, reading the rest of the body."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if _DIGITS.fullmatch(declared) and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0
        refused = started = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to a body it did not get whole; the 413 went out instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise  # a body cut off may make the app fail as a client that left would; that is no fault

    async def _refuse(self, send: Send) -> None:
        error = ContentTooLarge(f"The body is larger than {self.limit} bytes; send less at once.")
        headers, body = _problem(error)
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, which stops buffering a request head at `h11_max_incomplete_event_size` bytes
    (httptools, uvicorn's other choice, has no such limit: it read a 100 MB header whole). uvicorn answers
    every unparsable request with a plain-text 400; this answers the head limit as 431, or 414 when the
    request line alone is too long, and other broken requests as 400, all as problem+json."""

    def send_400_response(self, msg: str) -> None:
        limit = self.config.h11_max_incomplete_event_size
        head, _ = self.conn.trailing_data
        error: CaleidoError
        if limit is not None and len(head) > limit and b"\n" not in head[:limit]:
            error = UriTooLong(f"The request line is longer than {limit} bytes; send the parameters in fewer bytes.")
        elif limit is not None and len(head) > limit:
            error = HeadTooLarge(f"The request line and headers are larger than {limit} bytes; send smaller headers.")
        else:
            error = RequestError(msg)  # 400
        headers, body = _problem(error)
        start = h11.Response(status_code=error.status, headers=headers, reason=HTTPStatus(error.status).phrase)
        for event in (start, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()
