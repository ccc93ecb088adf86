"""CSV and XLSX exports of a round's aggregates: per area the number of responses, the distribution
of scores 0–5, the median, the disagreement flag and the agreed consensus — never an individual's
answer. The figures come from the released snapshot (``round_summary``), like every other view;
withheld areas are exported as withheld, their number of answers included. Pure functions over the
dicts the round services return.

The CSV is written for Norwegian Excel, which opens a double-clicked file with the system's list
separator and decimal sign: UTF-8 with a byte order mark (so æøå survive), ``;`` between fields,
a decimal comma, and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from seqf.reports.derived_cache import DerivedCache

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
        responses = withheld_text if withheld else entry["responses"]
        rows.append([code, titles.get(code, ""), own, responses, *figures, *recorded])
    return rows


def _safe(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Cell) -> str | int:
    """Empty for missing values; a decimal comma for fractions (2.5 → "2,5"), as Norwegian Excel reads them."""
    if value is None:
        return ""
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return _safe(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with BOM, ``;``-separated, decimal comma, CRLF; one header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_safe(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, sheet_title: str,
            about: Sequence[tuple[str, Cell]] = ()) -> bytes:
    """A workbook with the table (bold header, frozen first row) and an optional “about” sheet.

    openpyxl spends about 8 ms on the fixed parts of even a dozen-row workbook, and the workbook is a
    pure function of these arguments (what the view shows after checking access): it is kept per
    worker under a key made of all of them (``seqf.reports.derived_cache``)."""
    material = repr((tuple(header), tuple(tuple(row) for row in rows), sheet_title, tuple(about)))
    return _workbooks.get(material, lambda: _workbook(header, rows, sheet_title, about))


_workbooks = DerivedCache(4 * 1024 * 1024)  # an aggregates workbook is about 6 KB


def _workbook(header: Sequence[str], rows: Sequence[Sequence[Cell]], sheet_title: str,
              about: Sequence[tuple[str, Cell]]) -> bytes:
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
