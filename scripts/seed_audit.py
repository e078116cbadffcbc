"""Recount the measures of the domain audit of the seed (seed-audit.md, kept beside the project) as it stands.

The audit was done by hand; this script recounts what can be counted mechanically and reports, claim by claim,
where each finding of its §2a/§2b now stands. Run: `python scripts/seed_audit.py` (markdown on stdout).
"""

from __future__ import annotations

import sys
from collections import Counter

from caleido.loaders.seed_claims import LETTER, SeedClaim, locator_conventions, normalised, seed_claims, source_text

# §2a: the four assertions the letter does not support (record id, or (from, rel, to)).
UNSUPPORTED: list[str | tuple[str, str, str]] = [
    "src-mvt-36225",
    "src-nctv-handreiking-lokale-aanpak",
    ("int-motie-29754-701", "addresses", "rf-frustratie-overheid-instituties"),
    ("org-nctv", "runs", "int-versterkingsgelden"),
]
# §2b: accepted but stretched: 15 records and 14 links.
STRETCHED: list[str | tuple[str, str, str]] = [
    "prof-aanhangers-anti-institutioneel-gedachtegoed",
    "int-signaleringsnetwerk",
    "theme-herstel-vertrouwen-overheid",
    "theme-maatschappelijke-weerbaarheid",
    "theme-democratische-burgerschapsvorming",
    "theme-weerbaarheid-complottheorieen",
    "rf-complotdenken",
    "rf-ideologische-overtuiging",
    "rf-miskend-vastgelopen",
    "val-democratische-rechtsorde",
    "val-maatschappelijke-samenhang-sociale-stabiliteit",
    "val-verbinding",
    "val-vertrouwen",
    "val-open-vrije-samenleving",
    "val-burgerschap-invloed-zeggenschap",
    ("int-zorg-veiligheidstraject", "addresses", "rf-psychosociale-problematiek"),
    ("src-wodc-2025-anti-institutionalisme", "commissioned_by", "org-nctv"),
    ("fnd-meesten-niet-in-gewelddadige-netwerken", "evidence_for", "rf-miskend-vastgelopen"),
    (
        "int-actieagenda-integratie-open-vrije-samenleving",
        "grounded_in",
        "val-maatschappelijke-samenhang-sociale-stabiliteit",
    ),
    ("int-actieagenda-integratie-open-vrije-samenleving", "grounded_in", "val-verbinding"),
    ("int-actieagenda-integratie-open-vrije-samenleving", "grounded_in", "val-vertrouwen"),
    ("int-brede-aanpak", "grounded_in", "val-verbinding"),
    ("int-bzk-burgerschap-invloed-zeggenschap", "grounded_in", "val-burgerschap-invloed-zeggenschap"),
    ("theme-maatschappelijke-weerbaarheid", "grounded_in", "val-maatschappelijke-samenhang-sociale-stabiliteit"),
    ("rec-1", "reported_in", "src-wodc-2025-anti-institutionalisme"),
    ("rec-2", "reported_in", "src-wodc-2025-anti-institutionalisme"),
    ("rec-3", "reported_in", "src-wodc-2025-anti-institutionalisme"),
    ("rec-4", "reported_in", "src-wodc-2025-anti-institutionalisme"),
    ("org-bzk", "runs", "int-brede-aanpak"),
]


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")


def _where(claim: SeedClaim | None) -> str:
    if claim is None:
        return "not in the seed"
    return f"{claim.status}, source {claim.source}" + (", quoted" if claim.quote else ", no quote")


def main() -> None:
    all_claims = seed_claims()
    by_key = {c.key: c for c in all_claims}
    letter_text = source_text(LETTER)
    letter = [c for c in all_claims if c.source == LETTER]
    records = [c for c in letter if isinstance(c.key, str)]
    quoted = [c for c in letter if c.quote]
    verbatim = [c for c in quoted if all(normalised(q) in letter_text for q in c.quotes)]
    document = [c for c in all_claims if c.source and c.source != "None"]
    emit("| measure | now |\n|---|---:|")
    emit(f"| letter-sourced claims (records + links) | {len(letter)} ({len(records)} + {len(letter) - len(records)}) |")
    emit(f"| ... with a quote | {len(quoted)} |")
    emit(f"| ... whose quotes all occur verbatim in the letter | {len(verbatim)} |")
    emit(f"| all sourced claims with a quote | {sum(1 for c in document if c.quote)} of {len(document)} |")
    accepted = [c for c in document if c.status == "accepted"]
    emit(f"| accepted claims with a quote | {sum(1 for c in accepted if c.quote)} of {len(accepted)} |")
    for cls in ("Value", "ProgrammeTheme"):
        mine = [c for c in all_claims if c.cls == cls]
        emit(
            f"| {cls} records: accepted with letter provenance / accepted / all | "
            f"{sum(1 for c in mine if c.status == 'accepted' and c.source == LETTER)} / "
            f"{sum(1 for c in mine if c.status == 'accepted')} / {len(mine)} |"
        )
    conventions = locator_conventions()
    odd = Counter(c.locator for c in letter if not conventions.match(c.locator))
    emit(f"| letter locators outside the conventions | {sum(odd.values())} {dict(odd) if odd else ''} |")
    urls = [c.key for c in records if c.data.get("url")]
    emit(f"| letter-sourced records carrying a URL | {len(urls)} {urls if urls else ''} |")
    gloss = Counter(str(c.data.get("gloss")) for c in all_claims if isinstance(c.key, str) and c.cls != "Region")
    emit(f"| records by gloss (excluding regions) | {dict(gloss)} |")
    linked = {c.key[0] for c in all_claims if isinstance(c.key, tuple)} | {
        c.key[2] for c in all_claims if isinstance(c.key, tuple)
    }
    isolated = [
        c.key
        for c in all_claims
        if isinstance(c.key, str) and c.cls not in ("Region", "Source") and c.key not in linked
    ]
    emit(f"| isolated records (no links; regions and sources aside) | {len(isolated)} |")
    emit("\n| audit §2a: not supported by the letter | now |\n|---|---|")
    for key in UNSUPPORTED:
        emit(f"| {key if isinstance(key, str) else ' '.join(key)} | {_where(by_key.get(key))} |")
    emit("\n| audit §2b: accepted but stretched | now |\n|---|---|")
    for key in STRETCHED:
        emit(f"| {key if isinstance(key, str) else ' '.join(key)} | {_where(by_key.get(key))} |")
    still = [k for k in STRETCHED if (c := by_key.get(k)) and c.status == "accepted" and c.source == LETTER]
    emit(f"\nStill accepted under the letter's provenance: {len(still)} of {len(STRETCHED)}")


if __name__ == "__main__":
    main()
