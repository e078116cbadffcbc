"""The pages' texts: both catalogues hold every key, plural forms follow each catalogue's Plural-Forms, dates are
written as people write them, and the converter moves an old dictionary's texts into the catalogues."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from html import unescape
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po

from caleido.api.app import create_app
from caleido.api.keys import KeyStore
from caleido.errors import CaleidoError, Forbidden, InvalidParameter, NotFound, StoreError, StoreUnavailable
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.usecases.partners import UnknownMunicipality
from caleido.ontology.model import load_ontology
from caleido.viz.i18n import (
    LANGS,
    LOCALE_DIR,
    catalogue,
    counted,
    long_date,
    long_datetime,
    plural,
    term_label,
    text,
    texts,
)
from caleido.viz.page_errors import error_message, error_title
from tests.helpers import FIXTURES, load, serve
from tests.pages.conftest import Site

ROOT = Path(__file__).resolve().parents[2]
CONVERTER = ROOT / "scripts" / "i18n_from_dict.py"


def _entries(lang: str) -> dict[str, str | tuple[str, ...]]:
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else tuple(m.string))
        for m in catalogue(lang)  # type: ignore[arg-type]
        if m.id
    }


def _fields(words: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(words) if name is not None}


def test_every_key_has_both_languages() -> None:
    nl, en = _entries("nl"), _entries("en")
    assert set(nl) == set(en), f"only in nl: {sorted(set(nl) - set(en))}; only in en: {sorted(set(en) - set(nl))}"
    assert len(nl) > 200


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_is_empty_or_fuzzy(lang: str) -> None:
    empty = [key for key, words in _entries(lang).items() if not words or (isinstance(words, tuple) and not all(words))]
    fuzzy = [m.id for m in catalogue(lang) if m.id and m.fuzzy]  # type: ignore[arg-type]
    assert not empty, f"{lang}: empty texts {empty}"
    assert not fuzzy, f"{lang}: fuzzy texts (left out of the pages by gettext) {fuzzy}"


def test_placeholders_are_the_same_in_both_languages() -> None:
    nl, en = _entries("nl"), _entries("en")
    for key in nl:
        nl_words = nl[key] if isinstance(nl[key], tuple) else (nl[key],)
        en_words = en[key] if isinstance(en[key], tuple) else (en[key],)
        assert {f for w in nl_words for f in _fields(str(w))} == {f for w in en_words for f in _fields(str(w))}, key


def test_the_catalogues_are_plain_po_files_babel_reads_back() -> None:
    for lang in LANGS:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "caleido.po").open("rb") as fh:
            read = read_po(fh, locale=lang)
        assert read.plural_forms == "nplurals=2; plural=(n != 1);"
        assert read.locale is not None and str(read.locale) == lang


@pytest.mark.parametrize(
    ("lang", "key", "expected"),
    [
        ("nl", "partners.count", {0: "0 organisaties", 1: "1 organisatie", 2: "2 organisaties"}),
        ("en", "partners.count", {0: "0 organisations", 1: "1 organisation", 2: "2 organisations"}),
        ("nl", "findings.count", {0: "0 bevindingen", 1: "1 bevinding", 2: "2 bevindingen"}),
        ("en", "findings.count", {0: "0 findings", 1: "1 finding", 2: "2 findings"}),
        ("nl", "links.count", {0: "0 verbindingen", 1: "1 verbinding", 2: "2 verbindingen"}),
        ("en", "links.count", {0: "0 links", 1: "1 link", 2: "2 links"}),
        ("nl", "programmes.count", {0: "0 programma's meer", 1: "1 programma meer", 2: "2 programma's meer"}),
    ],
)
def test_plural_forms_for_zero_one_and_two(lang: str, key: str, expected: dict[int, str]) -> None:
    assert {n: counted(n, key, lang) for n in expected} == expected  # type: ignore[arg-type]


def test_every_plural_entry_has_its_forms_in_both_languages() -> None:
    for lang in LANGS:
        plurals = [m for m in catalogue(lang) if isinstance(m.id, tuple | list)]  # type: ignore[arg-type]
        assert len(plurals) >= 8
        for m in plurals:
            assert m.id[0].endswith(".one") and m.id[1].endswith(".many"), m.id
            assert len(m.string) == 2, (lang, m.id)
            stem = m.id[0].removesuffix(".one")
            assert plural(1, stem, lang) == m.string[0]  # type: ignore[arg-type]
            assert plural(2, stem, lang) == plural(0, stem, lang) == m.string[1]  # type: ignore[arg-type]


def test_text_keeps_its_interface() -> None:
    assert text("nl", "nav.map") == "Kaart" and text("en", "nav.map") == "Map"
    assert text("nl", "partners.count.one") == "organisatie" and text("en", "partners.count.many") == "organisations"
    assert texts("en")["switch"] == "Nederlands"
    with pytest.raises(KeyError):
        text("nl", "no.such.key")
    with pytest.raises(KeyError):
        plural(1, "nav.map", "nl")


def test_dates_as_people_write_them() -> None:
    assert long_date(date(2026, 12, 3), "nl") == "3 december 2026"
    assert long_date(date(2026, 12, 3), "en") == "3 December 2026"
    # stored as ISO text in UTC; shown on the Dutch clock (winter: +1, summer: +2)
    assert long_datetime("2026-12-03T05:52:23Z", "nl") == "3 december 2026 06:52"
    assert long_datetime(datetime(2026, 7, 3, 5, 52), "en") == "3 July 2026 07:52"
    assert long_datetime("not a time", "nl") == "not a time"


def _converter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CONVERTER), *map(str, args)], capture_output=True, text=True, check=True, cwd=ROOT
    )


def test_the_converter_moves_an_old_dictionary_into_both_catalogues(tmp_path: Path) -> None:
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    old = tmp_path / "old_i18n.py"
    old.write_text(
        "from caleido.gone import nothing  # an old file's stale import: read with ast, never imported\n"
        "_TEXTS: dict[str, tuple[str, str]] = {\n"
        '    "nav.map": ("Kaart", "Map"),\n'
        '    "nav.review": ("Curatorbureau", "Curator\'s desk"),\n'
        '    "review.count.one": ("voorstel", "proposal"),\n'
        '    "review.count.many": ("voorstellen", "proposals"),\n'
        '    "site": ("Caleido NL", "Caleido"),\n'
        "}\n",
        encoding="utf-8",
    )
    before = {lang: (tmp_path / "locale" / lang / "LC_MESSAGES" / "caleido.po").read_bytes() for lang in LANGS}
    run = _converter(old, "--locale-dir", tmp_path / "locale")
    assert "2 entries added" in run.stdout
    assert "differs" in run.stderr and "site" in run.stderr  # reported, not overwritten
    for lang, (desk, one, many) in {
        "nl": ("Curatorbureau", "voorstel", "voorstellen"),
        "en": ("Curator's desk", "proposal", "proposals"),
    }.items():
        path = tmp_path / "locale" / lang / "LC_MESSAGES" / "caleido.po"
        with path.open("rb") as fh:
            read = read_po(fh, locale=lang)
        assert read["nav.review"].string == desk
        assert read["review.count.one"].id == ("review.count.one", "review.count.many")
        assert tuple(read["review.count.one"].string) == (one, many)
        assert read["site"].string == "Caleido"
        assert len(path.read_bytes()) > len(before[lang])
    again = _converter(old, "--locale-dir", tmp_path / "locale")
    assert "0 entries added" in again.stdout


def test_the_converter_takes_what_a_branch_changed_and_keeps_what_it_did_not(tmp_path: Path) -> None:
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    base, branch = tmp_path / "base.py", tmp_path / "branch.py"
    base.write_text('_TEXTS = {"nav.map": ("Kaart (oud)", "Map (old)"), "site": ("Caleido", "Caleido")}\n')
    branch.write_text('_TEXTS = {"nav.map": ("Kaart (oud)", "Map (old)"), "site": ("Caleido NL", "Caleido EN")}\n')
    run = _converter(branch, "--base", base, "--locale-dir", tmp_path / "locale")
    assert "differs" not in run.stderr
    for lang, site_words in {"nl": "Caleido NL", "en": "Caleido EN"}.items():
        with (tmp_path / "locale" / lang / "LC_MESSAGES" / "caleido.po").open("rb") as fh:
            read = read_po(fh, locale=lang)
        assert read["site"].string == site_words  # the branch changed it: its words
        assert read["nav.map"].string == text(lang, "nav.map")  # unchanged by the branch: the catalogue's stand


# ---------------------------------------------------------------- on the pages: statuses and errors in Dutch

ENGLISH_STATUS = re.compile(r"\b(accepted|proposed|rejected|retracted|changes.requested)\b", re.I)
# What the API says in English for the errors below: a Dutch page must say it in Dutch.
ENGLISH_ERROR = re.compile(
    r"not one of|no node with id|no factor or theme|no such page|a whole number|Invalid parameter|Not found|"
    r"no municipality matches|[Dd]id you mean|Forbidden|own form|\bError\b",
)


def _visible(html: str) -> str:
    """The page's text as a reader sees it: no scripts' data islands, no tags, entities decoded."""
    without_scripts = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", without_scripts))


@pytest.fixture(scope="module")
def statuses_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a store with one record in each review status."""
    store = EmbeddedStore(tmp_path_factory.mktemp("statuses") / "store")
    load(store, FIXTURES / "pages" / "statuses.yaml")
    with serve(create_app(store=store, keys=KeyStore(tmp_path_factory.mktemp("keys") / "keys.sqlite3"))) as url:
        yield url
    store.close()


@pytest.mark.parametrize("status", ["proposed", "accepted", "rejected", "retracted"])
def test_a_dutch_page_shows_each_status_in_dutch(statuses_site: str, status: str) -> None:
    html = httpx.get(f"{statuses_site}/explore/rf-i18n-{status}", timeout=60).text
    visible = _visible(html)
    dutch = term_label("ReviewStatusScheme", status, "nl")
    assert re.search(rf"Status\s+{dutch}\b", visible), visible[:2000]
    assert not ENGLISH_STATUS.search(visible), ENGLISH_STATUS.search(visible)
    assert "Toegevoegd op" in visible and not re.search(r"\d{4}-\d\d-\d\dT", visible)  # a date as people write it
    english = _visible(httpx.get(f"{statuses_site}/explore/rf-i18n-{status}?lang=en", timeout=60).text)
    assert re.search(rf"Status\s+{term_label('ReviewStatusScheme', status, 'en')}\b", english)


def test_every_status_of_the_vocabulary_has_both_labels() -> None:
    for notation in load_ontology().schemes["ReviewStatusScheme"].concepts:
        nl, en = term_label("ReviewStatusScheme", notation, "nl"), term_label("ReviewStatusScheme", notation, "en")
        assert nl != notation and en != notation and nl != en, notation


@pytest.mark.parametrize(
    ("path", "status", "title", "named"),
    [
        ("/coverage?axis=diagonal", 422, "Ongeldige waarde", ["De parameter axis", "'diagonal'", "factors, themes"]),
        ("/explore/rf-xss?depth=9", 422, "Ongeldige waarde", ["De parameter depth", "'9'", "1 tot en met 3"]),
        ("/explore/no-such-node", 404, "Niet gevonden", ["Er staat niets met id 'no-such-node'"]),
        ("/coverage?page=99", 404, "Niet gevonden", ["Pagina 99 bestaat niet"]),
        ("/kaart?target=nope", 422, "Ongeldige waarde", ["De parameter target noemt 'nope'"]),
        ("/gemeente/Zwole", 404, "Niet gevonden", ["Geen gemeente gevonden voor 'Zwole'", "Bedoelt u Zwolle?"]),
        ("/partners?municipality=Zwole", 404, None, ["Geen gemeente gevonden voor 'Zwole'", "Bedoelt u"]),
        ("/partners?municipality=GM0344&target=nope", 404, None, ["De parameter target noemt 'nope'"]),
    ],
)
def test_errors_on_a_dutch_page_are_in_dutch(
    site: Site, path: str, status: int, title: str | None, named: list[str]
) -> None:
    response = httpx.get(f"{site.url}{path}", timeout=60)
    assert response.status_code == status
    visible = _visible(response.text)
    if title:
        assert f"<h1>{title}</h1>" in response.text and f"<title>{title}" in response.text
    for part in named:
        assert part in visible, (part, visible[-1500:])
    assert not ENGLISH_ERROR.search(visible), ENGLISH_ERROR.search(visible)


def test_errors_on_an_english_page_are_in_english_and_the_api_stays_english(site: Site) -> None:
    page = httpx.get(f"{site.url}/explore/no-such-node?lang=en", timeout=60)
    assert "<h1>Not found</h1>" in page.text and "Nothing with id 'no-such-node'" in _visible(page.text)
    api = httpx.get(f"{site.url}/api/v1/nodes/no-such-node?lang=nl", timeout=60, headers={"Accept-Language": "nl"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["title"] == "Not found" and api.json()["detail"] == "no node with id 'no-such-node'"


def test_forbidden_on_a_dutch_page(site: Site) -> None:
    response = httpx.post(f"{site.url}/signin", data={"key": "x"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in response.text
    assert "Aan- en afmelden kan alleen met het formulier van deze site." in _visible(response.text)


@pytest.mark.parametrize(
    ("error", "title", "message"),
    [
        (StoreUnavailable("bolt://db:7687 refused"), "Kennisbank niet bereikbaar", "probeer het over enkele seconden"),
        (StoreError("/var/x.lbdb is read-only"), "Fout in de kennisbank", "De kennisbank gaf een fout"),
        (Forbidden("role reader < curator"), "Geen toegang", "Uw API-sleutel geeft geen recht"),
        (NotFound("no job with id 'j1'"), "Niet gevonden", "Wat u zoekt staat niet in de kennisbank."),
        (InvalidParameter("x='y'"), "Ongeldige waarde", "Een waarde in het adres is niet geldig."),
        (UnknownMunicipality("Zwole", ["Zwolle"]), "Niet gevonden", "Bedoelt u Zwolle?"),
        (UnknownMunicipality("!", []), "Niet gevonden", "Geef een naam of CBS-code"),
    ],
)
def test_each_kind_of_error_has_dutch_words(error: CaleidoError, title: str, message: str) -> None:
    assert error_title(error, "nl") == title
    assert message in error_message(error, "nl", error.detail)
    assert error.detail not in error_message(error, "nl", error.detail)  # never the English detail on a Dutch page
    assert error_title(error, "en") != title


def test_a_refused_key_is_explained_in_dutch(site: Site) -> None:
    response = httpx.post(f"{site.url}/signin", data={"key": "cal_not-a-key", "next": "/coverage"})
    assert response.status_code == 401
    visible = _visible(response.text)
    assert "Meld u aan met een geldige API-sleutel." in visible
    assert not re.search(r"\b(unknown|revoked|malformed|invalid)\b", visible, re.I), visible[-800:]
