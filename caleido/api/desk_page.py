"""The curator's desk, /review: the review queue as a page, for curators only (the key-based sign-in). It works
without JavaScript: each action is a form POSTed to a page route that calls the same function as the API
(caleido.loaders.desk, caleido.loaders.merge) and answers 303 back to the queue with its filters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caleido.api.deps import PageCurator, PageLang, SettingsDep, StoreDep
from caleido.api.pages import SECURITY_HEADERS, PageRoute, _same_site, page_url, render_page
from caleido.graph.usecases.review_queue import QueueItem, known_kinds, review_queue
from caleido.loaders import desk, merge
from caleido.ontology.model import load_ontology
from caleido.ontology.records import now_utc
from caleido.viz.i18n import Lang, class_label, rel_label, term_label, text

router = APIRouter(include_in_schema=False, route_class=PageRoute)
FILTERS = ("kind", "source", "submitter")
SHOWN = 200
Reason = Annotated[str, Form(min_length=1, max_length=2000)]
Back = Annotated[str, Form(max_length=2000)]


def _kind_label(kind: str, lang: Lang) -> str:
    if kind == "revision":
        return text(lang, "review.kind.revision")
    return class_label(kind, lang) if kind in load_ontology().classes else rel_label(kind, lang)


def _item_view(item: QueueItem, lang: Lang) -> dict[str, Any]:
    label = (item.label_nl if lang == "nl" else item.label_en) or item.label_en or item.label_nl or item.id
    return {
        **item.model_dump(by_alias=False),
        "label": label,
        "kind_label": _kind_label(item.kind, lang),
        "status_label": term_label("ReviewStatusScheme", item.status, lang),
        "factor": item.item == "record" and item.kind in merge.FACTOR_CLASSES,
        "mergeable": item.item == "record",
    }


@router.get("/review", response_class=HTMLResponse)
def desk_page(request: Request, store: StoreDep, lang: PageLang, curator: PageCurator) -> HTMLResponse:
    chosen = {name: request.query_params.get(name) or None for name in FILTERS}
    queue = review_queue(
        store, kind=chosen["kind"], source=chosen["source"], submitter=chosen["submitter"], limit=SHOWN
    )
    response = render_page(
        request,
        "review.html",
        lang,
        "review",
        queue=queue,
        items=[_item_view(item, lang) for item in queue.items],
        chosen=chosen,
        kinds=[(kind, _kind_label(kind, lang)) for kind in known_kinds()],
        sources=[(f.value, f"{f.value} ({f.count})") for f in queue.sources],
        submitters=[(f.value, f"{f.value} ({f.count})") for f in queue.submitters],
        dimensions=[(n, term_label("DimensionScheme", n, lang)) for n in merge.allowed_dimensions()],
        back=page_url("/review", {**chosen, "lang": lang}),
        done=request.query_params.get("done"),
        curator=curator.agent,
        shown=SHOWN,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(back: str, done: str) -> Response:
    """303 to the queue as it was filtered, saying what was just decided."""
    path = back if back.startswith("/review") and "\\" not in back and back.isprintable() else "/review"
    sep = "&" if "?" in path else "?"
    url = path + sep + page_url("", {"done": done})[1:]
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


@router.post("/review/decide")
def desk_decide(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    curator: PageCurator,
    item: Annotated[desk.Item, Form()],
    item_id: Annotated[str, Form(alias="id", max_length=400)],
    decision: Annotated[str, Form(pattern="^(accept|reject|request_changes)$")],
    reason: Reason,
    back: Back = "/review",
) -> Response:
    _same_site(request)
    two = settings.grade_needs_two_curators
    desk.decide(store, item, item_id, decision, reason, curator.agent, now_utc(), two_for_grade=two)
    return _back(back, item_id)


@router.post("/review/merge")
def desk_merge(
    request: Request,
    store: StoreDep,
    curator: PageCurator,
    item_id: Annotated[str, Form(alias="id", max_length=200)],
    into: Annotated[str, Form(min_length=1, max_length=200)],
    reason: Reason,
    back: Back = "/review",
) -> Response:
    _same_site(request)
    merge.merge(store, item_id, into.strip(), reason, curator.agent, now_utc())
    return _back(back, item_id)


@router.post("/review/dimension")
def desk_move(
    request: Request,
    store: StoreDep,
    curator: PageCurator,
    item_id: Annotated[str, Form(alias="id", max_length=200)],
    dimension: Annotated[str, Form(max_length=40)],
    reason: Reason,
    back: Back = "/review",
) -> Response:
    _same_site(request)
    merge.move_dimension(store, item_id, dimension, reason, curator.agent, now_utc())
    return _back(back, item_id)
