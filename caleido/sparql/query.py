"""One SPARQL query from text to answer: what it is (and whether it may run), which media type answers it, and
its evaluation under a row cap, written as SPARQL results JSON, CSV or Turtle.

Only `Store.query` is ever called, which cannot change the store; updates are refused before that with a clear
message rather than a parser's. SERVICE is refused too: pyoxigraph would call any URL it names from this server.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

from caleido.errors import InvalidQuery, NotAcceptable, QueryRefused, StoreError
from caleido.loaders.csv_format import BYTE_ORDER_MARK, write_csv
from caleido.loaders.rdf_mapping import PREFIXES

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: tuple[Form, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
RESULTS_JSON = "application/sparql-results+json"
CSV = "text/csv"
TURTLE = "text/turtle"
# What each form can be answered in, the first the default.
OFFERS: dict[Form, tuple[str, ...]] = {
    "SELECT": (RESULTS_JSON, "application/json", CSV),
    "ASK": (RESULTS_JSON, "application/json"),
    "CONSTRUCT": (TURTLE,),
    "DESCRIBE": (TURTLE,),
}
# The prefixes a query may use without declaring them: the export's.
DEFAULT_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# What the SPARQL grammar reads as one token in which no keyword counts: strings (long ones first), IRIs and
# comments, left to right as its lexer meets them.
_OPAQUE = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
# pyoxigraph parses, plans and evaluates recursively, so a deep enough query overflows its thread's stack and
# kills the process (segfault): on an 8 MiB stack, 5,000 nested brackets or a 10,000-term chain 1+1+...+1 did.
# Queries run on a 256 MiB stack (caleido.sparql.endpoint), where chains of 32,000 terms and 60,000 `!` ran;
# these caps keep every query well below that, and no real query nears them.
MAX_QUERY_CHARS = 64 * 1024
MAX_NESTING = 100  # brackets { ( [ open at once, strings, IRIs and comments left out
# SERVICE as a keyword: not inside a longer name or a variable. pyoxigraph reads `SERVICE:x` and `.SERVICE` as
# the keyword, so only letters, digits, _ and a variable's ? or $ rule it out; a name like `ex:SERVICE` is
# refused too, on the safe side.
_SERVICE = re.compile(r"(?<![\w?$])SERVICE(?!\w)", re.IGNORECASE)
# The prologue (BASE and PREFIX, their IRIs blanked to <>) and the keyword after it.
_FIRST_KEYWORD = re.compile(r"\s*(?:(?:BASE\s*<>|PREFIX\s*[^\s<]*\s*<>)\s*)*([A-Za-z]+)", re.IGNORECASE)


def form_of(text: str) -> Form:
    """What kind of query this is; InvalidQuery or QueryRefused (both 400) when it may not run here."""
    if not text.strip():
        raise InvalidQuery("The query is empty; send a SPARQL query in `query`.")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"The query is longer than {MAX_QUERY_CHARS} characters; shorten it.")
    code = _OPAQUE.sub(lambda m: "<>" if m.group().startswith("<") else " ", text)
    if _nesting(code) > MAX_NESTING:
        raise InvalidQuery(f"The query nests brackets more than {MAX_NESTING} deep; flatten it.")
    keyword = match.group(1).upper() if (match := _FIRST_KEYWORD.match(code)) else ""
    if keyword in UPDATES:
        raise QueryRefused(f"This endpoint only reads: SPARQL updates ({keyword} ...) are refused.")
    if _SERVICE.search(code):
        raise QueryRefused("SERVICE is refused: this endpoint does not query other servers.")
    if keyword not in FORMS:
        raise InvalidQuery("A SPARQL query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after BASE and PREFIX).")
    return keyword


def _nesting(code: str) -> int:
    """How deep brackets nest in query text (its strings, IRIs and comments blanked)."""
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


# ---------------------------------------------------------------- which media type


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their weights (q), parameters other than q left out."""
    out = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media:
            out.append((media.lower(), weight))
    return out


def _weight(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """The weight the most specific matching range gives a media type (0 when none matches)."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for pattern, weight in ranges:
        specificity = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, weight)
    return best[1]


def negotiate(accept: str | None, form: Form) -> str:
    """The media type to answer a query of this form in: the one the Accept header weighs most, the form's
    default first among equals; NotAcceptable (406) when it allows none of them."""
    offers = OFFERS[form]
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    weights = [(_weight(media, ranges), -i, media) for i, media in enumerate(offers)]
    weight, _, media = max(weights)
    if weight <= 0:
        raise NotAcceptable(f"{form} queries are answered in {', '.join(offers)}; the Accept header allows none.")
    return media


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    truncated: bool = False


def evaluate(
    oxi: ox.Store, text: str, form: Form, media: str, max_rows: int, stop: threading.Event | None = None
) -> Answer:
    """Run the query and write its answer, at most `max_rows` rows or triples. `stop` set: give up at the next
    row (the caller no longer waits for the answer)."""
    try:
        return _evaluate(oxi, text, form, media, max_rows, stop)
    except SyntaxError as exc:
        raise InvalidQuery(f"The query does not parse: {exc}") from None
    except OSError as exc:  # pyoxigraph's error for the store it reads
        raise StoreError(f"the SPARQL engine failed: {exc}") from exc
    except RuntimeError as exc:  # pyoxigraph's error for a query it cannot evaluate
        raise InvalidQuery(f"The query cannot be evaluated: {exc}") from None


def _evaluate(oxi: ox.Store, text: str, form: Form, media: str, max_rows: int, stop: threading.Event | None) -> Answer:
    result = oxi.query(text, prefixes=DEFAULT_PREFIXES)
    answered: Form = (
        "ASK" if isinstance(result, ox.QueryBoolean) else "SELECT" if isinstance(result, ox.QuerySolutions) else form
    )
    if answered != form:  # form_of read the query otherwise than the parser: never answer in the wrong format
        raise InvalidQuery(f"The query reads as {form} but is a {answered} query; write the keyword plainly.")
    if isinstance(result, ox.QueryBoolean):
        return Answer(_json({"head": {}, "boolean": bool(result)}), media)
    if isinstance(result, ox.QueryTriples):
        triples, truncated = _first(result, max_rows, stop)
        prefixes = DEFAULT_PREFIXES if triples else None
        return Answer(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"", media, truncated)
    names = [v.value for v in result.variables]
    rows, truncated = _first(result, max_rows, stop)
    if media == CSV:
        lines = ({name: _cell(row[name]) for name in names} for row in rows)
        return Answer((BYTE_ORDER_MARK + write_csv(names, lines)).encode(), media, truncated)
    bindings = [{name: _term(term) for name in names if (term := row[name]) is not None} for row in rows]
    return Answer(_json({"head": {"vars": names}, "results": {"bindings": bindings}}), media, truncated)


def _first(items: Iterable[Any], most: int, stop: threading.Event | None) -> tuple[list[Any], bool]:
    """The first `most` items and whether there were more."""
    out: list[Any] = []
    for item in items:
        if stop is not None and stop.is_set():
            break
        if len(out) == most:
            return out, True
        out.append(item)
    return out, False


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _term(term: Any) -> dict[str, Any]:
    """A term as SPARQL 1.1 results JSON writes it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):  # RDF-star; the graph holds none, a query may make one
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {name: _term(part) for name, part in parts.items()}}
    raise TypeError(f"unexpected term {term!r}")


def _cell(term: Any) -> str | None:
    """A term as SPARQL 1.1 results CSV writes it: IRIs and literals as their text, blank nodes as _:label."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)
