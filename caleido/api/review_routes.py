"""What became of a record, and the revisions researchers proposed: its history for everyone who may read, the
revisions for curators to decide (caleido.loaders.revisions)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from caleido.api import problems, schemas
from caleido.api.deps import Curator, Reader, SettingsDep, StoreDep
from caleido.graph.usecases import history
from caleido.graph.usecases.results import NodeHistory, Revision, Revisions
from caleido.graph.usecases.review_queue import ReviewQueue, review_queue
from caleido.loaders import desk, merge, review, revisions
from caleido.ontology.records import now_utc

# No prefix: caleido.api.evidence_routes includes it under its own.
router = APIRouter(responses=problems.responses(401, 422, 503))
NOT_FOUND = problems.responses(404)


@router.get("/nodes/{node_id}/history", response_model=NodeHistory, tags=["explore"], responses=NOT_FOUND)
def node_history(store: StoreDep, _: Reader, node_id: str) -> NodeHistory:
    """Who changed a record and the links it states, when, with the old and new values, oldest first; and the
    revisions proposed beside them."""
    return history.history(store, node_id)


@router.get("/revisions", response_model=Revisions, tags=["curators"])
def list_revisions(
    store: StoreDep,
    _: Reader,
    state: Literal["proposed", "accepted", "rejected"] | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Revisions:
    """Revisions in a state (`proposed`: the ones waiting for a curator), oldest first."""
    return history.revisions(store, state, offset=offset, limit=limit)


@router.get("/revisions/{revision_id}", response_model=Revision, tags=["curators"], responses=NOT_FOUND)
def get_revision(store: StoreDep, _: Reader, revision_id: str) -> Revision:
    """One revision: what it changes (old and new values), who proposed it, and its decision."""
    return history.revision(revisions.find_revision(store, revision_id))


@router.post(
    "/revisions/{revision_id}/review",
    response_model=schemas.RevisionReviewOut,
    tags=["curators"],
    responses=problems.responses(403, 404, 409),
)
def review_revision(
    revision_id: str, body: schemas.ReviewIn, store: StoreDep, settings: SettingsDep, key: Curator
) -> dict[str, Any]:
    """Accept a proposed revision (its new values are applied, if the record still holds what it was proposed
    against) or reject it (the record stays as it is); decided once, logged on the record."""
    return revisions.review_revision(
        store,
        revision_id,
        body.decision,
        body.reason,
        key.agent,
        now_utc(),
        two_for_grade=settings.grade_needs_two_curators,
    )


# ---------------------------------------------------------------- the curator's desk (the /review page calls these)

DESK = problems.responses(403, 404, 409)


@router.get("/review/queue", response_model=ReviewQueue, tags=["curators"])
def desk_queue(
    store: StoreDep,
    _: Reader,
    kind: Annotated[str | None, Query(description="A class, a relationship type, or 'revision'")] = None,
    source: Annotated[str | None, Query(description="The id of the source the item rests on")] = None,
    submitter: Annotated[str | None, Query(description="The agent that added it, e.g. key:ab12cd34:researcher")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ReviewQueue:
    """Everything proposed, oldest first: records of every class, links and revisions, each with its source,
    locator and quote, who submitted it, a revision's old and new values, a request for a change and a grade's
    first acceptance; and the kinds, sources and submitters of the whole queue."""
    return review_queue(store, kind=kind, source=source, submitter=submitter, offset=offset, limit=limit)


@router.post(
    "/review/link/{from_id}/{rel}/{to_id}", response_model=schemas.ReviewOut, tags=["curators"], responses=DESK
)
def desk_review_link(
    from_id: str, rel: str, to_id: str, body: schemas.DeskReviewIn, store: StoreDep, key: Curator
) -> dict[str, Any]:
    """Accept, reject or ask for a change of one link (a link's review is its own; the record stays as it is)."""
    return review.review_link(
        store,
        rel,
        from_id,
        to_id,
        body.decision,
        body.reason,
        key.agent,
        now_utc(),
        expected_status=body.expected_status,
    )


@router.post("/review/record/{node_id}", response_model=schemas.ReviewOut, tags=["curators"], responses=DESK)
def desk_review_record(
    node_id: str, body: schemas.DeskReviewIn, store: StoreDep, settings: SettingsDep, key: Curator
) -> dict[str, Any]:
    """Accept, reject or ask for a change of a record of any class (interventions, organisations and sources
    included). With CALEIDO_GRADE_NEEDS_TWO_CURATORS a graded finding needs two different curators' acceptance."""
    return desk.decide(
        store,
        "record",
        node_id,
        body.decision,
        body.reason,
        key.agent,
        now_utc(),
        expected_status=body.expected_status,
        two_for_grade=settings.grade_needs_two_curators,
    )


@router.post(
    "/review/revision/{revision_id}", response_model=schemas.RevisionReviewOut, tags=["curators"], responses=DESK
)
def desk_review_revision(
    revision_id: str, body: schemas.DeskReviewIn, store: StoreDep, settings: SettingsDep, key: Curator
) -> dict[str, Any]:
    """Accept, reject or ask for a change of a revision (the old and new values are in the queue)."""
    return desk.decide(
        store,
        "revision",
        revision_id,
        body.decision,
        body.reason,
        key.agent,
        now_utc(),
        two_for_grade=settings.grade_needs_two_curators,
    )


@router.post("/review/record/{node_id}/merge", response_model=schemas.MergeOut, tags=["curators"], responses=DESK)
def desk_merge(node_id: str, body: schemas.MergeIn, store: StoreDep, key: Curator) -> dict[str, Any]:
    """Merge a proposed duplicate into the record it repeats: its quote becomes a further citation and its labels
    further names of the kept record, its links move there, and it is rejected with a 'merged into' line."""
    return merge.merge(store, node_id, body.into, body.reason, key.agent, now_utc())


@router.post(
    "/review/record/{node_id}/dimension", response_model=schemas.RevisionReviewOut, tags=["curators"], responses=DESK
)
def desk_move(node_id: str, body: schemas.MoveIn, store: StoreDep, key: Curator) -> dict[str, Any]:
    """Move a factor to its right dimension: a revision of its dimension, accepted by the curator who makes it."""
    return merge.move_dimension(store, node_id, body.dimension, body.reason, key.agent, now_utc())
