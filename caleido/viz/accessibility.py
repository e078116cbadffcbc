"""What the pages' automated accessibility check covers, in one place: the statement page (/toegankelijkheid)
shows it and tests/pages/test_accessibility.py runs it, so the statement names exactly what the test checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caleido.viz.i18n import LANGS, Lang

# The copy in tests/pages/vendor/axe-core/ (a test holds the two together).
AXE_VERSION = "4.14.1"
# WCAG 2.0 and 2.1, levels A and AA, as axe-core tags its rules.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# A violation of these impacts fails the test; the others are written to the test's output.
BLOCKING_IMPACTS = ("serious", "critical")
# A test presses Tab this many times on each of Caleido's own pages and checks that a focus ring shows each time.
FOCUS_TABS = 40
# When the statement was last read against the pages and the check (the model statement asks for a date).
STATEMENT_DATE = date(2026, 12, 3)


@dataclass(frozen=True)
class CheckedPage:
    """A page (or a state of one that a user reaches) the check runs on, in each of its languages."""

    name: str
    path: str
    what: tuple[str, str]  # Dutch, English
    languages: tuple[Lang, ...] = LANGS

    def described(self, lang: Lang) -> str:
        return self.what[LANGS.index(lang)]


CHECKED_PAGES: tuple[CheckedPage, ...] = (
    CheckedPage("kaleidoscope", "/", ("De caleidoscoop", "The kaleidoscope")),
    CheckedPage(
        "kaleidoscope-sector",
        "/",
        ("De caleidoscoop met de interventies van een cluster", "The kaleidoscope with a cluster's interventions"),
    ),
    CheckedPage("coverage", "/coverage", ("De bewijs- en leemtekaart", "The evidence and gap map")),
    CheckedPage(
        "coverage-cell",
        "/coverage?intervention=…&target=…",
        ("De kaart met de bevindingen van een cel", "The map with a cell's findings open"),
    ),
    CheckedPage(
        "coverage-factor",
        "/coverage?factor=…",
        ("De kaart met het onderzoek over een factor", "The map with the research on a factor open"),
    ),
    CheckedPage("partners", "/partners", ("Partners zoeken: het formulier", "Partner finder: the form")),
    CheckedPage(
        "partners-result",
        "/partners?municipality=…",
        ("Partners zoeken: de uitkomst met netwerk", "Partner finder: the result with its network"),
    ),
    CheckedPage(
        "partners-signal",
        "/partners?municipality=…&signal=…",
        ("Partners zoeken: welke woorden bij welke factor passen", "Partner finder: which words matched which factor"),
    ),
    CheckedPage(
        "partners-signal-no-match",
        "/partners?municipality=…&signal=…",
        ("Partners zoeken: een signaal zonder exacte overeenkomst", "Partner finder: a signal with no exact match"),
    ),
    CheckedPage(
        "partners-unknown-place",
        "/partners?municipality=…",
        ("Partners zoeken: een onbekende plaats", "Partner finder: a place it does not know"),
    ),
    CheckedPage(
        "partners-typo",
        "/partners?municipality=…",
        ("Partners zoeken: een tikfout met een suggestie", "Partner finder: a typo with a suggestion"),
    ),
    CheckedPage(
        "brief",
        "/gemeente/…",
        ("Het overzicht van een gemeente om te printen", "A municipality's printable brief"),
    ),
    CheckedPage("map", "/kaart", ("De kaart van Nederland", "The map of the Netherlands")),
    CheckedPage(
        "map-outlines",
        "/kaart?measure=…&outline=…",
        ("De kaart met een andere maat en regiogrenzen", "The map with another measure and region outlines"),
    ),
    CheckedPage("explore", "/explore/…", ("De verkenner van een knoop", "The explorer of a node")),
    CheckedPage("evidence-form", "/evidence/new", ("Het formulier voor een bevinding", "The form for a finding")),
    CheckedPage(
        "evidence-form-invalid",
        "/evidence/new",
        ("Het formulier met een foutmelding bij een veld", "The form with an error beside a field"),
    ),
    CheckedPage("review", "/review", ("Het bureau van de curator", "The curator's desk")),
    CheckedPage(
        "review-filtered",
        "/review?kind=…",
        ("Het bureau van de curator, gefilterd op soort", "The curator's desk filtered by kind"),
    ),
    CheckedPage("signin", "/signin", ("Aanmelden", "Sign in")),
    CheckedPage("signin-refused", "/signin", ("Aanmelden met een onjuiste sleutel", "Sign in with a wrong key")),
    CheckedPage("error-not-found", "/explore/…", ("Foutpagina: niet gevonden", "Error page: not found")),
    CheckedPage("error-bad-filter", "/coverage?axis=…", ("Foutpagina: ongeldig filter", "Error page: a bad filter")),
    CheckedPage("statement", "/toegankelijkheid", ("Deze verklaring", "This statement")),
    CheckedPage(
        "api-docs", "/docs", ("API-documentatie (Swagger UI)", "API documentation (Swagger UI)"), languages=("en",)
    ),
    CheckedPage(
        "api-docs-operation",
        "/docs",
        (
            "API-documentatie: een operatie open, klaar om te proberen",
            "API documentation: an operation open to try out",
        ),
        languages=("en",),
    ),
    CheckedPage(
        "api-docs-response",
        "/docs",
        ("API-documentatie: het antwoord op een verzoek", "API documentation: the answer to a request"),
        languages=("en",),
    ),
    CheckedPage("api-reference", "/redoc", ("API-naslag (Redoc)", "API reference (Redoc)"), languages=("en",)),
)
