"""The pages' own words in Dutch (the default) and English, from the gettext catalogues in
locale/{nl,en}/LC_MESSAGES/caleido.po (msgid: a key such as "nav.map"; see the README on adding a text). Names of
things in the graph come from the graph and the ontology (their label_nl / label_en), not from here.

The .po files are read with Babel when first needed: no compiled .mo to build or to keep in step, so `pip install`
is enough, and reading them takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from pydantic import BaseModel

from caleido.ontology.language import Lang, in_language
from caleido.ontology.model import load_ontology

__all__ = [
    "Lang",
    "class_label",
    "counted",
    "labelled",
    "long_date",
    "long_datetime",
    "plural",
    "rel_label",
    "term_label",
    "terms",
    "text",
    "texts",
]
LANGS: tuple[Lang, ...] = ("nl", "en")

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "caleido"
# The locale each page language formats dates in: British English writes "3 December 2026".
LOCALES: dict[Lang, str] = {"nl": "nl_NL", "en": "en_GB"}
# Times on pages are shown as a Dutch reader's clock shows them.
TIME_ZONE = "Europe/Amsterdam"


@cache
def catalogue(lang: Lang) -> Catalog:
    """The language's gettext catalogue, read from its .po file at first use (no compile step)."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


@cache
def translations(lang: Lang) -> Translations:
    """The catalogue as gettext translations, whose ngettext follows the catalogue's Plural-Forms."""
    compiled = BytesIO()
    write_mo(compiled, catalogue(lang))
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def _messages(lang: Lang) -> dict[str, str]:
    """Every text by key; a plural entry answers to its singular key (`x.one`) and its plural key (`x.many`)."""
    found: dict[str, str] = {}
    for message in catalogue(lang):
        if not message.id:
            continue  # the header
        if isinstance(message.id, tuple | list) and isinstance(message.string, tuple | list):
            found[message.id[0]], found[message.id[1]] = message.string[0], message.string[-1]
        elif isinstance(message.id, str) and isinstance(message.string, str):
            found[message.id] = message.string
    return found


def text(lang: Lang, key: str) -> str:
    """The interface text `key` in the language; an unknown key is a KeyError, never the key shown on a page."""
    return _messages(lang)[key]


def plural(n: int, key: str, lang: Lang) -> str:
    """The form of the plural entry `key` (its msgid is `key.one`, msgid_plural `key.many`) that goes with n,
    chosen by the catalogue's Plural-Forms: "organisatie" for 1, "organisaties" for 0 and 2."""
    if f"{key}.one" not in _messages(lang):
        raise KeyError(f"{key}.one")
    return translations(lang).ngettext(f"{key}.one", f"{key}.many", n)


def counted(n: int, key: str, lang: Lang) -> str:
    """A number with its noun: '1 organisatie', '2 organisaties' (templates call tn(n, 'key'))."""
    return f"{format_decimal(n, locale=LOCALES[lang])} {plural(n, key, lang)}"


def texts(lang: Lang) -> dict[str, str]:
    """Every interface text in one language (templates call t['key'])."""
    return dict(_messages(lang))


def long_date(day: date, lang: Lang) -> str:
    """A date as people write it in the language: 3 december 2026, 3 December 2026."""
    return format_date(day, format="long", locale=LOCALES[lang])


def long_datetime(moment: datetime | str, lang: Lang) -> str:
    """A moment as people write it, on the Dutch clock: 3 december 2026 06:52. Takes a datetime or an ISO 8601
    text (the store keeps them as text); a naive time is taken as UTC, and a text that is no time is returned
    as it is."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(TIME_ZONE))
    return f"{long_date(local.date(), lang)} {format_time(local, format='HH:mm', locale=LOCALES[lang])}"


def labelled(thing: BaseModel | Mapping[str, object], lang: Lang) -> str:
    """The label of a graph thing (a use case's result or a row) in the language, falling back to the other
    one, then to a single `label`, then to its id."""

    def value(key: str) -> str | None:
        found = getattr(thing, key, None) if isinstance(thing, BaseModel) else thing.get(key)
        return found if isinstance(found, str) and found else None

    named = in_language({"nl": value("label_nl"), "en": value("label_en")}, lang)
    return named or value("label") or value("id") or ""


def _pick(labels: dict[str, str], lang: Lang, fallback: str) -> str:
    return in_language(labels, lang) or fallback


def class_label(cls: str, lang: Lang) -> str:
    found = load_ontology().classes.get(cls)
    return _pick(found.labels, lang, cls) if found else cls


def rel_label(rel: str, lang: Lang) -> str:
    found = load_ontology().relationships.get(rel)
    return _pick(found.labels, lang, rel) if found else rel


def term_label(scheme: str, notation: str, lang: Lang) -> str:
    """The label of a vocabulary term (a SKOS notation) in its scheme."""
    found = load_ontology().schemes[scheme].concepts.get(notation)
    return _pick(found.labels, lang, notation) if found else notation


def terms(scheme: str, lang: Lang) -> list[tuple[str, str]]:
    """(notation, label) of every term of a scheme, in the scheme's order."""
    return [(n, term_label(scheme, n, lang)) for n in load_ontology().schemes[scheme].concepts]
