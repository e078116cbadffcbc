"""Each use case the bench measures, answered twice in one comparable shape: by Caleido (the use-case function,
its result model normalised) and by DuckDB SQL over the Parquet files of the same graph (bench.floor.duck).

The shapes hold ids, counts and the fields that decide an answer (statuses, ordering, paging, ties), in the
order the use case gives them; `check` raises with the first differences when the two disagree. The SQL follows
the use cases' own semantics (caleido.graph.usecases): only what counts under the statuses asked (accepted by
default), the page the API returns, the same sort keys. Python around the SQL only where the use case itself is
Python-side text processing (the search text's normalisation, a signal's stemming and scoring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.floor.duck import Floor
from caleido.api.routes import COVERAGE_PAGE, GAPS_PAGE, PARTNERS_PAGE
from caleido.graph import search_keys, usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases import results
from caleido.graph.usecases.brief import BRIEF_BODIES, BRIEF_NAMES, BRIEF_PROGRAMMES
from caleido.graph.usecases.common import ACCEPTED, grade_rank
from caleido.graph.usecases.evidence_map import HOME_COUNTRY, WEAK_BELOW
from caleido.graph.usecases.map_measures import RECOGNISED_FROM, MapMeasure, map_measure
from caleido.graph.usecases.partners import MUNICIPALITIES, NATIONAL_LIMIT, REACH_ORDER, REASONS_LIMIT, ROLES_LIMIT
from caleido.graph.usecases.reach import NEARNESS, POLICY_ACTORS
from caleido.graph.usecases.signals import TARGET_CLASSES as SIGNAL_CLASSES
from caleido.graph.usecases.signals import match_signal
from caleido.loaders.signal_lexicon import seed_lexicon

MUNICIPALITY = "GM0363"  # Amsterdam, as bench.query_latency
CENTRE = "rf-complotdenken"  # a risk factor of the seed, present at every scale
SEARCH = "vertrouwen"
SIGNAL = "jongere trekt zich terug en deelt complotfilmpjes"
FACTOR = "rf-marginalisering"  # a risk factor of the seed with accepted findings, present at every scale
STATUSES = list(ACCEPTED)  # the default of every use case

Shape = Any


class Mismatch(AssertionError):
    """DuckDB's answer and Caleido's differ."""


@dataclass(frozen=True)
class Case:
    name: str
    caleido: Callable[[GraphStore], Any]  # the use case as the bench calls it
    normalise: Callable[[Any], Shape]  # its answer in the comparable shape
    floor: Callable[[Floor], Shape]  # DuckDB's answer in that shape


def _t(value: Any) -> Any:
    """Lists (also nested, as DuckDB returns them) as tuples, so shapes compare and hash."""
    return tuple(_t(v) for v in value) if isinstance(value, list | tuple) else value


def check(name: str, caleido: Shape, floor: Shape) -> None:
    """Raise Mismatch naming the first differences of two shapes."""
    if caleido == floor:
        return
    diffs: list[str] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if len(diffs) >= 5 or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(f"{path}.{key}", a.get(key), b.get(key))
        elif isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(f"{path}[{i}]", x, y)
        elif isinstance(a, tuple) and isinstance(b, tuple):
            only_a, only_b = [x for x in a if x not in b][:3], [x for x in b if x not in a][:3]
            diffs.append(f"{path}: {len(a)} vs {len(b)} items; only Caleido {only_a}; only DuckDB {only_b}")
        else:
            diffs.append(f"{path}: Caleido {a!r} vs DuckDB {b!r}")

    walk(name, caleido, floor)
    raise Mismatch("DuckDB's answer differs from Caleido's: " + "; ".join(diffs))


# ---------------------------------------------------------------- shared SQL

FACTORS = "(SELECT id, status FROM n_RiskFactor UNION ALL SELECT id, status FROM n_ProtectiveFactor)"
# What `summarise` says of findings rows (finding, direction, grade) grouped: counts, net direction, best grade
# (the highest rank; among equal ranks the first finding by id, as summarise keeps the first it meets).
SUMMARY = """count(*) AS findings,
  count(*) FILTER (WHERE coalesce(direction, 'mixed') = 'supports') AS supports,
  count(*) FILTER (WHERE direction = 'contradicts') AS contradicts,
  count(*) FILTER (WHERE coalesce(direction, 'mixed') = 'mixed') AS mixed,
  CASE WHEN supports > contradicts THEN 'supports' WHEN supports < contradicts THEN 'contradicts'
       ELSE 'mixed' END AS net,
  arg_min(grade, (-coalesce(rank, -1), finding)) FILTER (WHERE grade IS NOT NULL) AS best,
  list(finding ORDER BY finding) AS ids"""
GRADED = "LEFT JOIN grades USING (grade)"


def _summary(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return _t(row)


def _summary_of(s: results.CellSummary) -> tuple[Any, ...]:
    return (s.findings, s.supports, s.contradicts, s.mixed, s.net_direction, s.best_grade, tuple(s.finding_ids))


# Findings on an intervention's link to a factor: one hop to the intervention, one to the factor, every status
# counting (CELL_EVIDENCE with the statuses checked again, as Evidence does).
CELL_EVIDENCE = f"""
SELECT e.target AS intervention, r.target AS target, f.id AS finding, r.direction AS direction, f.grade AS grade
FROM l_EVIDENCE_FOR e JOIN n_Finding f ON f.id = e.source JOIN l_EVIDENCE_FOR r ON r.source = f.id
JOIN {FACTORS} n ON n.id = r.target
WHERE list_contains($st, e.status) AND list_contains($st, f.status) AND list_contains($st, r.status)
"""
# Findings on a factor itself (TARGET_EVIDENCE): the factor counts too.
TARGET_EVIDENCE = f"""
SELECT r.target AS target, f.id AS finding, r.direction AS direction, f.grade AS grade, f.source AS fsource,
       f.country AS country
FROM l_EVIDENCE_FOR r JOIN n_Finding f ON f.id = r.source JOIN {FACTORS} n ON n.id = r.target
WHERE list_contains($st, f.status) AND list_contains($st, r.status) AND list_contains($st, n.status)
"""
COLUMNS = """
SELECT id, 'RiskFactor' AS class, coalesce(dimension, '') AS dimension, list_sort(coalesce(clusters, []))
FROM n_RiskFactor WHERE list_contains($st, status)
UNION ALL SELECT id, 'ProtectiveFactor', coalesce(dimension, 'protective'), []::VARCHAR[]
FROM n_ProtectiveFactor WHERE list_contains($st, status)
"""
FACTOR_LINKS = """
SELECT source AS intervention, 'ADDRESSES' AS rel, target, status FROM l_ADDRESSES WHERE list_contains($st, status)
UNION ALL SELECT source, 'STRENGTHENS', target, status FROM l_STRENGTHENS WHERE list_contains($st, status)
"""


# ---------------------------------------------------------------- search


def search_shape(hits: list[results.SearchHit]) -> Shape:
    return tuple((h.id, h.class_, h.label_nl, h.label_en, h.rank) for h in hits)


def search_floor(floor: Floor, text: str = SEARCH, limit: int = 20) -> Shape:
    keys = search_keys.patterns(search_keys.normalise(text))  # the text's normalisation: Python, as the use case's
    return _t(
        floor.rows(
            """SELECT id, class, label_nl, label_en,
                  CASE WHEN contains(search_keys, $exact) THEN 0 WHEN contains(search_keys, $prefix) THEN 1
                       ELSE 2 END AS rank
               FROM nodes WHERE contains(search_keys, $contains) ORDER BY rank, class, id LIMIT $limit""",
            **keys,
            limit=limit,
        )
    )


# ---------------------------------------------------------------- neighbourhood


def neighbourhood_shape(n: results.Neighbourhood) -> Shape:
    return (
        n.truncated,
        tuple((x.id, x.class_, x.label_nl, x.depth) for x in n.nodes),
        tuple((x.from_, x.rel, x.to) for x in n.links),
    )


def neighbourhood_floor(floor: Floor, centre: str = CENTRE, depth: int = 2, limit: int = 200) -> Shape:
    """Breadth first, one SQL step per depth (the steps are the use case's own loop): the links at the frontier,
    the new ends in id order up to the limit."""
    floor.db.execute("CREATE OR REPLACE TEMP TABLE dist (id VARCHAR, d INTEGER)")
    floor.db.execute("CREATE OR REPLACE TEMP TABLE seen (source VARCHAR, rel VARCHAR, target VARCHAR)")
    floor.db.execute("INSERT INTO dist VALUES ($c, 0)", {"c": centre})
    truncated = False
    for step in range(1, depth + 1):
        # Two equality joins (either end at the frontier), which DuckDB hashes; one join on `IN (source, target)`
        # it would run as a nested loop.
        frontier = """SELECT l.* FROM links l JOIN dist f ON f.id = l.source WHERE f.d = $prev
                      UNION SELECT l.* FROM links l JOIN dist f ON f.id = l.target WHERE f.d = $prev"""
        floor.temp("step", frontier, prev=step - 1)
        floor.db.execute("INSERT INTO seen SELECT * FROM step")
        floor.temp("found", "SELECT DISTINCT unnest([source, target]) AS e FROM step EXCEPT SELECT id FROM dist")
        found = floor.rows("SELECT count(*) FROM found")[0][0]
        room = max(limit - floor.rows("SELECT count(*) FROM dist")[0][0], 0)
        truncated = found > room
        floor.rows("INSERT INTO dist SELECT e, $step FROM found ORDER BY e LIMIT $room", step=step, room=room)
        if truncated or not min(found, room):
            break
    nodes = floor.rows("SELECT d.id, n.class, n.label_nl, d.d FROM dist d JOIN nodes n USING (id) ORDER BY d.d, d.id")
    kept = floor.rows(
        """SELECT DISTINCT source, rel, target FROM seen WHERE source IN (SELECT id FROM dist)
           AND target IN (SELECT id FROM dist) ORDER BY ALL"""
    )
    return (truncated, _t(nodes), _t(kept))


# ---------------------------------------------------------------- one factor's evidence


def factor_evidence_shape(c: results.TargetCell) -> Shape:
    return (
        _summary_of(c),
        c.sources,
        tuple((d.id, d.grade, d.direction, d.country, tuple(s.id for s in d.sources)) for d in c.finding_details),
    )


def factor_evidence_floor(floor: Floor, factor: str = FACTOR) -> Shape:
    rows = f"SELECT * FROM ({TARGET_EVIDENCE}) WHERE target = $factor"
    summary = floor.rows(
        f"SELECT {SUMMARY}, count(DISTINCT fsource) FROM ({rows}) {GRADED}", st=STATUSES, factor=factor
    )[0]
    details = floor.rows(
        f"""SELECT t.finding, t.grade, t.direction, t.country,
                   list(s.id ORDER BY s.id) FILTER (WHERE s.id IS NOT NULL)
            FROM ({rows}) t LEFT JOIN l_REPORTED_IN p ON p.source = t.finding LEFT JOIN n_Source s ON s.id = p.target
            GROUP BY ALL ORDER BY t.finding""",
        st=STATUSES,
        factor=factor,
    )
    summary = summary if summary[0] else (0, 0, 0, 0, None, None, [], 0)
    return (_t(summary[:7]), summary[7], tuple((*d[:4], _t(d[4] or [])) for d in details))


# ---------------------------------------------------------------- coverage


def coverage_shape(c: results.Coverage) -> Shape:
    return (
        c.total_rows,
        tuple(
            (r.id, r.label_nl, tuple(r.domains), tuple(r.levels), r.intervention_type, tuple(r.themes)) for r in c.rows
        ),
        tuple((k.id, k.class_, k.dimension or "", tuple(k.clusters)) for k in c.columns),
        tuple((x.intervention, x.target, x.rel, x.status, *_summary_of(x)) for x in c.cells),
        tuple((e.target, *_summary_of(e), e.sources) for e in c.column_evidence),
    )


def coverage_floor(floor: Floor, offset: int = 0, limit: int = COVERAGE_PAGE) -> Shape:
    st = STATUSES
    total = floor.rows("SELECT count(*) FROM n_Intervention WHERE list_contains($st, status)", st=st)[0][0]
    page = "SELECT id FROM n_Intervention WHERE list_contains($st, status) ORDER BY id LIMIT $limit OFFSET $offset"
    rows = floor.rows(
        f"""SELECT i.id, i.label_nl, list_sort(coalesce(i.domains, [])), list_sort(coalesce(i.levels, [])),
                   i.intervention_type, list_sort(coalesce(t.themes, []))
            FROM n_Intervention i LEFT JOIN (
              SELECT b.source, list(b.target) AS themes FROM l_BELONGS_TO b JOIN n_ProgrammeTheme p ON p.id = b.target
              WHERE list_contains($st, b.status) GROUP BY b.source) t ON t.source = i.id
            WHERE i.id IN ({page}) ORDER BY i.id""",
        st=st,
        limit=limit,
        offset=offset,
    )
    columns = floor.rows(f"SELECT * FROM ({COLUMNS}) ORDER BY 2, 1", st=st)
    cells = floor.rows(
        f"""WITH ev AS (SELECT intervention, target, {SUMMARY} FROM ({CELL_EVIDENCE}) {GRADED}
                        WHERE intervention IN ({page}) GROUP BY ALL)
            SELECT l.intervention, l.target, l.rel, l.status, coalesce(ev.findings, 0), coalesce(ev.supports, 0),
                   coalesce(ev.contradicts, 0), coalesce(ev.mixed, 0), ev.net, ev.best, coalesce(ev.ids, [])
            FROM ({FACTOR_LINKS}
                  UNION ALL SELECT source, 'BELONGS_TO', target, status FROM l_BELONGS_TO
                  WHERE list_contains($st, status)) l
            JOIN ({COLUMNS}) c ON c.id = l.target LEFT JOIN ev USING (intervention, target)
            WHERE l.intervention IN ({page}) ORDER BY 1, 2, 3""",
        st=st,
        limit=limit,
        offset=offset,
    )
    research = floor.rows(
        f"""SELECT target, {SUMMARY}, count(DISTINCT fsource) FROM ({TARGET_EVIDENCE}) {GRADED}
            WHERE target IN (SELECT id FROM ({COLUMNS})) GROUP BY target ORDER BY target""",
        st=st,
    )
    return (total, _t(rows), _t(columns), _t(cells), _t(research))


# ---------------------------------------------------------------- reach and the map


def _served(floor: Floor, municipality: str | None = None) -> None:
    """Temp tables `up` (municipality, region, near): every region a municipality lies in, itself included, with
    its nearness key; and `served` (municipality, organisation, via): every organisation serving a municipality
    through its nearest service area (the municipality itself, then the regions above by nearness and id). For
    one municipality when given, else for all."""
    nearness = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(NEARNESS))
    floor.db.execute(
        f"""CREATE OR REPLACE TEMP TABLE up AS
        WITH RECURSIVE up(municipality, region) AS (
          SELECT id, id FROM n_Region WHERE region_type = 'municipality' AND ($m = '' OR id = $m)
          UNION SELECT up.municipality, p.target FROM up JOIN l_PART_OF p ON p.source = up.region
            AND list_contains($st, p.status)
        )
        SELECT up.*, (up.region <> up.municipality, CASE g.region_type {nearness} ELSE {len(NEARNESS)} END,
                      up.region) AS near
        FROM up LEFT JOIN n_Region g ON g.id = up.region""",
        {"st": STATUSES, "m": municipality or ""},
    )
    floor.db.execute(
        """CREATE OR REPLACE TEMP TABLE served AS
        SELECT up.municipality, o.source AS organisation, arg_min(up.region, up.near) AS via
        FROM up JOIN l_OPERATES_IN o ON o.target = up.region AND list_contains($st, o.status)
        JOIN n_Organisation org ON org.id = o.source AND list_contains($st, org.status)
        GROUP BY ALL""",
        {"st": STATUSES},
    )


def _policy() -> str:
    """An organisation `o` that may be offered or counted: no policy actor."""
    return "coalesce(o.organisation_type, '') NOT IN (" + ", ".join(f"'{p}'" for p in sorted(POLICY_ACTORS)) + ")"


def _bodies_sql() -> str:
    return f"SELECT s.* FROM served s JOIN n_Organisation o ON o.id = s.organisation WHERE {_policy()}"


RECOGNISED = """
SELECT DISTINCT e.target AS intervention FROM l_EVIDENCE_FOR e JOIN n_Finding f ON f.id = e.source
JOIN n_Intervention i ON i.id = e.target LEFT JOIN grades USING (grade)
WHERE list_contains($st, e.status) AND list_contains($st, f.status) AND coalesce(rank, -1) >= $lowest
"""


def map_shape(m: MapMeasure) -> Shape:
    return (
        m.bodies,
        m.recognised,
        tuple((x.id, x.label_nl, x.value, tuple(x.organisations), tuple(x.interventions)) for x in m.municipalities),
    )


def map_floor(floor: Floor, measure: str) -> Shape:
    _served(floor)
    st, lowest = STATUSES, grade_rank(RECOGNISED_FROM)
    bodies = floor.rows(f"SELECT count(DISTINCT organisation) FROM ({_bodies_sql()})")[0][0]
    recognised = floor.rows(f"SELECT count(*) FROM ({RECOGNISED})", st=st, lowest=lowest)[0][0]
    # What a body counts for: the recognised programmes it runs or joins itself, or as a general record it is one of.
    does = f"""
      WITH prog AS (
        SELECT r.source AS organisation, r.target AS intervention FROM (
          SELECT source, target, status FROM l_RUNS UNION ALL SELECT source, target, status FROM l_PARTICIPATES_IN) r
        JOIN n_Intervention i ON i.id = r.target
        WHERE list_contains($st, r.status) AND list_contains($st, i.status)
          AND r.target IN (SELECT intervention FROM ({RECOGNISED}))),
      general AS (
        SELECT k.source AS organisation, k.target AS general FROM l_KIND_OF k JOIN n_Organisation g ON g.id = k.target
        WHERE list_contains($st, k.status) AND list_contains($st, g.status))
      SELECT organisation, intervention FROM prog
      UNION SELECT general.organisation, prog.intervention FROM general JOIN prog ON prog.organisation = general.general
    """
    if measure == "providers":
        counted = f"""SELECT m.id, m.label_nl, count(b.organisation),
                             coalesce(list(b.organisation ORDER BY b.organisation)
                                      FILTER (WHERE b.organisation IS NOT NULL), []), []::VARCHAR[]
                      FROM n_Region m LEFT JOIN ({_bodies_sql()}) b ON b.municipality = m.id"""
    else:
        counted = f"""SELECT m.id, m.label_nl, count(DISTINCT d.intervention),
                             coalesce(list(DISTINCT b.organisation ORDER BY b.organisation)
                                      FILTER (WHERE d.intervention IS NOT NULL), []),
                             coalesce(list(DISTINCT d.intervention ORDER BY d.intervention)
                                      FILTER (WHERE d.intervention IS NOT NULL), [])
                      FROM n_Region m LEFT JOIN ({_bodies_sql()}) b ON b.municipality = m.id
                      LEFT JOIN ({does}) d ON d.organisation = b.organisation"""
    places = floor.rows(
        counted + " WHERE m.region_type = 'municipality' GROUP BY ALL ORDER BY m.id", st=st, lowest=lowest
    )
    return (bodies, recognised, _t(places))


# ---------------------------------------------------------------- signals


class _Targets:
    """The factors and themes as the signal matcher reads them (iter_nodes), read with DuckDB."""

    def __init__(self, floor: Floor):
        self.floor = floor

    def iter_nodes(self, cls: str) -> list[dict[str, Any]]:
        cursor = self.floor.db.execute(f'SELECT * FROM "n_{cls}" ORDER BY id')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def signal_shape(m: results.SignalMatch) -> Shape:
    return (
        m.exact_match,
        tuple((f.id, f.score, tuple((w.word, w.term, w.via) for w in f.words)) for f in m.factors),
        tuple((s.id, s.similarity, s.nearest) for s in m.suggestions),
    )


def signal_floor(floor: Floor, text: str = SIGNAL) -> Shape:
    """The factors and themes read with DuckDB; the matching itself is the use case's text processing (Dutch
    stemming, scoring by document frequency: caleido.graph.usecases.signals), run on them in Python."""
    assert set(SIGNAL_CLASSES) <= {"RiskFactor", "ProtectiveFactor", "ProgrammeTheme"}
    return signal_shape(match_signal(_Targets(floor), text, seed_lexicon()))  # type: ignore[arg-type]


# ---------------------------------------------------------------- gaps


def gaps_shape(g: results.Gaps) -> Shape:
    return (
        tuple((t.type, t.count, tuple((i.id, i.rel, i.target, i.not_delivered_in) for i in t.items)) for t in g.typed),
        tuple((f.class_, f.id) for f in g.factors_without_intervention),
        tuple((x.intervention, x.rel, x.target) for x in g.links_without_accepted_evidence),
        tuple(t.id for t in g.themes_without_value),
        (
            g.counts.factors_without_intervention,
            g.counts.links_without_accepted_evidence,
            g.counts.themes_without_value,
        ),
    )


def gaps_floor(floor: Floor, offset: int = 0, limit: int = GAPS_PAGE) -> Shape:
    st = STATUSES
    rows = "SELECT id FROM n_Intervention WHERE list_contains($st, status)"
    params = {"st": st, "weak": grade_rank(WEAK_BELOW), "home": HOME_COUNTRY}
    # What several kinds of gap read, each computed once.
    floor.temp("g_columns", COLUMNS, st=st)
    links = "g_links"
    floor.temp(
        links,
        f"SELECT * FROM ({FACTOR_LINKS}) WHERE intervention IN ({rows}) AND target IN (SELECT id FROM g_columns)",
        st=st,
    )
    on_links = f"SELECT * FROM ({CELL_EVIDENCE}) WHERE intervention IN ({rows})"
    item = "NULL::VARCHAR, NULL::VARCHAR, NULL::INTEGER"
    # The links with findings on them: whether all grade below WEAK_BELOW, whether all name a country other than home.
    judged = "g_judged"
    floor.temp(
        judged,
        f"""SELECT l.intervention, l.rel, l.target, count(e.finding) AS n,
                        bool_and(coalesce(g.rank, -1) < $weak) AS weak,
                        bool_and(coalesce(e.country, '') <> '') AND NOT bool_or(e.country = $home) AS foreign_
                 FROM {links} l LEFT JOIN (SELECT o.*, f.country FROM ({on_links}) o JOIN n_Finding f
                                              ON f.id = o.finding) e USING (intervention, target)
                 LEFT JOIN grades g ON g.grade = e.grade GROUP BY ALL""",
        **params,
    )
    researched = "SELECT target FROM g_researched"
    floor.temp("g_researched", f"SELECT DISTINCT target FROM ({TARGET_EVIDENCE})", st=st)
    evaluated = """SELECT e.target FROM l_EVIDENCE_FOR e JOIN n_Finding f ON f.id = e.source
                   WHERE list_contains($st, e.status) AND list_contains($st, f.status)"""
    kinds = {
        "factors_without_intervention": f"""SELECT id, {item} FROM g_columns
                                            WHERE id NOT IN (SELECT target FROM {links})""",
        "interventions_never_evaluated": f"SELECT id, {item} FROM ({rows}) WHERE id NOT IN ({evaluated})",
        "links_weak_evidence_only": f"SELECT intervention, rel, target, NULL FROM {judged} WHERE n > 0 AND weak",
        "links_indirect_evidence_only": f"""SELECT intervention, rel, target, NULL FROM {judged}
                                            WHERE n = 0 AND target IN ({researched})""",
        "links_foreign_evidence_only": f"""SELECT intervention, rel, target, NULL FROM {judged}
                                           WHERE n > 0 AND foreign_""",
        "factors_without_findings": f"SELECT id, {item} FROM g_columns WHERE id NOT IN ({researched})",
    }
    typed = []
    for kind, sql in kinds.items():
        ordered = f"SELECT * FROM ({sql}) AS t(id, rel, target, n) ORDER BY id, coalesce(target, ''), coalesce(rel, '')"
        items = _t(floor.rows(ordered, **params))
        typed.append((kind, len(items), items))
    typed.append(_not_delivered(floor))
    factors = _t(
        floor.rows(f"SELECT class, id FROM g_columns WHERE id NOT IN (SELECT target FROM {links}) ORDER BY 1, 2", st=st)
    )
    accepted = """SELECT e.target AS intervention, x.target FROM l_EVIDENCE_FOR e JOIN n_Finding f ON f.id = e.source
                   JOIN l_EVIDENCE_FOR x ON x.source = f.id WHERE list_contains($acc, e.status)
                   AND list_contains($acc, f.status) AND list_contains($acc, x.status)"""
    unevidenced = _t(
        floor.rows(
            f"""SELECT intervention, rel, target FROM {links}
                WHERE (intervention, target) NOT IN (SELECT (intervention, target) FROM ({accepted}))
                ORDER BY 1, 3, 2""",
            st=st,
            acc=ACCEPTED,
        )
    )
    themes = _t(
        floor.rows(
            """SELECT id FROM n_ProgrammeTheme t WHERE list_contains($st, status) AND NOT EXISTS (
                 SELECT 1 FROM l_GROUNDED_IN r JOIN n_Value v ON v.id = r.target
                 WHERE r.source = t.id AND list_contains($st, r.status)) ORDER BY id""",
            st=st,
        )
    )
    return (
        tuple(typed),
        factors,
        unevidenced[offset : offset + limit],
        tuple(t for (t,) in themes),
        (len(factors), len(unevidenced), len(themes)),
    )


def _not_delivered(floor: Floor) -> tuple[Any, ...]:
    """Recognised interventions (of the map's rows) and the municipalities no serving body delivers them in."""
    places = map_floor(floor, "recognised")[2]
    delivered: dict[str, int] = {}
    for place in places:
        for intervention in place[4]:
            delivered[intervention] = delivered.get(intervention, 0) + 1
    recognised = floor.rows(
        f"""SELECT intervention FROM ({RECOGNISED}) WHERE intervention IN
              (SELECT id FROM n_Intervention WHERE list_contains($st, status)) ORDER BY 1""",
        st=STATUSES,
        lowest=grade_rank(RECOGNISED_FROM),
    )
    items = tuple(
        (i, None, None, len(places) - delivered.get(i, 0))
        for (i,) in recognised
        if places and delivered.get(i, 0) < len(places)
    )
    return ("recognised_not_delivered", len(items), items)


# ---------------------------------------------------------------- partners and the brief

PROGRAMME_LINKS = """SELECT source, target, 'RUNS' AS rel, role, status FROM l_RUNS
  UNION ALL SELECT source, target, 'PARTICIPATES_IN', role, status FROM l_PARTICIPATES_IN"""
REASON_LINKS = """SELECT source, target, 'ADDRESSES' AS rel, status FROM l_ADDRESSES
  UNION ALL SELECT source, target, 'STRENGTHENS', status FROM l_STRENGTHENS
  UNION ALL SELECT source, target, 'BELONGS_TO', status FROM l_BELONGS_TO"""


def _partner_tables(floor: Floor, municipality: str) -> None:
    """Temp tables of the partner finder (no factor wanted, every domain and level): `p_bodies` (org, via, reach)
    the bodies serving the municipality; `p_unplaced` (org) the organisations with no service area offered beside
    them; `p_reason` and `p_prog` each organisation's reasons and programme links, a body's with its general
    records' (`general` set) for the programmes it has no link of its own to."""
    st = {"st": STATUSES}
    _served(floor, municipality)
    reach = " ".join(f"WHEN '{t}' THEN '{t}'" for t in REACH_ORDER)
    floor.db.execute(
        f"""CREATE OR REPLACE TEMP TABLE p_bodies AS
        SELECT s.organisation AS org, s.via, CASE g.region_type {reach} ELSE 'regional' END AS reach
        FROM served s JOIN n_Organisation o ON o.id = s.organisation JOIN n_Region g ON g.id = s.via
        WHERE s.municipality = $m AND {_policy()}""",
        {"m": municipality},
    )
    floor.db.execute(
        """CREATE OR REPLACE TEMP TABLE p_general AS
        SELECT k.source AS org, k.target AS general FROM l_KIND_OF k JOIN n_Organisation g ON g.id = k.target
        WHERE list_contains($st, k.status) AND list_contains($st, g.status)""",
        st,
    )
    here = "SELECT general FROM p_general WHERE org IN (SELECT org FROM p_bodies)"
    floor.db.execute(
        f"""CREATE OR REPLACE TEMP TABLE p_unplaced AS
        SELECT o.id AS org FROM n_Organisation o WHERE list_contains($st, o.status) AND NOT EXISTS (
          SELECT 1 FROM l_OPERATES_IN r JOIN n_Region g ON g.id = r.target
          WHERE r.source = o.id AND list_contains($st, r.status))
        AND o.id NOT IN ({here}) AND o.id NOT IN (SELECT org FROM p_bodies) AND {_policy()}""",
        st,
    )
    ids = f"SELECT org FROM p_bodies UNION SELECT * FROM ({here}) UNION SELECT org FROM p_unplaced"
    floor.db.execute(
        f"""CREATE OR REPLACE TEMP TABLE own_prog AS
        SELECT r.source AS org, r.target AS intervention, r.rel, r.role FROM ({PROGRAMME_LINKS}) r
        JOIN n_Intervention i ON i.id = r.target
        WHERE r.source IN ({ids}) AND list_contains($st, r.status) AND list_contains($st, i.status)""",
        st,
    )
    floor.db.execute(
        f"""CREATE OR REPLACE TEMP TABLE own_reason AS
        SELECT r.source AS org, r.target AS intervention, r.rel, r.role, l.target, l.rel AS target_rel
        FROM ({PROGRAMME_LINKS}) r JOIN n_Organisation o ON o.id = r.source JOIN n_Intervention i ON i.id = r.target
        JOIN ({REASON_LINKS}) l ON l.source = r.target
        WHERE r.source IN ({ids}) AND list_contains($st, o.status) AND list_contains($st, r.status)
          AND list_contains($st, l.status)""",
        st,
    )
    for table, columns in (
        ("reason", "intervention, rel, role, target, target_rel"),
        ("prog", "intervention, rel, role"),
    ):
        floor.db.execute(
            f"""CREATE OR REPLACE TEMP TABLE p_{table} AS
            SELECT org, NULL::VARCHAR AS general, {columns} FROM own_{table}
            UNION ALL SELECT b.org, g.general, {", ".join(f"x.{c.strip()}" for c in columns.split(","))}
            FROM p_bodies b JOIN p_general g ON g.org = b.org JOIN own_{table} x ON x.org = g.general
            WHERE x.intervention NOT IN (SELECT intervention FROM own_prog WHERE org = b.org)"""
        )


def _lists(orgs: str) -> str:
    """Per organisation of `orgs` (a query with `org`): its reasons and programmes as lists in the finder's order
    (only a body has rows marked with a general record: see _partner_tables)."""
    return f"""
    SELECT o.org, coalesce(r.reasons, []) AS reasons, coalesce(p.programmes, []) AS programmes FROM ({orgs}) o
    LEFT JOIN (SELECT org, list((general, intervention, rel, target, target_rel)
                      ORDER BY coalesce(general, ''), intervention, target, rel) AS reasons
               FROM p_reason GROUP BY org) r USING (org)
    LEFT JOIN (SELECT org, list((general, intervention, rel, role)
                      ORDER BY coalesce(general, ''), intervention, rel) AS programmes
               FROM p_prog GROUP BY org) p USING (org)"""


def _reason_shape(r: results.Reason) -> tuple[Any, ...]:
    return (r.general, r.intervention, r.rel, r.target, r.target_rel)


def _programme_shape(p: results.ProgrammeLink) -> tuple[Any, ...]:
    return (p.general, p.intervention, p.rel, p.role)


def _listed(x: results.Partner | results.LocalRole) -> tuple[Any, ...]:
    """An organisation's reasons and programmes as listed, and how many more of each it has."""
    reasons, programmes = tuple(map(_reason_shape, x.reasons)), tuple(map(_programme_shape, x.programmes))
    return reasons, programmes, x.more_reasons, x.more_programmes


def partners_shape(p: results.Partners) -> Shape:
    return (
        (p.municipality.id, tuple(r.id for r in p.municipality.regions)),
        p.more,
        tuple((x.id, x.reach, x.via, *_listed(x)) for x in p.partners),
        tuple((x.id, *_listed(x)) for x in p.national),
        tuple((x.id, x.named_nl, x.bodies_elsewhere, *_listed(x)) for x in p.roles),
        (p.national_total, p.roles_total),
    )


def _first(rows: list[tuple[Any, ...]], limit: int | None) -> list[tuple[Any, ...]]:
    """An organisation's row with its first `limit` reasons and programmes (its last two columns; all of them when
    None) and how many more of each it has: the finder's page of a body, line or role."""
    return [
        (
            *row[:-2],
            _t(row[-2][:limit]),
            _t(row[-1][:limit]),
            0 if limit is None else max(0, len(row[-2]) - limit),
            0 if limit is None else max(0, len(row[-1]) - limit),
        )
        for row in rows
    ]


LOCAL_ORDER = "ORDER BY len(l.reasons) = 0, -len(l.reasons), -len(l.programmes), CASE b.reach {ranks} END, b.org"
NATIONAL = """SELECT l.* FROM p_lists l JOIN p_unplaced USING (org) JOIN n_Organisation o ON o.id = l.org
    WHERE list_contains(o.levels, 'national') AND len(l.programmes) > 0"""
NATIONAL_ORDER = "ORDER BY -len(l.reasons), -len(l.programmes), l.org"


def _local_order() -> str:
    """The finder's ranking of the bodies (p_bodies `b` with their lists `l`)."""
    return LOCAL_ORDER.format(ranks=" ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(REACH_ORDER)))


def partners_floor(
    floor: Floor,
    municipality: str = MUNICIPALITY,
    offset: int = 0,
    limit: int | None = PARTNERS_PAGE,
    pages: tuple[int, int, int] = (NATIONAL_LIMIT, ROLES_LIMIT, REASONS_LIMIT),
    body_reasons: int | None = None,
) -> Shape:
    """The partner finder for a municipality given by its id (the finder's name lookup is text processing)."""
    return _partners(floor, municipality, offset, limit, pages, body_reasons)[0]


def _partners(
    floor: Floor,
    municipality: str,
    offset: int,
    limit: int | None,
    pages: tuple[int, int, int],
    body_reasons: int | None,
) -> tuple[Shape, int, list[tuple[Any, ...]]]:
    """The partner finder's shape, how many bodies serve the municipality, and the roles in the finder's order."""
    _partner_tables(floor, municipality)
    floor.temp("p_lists", _lists("SELECT org FROM p_bodies UNION SELECT org FROM p_unplaced"))  # once for all three
    local = floor.rows(
        f"""SELECT b.org, b.reach, b.via, l.reasons, l.programmes FROM p_bodies b
            JOIN p_lists l USING (org) {_local_order()}"""
    )
    end = None if limit is None else offset + limit
    national = floor.rows(f"{NATIONAL} {NATIONAL_ORDER}")
    place = floor.rows("SELECT coalesce(label_nl, id) FROM n_Region WHERE id = $m", m=municipality)[0][0]
    roles = floor.rows(
        """SELECT l.org, o.label_nl, o.organisation_type, l.org IN (
                SELECT k.target FROM l_KIND_OF k WHERE list_contains($st, k.status)), l.reasons, l.programmes
            FROM p_lists l JOIN p_unplaced USING (org) JOIN n_Organisation o ON o.id = l.org
            WHERE NOT list_contains(coalesce(o.levels, []), 'national') AND len(l.programmes) > 0""",
        st=STATUSES,
    )
    named = []
    for org, label, kind, elsewhere, reasons, programmes in roles:  # the names: text processing, as the finder's
        label = label or org
        own = kind == "local-government" and search_keys.normalise(label) == MUNICIPALITIES
        name = f"Gemeente {place}" if own else f"{label} in {place}"
        named.append((org, name, elsewhere, reasons, programmes))
    named.sort(key=lambda r: (search_keys.normalise(r[1]), r[0]))
    regions = floor.rows(
        "SELECT region FROM up WHERE municipality = $m AND region <> municipality ORDER BY near", m=municipality
    )
    shape = (
        (municipality, tuple(r for (r,) in regions)),
        end is not None and len(local) > end,
        _t(_first(local[offset:end], body_reasons)),
        _t(_first(national[: pages[0]], pages[2])),
        _t(_first(named[: pages[1]], pages[2])),
        (len(national), len(named)),
    )
    return shape, len(local), named


def brief_shape(b: results.Brief) -> Shape:
    return (
        partners_shape(b.partners),
        tuple((f.class_, f.id, tuple(f.partners), f.more) for f in b.factors),
        tuple((p.id, tuple(p.partners), p.more) for p in b.programmes),
        tuple(g.id for g in b.gaps),
        (b.bodies_total, b.programmes_total),
    )


def brief_floor(floor: Floor, municipality: str = MUNICIPALITY) -> Shape:
    """The brief: the finder's first pages, the partner list read the other way round (by factor: every body and
    national line; by programme: every body and the lines and roles shown), the first names of each with how many
    more, the programmes most widely available first; and the gaps."""
    pages = (NATIONAL_LIMIT, ROLES_LIMIT, REASONS_LIMIT)
    partners, bodies, named = _partners(floor, municipality, 0, BRIEF_BODIES, pages, REASONS_LIMIT)
    # The finder's order: the bodies as ranked, then the national lines as ranked, then the roles shown.
    roles = [(org, 2_000_000 + i) for i, (org, *_) in enumerate(named[: pages[1]])]
    floor.temp(
        "b_rank",
        f"""SELECT b.org, row_number() OVER ({_local_order()}) AS pos FROM p_bodies b JOIN p_lists l USING (org)
            UNION ALL SELECT l.org, 1000000 + row_number() OVER ({NATIONAL_ORDER}) FROM ({NATIONAL}) l""",
    )
    floor.db.execute("CREATE OR REPLACE TEMP TABLE b_roles (org VARCHAR, pos BIGINT)")
    floor.insert("b_roles", roles)
    columns = f"""SELECT c.class, c.id, list(k.org ORDER BY k.pos) FILTER (WHERE k.org IS NOT NULL) AS orgs
                  FROM ({COLUMNS}) c LEFT JOIN (SELECT DISTINCT target, org FROM p_reason) r ON r.target = c.id
                  LEFT JOIN b_rank k ON k.org = r.org GROUP BY ALL"""
    floor.temp("b_columns", columns, st=STATUSES)
    order = "ORDER BY class = 'ProtectiveFactor', id"
    factors = floor.rows(f"SELECT * FROM b_columns WHERE orgs IS NOT NULL {order}")
    gaps = floor.rows(f"SELECT id FROM b_columns WHERE orgs IS NULL {order}")
    shown = f"SELECT * FROM b_rank WHERE pos <= 1000000 + {pages[0]} UNION ALL SELECT * FROM b_roles"  # all bodies
    programmes = floor.rows(
        f"""SELECT p.intervention, list(k.org ORDER BY k.pos) AS orgs
            FROM (SELECT DISTINCT intervention, org FROM p_prog) p JOIN ({shown}) k ON k.org = p.org
            GROUP BY 1 ORDER BY -len(orgs), 1"""
    )

    def first(orgs: list[str]) -> tuple[tuple[str, ...], int]:
        return tuple(orgs[:BRIEF_NAMES]), max(0, len(orgs) - BRIEF_NAMES)

    return (
        partners,
        tuple((cls, factor, *first(orgs)) for cls, factor, orgs in factors),
        tuple((p, *first(orgs)) for p, orgs in programmes[:BRIEF_PROGRAMMES]),
        tuple(g for (g,) in gaps),
        (bodies, len(programmes)),
    )


# ---------------------------------------------------------------- the cases


CASES: list[Case] = [
    Case("coverage", lambda s: usecases.coverage(s, limit=COVERAGE_PAGE), coverage_shape, coverage_floor),
    Case("gaps", lambda s: usecases.gaps(s, limit=GAPS_PAGE), gaps_shape, gaps_floor),
    Case(
        "neighbourhood",
        lambda s: usecases.neighbourhood(s, CENTRE, depth=2, limit=200),
        neighbourhood_shape,
        neighbourhood_floor,
    ),
    Case("search", lambda s: usecases.search(s, SEARCH), search_shape, search_floor),
    Case("signal", lambda s: match_signal(s, SIGNAL, seed_lexicon()), signal_shape, signal_floor),
    Case("map_providers", lambda s: map_measure(s, "providers"), map_shape, lambda f: map_floor(f, "providers")),
    Case("map_recognised", lambda s: map_measure(s, "recognised"), map_shape, lambda f: map_floor(f, "recognised")),
    Case(
        "partners",
        lambda s: usecases.partners(s, MUNICIPALITY, usecases.PartnerQuery(limit=PARTNERS_PAGE)),
        partners_shape,
        partners_floor,
    ),
    Case("brief", lambda s: usecases.brief(s, MUNICIPALITY), brief_shape, brief_floor),
    Case("factor_evidence", lambda s: usecases.target_cell(s, FACTOR), factor_evidence_shape, factor_evidence_floor),
]
