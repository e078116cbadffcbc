"""The SPARQL endpoint's work for one request: check the query, pick the media type, wait for the projection,
and evaluate within the time limit and the row cap.

pyoxigraph cannot stop a query once it runs (oxigraph/oxigraph#1336). So a query runs in a thread of its own and
the request waits for it at most until its time limit; then it answers 503 (QueryTimeLimit) and the query is
asked to stop at its next row, which a query busy inside one step (a sort, an aggregate) only reaches when that
step ends. Until then it keeps one of `max_running` places: that bounds the cores such queries take, and a
query that finds no free place in time gets 503 with Retry-After too (QueryEngineBusy).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from caleido.errors import QueryEngineBusy, QueryTimeLimit
from caleido.sparql.projection import Projection
from caleido.sparql.query import Answer, evaluate, form_of, negotiate

QUERY_STACK = 256 * 2**20  # address space only, taken as used: see MAX_NESTING in caleido.sparql.query
_stack_size = threading.Lock()


def _start(run: Callable[[], None]) -> None:
    """Run in a daemon thread with a stack of QUERY_STACK bytes (threading sets it for threads started next)."""
    with _stack_size:
        before = threading.stack_size(QUERY_STACK)
        try:
            threading.Thread(target=run, name="caleido-sparql-query", daemon=True).start()
        finally:
            threading.stack_size(before)


class Endpoint:
    """Answers SPARQL queries over one projection, `max_running` at once, each within `timeout` seconds and
    `max_rows` rows."""

    def __init__(self, projection: Projection, *, timeout: float, max_rows: int, max_running: int):
        self.projection = projection
        self.timeout = timeout
        self.max_rows = max_rows
        self._places = threading.BoundedSemaphore(max_running)

    def answer(self, text: str, accept: str | None) -> Answer:
        """The answer to a query in the media type Accept asks for; the errors say what went wrong (400 for
        a query that may not run, 406 for no acceptable type, 503 for no answer in time)."""
        deadline = time.monotonic() + self.timeout
        form = form_of(text)
        media = negotiate(accept, form)
        oxi = self.projection.current(wait=self._left(deadline))
        if not self._places.acquire(timeout=self._left(deadline)):
            raise QueryEngineBusy(
                "The SPARQL engine is busy with as many queries as it runs at once; try again shortly."
            )
        stop = threading.Event()
        future: Future[Answer] = Future()

        def run() -> None:
            try:
                future.set_result(evaluate(oxi, text, form, media, self.max_rows, stop))
            except BaseException as exc:
                future.set_exception(exc)
            finally:
                self._places.release()

        _start(run)
        try:
            return future.result(timeout=self._left(deadline))
        except FutureTimeout:
            stop.set()
            raise QueryTimeLimit(
                f"The query found no answer within the time limit of {self.timeout:g} s; narrow it (LIMIT, fewer "
                "patterns, FILTER early) or try again when the server is less busy."
            ) from None

    @staticmethod
    def _left(deadline: float) -> float:
        return max(deadline - time.monotonic(), 0.0)
