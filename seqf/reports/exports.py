"""CSV and XLSX exports of a round's aggregates: per area the number of responses, the distribution
of scores 0–5, the median, the disagreement flag and the agreed consensus — never an individual's
answer. Areas withheld under the anonymity threshold are exported as withheld. Pure functions over
the dicts the round services return.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

LEVELS = range(0, 6)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def aggregate_rows(summary: dict, consensus: dict, titles: dict[str, str], withheld_text: str = "withheld",
                   yes_no: tuple[str, str] = ("yes", "no")) -> list[list[Cell]]:
    """One row per area, in the round's order (without the header).

    ``summary`` is ``rounds.round_summary(round_, with_comments=False)``; ``consensus`` is
    ``rounds.consensus_result(round_)``; ``titles`` maps area code → title.
    """
    agreed = {row["area"]: row for row in consensus["areas"]}
    rows: list[list[Cell]] = []
    for entry in summary["areas"]:
        code = entry["area"]
        own = yes_no[0] if entry.get("own") else yes_no[1]
        withheld = summary["withheld"] or entry.get("withheld") or entry.get("distribution") is None
        if withheld:
            figures: list[Cell] = [withheld_text] * (len(LEVELS) + 2)
        else:
            figures = [entry["distribution"].get(str(level), 0) for level in LEVELS]
            figures += [entry["median"], yes_no[0] if entry["disagreement"] else yes_no[1]]
        row = agreed.get(code)
        recorded = [row["claimed"], row["score"]] if row and row["recorded"] else [None, None]
        rows.append([code, titles.get(code, ""), own, entry["responses"], *figures, *recorded])
    return rows


def _safe(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """Comma-separated, UTF-8, one header row; empty cells for missing values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if value is None else _safe(value) for value in row])
    return buffer.getvalue()


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, sheet_title: str,
            about: Sequence[tuple[str, Cell]] = ()) -> bytes:
    """A workbook with the table (bold header, frozen first row) and an optional “about” sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([_safe(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 36
    if about:
        info = workbook.create_sheet("Info")
        for key, value in about:
            info.append([_safe(key), _safe(value)])
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
