"""The five pages in real headless Chromium: each loads without a console error or an outside request, its
network draws, a click does what it should, the language switch changes the words and keeps the filters,
and HTML-looking names stay text. Screenshots go to test-output/screenshots (the README shows them)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from caleido.api.app import create_app
from caleido.settings import Settings
from caleido.viz.i18n import long_datetime
from caleido.viz.network import PHYSICS_LIMIT
from tests.helpers import FIXTURES, load, serve
from tests.pages.browser import click_node, node_count, painted_pixels, wait_drawn
from tests.pages.conftest import INJECTED, PAYLOAD, Site, Watched

pytestmark = pytest.mark.browser

MIN_PAINTED = 2_000  # a drawn network paints tens of thousands of pixels; an empty canvas paints none


# ---------------------------------------------------------------- kaleidoscope


def test_kaleidoscope_draws_the_model_and_a_click_opens_the_explorer(watched: Watched) -> None:
    page = watched.page
    watched.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Het caleidoscopische model"
    svg = page.locator("svg.kaleidoscope")
    assert svg.locator("circle.dot").count() > 50  # the members, drawn on the server
    assert svg.locator("a.sector").count() >= 5
    assert page.locator(".network").count() == 0  # no vis-network for the kaleidoscope
    svg.locator("a.name-link[data-id='rf-politieke-vervreemding']").click()
    page.wait_for_url(re.compile(r"/explore/rf-politieke-vervreemding\?lang=nl$"))
    watched.check()


def test_kaleidoscope_dot_title_gives_definition_and_source_as_text(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?lang=en&scheme=CoeusClusterScheme")
    title = page.locator("svg.kaleidoscope circle.dot[data-id='rf-xss'] title")
    text = title.evaluate("(e) => e.textContent")
    assert PAYLOAD in text and "<svg onload=window.__xss=1>definition" in text
    assert "Source: <script>window.__xss=1</script>Source" in text
    assert title.locator("img, svg, script").count() == 0
    watched.check()


def test_language_switch_changes_labels_and_keeps_filters(watched: Watched) -> None:
    page = watched.page
    watched.goto("/?domain=social&scheme=CoeusClusterScheme")
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert "domain=social" in page.url and "scheme=CoeusClusterScheme" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "The kaleidoscopic model"
    assert page.locator("#f-domain").input_value() == "social"
    assert page.locator("label[for='f-domain']").inner_text() == "Domain"
    assert page.locator("#sectors-title").inner_text() == "Interventions per cluster"
    watched.screenshot("kaleidoscope-en")
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=nl"))
    assert page.locator("label[for='f-domain']").inner_text() == "Domein"
    watched.check()


def test_kaleidoscope_table_alternative_lists_every_member(watched: Watched, site: Site) -> None:
    page = watched.page
    watched.goto("/?lang=en")
    page.click("#table-alternative summary")
    rows = page.locator("#table-alternative table").first.locator("tbody tr")
    members = sum(
        site.store.counts().nodes[c]
        for c in ("IndividualProfile", "RiskFactor", "ProtectiveFactor", "ProgrammeTheme", "Value")
    )
    accepted_only = rows.count()
    assert 0 < accepted_only <= members
    table = page.locator("#table-alternative table").first
    assert table.get_by_role("link", name=PAYLOAD, exact=True).count() == 1  # the payload as a link's text
    watched.check()


# ---------------------------------------------------------------- evidence-and-gap map


def test_coverage_map_shows_gaps_and_a_cell_drills_into_its_findings(watched: Watched) -> None:
    page = watched.page
    watched.goto("/coverage")
    assert page.locator("table.map td.gap").count() > 100
    cell = page.locator("a.cell[href*='intervention=int-xss'][href*='target=rf-xss']")
    assert cell.inner_text() == "1"
    colour = cell.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(0, 122, 85)"  # painted: one supporting finding
    watched.screenshot("coverage-nl")
    cell.click()
    page.wait_for_url(re.compile(r"#cell-detail$"))
    detail = page.locator("#cell-detail")
    assert "<img src=x onerror=window.__xss=1> (2025)." in detail.inner_text()
    assert detail.get_by_role("link", name=f"{PAYLOAD} bevinding").count() == 1
    assert detail.locator("a[href^='javascript']").count() == 0
    watched.screenshot("coverage-cell-nl")
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert "intervention=int-xss" in page.url
    assert page.locator("#cell-title").inner_text().startswith("Findings for this cell")
    watched.check()


def test_a_factors_research_opens_with_its_findings_and_their_quotes(watched: Watched, site: Site) -> None:
    """Issue 18, point 1: under each factor's name the map counts the findings about it (also those linked to the
    factor alone, as all of the seed's are); a click lists them, each with the passage it rests on."""
    page = watched.page
    watched.goto("/coverage")
    shown = httpx.get(site.url + "/api/v1/coverage", params={"limit": 1000}).json()
    research = {e["target"]: e for e in shown["column_evidence"]}
    links = page.locator("table.map tr.research a.research-link")
    assert links.count() == len(research) > 1
    factor_only = next(t for t, e in research.items() if t != "rf-xss")  # a seed factor: no programme's cell
    link = page.locator(f"a.research-link[href*='factor={factor_only}']")
    assert link.inner_text() == str(research[factor_only]["findings"])
    assert link.evaluate("(e) => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"  # painted
    link.click()
    page.wait_for_url(re.compile(r"#factor-detail$"))
    detail = page.locator("#factor-detail")
    answer = httpx.get(site.url + "/api/v1/coverage/factor", params={"id": factor_only}).json()
    assert detail.locator("tbody tr").count() == answer["findings"]
    for finding in answer["finding_details"]:
        assert " ".join(finding["quote"].split()) in " ".join(detail.inner_text().split())
    watched.screenshot("coverage-factor-nl")
    page.goto(site.url + "/coverage?factor=rf-xss#factor-detail")
    assert "<img src=x onerror=window.__xss=1>citaat-bevinding" in page.locator("#factor-detail").inner_text()
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert "factor=rf-xss" in page.url
    assert page.locator("#factor-title").inner_text().startswith("Research on")
    watched.check()


def test_coverage_export_is_the_view_as_csv(watched: Watched, site: Site) -> None:
    page = watched.page
    watched.goto("/coverage?domain=social&lang=en")
    linked = page.locator("table.map a.cell").count()
    href = page.locator("a.export").get_attribute("href")
    assert href.startswith("/api/v1/coverage?") and "domain=social" in href and "format=csv" in href
    response = httpx.get(site.url + href)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert len(response.text.strip().splitlines()) == linked + 1
    watched.check()


# ---------------------------------------------------------------- partner finder


def test_partner_finder_ranks_organisations_and_draws_their_network(watched: Watched) -> None:
    page = watched.page
    # proposed links count too: which links to a theme are accepted is the seed's curation, not under test here
    watched.goto(
        "/partners?municipality=Amsterdam&target=theme-maatschappelijke-weerbaarheid&include_proposed=1&lang=en"
    )
    assert page.locator("#partner-list > li").count() >= 5
    assert "Safety region Amsterdam-Amstelland" in page.locator("#results-title").inner_text()
    wait_drawn(page, "partners-network")
    assert painted_pixels(page, "partners-network") > MIN_PAINTED
    watched.screenshot("partners-en")
    watched.goto("/partners?lang=en")
    assert page.locator("#municipalities option").count() == 342
    page.fill("#f-municipality", "Utrecht")
    page.select_option("#f-target", "rf-xss")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"municipality=Utrecht"))
    partners = page.locator("#national-list > li")  # a national foundation: among the national lines
    assert partners.count() == 1
    assert partners.first.get_by_role("link", name=f"{PAYLOAD} foundation").count() == 1
    assert "Reach: national" in partners.first.inner_text()
    wait_drawn(page, "partners-network")
    click_node(page, "partners-network", "org-xss")
    page.wait_for_url(re.compile(r"/explore/org-xss\?lang=en$"))
    watched.check()


def test_partner_finder_matches_a_signal_and_names_an_unknown_place(watched: Watched) -> None:
    page = watched.page
    watched.goto("/partners?municipality=GM0363&signal=sociale+media")
    assert "Sociale media" in page.locator("#signal-matches").inner_text()
    watched.goto("/partners?municipality=Zwolle&signal=jongere+trekt+zich+terug+en+deelt+complotfilmpjes&lang=en")
    matched = page.locator("#signal-matches .signal-factors > li")
    complot = matched.filter(has_text="Conspiracy thinking")
    assert complot.count() == 1 and "complotfilmpjes" in complot.inner_text()  # the compound, split, matched
    assert "the curator's own association" in page.locator("#signal-matches").inner_text()  # marked as such
    assert page.locator("#signal-matches a", has_text="NCTV").count() >= 1  # a synonym's source, linked
    watched.goto("/partners?municipality=Zwolle&signal=xyzzy")
    assert page.locator("#signal-no-exact").count() == 1  # no exact match, yet suggestions: never a dead end
    assert page.locator("#signal-matches .signal-suggestions li").count() >= 1
    watched.goto(f"/partners?municipality=Zwolle&signal={quote(PAYLOAD)}")  # HTML in the signal stays text
    assert page.evaluate(INJECTED) == 0 and page.locator("#f-signal").input_value() == PAYLOAD
    assert PAYLOAD in page.locator("#signal-matches").inner_text()  # the test record's label, as text
    response = watched.goto("/partners?municipality=Atlantis")
    assert response.status == 404
    assert "Atlantis" in page.locator("#form-error").inner_text()
    watched.check(404)


# ---------------------------------------------------------------- explorer


def test_explorer_expands_a_neighbour_on_click_and_shows_its_provenance(watched: Watched) -> None:
    page = watched.page
    watched.goto("/explore/rf-xss?lang=en")
    wait_drawn(page, "explorer")
    before = node_count(page, "explorer")
    assert painted_pixels(page, "explorer") > MIN_PAINTED
    page.evaluate("() => window.caleido.networks.explorer.network.stopSimulation()")
    click_node(page, "explorer", "int-xss")
    page.wait_for_selector("#explorer[data-expanded]")
    assert node_count(page, "explorer") > before  # the theme and the foundation came in
    assert page.evaluate("() => window.caleido.networks.explorer.nodes.get('org-xss') !== null")
    page.wait_for_function(f"() => document.querySelector('#provenance-name').textContent === '{PAYLOAD} approach'")
    assert "Added by" in page.locator("#provenance").inner_text()
    watched.screenshot("explorer-en")
    watched.check()


def test_a_clicked_nodes_provenance_says_status_and_dates_in_dutch(watched: Watched, site: Site) -> None:
    """The panel the script fills on a click writes the status by its label and the time as the server does
    (i18n.long_datetime): '3 december 2026 17:09', never '2026-12-03T16:09:05Z'."""
    page = watched.page
    watched.goto("/explore/rf-xss")
    wait_drawn(page, "explorer")
    page.evaluate("() => window.caleido.networks.explorer.network.stopSimulation()")
    click_node(page, "explorer", "int-xss")
    page.wait_for_function(f"() => document.querySelector('#provenance-name').textContent === '{PAYLOAD} aanpak'")
    panel = page.locator("#provenance").inner_text()
    added = site.store.fetch_nodes("Intervention", ["int-xss"])["int-xss"]["added_at"]
    assert re.search(r"Status\s+Aanvaard", panel) and not re.search(r"\baccepted\b", panel), panel
    assert re.search(rf"Toegevoegd op\s+{re.escape(long_datetime(added, 'nl'))}", panel), (added, panel)
    watched.check()


def test_explorer_caps_the_neighbourhood_with_a_more_control(watched: Watched) -> None:
    page = watched.page
    watched.goto("/explore/PV26?depth=2&limit=10")
    wait_drawn(page, "explorer")
    assert node_count(page, "explorer") == 10
    page.click("#more")
    page.wait_for_url(re.compile(r"limit=20"))
    wait_drawn(page, "explorer")
    assert node_count(page, "explorer") == 20
    watched.check()


# ---------------------------------------------------------------- evidence form


def test_evidence_form_finds_names_shows_field_errors_and_adds_a_proposed_finding(watched: Watched, site: Site) -> None:
    page = watched.page
    key, info = site.keys.create("browser-researcher", "researcher")
    watched.goto("/evidence/new")
    assert page.locator("#f-direction").input_value() == ""  # no preset direction: the user chooses
    page.fill("#f-key", key)
    page.fill("#f-statement_nl", "Mentoring verlaagt <b>eenzaamheid</b> bij jongvolwassenen")
    page.locator("#f-factor").press_sequentially("Vertrouwen in de", delay=30)  # type-ahead from /api/v1/search
    offered: list[str] = []
    for _ in range(50):  # the page's CSP forbids wait_for_function's eval: poll the offered names instead
        offered = page.locator("#factor-names option").evaluate_all("(os) => os.map((o) => o.textContent)")
        if any("pf-vertrouwen-overheid" in o for o in offered):
            break
        time.sleep(0.1)
    assert any("pf-vertrouwen-overheid" in o for o in offered), offered
    page.fill("#f-factor", "Vertrouwen in de overheid")  # what picking the offered name puts in the field
    page.select_option("#f-direction", "supports")
    page.fill("#f-effect_size", "0,11")
    page.fill("#f-effect_measure", "r")
    page.fill("#f-ci_lower", "0,2")  # above the effect size: the API's check, beside this field
    page.fill("#f-ci_upper", "0,3")
    page.fill("#f-n_studies", "32")
    page.fill("#f-citation", "Doe, J. (2024). Mentoring and loneliness. Journal of Tests, 1, 1-10.")
    page.fill("#f-doi", "https://doi.org/10.5555/Caleido.Test.2024")
    page.fill("#f-year", "2024")
    page.fill("#f-locator", "tabel 2")
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#f-ci_lower-error")
    ci = page.locator("#f-ci_lower")
    assert ci.get_attribute("aria-invalid") == "true" and "f-ci_lower-error" in ci.get_attribute("aria-describedby")
    assert "De ondergrens moet onder de bovengrens" in page.locator("#f-ci_lower-error").inner_text()
    assert page.locator("#f-factor").input_value() == "Vertrouwen in de overheid"  # the form kept what was typed
    watched.screenshot("evidence-invalid-nl")
    page.fill("#f-key", key)  # a password field is never sent back
    page.fill("#f-ci_lower", "0,05")
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#created")
    finding = page.locator("#created a").first.inner_text()
    assert "voorgesteld" in page.locator("#created").inner_text()
    stored = site.store.fetch_nodes("Finding", [finding])[finding]
    assert (stored["status"], stored["effect_size"], stored["ci_lower"], stored["n_studies"]) == (
        "proposed",
        0.11,
        0.05,
        32,
    )
    assert stored["label_nl"] == "Mentoring verlaagt <b>eenzaamheid</b> bij jongvolwassenen"
    assert stored["added_by"] == info.agent == f"key:{info.key_id}:researcher"  # the id and role, not the name
    source = site.store.fetch_nodes("Source", [stored["source"]])[stored["source"]]
    assert (source["doi"], source["year"]) == ("10.5555/caleido.test.2024", 2024)
    links = [(t, v["direction"], v["status"]) for s, t, v in site.store.iter_links("evidence_for") if s == finding]
    assert links == [("pf-vertrouwen-overheid", "supports", "proposed")]
    assert all(key not in url for url in watched.requests)  # the key went in the form's body, never in a URL
    watched.screenshot("evidence-nl")
    watched.check(422)


def test_evidence_upload_shows_the_per_row_report(watched: Watched, site: Site) -> None:
    page = watched.page
    key, _ = site.keys.create("browser-uploader", "researcher")
    watched.goto("/evidence/new")
    page.fill("#f-key", key)
    page.set_input_files("#f-file", str(FIXTURES / "evidence" / "meta-analysis.csv"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-report")
    assert page.locator("#import-report tbody tr").count() == 19
    report = page.locator("#import-report").inner_text()
    assert "nieuw" in report and "Factor gevonden" in report  # outcomes and headers in Dutch on a Dutch page
    assert not re.search(r"\b(created|matched|proposed|finding|factor_match)\b", report), report
    watched.screenshot("evidence-upload-nl")
    watched.check()


# ---------------------------------------------------------------- a big neighbourhood


def _crowded_factor(folder: Path, findings: int) -> Path:
    """A factor with more findings around it than the physics limit."""
    records = [
        "defaults: {source: src-xss, status: accepted}",
        "records:",
        "  - {id: rf-crowded, class: RiskFactor, label: {nl: Druk, en: Crowded}, dimension: environment, locator: x}",
    ]
    records += [
        f"  - {{id: fnd-crowd-{i:04d}, class: Finding, label: {{nl: Bevinding {i}, en: Finding {i}}}, grade: "
        f"not-assessed, locator: x, links: [{{rel: evidence_for, to: rf-crowded, direction: supports, locator: x,"
        " status: accepted}]}"
        for i in range(findings)
    ]
    path = folder / "crowded.yaml"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    return path


def test_a_neighbourhood_above_the_physics_limit_opens_with_fixed_positions(
    watched: Watched, site: Site, tmp_path: Path
) -> None:
    load(site.store, _crowded_factor(tmp_path, PHYSICS_LIMIT + 100))
    page = watched.page
    watched.goto(f"/explore/rf-crowded?limit={PHYSICS_LIMIT + 200}&lang=en")
    wait_drawn(page, "explorer")
    assert node_count(page, "explorer") == PHYSICS_LIMIT + 101
    assert page.evaluate("() => JSON.parse(document.getElementById('explorer-data').textContent).physics") is False
    assert "positions are precomputed" in page.locator("#hood-counts").inner_text()
    assert painted_pixels(page, "explorer") > MIN_PAINTED
    started = time.perf_counter()  # responsive: the page answers at once, no simulation hogs its thread
    page.evaluate("() => 1")
    assert time.perf_counter() - started < 5.0  # liveness, not speed: a simulating page would hold it for minutes
    watched.screenshot("explorer-large-en")
    watched.check()


# ---------------------------------------------------------------- signing in


def test_reads_behind_a_key_sign_in_once_and_the_explorer_reads_the_api(watched: Watched, site: Site) -> None:
    reader, _ = site.keys.create("browser-reader", "reader")
    with serve(create_app(Settings(require_key_for_reads=True), store=site.store, keys=site.keys)) as url:
        watched.base = url
        page = watched.page
        watched.goto("/explore/rf-xss?lang=en")
        page.fill("#signin-key", reader)
        watched.screenshot("signin-en")
        page.click("#signin button[type=submit]")
        page.wait_for_url(re.compile(r"/explore/rf-xss\?lang=en$"))
        wait_drawn(page, "explorer")
        page.evaluate("() => window.caleido.networks.explorer.network.stopSimulation()")
        click_node(page, "explorer", "int-xss")  # its neighbours come from the API, with the cookie
        page.wait_for_selector("#explorer[data-expanded]")
        assert page.evaluate("() => document.cookie") == ""  # HttpOnly: no script reads the key
        assert not any(reader in request for request in watched.requests)  # never in a URL
        page.click("#signout button")
        page.wait_for_url(re.compile(r"/signin\?lang=en$"))
        watched.goto("/coverage")
        assert page.locator("#signin").count() == 1
        watched.check(401)
