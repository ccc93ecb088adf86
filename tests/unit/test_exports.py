"""Exports of a round's aggregates: the rows carry counts, medians and the consensus, never answers."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from seqf.reports.exports import aggregate_rows, to_csv, to_xlsx

SUMMARY = {
    "withheld": False,
    "areas": [
        {"area": "1", "own": False, "responses": 3, "distribution": {"0": 0, "1": 1, "2": 1, "3": 0, "4": 1, "5": 0},
         "median": 2.0, "disagreement": True},
        {"area": "E1", "own": True, "responses": None, "distribution": None, "median": None, "disagreement": None,
         "withheld": True},
    ],
}
CONSENSUS = {"areas": [{"area": "1", "recorded": True, "claimed": 3, "score": 2},
                       {"area": "E1", "recorded": False, "claimed": 0, "score": 0}]}
TITLES = {"1": "Leadership", "E1": "=HYPERLINK(\"http://evil\")"}


def test_rows_hold_aggregates_and_withheld_areas():
    rows = aggregate_rows(SUMMARY, CONSENSUS, TITLES)
    assert rows[0] == ["1", "Leadership", "no", 3, 0, 1, 1, 0, 1, 0, 2.0, "yes", 3, 2]
    assert rows[1][:4] == ["E1", TITLES["E1"], "yes", "withheld"]  # not even the number of answers
    assert rows[1][4:12] == ["withheld"] * 8 and rows[1][12:] == [None, None]


def test_a_withheld_round_withholds_every_area():
    rows = aggregate_rows({**SUMMARY, "withheld": True}, CONSENSUS, TITLES, withheld_text="tilbakeholdt")
    assert all(row[4:12] == ["tilbakeholdt"] * 8 for row in rows)


def test_csv_neutralises_formulas():
    body = to_csv(["Area", "Title"], [["E1", "=1+1"], ["2", "-3"], ["3", None]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert rows == [["Area", "Title"], ["E1", "'=1+1"], ["2", "'-3"], ["3", ""]]


def test_csv_is_made_for_norwegian_excel():
    body = to_csv(["Område", "Median"], [["1", 2.5], ["2", 3.0], ["3", "a;b"]])
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads the file as UTF-8
    text = body.decode("utf-8")[1:]
    assert text == 'Område;Median\r\n1;2,5\r\n2;3\r\n3;"a;b"\r\n'  # ; between fields, decimal comma, CRLF


def test_xlsx_has_the_table_and_an_info_sheet():
    data = to_xlsx(["Area", "Title", "Median"], [["1", "=cmd()", 2.5]], sheet_title="Aggregates",
                   about=[("Round", "Spring")])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Aggregates", "Info"]
    rows = list(workbook["Aggregates"].iter_rows(values_only=True))
    assert rows == [("Area", "Title", "Median"), ("1", "'=cmd()", 2.5)]
    assert workbook["Aggregates"]["A1"].font.bold
    assert list(workbook["Info"].iter_rows(values_only=True)) == [("Round", "Spring")]


def test_xlsx_is_made_again_when_anything_it_shows_changes():
    """The workbook cache is keyed by every argument: the same table gives the kept bytes, a changed
    figure, title or info line gives a workbook with the new value."""
    first = to_xlsx(["Area", "Median"], [["1", 2.5]], sheet_title="Aggregates", about=[("Round", "Spring")])
    assert to_xlsx(["Area", "Median"], [["1", 2.5]], sheet_title="Aggregates", about=[("Round", "Spring")]) is first
    changed = {
        "figure": to_xlsx(["Area", "Median"], [["1", 3.0]], sheet_title="Aggregates", about=[("Round", "Spring")]),
        "title": to_xlsx(["Area", "Median"], [["1", 2.5]], sheet_title="Aggregater", about=[("Round", "Spring")]),
        "about": to_xlsx(["Area", "Median"], [["1", 2.5]], sheet_title="Aggregates", about=[("Round", "Autumn")]),
    }
    assert load_workbook(io.BytesIO(changed["figure"])).active["B2"].value == 3.0
    assert load_workbook(io.BytesIO(changed["title"])).sheetnames[0] == "Aggregater"
    assert load_workbook(io.BytesIO(changed["about"]))["Info"]["B1"].value == "Autumn"
