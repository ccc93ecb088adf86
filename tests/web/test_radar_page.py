"""The results page's radar chart comes with a table alternative holding the same numbers
(templates/rounds/_radar.html)."""

from __future__ import annotations

import html
import re

from seqf.extensions import db
from seqf.models import Round
from seqf.services import rounds as round_service
from tests.web.helpers import text
from tests.web.round_helpers import answer, make_team, open_round


def test_the_radar_chart_has_a_table_with_the_same_numbers(client, auth, make_org, make_user):
    org, leader, staff = make_team(make_org, make_user)
    leader.language = "en"
    round_ = open_round(leader, org)
    for person, level in zip(staff, (1, 2, 2), strict=True):
        answer(person, round_, {"1": level})
    round_service.close_round(leader, db.session.get(Round, round_.id))
    round_service.record_consensus(leader, db.session.get(Round, round_.id), [
        round_service.assessments.AreaData(area="1", steps=[round_service.assessments.StepData(1, met=True)])])
    db.session.commit()
    auth.login(leader)
    page = text(client.get(f"/rounds/{round_.id}/results"))
    figure = re.search(r'<figure class="radar-figure".*?</figure>', page, re.S).group(0)
    assert figure.count("<svg") == 2 and "<figcaption" in figure
    table = re.search(r'<details class="radar-figure__table">.*?</details>', figure, re.S).group(0)
    assert "The chart as a table" in table
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>\s*<td class="num">(.*?)</td>',
                      table, re.S)
    assert len(rows) == 9  # the nine SEQF areas, as on the chart
    assert rows[0][0].startswith("1 Leadership") and rows[0][1] == "1"
    # the same numbers as the chart's description: "Consensus: 1 Leadership 1; …. Staff median: …"
    desc = html.unescape(re.search(r'<desc id="radar-wide-desc">(.*?)</desc>', figure, re.S).group(0))
    consensus, median = (part.split(": ", 1)[1].rstrip(".").split("; ") for part in desc[25:-7].split(". "))
    assert [r[1] for r in rows] == [entry.rsplit(" ", 1)[1] for entry in consensus]
    assert [r[2] for r in rows] == [entry.rsplit(" ", 1)[1] for entry in median]
    assert [r[0].split()[0] for r in rows] == [str(n) for n in range(1, 10)]
