"""The action plan as XLSX: sheets Goals, Tasks and Updates (every goal, task and update).

Cells that start like a formula are neutralised as in ``seqf.reports.exports``. Four statements
whatever the size of the plan (``plan_pdf.plan_export``).
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from seqf.models import Organisation
from seqf.reports.exports import _safe
from seqf.reports.plan_pdf import plan_export


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], first: bool = False) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([_safe(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 40


def _naive(value):
    """Excel has no time zones: datetimes are written in UTC without tzinfo."""
    return value.replace(tzinfo=None) if value is not None and value.tzinfo is not None else value


def plan_xlsx(organisation: Organisation) -> bytes:
    export = plan_export(organisation)
    goals = export.goals
    titles = {g.id: g.title for g in goals}
    workbook = Workbook()
    _sheet(workbook, "Goals",
           [_("ID"), _("Goal"), _("State"), _("Health"), _("Owner"), _("Deputy"), _("Due"), _("Quality areas"),
            _("Last update"), _("Description")],
           [[g.id, g.title, g.state.value, g.health.value, g.owner.name if g.owner else "",
             g.deputy.name if g.deputy else "", g.due_on, ", ".join(g.areas or []), _naive(g.last_update_at),
             g.description or ""] for g in goals], first=True)
    _sheet(workbook, "Tasks",
           [_("ID"), _("Task"), _("Goal"), _("Assignee"), _("Due"), _("State"), _("Done at"), _("Note")],
           [[t.id, t.title, titles.get(t.goal_id, ""), t.assignee.name if t.assignee else "", t.due_on,
             t.state.value, _naive(t.done_at), t.note or ""]
            for g in goals for t in export.tasks.get(g.id, [])])
    _sheet(workbook, "Updates",
           [_("Date"), _("Goal"), _("Health"), _("Note"), _("By")],
           [[_naive(u.created_at), titles.get(u.goal_id, ""), u.health.value, u.note or "",
             u.author.name if u.author else ""]
            for g in goals for u in export.updates.get(g.id, [])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
