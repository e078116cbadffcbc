"""The HTML pages: each calls a use case, hands the plain result to caleido.viz and serves the HTML with a
strict Content-Security-Policy. Filters live in the URL, so every view can be linked; bad filters get an
HTML page naming the parameter and the values it takes.

The pages follow the read policy of the API (caleido.api.deps.optional_reader): when reads need a key, a
page asked for without one answers with a sign-in form. The form is posted (the key never goes in a URL)
and the key kept in an HttpOnly, SameSite=Strict cookie, Secure over https, until the browser closes or
the user signs out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from caleido.api import evidence_form
from caleido.api.deps import (
    KEY_COOKIE,
    KeysDep,
    PageLang,
    StoreDep,
    key_with_role,
    language,
    optional_reader,
    reader_key,
)
from caleido.api.keys import KeyStore, Role
from caleido.api.problems import client_detail
from caleido.api.routes import MAX_PAGE, SIGNAL_TARGETS
from caleido.errors import CaleidoError, Forbidden, InvalidParameter, NotFound, RequestError, Unauthorized
from caleido.graph import usecases
from caleido.graph.store import GraphStore
from caleido.graph.usecases.partners import UnknownMunicipality
from caleido.graph.usecases.results import Member
from caleido.graph.usecases.signals import MAX_SIGNAL, match_signal
from caleido.loaders.evidence import template_csv
from caleido.loaders.signal_lexicon import seed_lexicon
from caleido.ontology.model import load_ontology
from caleido.viz.accessibility import (
    AXE_VERSION,
    BLOCKING_IMPACTS,
    CHECKED_PAGES,
    FOCUS_TABS,
    STATEMENT_DATE,
    WCAG_TAGS,
)
from caleido.viz.brief import brief_ids, brief_view
from caleido.viz.coverage_map import (
    GAPS_SHOWN,
    ROWS_PER_PAGE,
    cell_detail,
    cell_sources,
    coverage_map,
    factor_detail,
    factor_sources,
    gap_ids,
    gap_lists,
    map_order,
    page_count,
    typed_gap_lists,
)
from caleido.viz.explorer import explorer_view, provenance
from caleido.viz.i18n import Lang, class_label, labelled, long_date, term_label, terms, text
from caleido.viz.kaleidoscope import KaleidoscopeFilters, kaleidoscope, model_sources
from caleido.viz.page_errors import error_message, error_title
from caleido.viz.partner_map import PARTNERS_SHOWN, partner_view, reason_ids, reason_sources, region_name
from caleido.viz.render import render
from caleido.viz.signal_view import signal_sources, signal_view


class PageRoute(APIRoute):
    """A page's route: an error of the table in caleido.errors, raised while the page is made, answers as the
    HTML error page in the page's language, with the status and headers the table gives it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            try:
                return await handle(request)
            except Unauthorized as error:  # reads need a key: sign in, then come back here
                back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                lang = language(request)
                why = error_message(error, lang, client_detail(error)) if error.error else None  # a key was refused
                return signin_page(request, lang, back, why, error.status)
            except CaleidoError as error:
                return error_page(request, language(request), error)
            except RequestValidationError as error:  # a form field the route refuses (e.g. an empty reason)
                return error_page(request, language(request), _invalid_field(error))

        return handle_page


def _invalid_field(error: RequestValidationError) -> InvalidParameter:
    """A page's form or query field that FastAPI refused, as the page's 422 naming the field."""
    names = [str(e["loc"][-1]) for e in error.errors() if e.get("loc")] or ["?"]
    fields = ", ".join(dict.fromkeys(names))
    return InvalidParameter(f"{fields}: empty or invalid").worded("error.field", name=fields)


router = APIRouter(include_in_schema=False, route_class=PageRoute)  # open: signing in and out, the icon
reading = APIRouter(include_in_schema=False, route_class=PageRoute, dependencies=[Depends(optional_reader)])
STATIC = StaticFiles(directory=str(files("caleido.viz") / "static"))

# Scripts, styles, fonts and data only from this app; no inline script or style; no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def switch_url(request: Request, lang: Lang) -> str:
    """This page with the same filters in the other language (a path, never another host)."""
    return page_url(request.url.path, [*_query_without(request, "lang"), ("lang", "en" if lang == "nl" else "nl")])


def _query_without(request: Request, name: str) -> list[tuple[str, str]]:
    """The request's query parameters, repeated ones included, but for one."""
    return [(k, v) for k, v in request.query_params.multi_items() if k != name]


def page_url(path: str, params: dict[str, Any] | list[tuple[str, Any]], fragment: str = "") -> str:
    """A page's own URL with these query parameters (None and False left out)."""
    pairs = params.items() if isinstance(params, dict) else params
    kept = [(k, "true" if v is True else str(v)) for k, v in pairs if v is not None and v is not False]
    return path + ("?" + urlencode(kept, quote_via=quote) if kept else "") + (f"#{fragment}" if fragment else "")


def choice(request: Request, name: str, scheme: str) -> str | None:
    """A filter's value when it is a term of the scheme; anything else is InvalidParameter naming the valid terms."""
    value = request.query_params.get(name) or None
    notations = list(load_ontology().schemes[scheme].concepts)
    if value is not None and value not in notations:
        raise InvalidParameter(f"{name}={value!r}: not one of " + ", ".join(notations)).worded(
            "error.parameter", name=name, value=value, allowed=", ".join(notations)
        )
    return value


_ASCII_DIGITS = re.compile(r"[0-9]{1,9}")  # str.isdigit() takes "²" (which int() refuses) and "١٢"


def bounded_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not _ASCII_DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise InvalidParameter(f"{name}={raw!r}: a whole number in {low}..{high}").worded(
            "error.parameter.range", name=name, value=raw, low=low, high=high
        )
    return int(raw)


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"true", "1", "on", "yes"}


def render_page(
    request: Request, template: str, lang: Lang, page_name: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    signed_in = KEY_COOKIE in request.cookies
    html = render(
        template, lang=lang, page=page_name, switch_url=switch_url(request, lang), signed_in=signed_in, **context
    )
    return page(html, status)


def error_page(request: Request, lang: Lang, error: CaleidoError) -> HTMLResponse:
    """The error page in the page's language (the API's problem+json for the same error stays English)."""
    message = error_message(error, lang, client_detail(error))
    response = render_page(
        request, "error.html", lang, "error", status=error.status, title=error_title(error, lang), message=message
    )
    response.headers.update(error.headers)
    return response


# ---------------------------------------------------------------- signing in


def signin_page(request: Request, lang: Lang, back: str, message: str | None, status: int = 200) -> HTMLResponse:
    response = render_page(
        request, "signin.html", lang, "signin", status=status, message=message, back=_local_path(back)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _local_path(url: str) -> str:
    """`url` when it is a path on this site (the page to return to), else the start page: never another host."""
    # Browsers read "/\\host" as "//host", another host.
    local = url.startswith("/") and not url.startswith("//") and "\\" not in url and url.isprintable()
    return url if local else "/"


def _same_site(request: Request) -> None:
    """Sign-in and sign-out come from this site's own forms; a browser says when another site sent them."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise Forbidden("Sign in and out with this site's own form.").worded("error.same_site")


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, lang: PageLang) -> HTMLResponse:
    return signin_page(request, lang, request.query_params.get("next", "/"), None)


@router.post("/signin")
def sign_in(
    request: Request,
    keys: KeysDep,
    lang: PageLang,
    key: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    """Check the key and keep it in a cookie the pages' scripts cannot read and no other site's request
    carries; then back to the page that asked for it."""
    _same_site(request)
    try:
        reader_key(request, keys, key.strip())
    except Unauthorized as error:
        return signin_page(request, lang, back, error_message(error, lang, client_detail(error)), error.status)
    response = RedirectResponse(_local_path(back), status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        KEY_COOKIE, key.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )
    return response


@router.post("/signout")
def sign_out(request: Request, lang: PageLang) -> Response:
    _same_site(request)
    response = RedirectResponse(f"/signin?lang={lang}", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(KEY_COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


# ---------------------------------------------------------------- the kaleidoscope


@reading.get("/", response_class=HTMLResponse)
def kaleidoscope_page(request: Request, store: StoreDep, lang: PageLang) -> HTMLResponse:
    cluster_schemes = [s for s in load_ontology().schemes if s.endswith("ClusterScheme") and s != "ClusterScheme"]
    scheme = request.query_params.get("scheme") or None
    if scheme is not None and scheme not in cluster_schemes:
        raise InvalidParameter(f"scheme={scheme!r}: not one of " + ", ".join(cluster_schemes)).worded(
            "error.parameter", name="scheme", value=scheme, allowed=", ".join(cluster_schemes)
        )
    filters = KaleidoscopeFilters(
        domain=choice(request, "domain", "DomainScheme"),
        level=choice(request, "level", "LevelScheme"),
        scheme=scheme,
        include_proposed=flag(request, "include_proposed"),
    )
    model = usecases.model(store, lang=lang)
    view = kaleidoscope(model, usecases.labels(store, model_sources(model)), filters, lang)
    return render_page(
        request,
        "kaleidoscope.html",
        lang,
        "kaleidoscope",
        view=view,
        filters=filters,
        domains=terms("DomainScheme", lang),
        levels=terms("LevelScheme", lang),
    )


# ---------------------------------------------------------------- the evidence-and-gap map


@reading.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, store: StoreDep, lang: PageLang) -> HTMLResponse:
    axis = request.query_params.get("axis") or "factors"
    if axis not in ("factors", "themes"):
        raise InvalidParameter(f"axis={axis!r}: not one of factors, themes").worded(
            "error.parameter", name="axis", value=axis, allowed="factors, themes"
        )
    filters: dict[str, Any] = {
        "axis": axis,
        "dimension": choice(request, "dimension", "DimensionScheme"),
        "cluster": choice(request, "cluster", "ClusterScheme"),
        "domain": choice(request, "domain", "DomainScheme"),
        "level": choice(request, "level", "LevelScheme"),
        "include_proposed": flag(request, "include_proposed"),
    }
    page_number = bounded_int(request, "page", 1, 1, 100_000)
    intervention = request.query_params.get("intervention") or ""
    target = request.query_params.get("target") or ""
    factor = request.query_params.get("factor") or ""
    detail = research = None
    if intervention and target:
        detail = usecases.cell(store, intervention, target, include_proposed=filters["include_proposed"])
    if factor:
        research = usecases.target_cell(store, factor, include_proposed=filters["include_proposed"])
    rows = usecases.coverage_rows(
        store, domain=filters["domain"], level=filters["level"], include_proposed=filters["include_proposed"]
    )
    pages = page_count(len(rows))
    if page_number > pages:
        raise NotFound(f"page={page_number}: no such page; 1..{pages}").worded(
            "error.page.range", value=page_number, pages=pages
        )
    theme_labels = usecases.labels(store, {t for row in rows for t in row.themes[:1]})
    result = usecases.coverage(
        store,
        **filters,
        rows=map_order(rows, theme_labels, lang),
        offset=(page_number - 1) * ROWS_PER_PAGE,
        limit=ROWS_PER_PAGE,
    )
    gaps = usecases.gaps(store, include_proposed=filters["include_proposed"], limit=GAPS_SHOWN)
    unevidenced = {i for link in gaps.links_without_accepted_evidence for i in (link.intervention, link.target)}
    named = {intervention, target, *cell_sources(detail)} if detail else set()
    named |= {factor, *factor_sources(research)} if research else set()
    labels = usecases.labels(store, unevidenced | named | gap_ids(gaps))
    crosswalk = usecases.grade_crosswalk()
    where = {**filters, "page": page_number if page_number > 1 else None, "lang": lang}

    def cell_href(row: str, column: str) -> str:
        return page_url("/coverage", {**where, "intervention": row, "target": column}, "cell-detail")

    def factor_href(column: str) -> str:
        return page_url("/coverage", {**where, "factor": column}, "factor-detail")

    view = coverage_map(result, theme_labels, lang, cell_href, factor_href=factor_href)

    def page_link(number: int) -> str | None:
        if not 1 <= number <= view["page"]["pages"]:
            return None
        return page_url("/coverage", {**filters, "page": number if number > 1 else None, "lang": lang}, "map")

    return render_page(
        request,
        "coverage.html",
        lang,
        "coverage",
        view=view,
        previous_url=page_link(page_number - 1),
        next_url=page_link(page_number + 1),
        gaps=gap_lists(gaps, labels, lang),
        typed_gaps=typed_gap_lists(gaps, labels, lang),
        gaps_csv_url=page_url("/api/v1/gaps", {"include_proposed": filters["include_proposed"], "format": "csv"}),
        detail=cell_detail(detail, labels, lang, crosswalk) if detail else None,
        research=factor_detail(research, labels, lang, crosswalk) if research else None,
        filters=filters,
        close_url=page_url("/coverage", {**filters, "lang": lang}),
        gaps_url=page_url("/api/v1/gaps", {"include_proposed": filters["include_proposed"], "limit": MAX_PAGE}),
        csv_url=page_url("/api/v1/coverage", {**filters, "format": "csv"}),
        dimensions=terms("DimensionScheme", lang),
        clusters=terms("ClusterScheme", lang),
        domains=terms("DomainScheme", lang),
        levels=terms("LevelScheme", lang),
    )


# ---------------------------------------------------------------- the partner finder

TARGET_CLASSES = ("RiskFactor", "ProtectiveFactor", "ProgrammeTheme")


@reading.get("/partners", response_class=HTMLResponse)
def partners_page(request: Request, store: StoreDep, lang: PageLang) -> HTMLResponse:
    query = request.query_params
    form: dict[str, Any] = {
        "municipality": query.get("municipality", "").strip()[:100],
        "target": query.get("target") or "",
        "signal": query.get("signal", "").strip()[:MAX_SIGNAL],
        "include_proposed": flag(request, "include_proposed"),
    }
    form["domain"] = choice(request, "domain", "DomainScheme")
    form["level"] = choice(request, "level", "LevelScheme")
    form["limit"] = bounded_int(request, "limit", PARTNERS_SHOWN, 1, 5_000)
    form["national_offset"] = bounded_int(request, "national_offset", 0, 0, 1_000_000)
    form["roles_offset"] = bounded_int(request, "roles_offset", 0, 0, 1_000_000)
    members = usecases.model_members(store, lang=lang, classes=TARGET_CLASSES)
    context: dict[str, Any] = {"form": form, "error": None, "signal": None, "result": None, "view": None}
    context.update(more_url=None, national_more_url=None, roles_more_url=None, suggestions=[])
    status = 200
    if form["municipality"]:
        try:
            context.update(_find_partners(store, form, members, lang))
        except UnknownMunicipality as error:  # in the page's language, with the nearest names as links
            context["error"] = f"{text(lang, 'municipality.unknown')} {error.asked!r}."
            if not error.suggestions:
                context["error"] += " " + text(lang, "municipality.unknown.hint")
            context["suggestions"] = [
                {
                    "label": name,
                    "href": page_url("/partners", [*_query_without(request, "municipality"), ("municipality", name)]),
                }
                for name in error.suggestions
            ]
            status = error.status
        except RequestError as error:  # shown beside the form, which keeps what was asked
            context["error"], status = error_message(error, lang, client_detail(error)), error.status
        else:
            if context["view"]["more"]:
                more = [*_query_without(request, "limit"), ("limit", min(form["limit"] * 2, 5_000))]
                context["more_url"] = page_url("/partners", more)
            for section in ("national", "roles"):  # the next page of the national lines, of the roles
                after = context["view"][f"{section}_next"]
                if after is not None:
                    asked = [*_query_without(request, f"{section}_offset"), (f"{section}_offset", after)]
                    context[f"{section}_more_url"] = page_url("/partners", asked)
    return render_page(
        request,
        "partners.html",
        lang,
        "partners",
        status=status,
        municipalities=_municipality_options(store, lang),
        targets=[
            {
                "label": class_label(cls, lang),
                "options": [(m.id, m.label or m.id) for m in members if m.class_ == cls],
            }
            for cls in TARGET_CLASSES
        ],
        domains=terms("DomainScheme", lang),
        levels=terms("LevelScheme", lang),
        **context,
    )


def _find_partners(store: GraphStore, form: dict[str, Any], members: list[Member], lang: Lang) -> dict[str, Any]:
    """Partners for the form's municipality and its factor, theme or signal (a signal's words are matched to
    factors, caleido.graph.usecases.signals; its best factors rank the partners)."""
    known = {m.id for m in members}
    if form["target"] and form["target"] not in known:
        raise NotFound(f"target={form['target']!r}: no factor or theme with this id").worded(
            "error.target.unknown", id=form["target"]
        )
    targets = [form["target"]] if form["target"] else []
    signal = match_signal(store, form["signal"], seed_lexicon()) if form["signal"] else None
    if signal is not None:
        targets += [f.id for f in signal.factors[:SIGNAL_TARGETS]]
    query = usecases.PartnerQuery(
        targets=targets,
        domain=form["domain"],
        level=form["level"],
        include_proposed=form["include_proposed"],
        limit=form["limit"],
        national_offset=form["national_offset"],
        roles_offset=form["roles_offset"],
    )
    result = usecases.partners(store, form["municipality"], query)
    labels = usecases.labels(store, reason_ids(result) | reason_sources(result))
    place = result.municipality
    return {
        "result": {
            "municipality": labelled(place, lang),
            "where": " · ".join(region_name(r.region_type, labelled(r, lang), lang) for r in place.regions),
            "brief_url": page_url(f"/gemeente/{place.id}", {"lang": lang if lang != "nl" else None}),
        },
        "view": partner_view(result, labels, lang, limit=form["limit"]),
        "signal": signal_view(signal, usecases.labels(store, signal_sources(signal)), lang) if signal else None,
    }


@reading.get("/gemeente/{code}", response_class=HTMLResponse)
def brief_page(request: Request, code: str, store: StoreDep, lang: PageLang) -> HTMLResponse:
    """One municipality's printable brief: its bodies and their roles, partners per factor, programmes, gaps."""
    include_proposed = flag(request, "include_proposed")
    result = usecases.brief(store, code[:100], include_proposed=include_proposed)
    labels = usecases.labels(store, reason_ids(result.partners) | reason_sources(result.partners) | brief_ids(result))
    place = result.partners.municipality
    return render_page(
        request,
        "brief.html",
        lang,
        "brief",
        place={
            "label": labelled(place, lang),
            "code": place.id,
            "where": " · ".join(region_name(r.region_type, labelled(r, lang), lang) for r in place.regions),
        },
        view=brief_view(result, labels, lang),
        finder_url=page_url(
            "/partners", {"municipality": place.id, "include_proposed": include_proposed, "lang": lang}
        ),
    )


def _municipality_options(store: GraphStore, lang: Lang) -> list[dict[str, str]]:
    return [
        {
            "label": labelled(m, lang),
            "identifier": m.identifier,
            "province": ", ".join(labelled(p, lang) for p in m.provinces),
            "safety_region": ", ".join(labelled(s, lang) for s in m.safety_regions),
        }
        for m in usecases.municipalities(store)
    ]


# ---------------------------------------------------------------- the explorer

EXPLORE_MAX_LIMIT = 10_000  # the page draws up to this many nodes, with fixed positions above PHYSICS_LIMIT


@reading.get("/explore/{node_id}", response_class=HTMLResponse)
def explore_page(request: Request, node_id: str, store: StoreDep, lang: PageLang) -> HTMLResponse:
    depth = bounded_int(request, "depth", 1, 1, 3)
    limit = bounded_int(request, "limit", 200, 1, EXPLORE_MAX_LIMIT)
    detail = usecases.node(store, node_id)
    hood = usecases.neighbourhood(store, node_id, depth=depth, limit=limit)
    here = request.url.path
    return render_page(
        request,
        "explore.html",
        lang,
        "explore",
        node=provenance(detail, lang),
        view=explorer_view(hood, lang),
        depth=depth,
        limit=limit,
        max_limit=EXPLORE_MAX_LIMIT,
        here=here,
        truncated=hood.truncated,
        more_url=page_url(here, {"depth": depth, "limit": min(limit * 2, EXPLORE_MAX_LIMIT), "lang": lang}),
    )


# ---------------------------------------------------------------- the accessibility statement


@router.get("/toegankelijkheid", response_class=HTMLResponse)
def accessibility_statement(request: Request, lang: PageLang) -> HTMLResponse:
    """What the automated accessibility check covers and what it does not (open, like signing in: a
    statement is for everyone)."""
    return render_page(
        request,
        "statement.html",
        lang,
        "statement",
        axe_version=AXE_VERSION,
        wcag_tags=WCAG_TAGS,
        blocking=BLOCKING_IMPACTS,
        checked=[
            {
                "what": p.described(lang),
                "path": p.path,
                "languages": [text(lang, f"lang.{code}") for code in p.languages],
            }
            for p in CHECKED_PAGES
        ],
        focus_tabs=FOCUS_TABS,
        updated=long_date(STATEMENT_DATE, lang),
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico on their own; answer with the pages' icon rather than a 404."""
    return FileResponse(str(files("caleido.viz") / "static" / "favicon.svg"), media_type="image/svg+xml")


# ---------------------------------------------------------------- the evidence form

FORM_TEXTS = ("key_missing", "error", "row", "outcome", "finding", "factor", "match")
# What a row of the import report says happened, in the page's words (the API answers with these codes).
IMPORT_OUTCOMES = ("created", "updated", "revised", "unchanged", "merged", "matched")
SEARCHED_CLASSES = (*evidence_form.FACTOR_CLASSES, "Intervention", "Source")  # the form's type-ahead


def _evidence_form(
    request: Request, store: GraphStore, lang: Lang, outcome: evidence_form.Outcome, status: int = 200
) -> HTMLResponse:
    members = usecases.model_members(store, lang=lang, classes=evidence_form.FACTOR_CLASSES)
    interventions = usecases.model_interventions(store, lang=lang)
    created = outcome.created
    return render_page(
        request,
        "evidence_form.html",
        lang,
        "evidence",
        status=status,
        values=outcome.values,
        errors=outcome.errors,
        problem=outcome.problem,
        created=created,
        created_status=term_label("ReviewStatusScheme", created["status"], lang) if created else None,
        factors=[(m.label or m.id, class_label(m.class_, lang)) for m in members],
        interventions=[(i.label or i.id, class_label("Intervention", lang)) for i in interventions],
        directions=terms("DirectionScheme", lang),
        grades=terms("EvidenceGradeScheme", lang),
        designs=terms("StudyDesignScheme", lang),
        maryland=terms("MarylandScaleScheme", lang),
        biases=terms("RiskOfBiasScheme", lang),
        js_texts={
            **{key: text(lang, f"form.{key}") for key in FORM_TEXTS},
            "classes": {cls: class_label(cls, lang) for cls in SEARCHED_CLASSES},
            "statuses": dict(terms("ReviewStatusScheme", lang)),
            "outcomes": {
                **dict(terms("ReviewStatusScheme", lang)),
                **{code: text(lang, f"import.{code}") for code in IMPORT_OUTCOMES},
            },
        },
    )


@reading.get("/evidence/new", response_class=HTMLResponse)
def evidence_form_page(request: Request, store: StoreDep, lang: PageLang) -> HTMLResponse:
    return _evidence_form(request, store, lang, evidence_form.Outcome(evidence_form.blank_values()))


@reading.post("/evidence/new", response_class=HTMLResponse)
async def evidence_form_post(request: Request, store: StoreDep, keys: KeysDep, lang: PageLang) -> HTMLResponse:
    """The form without JavaScript: the key (or the sign-in cookie) and the fields posted as a form; the finding
    and its evidence links written by the API's own function; problems beside their fields."""
    _same_site(request)
    form = await request.form()
    values = evidence_form.form_values(form)
    plain_key = str(form.get("key") or "").strip() or request.cookies.get(KEY_COOKIE, "").strip()
    return await run_in_threadpool(_submit_evidence, request, store, keys, lang, values, plain_key)


def _submit_evidence(
    request: Request, store: GraphStore, keys: KeyStore, lang: Lang, values: dict[str, str], plain_key: str
) -> HTMLResponse:
    if not plain_key:
        outcome = evidence_form.Outcome(values, {"key": evidence_form.FieldMessage(text(lang, "form.key_missing"))})
        return _evidence_form(request, store, lang, outcome, 401)
    try:
        agent = key_with_role(request, keys, plain_key, Role.RESEARCHER).agent
    except (Unauthorized, Forbidden) as error:
        message = evidence_form.FieldMessage(text(lang, "form.key_refused"), client_detail(error))
        return _evidence_form(request, store, lang, evidence_form.Outcome(values, {"key": message}), error.status)
    outcome = evidence_form.submit(store, values, agent, lang)
    if outcome.created:  # a fresh form for the next finding, with the receipt of this one
        done = evidence_form.Outcome(evidence_form.blank_values(), created=outcome.created)
        return _evidence_form(request, store, lang, done, 201)
    return _evidence_form(request, store, lang, outcome, 422)


@router.get("/evidence/template.csv")
def evidence_template() -> Response:
    """The header of an evidence table the import takes (required columns first)."""
    return Response(
        template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="caleido-evidence-template.csv"'},
    )


router.include_router(reading)
