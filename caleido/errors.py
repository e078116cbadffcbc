"""Every exception the product reports to people, in one tree, each with the HTTP status it answers as.

The API (problem+json) and the HTML pages both read `status`, `title`, `retry_after` and `detail` from
here, so adding an error is one class. Two branches:

- `RequestError` (4xx): what was asked cannot be done as asked; the message says what to fix.
- `StoreError` (500): the store failed in a way that waiting will not mend (opened read-only, an unknown
  class, a broken key file), except its `StoreUnavailable` branch (503 with Retry-After), the transient
  kind: a server down or lost, a store held by another process, no answer in time.

A leaf module: it imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located so a person can find and fix it."""

    file: str
    location: str  # "line 12", "record 3 (id org-x)", "triple about <...>"
    field: str  # field path, e.g. "links[0].to"; "" when the whole record is at fault
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.location, self.field and f"field {self.field}") if part)
        return f"{where}: {self.message}"


class CaleidoError(Exception):
    """Base of all errors the product reports to people."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    # Seconds a client should wait before trying again; None when trying again will not help.
    retry_after: ClassVar[int | None] = None
    # What a client is told instead of the message, when the message names files, hosts or other internals.
    public_detail: ClassVar[str | None] = None

    # The words a page shows for this error, in the page's language: a key of the pages' catalogues and the
    # values it names (see worded). The API's problem+json keeps the English message: clients parse it.
    page_text: tuple[str, dict[str, str]] | None = None

    @property
    def detail(self) -> str:
        """What a client may be told: the message, or the class's public text when the message is internal."""
        return self.public_detail if self.public_detail is not None else str(self)

    def worded(self, key: str, **values: object) -> Self:
        """This error with the catalogue text a page shows for it: `raise NotFound("...").worded("error.node",
        id=node_id)`."""
        self.page_text = (key, {name: str(value) for name, value in values.items()})
        return self

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries: Retry-After when trying again later may work."""
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


# ---------------------------------------------------------------- the request cannot be done as asked (4xx)


class RequestError(CaleidoError):
    """What was asked cannot be done as asked; the message says what to fix."""

    status = 400
    title = "Bad request"


class InvalidData(RequestError):
    """Input that fails validation; nothing was written."""

    status = 422
    title = "Invalid data"
    # Problems shown: the first ones are what a person fixes first, and 100,000 of them made a 20 MB answer.
    LISTED: ClassVar[int] = 100

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in self.listed)
        more = f"\n  ... and {len(problems) - self.LISTED} more" if len(problems) > self.LISTED else ""
        super().__init__(f"{len(problems)} problem(s) found; nothing was written:\n{shown}{more}")

    @property
    def listed(self) -> list[Problem]:
        """The problems an answer lists: the first LISTED."""
        return self.problems[: self.LISTED]

    @property
    def detail(self) -> str:
        more = f" `errors` lists the first {self.LISTED}." if len(self.problems) > self.LISTED else ""
        return f"{len(self.problems)} problem(s) found; nothing was written.{more}"  # the problems go in `errors`


class InvalidParameter(RequestError):
    """A query parameter outside the values it takes; the message names them."""

    status = 422
    title = "Invalid parameter"


class InvalidKeyInput(RequestError, ValueError):
    """A key name, role or id that cannot be accepted; nothing was written."""

    status = 422
    title = "Invalid key input"


class Unauthorized(RequestError):
    """No API key, or a malformed, unknown or revoked one."""

    status = 401
    title = "Unauthorized"

    def __init__(self, message: str, *, error: str | None = None):
        super().__init__(message)
        self.error = error  # RFC 6750: "invalid_token" says the key is wrong, "invalid_request" the headers

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="caleido"' + (f', error="{self.error}"' if self.error else "")}


class Forbidden(RequestError):
    """An API key whose role is too low for what was asked."""

    status = 403
    title = "Forbidden"

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="caleido", error="insufficient_scope"'}


class NotFound(RequestError):
    """An id or name that matches nothing."""

    status = 404
    title = "Not found"


class ReviewConflict(RequestError):
    """A review that does not fit the claim's current status."""

    status = 409
    title = "Conflict"


class WriteConflict(RequestError):
    """A write prepared from what the store held, which changed before it landed (a compare-and-set that lost);
    nothing was written. The message names the records and fields."""

    status = 409
    title = "Conflict"


class ContentTooLarge(RequestError):
    """A body or file over the upload limit."""

    status = 413
    title = "Content too large"


class InvalidQuery(RequestError):
    """A SPARQL query that does not parse, or a request that names no query or a dataset this endpoint does not
    have; the message says what to fix."""

    title = "Invalid SPARQL query"


class QueryRefused(InvalidQuery):
    """A SPARQL request the read-only endpoint never runs: an update (INSERT, DELETE, LOAD, CLEAR, ...) or a
    SERVICE call, which would reach other servers from this one."""

    title = "SPARQL query refused"


class NotAcceptable(RequestError):
    """None of the media types the Accept header allows can carry this answer; the message names those that can."""

    status = 406
    title = "Not acceptable"


class UnsupportedMediaType(RequestError):
    """A body of a media type the route does not read; the message names those it reads."""

    status = 415
    title = "Unsupported media type"


class UriTooLong(RequestError):
    """A request line over the server's limit for a request's head."""

    status = 414
    title = "URI too long"


class HeadTooLarge(RequestError):
    """Request headers over the server's limit for a request's head."""

    status = 431
    title = "Request header fields too large"


# ---------------------------------------------------------------- the store failed (5xx)


class StoreError(CaleidoError):
    """The store could not do what was asked: a fault to fix, not to wait out (unless a StoreUnavailable)."""

    title = "Store error"
    public_detail = "The graph store failed; the fault has been logged."


class KeyStoreError(StoreError):
    """The key file could not be created, read or written."""


class StoreUnavailable(StoreError):
    """The store cannot answer right now (down, connection lost, busy, too slow); trying again later may work."""

    status = 503
    title = "Store unavailable"
    retry_after = 5
    public_detail = "The graph store cannot be reached right now; try again shortly."


class StoreBusy(StoreUnavailable):
    """Another process owns the embedded store."""


class DeadlineExceeded(StoreUnavailable):
    """No answer within the request deadline; the message says how long that is."""

    @property
    def detail(self) -> str:
        return str(self)  # the message names only the deadline


class QueryTimeLimit(DeadlineExceeded):
    """A SPARQL query with no answer within its time limit; the message names the limit. 503 like any answer
    that did not come in time: on a busy machine the same query may finish later, and narrowing it helps."""


class QueryEngineBusy(StoreUnavailable):
    """The SPARQL engine runs as many queries as it may at once (queries past their time limit included, which
    it cannot stop), or is still building its copy of the graph; the message says which."""

    @property
    def detail(self) -> str:
        return str(self)  # the message names no internals
