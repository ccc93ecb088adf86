"""Demo evidence for «Jobbvei AS»: a routine, a meeting template, anonymised statistics and a link.

Added once by title, so ``seqf demo-data`` can run again without duplicates.
"""

from __future__ import annotations

import sqlalchemy as sa

from seqf import demo
from seqf.extensions import db
from seqf.models import Evidence, Organisation
from seqf.services import evidence as evidence_service

ORGANISATION = "Jobbvei AS"
AUTHOR = "leder@jobbvei.demo"

ROUTINE = """# Rutine for jobbstøtteplan

Gjelder alle jobbspesialister i Jobbvei AS. Sist revidert av ledergruppen.

## Når
- Planen lages sammen med deltakeren innen to uker etter oppstart på arbeidsplassen.
- Planen gjennomgås minst hver fjerde uke de første tre månedene.

## Innhold
1. Mål for arbeidsforholdet, formulert av deltakeren.
2. Avtalt støtte fra jobbspesialisten og fra arbeidsgiver.
3. Tegn på at mer eller mindre støtte trengs.
4. Plan for nedtrapping av støtten.

Planen lagres i fagsystemet, **ikke** i seqf. Her ligger bare rutinen og den tomme malen.
"""

MINUTES_TEMPLATE = """# Referat fra ledermøte (mal)

**Dato:** …  **Til stede:** …

## 1. Status på handlingsplanens mål
| Mål | Status | Kommentar |
|---|---|---|
| … | På sporet / I fare / Av sporet | … |

## 2. Oppgaver som har passert frist

## 3. Beslutninger
- …

## 4. Neste møte
"""

PLACEMENT_CSV = """kvartal;deltakere_i_tjenesten;startet_i_jobb;andel_i_jobb_prosent;snitt_uker_til_jobb
2025-K1;42;11;26;14
2025-K2;45;13;29;13
2025-K3;47;15;32;12
2025-K4;48;17;35;11
2026-K1;50;18;36;11
"""

FILES = [
    ("Rutine for jobbstøtteplan", "rutine-jobbstotteplan.md", ROUTINE,
     "Skriftlig rutine for hvordan jobbstøtteplanen lages og følges opp.", ["5", "5.2", "5.3"]),
    ("Referat fra ledermøte (mal)", "referat-ledermote-mal.md", MINUTES_TEMPLATE,
     "Malen ledergruppen bruker i møtene annenhver uke.", ["1.2", "2"]),
    ("Plasseringsstatistikk 2025–2026 (anonymisert)", "plasseringsstatistikk.csv", PLACEMENT_CSV,
     "Tall per kvartal, **uten** personopplysninger. Semikolon som skilletegn.", ["6", "6.4", "9"]),
]
LINK = ("EUSE: europeiske verdier og prosess for Supported Employment", "https://www.euse.org/",
        "Felles faglig grunnlag vi bygger tjenesten på.", ["1", "5"])


def load_demo_evidence(users: dict) -> None:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None:
        return
    existing = set(db.session.scalars(
        sa.select(Evidence.title).where(Evidence.organisation_id == organisation.id)))
    author = users.get(AUTHOR)
    for title, filename, text, description, tags in FILES:
        if title not in existing:
            evidence_service.add_file_evidence(author, organisation, title=title, description=description,
                                               filename=filename, data=text.encode("utf-8"), tags=tags)
    title, url, description, tags = LINK
    if title not in existing:
        evidence_service.add_link_evidence(author, organisation, title=title, url=url, description=description,
                                           tags=tags)


if load_demo_evidence not in demo.EXTRA_LOADERS:
    demo.EXTRA_LOADERS.append(load_demo_evidence)
