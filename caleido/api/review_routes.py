"""What became of a record, and the revisions researchers proposed: its history for everyone who may read, the
revisions for curators to decide (caleido.loaders.revisions)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from caleido.api import problems, schemas
from caleido.api.deps import Curator, Reader, StoreDep
from caleido.graph.usecases import history
from caleido.graph.usecases.results import NodeHistory, Revision, Revisions
from caleido.loaders import revisions
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
def review_revision(revision_id: str, body: schemas.ReviewIn, store: StoreDep, key: Curator) -> dict[str, Any]:
    """Accept a proposed revision (its new values are applied, if the record still holds what it was proposed
    against) or reject it (the record stays as it is); decided once, logged on the record."""
    return revisions.review_revision(store, revision_id, body.decision, body.reason, key.agent, now_utc())
