"""Move the pages' texts from the old hand-kept dictionary (`_TEXTS` in caleido/viz/i18n.py) into the gettext
catalogues (caleido/viz/locale/{nl,en}/LC_MESSAGES/caleido.po).

A branch made before the catalogues adds its texts to `_TEXTS` as `"key": ("Nederlands", "English")`. After merging
it, take the catalogue version of caleido/viz/i18n.py and run this on the branch's old file:

    git show OTHER-BRANCH:caleido/viz/i18n.py > /tmp/old_i18n.py
    git show $(git merge-base HEAD OTHER-BRANCH):caleido/viz/i18n.py > /tmp/base_i18n.py
    .venv/bin/python scripts/i18n_from_dict.py /tmp/old_i18n.py --base /tmp/base_i18n.py

Keys the catalogues lack are added in both languages; a pair `key.one` / `key.many` becomes one plural entry
(msgid `key.one`, msgid_plural `key.many`). With `--base` (the dictionary the branch started from), a text the
branch changed replaces the catalogue's, and one it left as it was keeps the catalogue's (which may have been
changed since). Without it, keys whose words differ are reported and left alone unless `--overwrite`. The
dictionary is read with `ast`, never imported, so an old file with stale imports still works.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "caleido" / "viz" / "locale"
DOMAIN = "caleido"
LANGS = ("nl", "en")
HEADER = """\
# The texts of Caleido's pages in one language. msgid is a key, used as t['key'] in templates and
# text(lang, 'key') in Python; see the README, "Adding a text to the pages". Licensed as the project (EUPL-1.2).
#"""


def old_texts(path: Path) -> dict[str, tuple[str, str]]:
    """The `_TEXTS = {...}` of an old i18n.py, as written there (order kept)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "_TEXTS":
            found = ast.literal_eval(value)
            return {str(k): (str(v[0]), str(v[1])) for k, v in found.items()}
    raise SystemExit(f"{path}: no _TEXTS dictionary found")


def po_path(lang: str, locale_dir: Path) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str, locale_dir: Path) -> Catalog:
    path = po_path(lang, locale_dir)
    if not path.exists():
        return Catalog(
            locale=lang,
            domain=DOMAIN,
            project="Caleido",
            version="0.1",
            copyright_holder="the Caleido project",
            msgid_bugs_address="the project's issue tracker",
            last_translator="the Caleido project",
            language_team=f"Caleido {lang}",
            header_comment=HEADER,
            fuzzy=False,
        )
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def save(catalogue: Catalog, lang: str, locale_dir: Path) -> None:
    path = po_path(lang, locale_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=100, omit_header=False, sort_output=False, include_previous=False)


Text = str | tuple[str, str]  # one text, or the singular and plural forms


def entries(texts: dict[str, tuple[str, str]]) -> list[tuple[str | tuple[str, str], dict[str, Text]]]:
    """(msgid, text per language) per catalogue entry: a plain key, or `key.one` and `key.many` as one plural
    entry."""
    out: list[tuple[str | tuple[str, str], dict[str, Text]]] = []
    for key, (nl, en) in texts.items():
        stem = key.rsplit(".", 1)[0]
        if key.endswith(".one") and f"{stem}.many" in texts:
            nl_many, en_many = texts[f"{stem}.many"]
            out.append(((key, f"{stem}.many"), {"nl": (nl, nl_many), "en": (en, en_many)}))
        elif not (key.endswith(".many") and f"{stem}.one" in texts):  # a .many is joined to its .one
            out.append((key, {"nl": nl, "en": en}))
    return out


def merge(
    texts: dict[str, tuple[str, str]],
    *,
    overwrite: bool = False,
    base: dict[str, tuple[str, str]] | None = None,
    locale_dir: Path = LOCALE_DIR,
) -> tuple[int, list[str]]:
    """Add what the catalogues lack; return how many entries were added and the keys whose words differ."""
    catalogues = {lang: load(lang, locale_dir) for lang in LANGS}
    added, differ = 0, []
    for msgid, strings in entries(texts):
        lookup = msgid[0] if isinstance(msgid, tuple) else msgid
        keys = msgid if isinstance(msgid, tuple) else (msgid,)
        if base is not None and all(base.get(k) == texts[k] for k in keys):
            if all(catalogue.get(lookup) is not None for catalogue in catalogues.values()):
                continue  # the branch left it as it was: the catalogue's words stand
        changed = base is not None and not all(base.get(k) == texts[k] for k in keys)
        new = False
        for lang, catalogue in catalogues.items():
            existing = catalogue.get(lookup)
            if existing is None:
                catalogue.add(msgid, strings[lang])
                new = True
            elif (overwrite or changed) and existing.string != strings[lang]:
                existing.string = strings[lang]  # Catalog.add keeps an existing entry's words
            elif existing.string != strings[lang] and lookup not in differ:
                differ.append(lookup)
        added += new
    for lang, catalogue in catalogues.items():
        save(catalogue, lang, locale_dir)
    return added, differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old_file", type=Path, help="a Python file holding the old _TEXTS dictionary")
    parser.add_argument("--overwrite", action="store_true", help="replace catalogue texts that differ")
    parser.add_argument("--base", type=Path, help="the old i18n.py the branch started from (its merge base)")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR, help="where the catalogues are")
    args = parser.parse_args(argv)
    base = old_texts(args.base) if args.base else None
    added, differ = merge(old_texts(args.old_file), overwrite=args.overwrite, base=base, locale_dir=args.locale_dir)
    sys.stdout.write(f"{added} entries added to {args.locale_dir}\n")
    for key in differ:
        sys.stderr.write(f"differs, kept the catalogue's words (use --overwrite to replace): {key}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
