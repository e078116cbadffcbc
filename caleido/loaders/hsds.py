"""The organisations as Open Referral HSDS 3.0 objects: organization, service and service_area.

- organization <- an Organisation record (policy actors, parliament, ministries and offices, are no service
  providers and are left out, as the partner finder leaves them out);
- service <- an organisation's role in a programme: one per `runs` or `participates_in` link, named after the
  intervention. A body that is one of the bodies a general record describes (`kind_of`) and has no programme
  links of its own does what the general record does, "as" that record: it gets a service per link of the
  general record, with that link's source and quote;
- service_area <- each region the organisation `operates_in`; all of an organisation's services share them.

What HSDS calls status is whether a service runs; what Caleido has is whether a claim was checked. A service
rests on the programme link (and, for a body, its `kind_of` link), so:
- accepted (the source says so in so many words) -> `active`;
- proposed (a reading a curator must still check) -> not served, unless asked for with include_proposed; then
  also `active` (if the reading holds, the service runs), with the `review_status` attribute saying `proposed`;
- rejected and retracted claims are never served: the claim was wrong, which says nothing about a service that
  stopped, so `inactive` or `defunct` would be invented.
The same holds for the records (organisation, intervention, region) and the `operates_in` links of the areas.

HSDS wants UUIDs as ids: an organisation's is the name-based UUID (version 5) of its Caleido IRI, and each object
inside it the UUID named by its key under its parent's id, so ids stay the same across loads and stores. The
Caleido id is kept as a local organization_identifier, and the IRI as `uri`.

Provenance goes where HSDS puts facts about an object: `attributes`, terms of a small taxonomy embedded here
(source, locator, quote, review status, note, role, general record), and `metadata`, HSDS's change record
(created, reviewed, last verified). The schemas would allow extra properties; none are needed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any, Literal

from caleido.graph.store import GraphStore
from caleido.graph.usecases.common import NotFound, Statuses
from caleido.graph.usecases.reach import POLICY_ACTORS, reach
from caleido.ontology.model import CAL, CID, load_ontology

HSDS_VERSION = "3.0"
Lang = Literal["nl", "en"]
Json = dict[str, Any]
PROGRAMME_RELS = ("RUNS", "PARTICIPATES_IN")


# HSDS requires an organization's description; where the sources give none, it says so rather than invent one.
SILENT: dict[Lang, str] = {"nl": "De bronnen geven geen beschrijving.", "en": "The sources give no description."}


# ---------------------------------------------------------------- ids


def organisation_uuid(organisation: str) -> str:
    """The HSDS id of an organisation: the UUID named by its Caleido IRI."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, str(CID[organisation])))


def child_uuid(parent: str, *key: str) -> str:
    """The HSDS id of an object inside another: the UUID named by its key under the parent's id."""
    return str(uuid.uuid5(uuid.UUID(parent), "/".join(key)))


# ---------------------------------------------------------------- what the store holds


@dataclass(frozen=True)
class Service:
    """An organisation's role in a programme; `general` is set when the body has it as one of that record's bodies."""

    id: str
    organisation: str
    rel: str
    intervention: str
    claim: Json  # the programme link's columns
    general: str | None = None
    kind_claim: Json | None = None  # the body's kind_of link to `general`


@dataclass
class Directory:
    """The organisations, services and service areas that count at these statuses, read in one go."""

    statuses: Statuses
    lang: Lang
    organisations: dict[str, Json]  # Caleido id -> record
    services: list[Service]
    areas: dict[str, list[tuple[str, Json]]]  # organisation -> (region id, operates_in link)
    parents: dict[str, str]  # organisation -> organisation it is part of
    general: dict[str, list[tuple[str, Json]]]  # organisation -> (general record, kind_of link)
    interventions: dict[str, Json]
    regions: dict[str, Json]
    sources: dict[str, Json]


def read_directory(store: GraphStore, statuses: Statuses, lang: Lang = "nl") -> Directory:
    """Every organisation that counts, with its services and areas: a handful of reads whatever the size."""

    def counts(row: Json) -> bool:
        return row.get("status") in statuses

    def links(rel: str) -> list[tuple[str, str, Json]]:
        return [(start, end, row) for start, end, row in store.iter_links(rel) if counts(row)]

    organisations = {
        row["id"]: row
        for row in store.iter_nodes("Organisation")
        if counts(row) and row.get("organisation_type") not in POLICY_ACTORS
    }
    programme = [(rel, *link) for rel in PROGRAMME_RELS for link in links(rel) if link[0] in organisations]
    found = store.fetch_nodes("Intervention", {end for _, _, end, _ in programme})
    interventions = {key: row for key, row in found.items() if counts(row)}
    own: dict[str, list[tuple[str, str, Json]]] = defaultdict(list)
    for rel, start, end, row in programme:
        if end in interventions:
            own[start].append((rel, end, row))
    general: dict[str, list[tuple[str, Json]]] = defaultdict(list)
    for start, end, row in links("KIND_OF"):
        if start in organisations and end in organisations:
            general[start].append((end, row))
    services = []
    for org in sorted(organisations):
        parent = organisation_uuid(org)
        if org in own:
            services += [Service(child_uuid(parent, rel, end), org, rel, end, row) for rel, end, row in own[org]]
        else:  # a body without links of its own does what its general record does, "as" that record
            services += [
                Service(child_uuid(parent, body_of, rel, end), org, rel, end, row, body_of, kind_claim)
                for body_of, kind_claim in general.get(org, [])
                for rel, end, row in own.get(body_of, [])
            ]
    operates_in = [link for link in links("OPERATES_IN") if link[0] in organisations]
    found = store.fetch_nodes("Region", {end for _, end, _ in operates_in})
    regions = {key: row for key, row in found.items() if counts(row)}
    areas: dict[str, list[tuple[str, Json]]] = defaultdict(list)
    for start, end, row in operates_in:
        if end in regions:
            areas[start].append((end, row))
    claims = [
        *organisations.values(),
        *(s.claim for s in services),
        *(s.kind_claim for s in services if s.kind_claim),
        *(row for rows in areas.values() for _, row in rows),
    ]
    return Directory(
        statuses=statuses,
        lang=lang,
        organisations=organisations,
        services=services,
        areas=areas,
        parents={start: end for start, end, _ in links("PART_OF") if start in organisations and end in organisations},
        general=general,
        interventions=interventions,
        regions=regions,
        sources=store.fetch_nodes("Source", {row["source"] for row in claims if row.get("source")}),
    )


# ---------------------------------------------------------------- looking up


def find_organisation(directory: Directory, key: str) -> str:
    """The Caleido id of an organisation given by its HSDS id or its Caleido id, or NotFound."""
    for org in directory.organisations:
        if key in (org, organisation_uuid(org)):
            return org
    raise NotFound(f"no organization with id {key!r} (an HSDS id from /api/v1/hsds/organizations, or org-...)")


def find_service(directory: Directory, key: str) -> Service:
    for service in directory.services:
        if service.id == key:
            return service
    raise NotFound(f"no service with id {key!r}; find ids with /api/v1/hsds/services")


def services_in(store: GraphStore, directory: Directory, municipality: str) -> list[Service]:
    """The services whose area holds the municipality (by id): their organisation operates in it or in a region
    it lies in, as caleido.graph.usecases.reach finds for the partner finder. A service without an area (a
    national line, a general record) names no region, so it is not among them."""
    (answer,) = reach(store, [municipality], directory.statuses).municipalities
    serving = {area.organisation for area in answer.served_by}
    return [s for s in directory.services if s.organisation in serving]


# ---------------------------------------------------------------- HSDS objects


def organization(directory: Directory, org: str, *, full: bool = False, full_service: bool = False) -> Json:
    """An organization: the one-to-one fields (organization_list), and with `full` its phones, identifiers,
    provenance and services (fully nested services with `full_service`)."""
    row = directory.organisations[org]
    own_id = organisation_uuid(org)
    parent = directory.parents.get(org)
    answer = _compact(
        {
            "id": own_id,
            "name": _text(row, "label", directory.lang),
            "alternate_name": _alternate_name(row, directory.lang),
            "description": _text(row, "definition", directory.lang) or SILENT[directory.lang],
            "website": row.get("url"),
            "uri": str(CID[org]),
            "parent_organization_id": organisation_uuid(parent) if parent else None,
        }
    )
    if not full:
        return answer
    attributes = _claim_attributes(directory, own_id, "organization", "record", row)
    for general, kind_claim in directory.general.get(org, []):
        attributes += _kind_attributes(directory, own_id, "organization", general, kind_claim)
    phone = row.get("phone")
    services = [s for s in directory.services if s.organisation == org]
    return answer | {
        "phones": [{"id": child_uuid(own_id, "phone"), "number": phone, "type": "voice"}] if phone else [],
        "organization_identifiers": [
            {
                "id": child_uuid(own_id, "identifier"),
                "identifier_type": "Caleido record id (local identifier)",
                "identifier": org,
            }
        ],
        "attributes": attributes,
        "metadata": _metadata(own_id, "organization", row, verified=row.get("last_verified")),
        "services": [service(directory, s, full=full_service) for s in services],
    }


def service(directory: Directory, item: Service, *, full: bool = False) -> Json:
    """A service: the one-to-one fields (service_list), and with `full` its organization, service areas and
    provenance (the programme link, and for a body its kind_of link)."""
    lang = directory.lang
    org = directory.organisations[item.organisation]
    intervention = directory.interventions[item.intervention]
    answer = _compact(
        {
            "id": item.id,
            "organization_id": organisation_uuid(item.organisation),
            "name": _text(intervention, "label", lang),
            "description": _service_description(directory, item),
            "url": intervention.get("url"),
            "status": "active",  # accepted (or, when asked for, proposed) claims only: see the module's docstring
            "assured_date": _date(org.get("last_verified")) or _date(item.claim.get("reviewed_at")),
            "last_modified": _latest([org, item.claim, intervention, *([item.kind_claim] if item.kind_claim else [])]),
        }
    )
    if not full:
        return answer
    rel = load_ontology().relationships[item.rel].field_name  # runs or participates_in
    attributes = _attributes(item.id, "service", rel, [("role", _role(item.claim.get("role"), lang))], lang)
    attributes += _claim_attributes(directory, item.id, "service", rel, item.claim)
    if item.general and item.kind_claim:
        attributes += _kind_attributes(directory, item.id, "service", item.general, item.kind_claim)
    return answer | {
        "organization": organization(directory, item.organisation),
        "service_areas": [service_area(directory, item, region, link) for region, link in _areas(directory, item)],
        "attributes": attributes,
        "metadata": _metadata(item.id, "service", item.claim),
    }


def service_area(directory: Directory, item: Service, region: str, link: Json) -> Json:
    """A region the service's organisation operates in. HSDS's `extent` is a polygon and `extent_type` its
    format (geojson, topojson, kml; "text" only for legacy data); the store holds no geometry, so both are left
    out and the region is named by its type and CBS code in the description and by its IRI in `uri`."""
    row = directory.regions[region]
    own_id = child_uuid(item.id, "area", region)
    kinds = load_ontology().schemes["RegionTypeScheme"].concepts
    kind = row.get("region_type")
    kind_label = kinds[kind].labels.get(directory.lang) if kind in kinds else kind
    code = row.get("identifier") or region
    name = _text(row, "label", directory.lang)
    code_label = "CBS-code" if directory.lang == "nl" else "CBS code"
    return {
        "id": own_id,
        "service_id": item.id,
        "name": name,
        "description": f"{kind_label or ''}: {name} ({code_label} {code})".lstrip(": "),
        "uri": str(CID[region]),
        "attributes": _claim_attributes(directory, own_id, "service_area", "operates_in", link),
        "metadata": _metadata(own_id, "service_area", link),
    }


def page(items: list[Json], number: int, per_page: int) -> Json:
    """One page of a listing, wrapped as HSDS 3.0's OpenAPI `Page` defines it (pages count from 1)."""
    total = len(items)
    pages = ceil(total / per_page)
    contents = items[(number - 1) * per_page : number * per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


# ---------------------------------------------------------------- provenance as HSDS attributes and metadata

# The embedded taxonomy of the provenance attributes: code -> (English name, Dutch name, description).
TAXONOMY_NAME = "Caleido provenance"
TERMS: dict[str, tuple[str, str, str]] = {
    "source": ("Source", "Bron", "The Caleido id of the source the claim rests on (GET /api/v1/nodes/{id})."),
    "source_title": ("Source title", "Titel van de bron", "The title of that source."),
    "source_url": ("Source address", "Adres van de bron", "Where that source can be read."),
    "locator": ("Locator", "Vindplaats", "Where in the source: page, paragraph, section or table."),
    "quote": ("Quote", "Citaat", "The passage of the source the claim rests on, verbatim, in its own language."),
    "review_status": (
        "Review status",
        "Beoordelingsstatus",
        "accepted: the source says so in so many words; proposed: a reading a curator must still check.",
    ),
    "note": ("Note", "Toelichting", "Why a claim is a reading, or what a curator should know about it."),
    "role": ("Role", "Rol", "The organisation's role in the programme (Caleido's OrganisationRoleScheme)."),
    "kind_of": (
        "General record",
        "Algemeen record",
        "The general record this body is one of; a service of the body 'as' that record is the general record's.",
    ),
}


def _taxonomy_id() -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{CAL}hsds-provenance"))


def _term(code: str, lang: Lang) -> Json:
    english, dutch, description = TERMS[code]
    return {
        "id": child_uuid(_taxonomy_id(), code),
        "code": code,
        "name": dutch if lang == "nl" else english,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": _taxonomy_id(),
        "language": lang,
    }


def _attributes(
    owner: str, entity: str, about: str, values: Iterable[tuple[str, str | None]], lang: Lang, key: str = ""
) -> list[Json]:
    """Attributes of an object; `link_type` names the claim they are about: `record` (the record itself), or
    the link (`runs`, `participates_in`, `operates_in`, `kind_of`), so that each quote stays with its claim."""
    return [
        {
            "id": child_uuid(owner, "attribute", about, key, code),  # key: which of several such links
            "link_id": owner,
            "link_type": about,
            "link_entity": entity,
            "taxonomy_term_id": child_uuid(_taxonomy_id(), code),
            "value": value,
            "taxonomy_term": _term(code, lang),
        }
        for code, value in values
        if value
    ]


def _kind_attributes(directory: Directory, owner: str, entity: str, general: str, claim: Json) -> list[Json]:
    """The general record a body is one of, with the kind_of link's provenance."""
    label = _text(directory.organisations[general], "label", directory.lang)
    named = _attributes(owner, entity, "kind_of", [("kind_of", f"{label} ({general})")], directory.lang, general)
    return named + _claim_attributes(directory, owner, entity, "kind_of", claim, general)


def _claim_attributes(
    directory: Directory, owner: str, entity: str, about: str, claim: Json, key: str = ""
) -> list[Json]:
    """A record's or link's source, locator, quote, status and note."""
    source = directory.sources.get(claim.get("source") or "", {})
    values = [
        ("source", claim.get("source")),
        ("source_title", _text(source, "label", directory.lang) if source else None),
        ("source_url", source.get("url")),
        ("locator", claim.get("locator")),
        ("quote", claim.get("quote")),
        ("review_status", claim.get("status")),
        ("note", claim.get("note")),
    ]
    return _attributes(owner, entity, about, values, directory.lang, key)


def _metadata(owner: str, entity: str, claim: Json, *, verified: Any = None) -> list[Json]:
    """HSDS's change record of a record or link: when it was added, reviewed and (a record) last verified
    against its source, and by which agent (a loader or an API key, never a person's name)."""
    events = [
        ("create", claim.get("added_at"), "", claim.get("added_by")),
        ("review", claim.get("reviewed_at"), claim.get("status"), claim.get("reviewed_by")),
        ("verify", verified, _date(verified), claim.get("added_by")),
    ]
    return [
        {
            "id": child_uuid(owner, "metadata", action),
            "resource_id": owner,
            "resource_type": entity,
            "last_action_date": _date(when),
            "last_action_type": action,
            "field_name": "status" if action == "review" else ("last_verified" if action == "verify" else ""),
            "previous_value": "",
            "replacement_value": value or "",
            "updated_by": agent or "",
        }
        for action, when, value, agent in events
        if when
    ]


# ---------------------------------------------------------------- texts


def _text(row: Json, name: str, lang: Lang) -> str | None:
    """A Dutch/English text in the language asked for, else in the other."""
    other = "en" if lang == "nl" else "nl"
    return row.get(f"{name}_{lang}") or row.get(f"{name}_{other}")


def _alternate_name(row: Json, lang: Lang) -> str | None:
    name = _text(row, "label", lang)
    other = row.get("label_en" if lang == "nl" else "label_nl")
    names = [*(row.get("alt_labels") or []), other]
    return next((n for n in names if n and n != name), None)


def _role(role: str | None, lang: Lang) -> str | None:
    concepts = load_ontology().schemes["OrganisationRoleScheme"].concepts
    return concepts[role].labels.get(lang) if role in concepts else role


def _service_description(directory: Directory, item: Service) -> str:
    """ "<organisation> <runs / participates in> <intervention> (role: ...; as <general record>)." and the
    intervention's definition."""
    lang = directory.lang
    verb = load_ontology().relationships[item.rel].labels.get(lang, item.rel)
    org = _text(directory.organisations[item.organisation], "label", lang)
    intervention = directory.interventions[item.intervention]
    role = _role(item.claim.get("role"), lang)
    how = [f"{'rol' if lang == 'nl' else 'role'}: {role.lower()}" if role else ""]
    if item.general:
        general = _text(directory.organisations[item.general], "label", lang)
        how.append(f"{'als' if lang == 'nl' else 'as'} {general}")
    said = "; ".join(h for h in how if h)
    sentence = f"{org} {verb} {_text(intervention, 'label', lang)}" + (f" ({said})" if said else "") + "."
    definition = _text(intervention, "definition", lang)
    return f"{sentence} {definition}" if definition else sentence


def _areas(directory: Directory, item: Service) -> list[tuple[str, Json]]:
    return sorted(directory.areas.get(item.organisation, []), key=lambda area: area[0])


def _date(value: Any) -> str | None:
    """The date part of a stored date or time (ISO text in both stores, or a date)."""
    if not value:
        return None
    return value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]


def _latest(rows: Iterable[Json]) -> str | None:
    """The latest time any of these records or links was added or reviewed (stored as ISO 8601 in UTC)."""
    times = [str(row[key]) for row in rows for key in ("added_at", "reviewed_at") if row.get(key)]
    return max(times, default=None)


def _compact(values: Json) -> Json:
    """Without the fields that have no value: HSDS leaves out what is not known rather than giving null."""
    return {key: value for key, value in values.items() if value is not None}
