"""The Idempotency-Key header on POST writes: a client that did not get an answer (a timeout, a dropped
connection) sends the same request with the same key again and gets the first answer back, without the write
being made twice; a key sent with another request is refused.

The first request with a key claims it in the store (an entry of kind "idempotency", written only if no live one
exists: a compare-and-set, so two instances over one Neo4j cannot both claim it), runs, and records its answer.
A repeat gets that answer with `Idempotent-Replayed: true`; a repeat while the first still runs gets 409 with
Retry-After; the same key with another method, path or body gets 422. An answer of 500 or more is not kept, so a
retry runs again. Keys live KEEP_HOURS and are scoped to the credential that sent them; a request without an
active API key in its headers is passed on untouched (its route refuses it), so strangers keep nothing here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

import anyio

from caleido.api import problems
from caleido.api.keys import KeyStore
from caleido.errors import CaleidoError, WriteConflict
from caleido.graph.store import ENTRIES, Entry, Expected, GraphStore, entry_age, entry_time

KIND = "idempotency"
KEEP_HOURS = 24
MAX_KEY_LENGTH = 255
_KEPT_HEADERS = {b"content-type", b"location"}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def entry_id(authorization: bytes, api_key: bytes, key: str) -> str:
    """The store id of a key: scoped to the credential that sent it, which is never stored as it is."""
    credential = hashlib.sha256(authorization + b"\0" + api_key).digest()
    return hashlib.sha256(credential + key.encode()).hexdigest()


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """What makes two requests the same request."""
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), query, body])).hexdigest()


def _live(entry: Entry) -> bool:
    """Kept, and not an earlier try that failed on our side (which a retry may run again)."""
    return entry.body.get("state") != "failed" and entry_age(entry) < timedelta(hours=KEEP_HOURS)


# POSTs that only read: a SPARQL query sent as POST writes nothing, so it has nothing to replay, and its answer
# (up to the row cap) is not worth keeping for a day.
READING_POSTS = ("/api/v1/sparql",)


class Idempotency:
    """ASGI middleware: Idempotency-Key on every POST under /api/ that writes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        key = headers.get(b"idempotency-key")
        if (
            key is None
            or scope["method"] != "POST"
            or not scope["path"].startswith("/api/")
            or scope["path"] in READING_POSTS
        ):
            await self.app(scope, receive, send)
            return
        text = key.decode("latin-1").strip()
        if not 0 < len(text) <= MAX_KEY_LENGTH or not text.isascii() or not text.isprintable():
            detail = f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID."
            await problems.problem(400, "Bad request", detail)(scope, receive, send)
            return
        if not await anyio.to_thread.run_sync(_known_key, scope["app"].state.keys, headers):
            await self.app(scope, receive, send)  # the route answers 401 or 403; nothing is kept for strangers
            return
        body = await _read_body(receive)
        kept_as = entry_id(headers.get(b"authorization", b""), headers.get(b"x-api-key", b""), text)
        request = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        store: GraphStore = scope["app"].state.store
        try:
            earlier, claim = await anyio.to_thread.run_sync(_claim, store, kept_as, request)
        except CaleidoError as exc:
            await problems.problem_for(exc)(scope, receive, send)
            return
        if earlier is not None:
            await _answer_again(earlier, request, scope, receive, send)
            return
        assert claim is not None
        await self._run(scope, body, send, store, claim)

    async def _run(self, scope: Scope, body: bytes, send: Send, store: GraphStore, claim: Entry) -> None:
        """Run the request on the body read, keep its answer under the claim, then send it."""
        sent_body = False

        async def replay() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        answer: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = list(message.get("headers") or [])
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        try:
            await self.app(scope, replay, capture)
        finally:
            kept = _kept(claim, answer)
            with anyio.CancelScope(shield=True):  # also when the deadline cancelled the request: free the key
                await anyio.to_thread.run_sync(lambda: store.put_entries([kept]))
        await send({"type": "http.response.start", "status": answer["status"], "headers": answer["headers"]})
        await send({"type": "http.response.body", "body": answer["body"]})


def _known_key(keys: KeyStore, headers: dict[bytes, bytes]) -> bool:
    """Whether the request carries an active API key in a header (only their requests claim a key in the store)."""
    scheme, _, credentials = headers.get(b"authorization", b"").decode("latin-1").strip().partition(" ")
    presented = credentials.strip() if scheme.lower() == "bearer" else ""
    presented = presented or headers.get(b"x-api-key", b"").decode("latin-1").strip()
    return bool(presented) and keys.verify(presented) is not None


async def _read_body(receive: Receive) -> bytes:
    """The whole body (the upload limit in front of this middleware bounds it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _claim(store: GraphStore, kept_as: str, request: str) -> tuple[Entry, None] | tuple[None, Entry]:
    """(the live entry for this key, None) when there is one, to answer from; else (None, a new claim), written only
    if nobody claimed the key meanwhile (else WriteConflict)."""
    found = store.entries(KIND, ids=[kept_as])
    if found and _live(found[0]):
        return found[0], None
    claim = Entry(KIND, kept_as, kept_as, entry_time(), {"state": "running", "request": request})
    before = found[0] if found else None
    expected = Expected(
        ENTRIES,
        (KIND, kept_as),
        None if before is None else {"subject": before.subject, "at": before.at, "body": before.body},
    )
    try:
        store.write([], [], entries=[claim], expect=[expected])
    except WriteConflict:
        raise WriteConflict(
            "a request with this Idempotency-Key was claimed at the same moment; ask again in a moment"
        ) from None
    return None, claim


async def _answer_again(entry: Entry, request: str, scope: Scope, receive: Receive, send: Send) -> None:
    if entry.body.get("request") != request:
        detail = "This Idempotency-Key was used with another request; use a new key for a new request."
        await problems.problem(422, "Idempotency-Key reused", detail)(scope, receive, send)
    elif entry.body.get("state") == "running":
        detail = "The first request with this Idempotency-Key is still running; ask again shortly."
        await problems.problem(409, "Conflict", detail, headers={"Retry-After": "5"})(scope, receive, send)
    else:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in entry.body["headers"]]
        headers.append((b"idempotent-replayed", b"true"))
        body = entry.body["body"].encode("utf-8")
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": entry.body["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _kept(claim: Entry, answer: dict[str, Any]) -> Entry:
    """The claim with the answer to give again; an answer of 500 or more is marked failed, so a retry runs."""
    status = int(answer["status"])
    try:
        text = bytes(answer["body"]).decode("utf-8")
    except UnicodeDecodeError:  # our write routes answer JSON; anything else is not kept
        status, text = 500, ""
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer["headers"] if k.lower() in _KEPT_HEADERS]
    state = "failed" if status >= 500 else "done"
    body = {**claim.body, "state": state, "status": status, "headers": headers, "body": text}
    return Entry(KIND, claim.id, claim.subject, entry_time(), body)
