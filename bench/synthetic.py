"""A deterministic, seeded generator of graphs shaped like the real seed, at national scale.

A synthetic graph is the real seed (the kaleidoscope, its sources, all 342 municipalities with their
safety regions and provinces) plus generated records of the same classes, with the same relationship
types, vocabulary values and provenance columns. Records are written as the loader reads them (YAML
shape: `label: {nl, en}`, `links: [{rel, to, ...}]`) and turned into store rows by the project's own
pydantic models, so every row is valid per the ontology; `tests/bench/test_synthetic.py` checks a small
graph against the loader's full validation (references, pairs, SHACL) as well.

    python -m bench.synthetic medium      # counts per class and relationship type (and the graph cached)
"""

from __future__ import annotations

import hashlib
import math
import pickle
import random
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from caleido.loaders.raw import RawBatch, RawLink, RawNode
from caleido.loaders.sources import SEED_FOLDER, read_paths
from caleido.loaders.validate import validate_batch
from caleido.ontology.model import Field, FieldKind, load_ontology
from caleido.ontology.records import LinkRow, NodeRow, Origin, fields_to_columns, node_model

T = TypeVar("T")
AGENT = "bench:synthetic"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # a fixed clock: the same scale always gives the same rows
LETTER = "src-kamerbrief-29754-770"
ORIGIN = Origin("bench/synthetic.py", "generated")
TARGET_RELS = ("addresses", "strengthens")  # an intervention's targets, which its findings bear on

# Records added at factor 1 (medium). Taxonomy classes grow with the square root of the factor: a national
# graph has many more programmes, organisations and findings, but not ten times the kinds of risk factor.
BULK = {"Source": 5_000, "Organisation": 20_000, "Intervention": 3_000, "Finding": 20_000}
TAXONOMY = {
    "RiskFactor": 300,
    "ProtectiveFactor": 150,
    "ProgrammeTheme": 40,
    "Value": 20,
    "IndividualProfile": 20,
    "Recommendation": 200,
}
SCALES = {"seed": 0.0, "tiny": 0.002, "small": 0.05, "medium": 1.0, "large": 10.0}

# Dutch and English words the labels are made of, so that search has realistic text to match.
TOPICS = [
    ("vertrouwen in de overheid", "trust in government"),
    ("weerbaarheid", "resilience"),
    ("democratisch burgerschap", "democratic citizenship"),
    ("polarisatie", "polarisation"),
    ("complotdenken", "conspiracy thinking"),
    ("desinformatie", "disinformation"),
    ("eenzaamheid", "loneliness"),
    ("schulden", "debt"),
    ("discriminatie", "discrimination"),
    ("jongeren online", "young people online"),
    ("verbinding in de wijk", "connection in the neighbourhood"),
    ("mentale gezondheid", "mental health"),
    ("rechtsstaat", "rule of law"),
    ("radicalisering", "radicalisation"),
    ("identiteit en erbij horen", "identity and belonging"),
    ("gezin en opvoeding", "family and upbringing"),
    ("onderwijs en school", "education and school"),
    ("werk en inkomen", "work and income"),
]
INTERVENTION_FORMS = [
    ("Programma", "Programme"),
    ("Training", "Training"),
    ("Aanpak", "Approach"),
    ("Handreiking", "Guide"),
    ("Netwerk", "Network"),
    ("Casusoverleg", "Case consultation"),
    ("Fonds", "Fund"),
]
ORGANISATION_FORMS = [
    ("Gemeente", "Municipality of", "local-government", "local"),
    ("Wijkteam", "Neighbourhood team", "local-government", "local"),
    ("Stichting Jongerenwerk", "Youth work foundation", "civil-society", "local"),
    ("Bibliotheek", "Library", "civil-society", "local"),
    ("Welzijnsorganisatie", "Welfare organisation", "civil-society", "local"),
    ("GGD", "Public health service", "government-agency", "regional"),
    ("Veiligheidshuis", "Safety house", "network", "regional"),
    ("Politie basisteam", "Police team", "government-agency", "regional"),
    ("Kenniscentrum", "Knowledge centre", "expertise-centre", "national"),
    ("Onderzoeksinstituut", "Research institute", "research", "national"),
]
STATUSES = (["accepted"] * 85) + (["proposed"] * 12) + ["rejected"] * 2 + ["retracted"]
DIRECTIONS = ["supports"] * 7 + ["contradicts"] * 2 + ["mixed"]
CURATORS = ["key:curator-nji", "key:curator-wodc", "cli:curator"]
ADDERS = ["seed", "key:uva-team", "key:ggd-research", "key:nji", "cli:importer"]


class LinkSpill:
    """Link rows kept in a file instead of memory, read back in the order written.

    Five million link rows take about 11 GB as Python objects: more than a 24 GiB machine can hold beside
    two stores. Rows are pickled in chunks, as tuples (half the time of pickling the dataclass); reading
    them back costs time the load benchmark does not count.
    """

    CHUNK = 20_000

    def __init__(self, path: Path):
        self.path = path
        self._file: BinaryIO | None = path.open("wb")
        self._buffer: list[LinkRow] = []
        self._count = 0

    @classmethod
    def written(cls, path: Path, count: int) -> LinkSpill:
        """A spill written before (a cached graph's): read only."""
        spill = cls.__new__(cls)
        spill.path, spill._file, spill._buffer, spill._count = path, None, [], count
        return spill

    def close(self) -> None:
        """Everything appended on disk; the spill is read only from now on."""
        if self._file is not None:
            self._flush()
            self._file.close()
            self._file = None

    def append(self, row: LinkRow) -> None:
        self._buffer.append(row)
        self._count += 1
        if len(self._buffer) >= self.CHUNK:
            self._flush()

    def extend(self, rows: Iterable[LinkRow]) -> None:
        for row in rows:
            self.append(row)

    def _flush(self) -> None:
        if self._buffer:
            assert self._file is not None, "rows added after the spill was read"
            rows = [(r.rel, r.source_id, r.target_id, r.values, r.origin, r.explicit) for r in self._buffer]
            pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._buffer = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[LinkRow]:
        self.close()  # the first read closes the file for writing
        with self.path.open("rb") as file:
            while True:
                try:
                    rows = pickle.load(file)
                except EOFError:
                    return
                for row in rows:
                    yield LinkRow(*row)


@dataclass
class Graph:
    """Store rows, as the loader's write path (caleido.graph.sync.plan_and_write) takes them."""

    nodes: list[NodeRow] = field(default_factory=list)
    links: list[LinkRow] | LinkSpill = field(default_factory=list)

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        return Counter(n.cls for n in self.nodes), Counter(link.rel for link in self.links)


@cache
def seed_graph() -> Graph:
    """The real seed, read and validated exactly as `caleido load --seed` does."""
    raw, _ = read_paths([SEED_FOLDER])
    batch = validate_batch(raw, None, AGENT, NOW)
    return Graph(batch.nodes, batch.links)


def generate(scale: str, seed: int = 7, spill: Path | None = None) -> Graph:
    """The real seed plus the generated records of a scale, as store rows; with `spill`, the links are
    kept in that file (LinkSpill) and only the nodes in memory."""
    base = seed_graph()
    graph = Graph(list(base.nodes), LinkSpill(spill) if spill else [])
    graph.links.extend(base.links)
    for node, links in generated_rows(scale, seed):
        graph.nodes.append(node)
        graph.links.extend(links)
    return graph


ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "synthetic"
# What a generated graph is made of: this generator, the seed, and the ontology and loaders that make rows of it.
INPUTS = (Path(__file__), SEED_FOLDER, ROOT / "caleido" / "ontology", ROOT / "caleido" / "loaders")
# Loader modules that only write a graph somewhere (a store, a file): the rows generated never pass through them,
# so a change to them keeps the cached graphs (tests/bench/test_synthetic.py checks the generator imports none).
WRITE_SIDE = frozenset({"bulk_neo4j.py", "copy.py", "desk.py", "export.py", "load.py", "merge.py", "revisions.py"})


def inputs_hash() -> str:
    """A hash of every file the generated rows depend on: a change to any of them makes a new graph."""
    digest = hashlib.sha256()
    for root in INPUTS:
        files = (
            [root]
            if root.is_file()
            else sorted(
                p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.name not in WRITE_SIDE
            )
        )
        for path in files:
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(scale: str, seed: int = 7, folder: Path = CACHE) -> Graph:
    """The graph of a scale from .cache/synthetic (nodes pickled, links in their spill file), generated and kept
    there first when the generator's inputs changed since (older graphs are removed)."""
    here = folder / f"{scale}-{seed}-{inputs_hash()}"
    done = here / "count"
    if not done.exists():
        for old in folder.glob(f"{scale}-{seed}-*"):
            shutil.rmtree(old)
        here.mkdir(parents=True)
        graph = generate(scale, seed, spill=here / "links.pickle")
        assert isinstance(graph.links, LinkSpill)
        graph.links.close()
        with (here / "nodes.pickle").open("wb") as file:
            pickle.dump(
                [(n.cls, n.id, n.values, n.origin, n.explicit) for n in graph.nodes],
                file,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        done.write_text(str(len(graph.links)))  # last: a graph cut off half-way is never read
        return graph
    with (here / "nodes.pickle").open("rb") as file:
        nodes = [NodeRow(*row) for row in pickle.load(file)]
    return Graph(nodes, LinkSpill.written(here / "links.pickle", int(done.read_text())))


# ---------------------------------------------------------------- records


class _Generator:
    def __init__(self, factor: float, seed: int):
        self.rng = random.Random(seed)
        self.factor = factor
        seed_rows = seed_graph().nodes
        self.seed_ids: dict[str, list[str]] = {}
        for row in seed_rows:
            self.seed_ids.setdefault(row.cls, []).append(row.id)
        regions = {r.id: r for r in seed_rows if r.cls == "Region"}
        self.municipalities = sorted((i, r.values["label_nl"]) for i, r in regions.items() if _is(r, "municipality"))
        self.municipality_ids = [m for m, _ in self.municipalities]
        self.safety_regions = sorted(i for i, r in regions.items() if _is(r, "safety-region"))
        parents: dict[str, list[str]] = {}
        for link in seed_graph().links:
            if link.rel == "PART_OF" and link.source_id in regions:
                parents.setdefault(link.target_id, []).append(link.source_id)
        self.members = {s: sorted(parents.get(s, [])) for s in self.safety_regions}
        self.ids: dict[str, list[str]] = {}
        self.classes: dict[str, str] = {row.id: row.cls for row in seed_rows}
        self.pools: dict[str, list[str]] = {}
        ontology = load_ontology()
        self.clusters = list(ontology.schemes["ClusterScheme"].concepts)
        self.schemes = {name: list(s.concepts) for name, s in ontology.schemes.items()}

    def count(self, cls: str) -> int:
        if cls in BULK:
            return max(1, round(BULK[cls] * self.factor))
        return max(1, round(TAXONOMY[cls] * math.sqrt(self.factor)))

    def pool(self, cls: str) -> list[str]:
        """Ids of a class: the seed's and the generated ones (kept until the next record of the class)."""
        if cls not in self.pools:
            self.pools[cls] = self.seed_ids.get(cls, []) + self.ids.get(cls, [])
        return self.pools[cls]

    # --- small pieces

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def some(self, options: Sequence[str], mean: float, *, at_least: int = 0) -> list[str]:
        """About `mean` distinct options (Poisson-like), at least `at_least`."""
        k = max(at_least, round(self.rng.expovariate(1 / mean))) if mean > 0 else at_least
        return self.rng.sample(options, min(k, len(options)))

    def provenance(self, source: str | None = None) -> dict[str, Any]:
        status = self.pick(STATUSES)
        added = NOW - timedelta(days=self.rng.randrange(1, 900), seconds=self.rng.randrange(86_400))
        out: dict[str, Any] = {
            "source": source or self.pick(self.pool("Source")),
            "locator": f"p. {self.rng.randrange(1, 240)}",
            "status": status,
            "added_by": self.pick(ADDERS),
            "added_at": added,
        }
        if status != "proposed" and self.rng.random() < 0.5:
            reviewed = added + timedelta(days=self.rng.randrange(1, 60))
            curator = self.pick(CURATORS)
            decision = "accept" if status == "accepted" else "reject"
            out |= {
                "reviewed_by": curator,
                "reviewed_at": reviewed,
                "review_log": [
                    f"{reviewed:%Y-%m-%dT%H:%M:%SZ} {decision} by {curator}: proposed -> {status}: checked the source"
                ],
            }
        return out

    def link(self, rel: str, to: str, **qualifiers: Any) -> dict[str, Any]:
        return {"rel": rel, "to": to, **qualifiers, **self.provenance()}

    def record(self, cls: str, index: int, prefix: str, label: tuple[str, str], **fields: Any) -> dict[str, Any]:
        node_id = f"{prefix}-syn-{index:06d}"
        self.ids.setdefault(cls, []).append(node_id)
        self.classes[node_id] = cls
        self.pools.pop(cls, None)
        nl, en = label
        return {
            "id": node_id,
            "label": {"nl": nl, "en": en},
            "definition": {
                "nl": f"{nl}: synthetische beschrijving voor de benchmark, zo lang als een echte ({index}).",
                "en": f"{en}: synthetic description for the benchmark, as long as a real one ({index}).",
            },
            **fields,
            **self.provenance(),
            "links": [],
        }

    def topic(self) -> tuple[str, str]:
        return TOPICS[self.rng.randrange(len(TOPICS))]

    # --- classes, in dependency order

    def sources(self) -> Iterator[dict[str, Any]]:
        for i in range(self.count("Source")):
            nl, en = self.topic()
            year = self.rng.randrange(2005, 2026)
            record = self.record(
                "Source",
                i,
                "src",
                (f"Rapport over {nl} ({year})", f"Report on {en} ({year})"),
                source_type=self.pick(self.schemes["SourceTypeScheme"]),
                citation=f"Auteur, A. ({year}). Rapport over {nl}. Uitgever {i}.",
                year=year,
                url=f"https://example.org/rapport/{i}",
            )
            record["source"] = LETTER  # a source's own provenance points at a source that exists already
            yield record

    def taxonomy(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for i in range(self.count("Value")):
            nl, en = self.topic()
            yield "Value", self.record("Value", i, "val", (f"Waarde {nl} {i}", f"Value {en} {i}"))
        for i in range(self.count("ProgrammeTheme")):
            nl, en = self.topic()
            theme = self.record("ProgrammeTheme", i, "theme", (f"Thema {nl} {i}", f"Theme {en} {i}"))
            theme["links"] = [self.link("grounded_in", v) for v in self.some(self.pool("Value"), 2, at_least=1)]
            yield "ProgrammeTheme", theme
        for i in range(self.count("IndividualProfile")):
            nl, en = self.topic()
            yield "IndividualProfile", self.record("IndividualProfile", i, "prof", (f"Profiel {nl}", f"Profile {en}"))
        for i in range(self.count("RiskFactor")):
            nl, en = self.topic()
            yield (
                "RiskFactor",
                self.record(
                    "RiskFactor",
                    i,
                    "rf",
                    (f"Risico: gebrek aan {nl} {i}", f"Risk: lack of {en} {i}"),
                    dimension=self.pick(["environment"] * 4 + ["individual"]),
                    clusters=self.some(self.clusters, 1.2),
                ),
            )
        for i in range(self.count("ProtectiveFactor")):
            nl, en = self.topic()
            factor = self.record("ProtectiveFactor", i, "pf", (f"Bescherming door {nl} {i}", f"Protection by {en} {i}"))
            factor["links"] = [self.link("mitigates", r) for r in self.some(self.pool("RiskFactor"), 3, at_least=1)]
            yield "ProtectiveFactor", factor
        for i in range(self.count("Recommendation")):
            nl, en = self.topic()
            rec = self.record(
                "Recommendation", i, "rec", (f"Aanbeveling over {nl}", f"Recommendation on {en}"), number=100 + i
            )
            targets = self.pool("ProgrammeTheme") + self.pool("ProtectiveFactor")
            rec["links"] = [self.link("recommends", t) for t in self.some(targets, 3, at_least=1)]
            rec["links"].append(self.link("reported_in", self.pick(self.pool("Source"))))
            yield "Recommendation", rec

    def interventions(self) -> Iterator[dict[str, Any]]:
        for i in range(self.count("Intervention")):
            nl, en = self.topic()
            form_nl, form_en = self.pick(INTERVENTION_FORMS)
            place = self.pick(self.municipalities)[1] if self.rng.random() < 0.6 else "Nederland"
            record = self.record(
                "Intervention",
                i,
                "int",
                (f"{form_nl} {nl} {place}", f"{form_en} {en} {place}"),
                intervention_type=self.pick(self.schemes["InterventionTypeScheme"]),
                levels=self.some(self.schemes["LevelScheme"], 1.3, at_least=1),
                domains=self.some(self.schemes["DomainScheme"], 1.5, at_least=1),
            )
            links = [self.link("addresses", t) for t in self.some(self.pool("RiskFactor"), 4)]
            links += [self.link("strengthens", t) for t in self.some(self.pool("ProtectiveFactor"), 3)]
            links += [self.link("belongs_to", t) for t in self.some(self.pool("ProgrammeTheme"), 2, at_least=1)]
            links += [self.link("grounded_in", t) for t in self.some(self.pool("Value"), 1)]
            links += [self.link("responds_to", t) for t in self.some(self.pool("Recommendation"), 0.5)]
            if i and self.rng.random() < 0.2:
                links.append(self.link("part_of", self.ids["Intervention"][self.rng.randrange(i)]))
            if i and self.rng.random() < 0.2:
                links.append(self.link("based_on", self.ids["Intervention"][self.rng.randrange(i)]))
            record["links"] = links
            yield record

    def organisations(self) -> Iterator[dict[str, Any]]:
        programmes = self.pool("Intervention")
        # Participation is skewed: national programmes draw thousands of partners, local ones a handful.
        cumulative = list(accumulate(1 / (rank + 5) for rank in range(len(programmes))))
        for i in range(self.count("Organisation")):
            form_nl, form_en, kind, level = self.pick(ORGANISATION_FORMS)
            code, place = self.pick(self.municipalities)
            region = self.pick(self.safety_regions)
            where = place if level == "local" else region if level == "regional" else "Nederland"
            record = self.record(
                "Organisation",
                i,
                "org",
                (f"{form_nl} {where} {i}", f"{form_en} {where} {i}"),
                organisation_type=kind,
                levels=[level],
                domains=self.some(self.schemes["DomainScheme"], 1.5, at_least=1),
            )
            roles = self.schemes["OrganisationRoleScheme"]
            runs = self.some(programmes, 1.5)
            joined = self.rng.choices(programmes, cum_weights=cumulative, k=round(self.rng.expovariate(1 / 14)))
            links = [self.link("runs", p, role=self.pick(roles)) for p in runs]
            links += [self.link("participates_in", p, role=self.pick(roles)) for p in sorted(set(joined) - set(runs))]
            if level == "local":
                places = {code} | set(self.some(self.municipality_ids, 1))
            elif level == "regional":
                places = {region} | set(self.some(self.members[region], 4))
            else:
                places = set()
            links += [self.link("operates_in", p) for p in sorted(places)]
            if i and self.rng.random() < 0.3:
                links.append(self.link("part_of", self.ids["Organisation"][self.rng.randrange(i)]))
            record["links"] = links
            yield record

    def findings(self, targets_of: dict[str, list[str]]) -> Iterator[dict[str, Any]]:
        grades = self.schemes["EvidenceGradeScheme"]
        factors = self.pool("RiskFactor") + self.pool("ProtectiveFactor") + self.pool("IndividualProfile")
        for i in range(self.count("Finding")):
            nl, en = self.topic()
            record = self.record(
                "Finding",
                i,
                "fnd",
                (f"Bevinding over {nl} {i}", f"Finding on {en} {i}"),
                population="Jongeren en volwassenen in Nederland",
                method=self.pick(["Meta-analyse", "Cohortstudie", "Interviews", "Evaluatieonderzoek"]),
                outcome=f"Effect op {nl}",
                effect_size=round(self.rng.uniform(-0.4, 0.6), 3),
                effect_measure=self.pick(["r", "d", "OR"]),
                n_studies=self.rng.randrange(1, 40),
                grade=self.pick(["not-assessed"] * 6 + grades),
            )
            if self.rng.random() < 0.8:  # evidence for an intervention's link to some of its targets
                intervention = self.pick(self.ids["Intervention"])
                bearing = [intervention, *self.some(targets_of.get(intervention, []), 5, at_least=1)]
            else:
                bearing = self.some(factors, 3, at_least=1)
            record["links"] = [self.link("evidence_for", t, direction=self.pick(DIRECTIONS)) for t in bearing]
            record["links"].append(self.link("reported_in", self.pick(self.pool("Source"))))
            yield record

    def source_links(self, source: dict[str, Any], organisations: list[str]) -> None:
        """Publishers and commissioners, added once the organisations exist."""
        source["links"] = [self.link("published_by", o) for o in self.some(organisations, 1.2, at_least=1)]
        source["links"] += [self.link("commissioned_by", o) for o in self.some(organisations, 0.4)]


def _is(row: NodeRow, region_type: str) -> bool:
    return bool(row.values["region_type"] == region_type)


def _records(gen: _Generator) -> Iterator[RawNode]:
    """The generated records one at a time, each complete with its links, so none has to stay in memory
    once it is yielded. The generator draws its random numbers in the same order whoever consumes it."""
    sources = list(gen.sources())  # their links name organisations, which come later
    for cls, record in gen.taxonomy():
        yield RawNode(cls, record, ORIGIN)
    targets_of: dict[str, list[str]] = {}
    for record in gen.interventions():
        targets_of[record["id"]] = [link["to"] for link in record["links"] if link["rel"] in TARGET_RELS]
        yield RawNode("Intervention", record, ORIGIN)
    for record in gen.organisations():
        yield RawNode("Organisation", record, ORIGIN)
    for record in gen.findings(targets_of):
        yield RawNode("Finding", record, ORIGIN)
    organisation_ids = gen.pool("Organisation")
    for source in sources:
        gen.source_links(source, organisation_ids)
        yield RawNode("Source", source, ORIGIN)


def synthetic_records(scale: str, seed: int = 7) -> RawBatch:
    """The generated records of a scale (without the seed), shaped as the loader reads them."""
    return RawBatch(list(_records(_Generator(SCALES[scale], seed))))


def generated_rows(scale: str, seed: int = 7) -> Iterator[tuple[NodeRow, list[LinkRow]]]:
    """Store rows of the generated records, one node and its links at a time, through the project's
    pydantic models (per record; the checks across records hold by construction and are proved on a
    small graph by the tests)."""
    if SCALES[scale] == 0:
        return
    gen = _Generator(SCALES[scale], seed)
    ontology = load_ontology()
    rels = {r.field_name: r for r in ontology.relationships.values()}
    for raw in _records(gen):
        cls = str(raw.cls)
        data = dict(raw.data)
        links = data.pop("links")
        model = node_model(cls).model_validate(data)
        node = NodeRow(cls, data["id"], fields_to_columns(ontology.classes[cls].fields, model), ORIGIN)
        yield node, [_link_row(RawLink(data["id"], link, ORIGIN), rels, gen.classes) for link in links]


def _link_row(raw: RawLink, rels: dict[str, Any], classes: dict[str, str]) -> LinkRow:
    rel = rels[raw.data["rel"]]
    pair = (classes[raw.source_id], classes[raw.data["to"]])
    if pair not in rel.pairs:
        raise ValueError(f"generator bug: {rel.name} {pair} is not allowed by the ontology")
    return LinkRow(
        rel.name, raw.source_id, raw.data["to"], _link_columns(load_ontology().link_fields, raw.data), ORIGIN
    )


def _link_columns(fields: tuple[Field, ...], data: dict[str, Any]) -> dict[str, Any]:
    """A link's store columns straight from its record, without the link model (which cost most of the
    generation's time at the large scale: five million links). The generator writes valid values only, its
    times in UTC, and no language texts on links; tests/bench/test_synthetic.py checks the rows against the
    loader's full validation."""
    out: dict[str, Any] = {}
    for f in fields:
        value = data.get(f.name)
        if f.many:
            out[f.name] = list(value) if value else []
        elif value is not None and f.kind is FieldKind.DATETIME:
            out[f.name] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            out[f.name] = value
    return out


def main(argv: list[str]) -> None:
    scale = argv[0] if argv else "medium"
    graph = cached(scale)  # kept for the benchmark too: `make bench-large` then starts with it
    nodes, links = graph.counts()
    print(f"{scale}: {sum(nodes.values())} nodes, {sum(links.values())} relationships")
    for name, n in sorted((nodes + links).items()):
        print(f"  {name:<20} {n:>9}")


if __name__ == "__main__":
    main(sys.argv[1:])
