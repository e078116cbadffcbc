"""The municipality's partner finder, local first: the bodies whose service area holds the municipality
(caleido.graph.usecases.reach), ranked by their reasons for the wanted factors and themes, then by how near
their service area is; then the national support lines; then the kinds of organisation that have no body
named here ("Gemeenten", "Schuldhulpverleners"), named for the municipality and not ranked. Policy actors
(parliament, ministries, offices) are never offered; a general record whose bodies serve the municipality is
not offered itself (its body is).

A body does what it does itself and, "as a" general record it is one of (`kind_of`), what that record does:
for a programme the body has a link of its own to, its own link counts instead."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from caleido.graph import queries, search_keys
from caleido.graph.derived.reach import TARGET_TALLY
from caleido.graph.search_keys import normalise
from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import (
    NotFound,
    allowed_statuses,
    claim_fields,
    claim_from_list,
    label_fields,
)
from caleido.graph.usecases.reach import NEARNESS, POLICY_ACTORS, doings, organisations, reach, tallies
from caleido.graph.usecases.results import (
    Claim,
    LocalRole,
    Partner,
    PartnerMunicipality,
    Partners,
    ProgrammeLink,
    Reach,
    ReachOrganisation,
    Reason,
    ServiceArea,
)

REACH_ORDER: tuple[Reach, ...] = (*NEARNESS, "regional", "national")
# Pages of the national lines and roles, and the reasons and programmes listed per organisation there: a synthetic
# national graph has thousands of lines with hundreds of thousands of reasons; the seed has 8 lines, 15 roles and
# at most 5 reasons and 12 programmes each, so its first page is all of it.
NATIONAL_LIMIT = 25
ROLES_LIMIT = 25
REASONS_LIMIT = 20
Doings = dict[str, dict[str, list[Any]]]  # what organisations do, as ids (caleido.graph.usecases.reach.doings)


class UnknownMunicipality(NotFound):
    """No municipality matches the text; `suggestions` are the names nearest to it."""

    def __init__(self, asked: str, suggestions: list[str]) -> None:
        self.asked, self.suggestions = asked, suggestions
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no municipality matches {asked!r}{hint} Give a CBS code such as GM0363 or a name")


def find_municipality(store: GraphStore, text: str) -> dict[str, Any]:
    """A municipality by CBS code or name; 'Den Haag' and 's-Gravenhage alike. A typo ('Zwole') gets the
    nearest names as suggestions."""
    wanted = normalise(text)
    if not wanted:  # text without letters or digits ("!", " ") normalised to "" and matched a missing label
        raise UnknownMunicipality(text, [])
    exact = search_keys.patterns(wanted)["exact"]
    rows = store.read(queries.MUNICIPALITY_KEYS)
    for row in rows:
        codes = {normalise(code) for code in (row["id"], row["identifier"]) if code}
        if wanted in codes or exact in (row["search_keys"] or ""):
            return store.fetch_nodes("Region", [row["id"]])[row["id"]]
    names = {
        normalise(r["label_nl"]): r["label_nl"]
        for r in store.fetch_nodes("Region", [r["id"] for r in rows]).values()
        if r.get("label_nl")
    }
    near = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.8)
    raise UnknownMunicipality(text, [names[n] for n in near])


@dataclass(frozen=True)
class PartnerQuery:
    """What the partner finder is asked besides the municipality: the factors and themes wanted (`targets`; none:
    every programme link is a reason), the domain and level a body must have, whether proposed claims count, and
    the pages: of the bodies serving the municipality (`limit` from `offset`), of the national support lines and
    of the roles named for it, and the first `reasons_limit` reasons and programmes per national line and role
    and `body_reasons_limit` per body (with how many more). A limit of None is all of them."""

    targets: Collection[str] = ()
    domain: str | None = None
    level: str | None = None
    include_proposed: bool = False
    offset: int = 0
    limit: int | None = None
    national_offset: int = 0
    national_limit: int | None = NATIONAL_LIMIT
    roles_offset: int = 0
    roles_limit: int | None = ROLES_LIMIT
    reasons_limit: int | None = REASONS_LIMIT
    body_reasons_limit: int | None = None  # the finder lists a body's reasons in full; the printed brief does not


FIRST_PAGES = PartnerQuery()
EVERY_LINE = PartnerQuery(national_limit=None, roles_limit=None, reasons_limit=None)  # every line, role and reason


def partners(store: GraphStore, municipality: str, query: PartnerQuery = FIRST_PAGES) -> Partners:
    """The bodies serving a municipality, the national support lines and the roles named for it (a page of each,
    with their totals), each with its reasons (programme x wanted factor or theme, or every programme link when
    none is wanted): see PartnerQuery."""
    return finder(store, municipality, query).answer


@dataclass(frozen=True)
class Found:
    """The finder's answer, and what it ranked and counted: every body serving the municipality, national line and
    role (not only the pages shown), what the bodies and their general records do (`done`, as ids) and what each
    line and role does itself, counted (caleido.graph.derived.reach.tally), so that the municipal brief counts
    them without reading their reasons with their claims."""

    answer: Partners
    bodies: list[ReachOrganisation]
    done: Doings
    national: list[ReachOrganisation]
    roles: list[ReachOrganisation]
    tallied: dict[str, dict[str, Any]]


def finder(store: GraphStore, municipality: str, query: PartnerQuery = FIRST_PAGES) -> Found:
    """The partner finder's answer (see `partners`) with what it counted."""
    statuses = allowed_statuses(query.include_proposed)
    place = find_municipality(store, municipality)
    served = reach(store, [place["id"]], statuses)
    (here,) = served.municipalities

    def fits(org: ReachOrganisation) -> bool:
        return (
            org.organisation_type not in POLICY_ACTORS
            and (not query.domain or query.domain in org.domains)
            and (not query.level or query.level in org.levels)
        )

    bodies = [s for s in here.served_by if fits(served.organisations[s.organisation])]
    generals_here = {g.general for s in bodies for g in served.organisations[s.organisation].kind_of}
    here_ids = {s.organisation for s in bodies}
    # The lines with what sorts and ranks them only: the contact fields and general records of the pages shown
    # are read below (a national graph has thousands of lines).
    unplaced = {
        row["id"]: found
        for row in store.read(queries.UNPLACED_LINES, statuses=statuses)
        if row["id"] not in generals_here and row["id"] not in here_ids
        for found in [_sketch(row)]
        if fits(found)
    }
    wanted = sorted(set(query.targets))
    # Rank on what each body does, as ids (derived entries), and read the claims of the page and the lines only;
    # the lines (thousands in a national graph) on their counts.
    done = doings(store, {*generals_here, *here_ids}, statuses)
    tallied = tallies(store, unplaced, statuses)
    by_target = tallies(store, unplaced, statuses, TARGET_TALLY) if wanted else {}

    def own(org: ReachOrganisation) -> tuple[int, int]:
        """How many reasons (for the wanted targets; all when none is wanted) and programme links a line has."""
        found = tallied.get(org.id, {})
        named = by_target.get(org.id, {})
        reasons = sum(named.get(t, 0) for t in wanted) if wanted else found.get("reasons", 0)
        return reasons, found.get("programmes", 0)

    counted = {s.organisation: _count(served.organisations[s.organisation], done, wanted) for s in bodies}

    def via_reach(area: ServiceArea) -> Reach:
        return _reach(served.regions[area.via].region_type if area.via in served.regions else "municipality")

    ranked = sorted(
        bodies,
        key=lambda s: (
            not counted[s.organisation][0],
            -counted[s.organisation][0],
            -counted[s.organisation][1],
            REACH_ORDER.index(via_reach(s)),
            s.organisation,
        ),
    )
    end = _end(query.offset, query.limit)
    page = ranked[query.offset : end]

    def offered(org: ReachOrganisation) -> bool:
        """Without a wanted factor, anything a body does makes it a line to call; with one, only what fits it."""
        reasons, programmes = own(org)
        return bool(reasons) if wanted else bool(programmes)

    lines = [o for o in unplaced.values() if offered(o)]
    # Rank the national lines on the lengths of their lists (counted from what they do), then read the reasons
    # and programmes of the page only.
    ranked_lines = sorted(
        (o for o in lines if "national" in o.levels),
        key=lambda o: (*(-n for n in own(o)), o.id),
    )
    name = place.get("label_nl") or place["id"]
    named = sorted(
        ((_named(o, name), o) for o in lines if "national" not in o.levels), key=lambda n: (normalise(n[0][0]), n[1].id)
    )
    national_page = ranked_lines[query.national_offset : _end(query.national_offset, query.national_limit)]
    roles_page = named[query.roles_offset : _end(query.roles_offset, query.roles_limit)]
    shown = organisations(store, {o.id for o in national_page} | {o.id for _, o in roles_page}, statuses)
    national_page = [shown[o.id] for o in national_page]
    roles_page = [(n, shown[o.id]) for n, o in roles_page]
    page_generals = {g.general for s in page for g in served.organisations[s.organisation].kind_of}
    ids = sorted(
        {
            *(s.organisation for s in page),
            *page_generals,
            *(o.id for o in national_page),
            *(o.id for _, o in roles_page),
        }
    )
    reasons = _reasons(
        store.read(
            queries.REASONS,
            ids=ids,
            statuses=statuses,
            only_targets=bool(wanted),
            targets=wanted or [""],
        )
    )
    programmes: dict[str, list[ProgrammeLink]] = defaultdict(list)
    for row in store.read(queries.PROGRAMME_LINKS, ids=ids, statuses=statuses):
        programmes[row["organisation"]].append(
            ProgrammeLink(
                intervention=row["intervention"],
                rel=row["rel"],
                role=row["role"],
                claim=Claim(**claim_fields(row, note=True)),
            )
        )

    def as_bodies(org: ReachOrganisation) -> tuple[list[Reason], list[ProgrammeLink]]:
        """The body's own reasons and programmes, then its general records' for the programmes it has no link
        to of its own, marked with the general record and the claim that the body is one of them."""
        own = {p.intervention for p in programmes[org.id]}
        found_reasons, found_programmes = list(reasons[org.id]), list(programmes[org.id])
        for g in org.kind_of:
            marked = {"general": g.general, "general_claim": g.claim}
            found_reasons += [r.model_copy(update=marked) for r in reasons[g.general] if r.intervention not in own]
            found_programmes += [
                p.model_copy(update=marked) for p in programmes[g.general] if p.intervention not in own
            ]
        return found_reasons, found_programmes

    local = [
        capped(
            _partner(
                served.organisations[area.organisation],
                via_reach(area),
                *as_bodies(served.organisations[area.organisation]),
                via=area.via,
                via_claim=area.claim,
            ),
            query.body_reasons_limit,
        )
        for area in page
    ]
    with_bodies = {row["general"] for row in store.read(queries.WITH_BODIES, statuses=statuses)}
    cap = query.reasons_limit
    national = [capped(_partner(o, "national", reasons[o.id], programmes[o.id]), cap) for o in national_page]
    roles = [
        capped(_role(n, o, reasons[o.id], programmes[o.id], bodies_elsewhere=o.id in with_bodies), cap)
        for n, o in roles_page
    ]
    regions = [served.regions[r] for r in here.regions]
    answer = Partners(
        municipality=PartnerMunicipality(
            **label_fields(place),
            safety_regions=[r.id for r in regions if r.region_type == "safety-region"],
            provinces=[r.id for r in regions if r.region_type == "province"],
            regions=regions,
        ),
        statuses=list(statuses),
        offset=query.offset,
        limit=query.limit,
        more=end is not None and len(ranked) > end,
        partners=local,
        national=national,
        roles=roles,
        national_offset=query.national_offset,
        national_limit=query.national_limit,
        national_total=len(ranked_lines),
        roles_offset=query.roles_offset,
        roles_limit=query.roles_limit,
        roles_total=len(named),
    )
    ranked_bodies = [served.organisations[s.organisation] for s in ranked]
    return Found(answer, ranked_bodies, done, ranked_lines, [o for _, o in named], tallied)


def _sketch(row: dict[str, Any]) -> ReachOrganisation:
    """A line as the finder sorts it (`organisations` reads it whole): its labels, type, levels and domains."""
    return ReachOrganisation.model_construct(
        **label_fields(row),
        organisation_type=row["organisation_type"],
        levels=sorted(row.get("levels") or []),
        domains=sorted(row.get("domains") or []),
        kind_of=[],  # given: pydantic inspects a default factory on every construction
    )


def _end(offset: int, limit: int | None) -> int | None:
    return None if limit is None else offset + limit


Listed = TypeVar("Listed", Partner, LocalRole)


def capped(listed: Listed, limit: int | None) -> Listed:
    """The first `limit` reasons and programmes of a body, national line or role, and how many more it has."""
    if limit is None:
        return listed
    return listed.model_copy(
        update={
            "reasons": listed.reasons[:limit],
            "programmes": listed.programmes[:limit],
            "more_reasons": listed.more_reasons + max(0, len(listed.reasons) - limit),
            "more_programmes": listed.more_programmes + max(0, len(listed.programmes) - limit),
        }
    )


def does(org: ReachOrganisation, done: Doings) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """What a body does as the finder lists it: its reasons (a programme and the targets it addresses) and its
    programmes, its own and, for the programmes it has no link to of its own, those of the general records it is
    one of. `done` holds what the body and its general records do themselves."""
    own_programmes = [i for i, _ in done.get(org.id, {}).get("programmes", [])]
    own = set(own_programmes)
    reasons = [(i, targets) for i, _, targets in done.get(org.id, {}).get("reasons", [])]
    programmes = list(own_programmes)
    for g in org.kind_of:
        general = done.get(g.general, {})
        reasons += [(i, targets) for i, _, targets in general.get("reasons", []) if i not in own]
        programmes += [i for i, _ in general.get("programmes", []) if i not in own]
    return reasons, programmes


def _count(org: ReachOrganisation, done: Doings, wanted: list[str]) -> tuple[int, int]:
    """How many reasons (for the wanted targets; all when none is wanted) and programme links a body has: the
    lengths of the lists the finder answers with."""
    targets = set(wanted)
    reasons, programmes = does(org, done)
    return sum(sum(1 for t in found if not targets or t in targets) for _, found in reasons), len(programmes)


def _reach(region_type: str) -> Reach:
    """A region type as a reach ('ggd-region'); a type the finder does not know yet reads as 'regional'."""
    known: dict[str, Reach] = {r: r for r in REACH_ORDER}
    return known.get(region_type, "regional")


def _partner(
    org: ReachOrganisation,
    reach_: Reach,
    reasons: list[Reason],
    programmes: list[ProgrammeLink],
    *,
    via: str | None = None,
    via_claim: Claim | None = None,
) -> Partner:
    return Partner(
        **label_fields(org.model_dump()),
        organisation_type=org.organisation_type,
        levels=org.levels,
        domains=org.domains,
        reach=reach_,
        reasons=_ordered(reasons),
        via=via,
        via_claim=via_claim,
        url=org.url,
        phone=org.phone,
        kind_of=[g.general for g in org.kind_of],
        programmes=_ordered_programmes(programmes),
    )


# How a kind of organisation is named for the municipality: "the municipalities" as the municipality itself
# ("Gemeente Zwolle"), any other kind as found there ("Schuldhulpverleners in Zwolle", "Rurale gemeenten in ...").
_OWN = ("Gemeente {place}", "Municipality of {place}")
_FOUND_THERE = ("{label} in {place}", "{label} in {place}")
MUNICIPALITIES = "gemeenten"  # the label (normalised) of the general record of the municipalities


def _named(org: ReachOrganisation, place: str) -> tuple[str, str]:
    """A kind of organisation's names for the municipality, Dutch and English."""
    label_nl = org.label_nl or org.id
    own = org.organisation_type == "local-government" and normalise(label_nl) == MUNICIPALITIES
    nl, en = _OWN if own else _FOUND_THERE
    label_en = org.label_en or label_nl
    return nl.format(place=place, label=label_nl), en.format(place=place, label=label_en)


def _role(
    named: tuple[str, str],
    org: ReachOrganisation,
    reasons: list[Reason],
    programmes: list[ProgrammeLink],
    *,
    bodies_elsewhere: bool,
) -> LocalRole:
    return LocalRole(
        **label_fields(org.model_dump()),
        named_nl=named[0],
        named_en=named[1],
        organisation_type=org.organisation_type,
        reasons=_ordered(reasons),
        programmes=_ordered_programmes(programmes),
        bodies_elsewhere=bodies_elsewhere,
    )


def _ordered(reasons: list[Reason]) -> list[Reason]:
    return sorted(reasons, key=lambda r: (r.general or "", r.intervention, r.target, r.rel))


def _ordered_programmes(programmes: list[ProgrammeLink]) -> list[ProgrammeLink]:
    return sorted(programmes, key=lambda p: (p.general or "", p.intervention, p.rel))


def _reasons(rows: list[dict[str, Any]]) -> dict[str, list[Reason]]:
    """The reasons of the REASONS rows by organisation, each with the claims of the two links it rests on. A
    programme's link to a target is one claim, however many organisations run the programme: it is made once."""
    reasons: dict[str, list[Reason]] = defaultdict(list)
    claims: dict[tuple[str, str, str], Claim] = {}
    for row in rows:
        programme = Claim(**claim_fields(row, note=True))
        for target, rel, *claim in row["targets"]:
            key = (row["intervention"], rel, target)
            if key not in claims:
                claims[key] = Claim(**claim_from_list(claim))
            reasons[row["organisation"]].append(
                Reason.model_construct(  # its fields as read, the claims validated above: thousands on a page
                    intervention=row["intervention"],
                    rel=row["rel"],
                    role=row["role"],
                    target=target,
                    target_rel=rel,
                    programme_claim=programme,
                    target_claim=claims[key],
                )
            )
    return reasons


__all__ = [
    "NATIONAL_LIMIT",
    "REACH_ORDER",
    "REASONS_LIMIT",
    "ROLES_LIMIT",
    "Found",
    "capped",
    "does",
    "finder",
    "UnknownMunicipality",
    "find_municipality",
    "partners",
]
