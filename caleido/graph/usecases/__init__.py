"""The use-case queries behind the three user jobs. Each reads with the catalogue in
caleido.graph.queries, lets the database filter, count and page, and does what is left of its arithmetic
here, once, so both stores give identical answers. Each answers with its model from
caleido.graph.usecases.results, in a fixed order, which the API serves as it is.

- evidence_map: coverage (the evidence-and-gap map), one cell of it, gaps (policymakers);
- partners: the partner finder (municipalities);
- reach: which organisations serve which municipalities, through which region;
- brief: one municipality's partners, the factors they address, its programmes and gaps;
- grades: the grade crosswalk (from the ontology alone);
- explore: a node, its neighbourhood, search, labels, municipalities, the model (everyone).
"""

from caleido.graph.search_keys import normalise
from caleido.graph.usecases.brief import brief
from caleido.graph.usecases.common import ACCEPTED, WITH_PROPOSED, NotFound, Statuses, stored_links
from caleido.graph.usecases.evidence_map import (
    FACTOR_RELS,
    Evidence,
    cell,
    coverage,
    coverage_rows,
    gaps,
    target_cell,
)
from caleido.graph.usecases.explore import (
    labels,
    model,
    model_interventions,
    model_members,
    municipalities,
    neighbourhood,
    node,
    search,
)
from caleido.graph.usecases.grades import grade_crosswalk
from caleido.graph.usecases.partners import EVERY_LINE, REACH_ORDER, PartnerQuery, find_municipality, partners
from caleido.graph.usecases.reach import reach

__all__ = [
    "ACCEPTED",
    "EVERY_LINE",
    "FACTOR_RELS",
    "REACH_ORDER",
    "PartnerQuery",
    "WITH_PROPOSED",
    "brief",
    "Evidence",
    "NotFound",
    "Statuses",
    "cell",
    "coverage",
    "coverage_rows",
    "find_municipality",
    "gaps",
    "grade_crosswalk",
    "labels",
    "model",
    "model_interventions",
    "model_members",
    "municipalities",
    "neighbourhood",
    "node",
    "normalise",
    "partners",
    "reach",
    "search",
    "stored_links",
    "target_cell",
]
