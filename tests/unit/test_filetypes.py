"""The real type of an upload comes from its bytes; anything not on the list is refused.

Macros are refused wherever they hide, and the inspection of archives stays within fixed bounds:
the tests count the entries read and the bytes inflated (time is measured in bench/uploads.py).
"""

import random
import re
import struct
import zlib
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqf import filetypes, macros, zipscan
from seqf.filetypes import FileTooLarge, FileTypeRefused, detect, stored_filename
from tests.evidence_files import ACCEPTED, CONTENT_TYPES, OLE2, PDF, REFUSED, biff, odf, ole, ooxml, zip_with_entries


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_types_are_recognised_from_content(name):
    filename, data, content_type, extension = ACCEPTED[name]
    assert detect(data, filename) == (content_type, extension)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_types(name):
    filename, data = REFUSED[name]
    with pytest.raises(FileTypeRefused) as caught:
        detect(data, filename)
    assert caught.value.code == "file_type_refused"
    assert caught.value.status == 422
    assert "file" in caught.value.fields


def test_name_does_not_decide_the_type():
    assert detect(PDF, "bilde.png") == ("application/pdf", "pdf")
    assert stored_filename("bilde.png", "pdf") == "bilde.pdf"


def test_too_large_is_413_and_names_the_limit():
    with pytest.raises(FileTooLarge) as caught:
        detect(PDF + b"x" * 100, "a.pdf", max_bytes=50)
    assert caught.value.status == 413
    assert caught.value.code == "file_too_large"
    assert "50 bytes" in caught.value.message


def test_exactly_the_limit_is_accepted():
    assert detect(PDF, "a.pdf", max_bytes=len(PDF)).extension == "pdf"


def test_empty_file_is_refused():
    with pytest.raises(FileTypeRefused):
        detect(b"", "a.txt")


def test_default_limit_is_20_mb():
    assert filetypes.DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize("given, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\kari\\Rutine for plan.docx", "Rutine for plan.docx"),
    ("møtereferat.txt", "møtereferat.txt"),
    ('bad"name<>.pdf', "badname.pdf"),
    ("noextension", "noextension.pdf"),
    ("...", "document.pdf"),
    ("line\nbreak.pdf", "linebreak.pdf"),
])
def test_stored_filename_is_safe(given, expected):
    extension = expected.rsplit(".", 1)[1]
    assert stored_filename(given, extension) == expected


def test_labels():
    assert filetypes.label_for("application/pdf") == "PDF"
    assert filetypes.label_for("image/png") == "PNG"
    assert filetypes.label_for("text/csv; charset=utf-8") == "CSV"
    assert filetypes.label_for(ACCEPTED["odt"][2]).startswith("OpenDocument")


# --- macros, wherever they hide --------------------------------------------------------------------

MACRO_CASES = sorted(name for name in REFUSED if any(word in name for word in ("vba", "macro", "docm", "odt-")))


def test_the_macro_cases_cover_office_open_xml_legacy_office_and_opendocument():
    assert len(MACRO_CASES) >= 20
    assert {name.split("-")[0] for name in MACRO_CASES} >= {"docm", "doc", "xls", "odt", "xlsx"}


@pytest.mark.parametrize("name", MACRO_CASES)
def test_macros_are_refused_in_any_case_and_position(name):
    filename, data = REFUSED[name]
    with pytest.raises(FileTypeRefused) as caught:
        detect(data, filename)
    assert "macros" in caught.value.message


def test_a_damaged_ole_file_named_doc_is_refused_as_damaged():
    with pytest.raises(FileTypeRefused) as caught:
        detect(OLE2, "gammel.doc")
    assert "damaged" in caught.value.message


# --- bounded archive inspection ---------------------------------------------------------------------

DOCX_PARTS = {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<document/>"}


@pytest.fixture
def spy(monkeypatch):
    """Counts the central-directory entries read and the bytes inflated during one ``detect``."""
    seen = SimpleNamespace(entries=0, budgets=[])
    read_entry = zipscan._read_entry

    def counted(data, position):
        seen.entries += 1
        return read_entry(data, position)

    class CountedBudget(zipscan.Budget):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen.budgets.append(self)

    monkeypatch.setattr(zipscan, "_read_entry", counted)
    monkeypatch.setattr(zipscan, "Budget", CountedBudget)
    seen.inflated = lambda: sum(budget.inflated for budget in seen.budgets)
    return seen


def refusal(data, filename="x.docx") -> str:
    with pytest.raises(FileTypeRefused) as caught:
        detect(data, filename)
    assert caught.value.fields == {"file": caught.value.message}
    return caught.value.message


def test_180000_entries_are_refused_from_the_end_record_alone(spy):
    data = zip_with_entries(180_000, DOCX_PARTS)
    assert len(data) < 16 * 1024 * 1024
    assert re.search(r"more than 10.?000 parts", refusal(data))
    assert spy.entries == 0 and spy.inflated() == 0


def test_an_end_record_that_hides_entries_still_stops_at_the_cap(spy):
    message = refusal(zip_with_entries(20_000, DOCX_PARTS, declared=1))
    assert re.search(r"more than 10.?000 parts", message)
    assert spy.entries == zipscan.MAX_ENTRIES and spy.inflated() == 0


def test_exactly_the_entry_cap_is_accepted(spy):
    assert detect(zip_with_entries(zipscan.MAX_ENTRIES, DOCX_PARTS), "a.docx").extension == "docx"
    assert spy.entries == zipscan.MAX_ENTRIES
    assert spy.inflated() == len(CONTENT_TYPES)


def test_a_zip_bomb_is_refused_before_anything_is_inflated(spy):
    message = refusal(ooxml("word", extra={"word/media/fill.bin": bytes(4 * 1024 * 1024)}))
    assert "over 200 to 1" in message
    assert spy.inflated() == 0


def test_the_declared_total_is_capped(monkeypatch, spy):
    monkeypatch.setattr(zipscan, "MAX_INFLATED", 1024 * 1024)
    parts = {f"word/media/image{i}.png": random.Random(i).randbytes(600 * 1024) for i in range(2)}
    assert "unpacks to more than 1" in refusal(ooxml("word", extra=parts))
    assert spy.inflated() == 0


def test_only_parts_that_can_hold_macros_are_inflated(spy):
    data = ooxml("word", extra={"word/media/image1.png": random.Random(1).randbytes(1024 * 1024)})
    assert detect(data, "a.docx").extension == "docx"
    assert spy.inflated() == len(CONTENT_TYPES)


def test_inflating_stops_at_the_budget(monkeypatch, spy):
    monkeypatch.setattr(zipscan, "INFLATE_BUDGET", 256 * 1024)
    data = ooxml("word", extra={"word/embeddings/oleObject1.bin": random.Random(2).randbytes(1024 * 1024)})
    assert "must be checked for macros" in refusal(data)
    assert spy.inflated() <= 256 * 1024


def test_an_odf_content_part_is_searched_within_the_budget(monkeypatch, spy):
    monkeypatch.setattr(zipscan, "INFLATE_BUDGET", 64 * 1024)
    assert "must be checked for macros" in refusal(odf("text", b"<x>" + b"a b " * 40_000), "a.odt")
    assert spy.inflated() <= 64 * 1024


def test_a_marker_split_across_chunks_is_found():
    content = b" " * (64 * 1024 - 10) + b"vnd.sun.star.script:Standard.Module1"
    assert "macros" in refusal(odf("text", content), "a.odt")


def test_an_ole_file_with_too_many_directory_entries_is_refused(monkeypatch):
    monkeypatch.setattr(macros, "MAX_OLE_ENTRIES", 10)
    message = refusal(ole({"WordDocument": b"w", **{f"S{i}/": b"" for i in range(20)}}), "a.doc")
    assert "more than 10 parts" in message


def test_the_excel_sheet_list_is_read_within_a_cap(monkeypatch):
    monkeypatch.setattr(macros, "MAX_BIFF_RECORDS", 50)
    padding = struct.pack("<HH", 0x0809, 0) * 60
    assert "more than 50 parts" in refusal(ole({"Workbook": padding + biff(("Makro1", 1))}), "a.xls")


def test_a_password_protected_office_file_cannot_be_checked_and_is_refused():
    filename, data = REFUSED["password-protected-ooxml-as-doc"]
    assert "Password-protected" in refusal(data, filename)


def test_ole_entries_of_embedded_objects_add_up(monkeypatch):
    monkeypatch.setattr(macros, "MAX_OLE_ENTRIES", 10)
    one = ole({f"S{i}": b"s" for i in range(5)})  # 6 entries in 2 directory sectors: 8 slots
    assert detect(ooxml("word", extra={"word/embeddings/oleObject1.bin": one}), "a.docx").extension == "docx"
    twice = ooxml("word", extra={"word/embeddings/oleObject1.bin": one, "word/embeddings/oleObject2.bin": one})
    assert "more than 10 parts" in refusal(twice)


# --- damaged input never escapes as an unexpected error ---------------------------------------------

FUZZ_BASES = [case[:2] for case in ACCEPTED.values()] + list(REFUSED.values())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(FUZZ_BASES), edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)),
                                                        max_size=8), cut=st.integers(min_value=0))
def test_damaged_office_files_are_refused_cleanly(base, edits, cut):
    filename, data = base
    data = bytearray(data)
    for position, value in edits:
        data[position % len(data)] = value
    data = bytes(data[:len(data) - cut % 64]) if cut % 3 == 0 else bytes(data)
    try:
        detect(data, filename)
    except FileTypeRefused as refused:
        assert refused.fields == {"file": refused.message}


def test_embedded_packages_count_towards_the_entry_cap(monkeypatch, spy):
    monkeypatch.setattr(zipscan, "MAX_ENTRIES", 30)
    package = zip_with_entries(15, DOCX_PARTS)
    assert detect(ooxml("word", extra={"word/embeddings/a.docx": package}), "a.docx").extension == "docx"
    spy.entries = 0
    two = ooxml("word", extra={"word/embeddings/a.docx": package, "word/embeddings/b.docx": package})
    assert "more than 30 parts" in refusal(two)
    assert spy.entries <= 30


def test_documents_nested_too_deep_are_refused():
    inner = ooxml("word")
    for _level in range(macros.NESTING + 1):  # the outer file and NESTING levels inside are searched
        assert detect(inner, "a.docx").extension == "docx"
        inner = ooxml("word", extra={"word/embeddings/inner.docx": inner})
    assert "levels deep" in refusal(inner)


# --- active content in accepted types: PDF scripts and launch actions, archives glued on ----------

def _pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _object_stream(objects: bytes) -> bytes:
    packed = zlib.compress(objects)
    return (b"5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(packed)).encode()
            + b" >>\nstream\n" + packed + b"\nendstream\nendobj")


@pytest.mark.parametrize("body", [
    b"1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj 2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj",
    b"1 0 obj << /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >> endobj",
    b"1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj",
    b"1 0 obj << /Type /Catalog /Names << /JavaScript 3 0 R >> >> endobj",
    b"1 0 obj << /Type /Catalog >> endobj " + _object_stream(b"2 0 << /S /JavaScript /JS (app.alert(1)) >>"),
    b"1 0 obj << /Type /Catalog >> endobj " + _object_stream(b"2 0 << /S /L#61unch /F (calc.exe) >>").replace(
        b"/ObjStm", b"/Obj#53tm"),
], ids=["javascript", "escaped", "launch", "names-tree", "object-stream", "escaped-object-stream"])
def test_pdfs_with_scripts_or_launch_actions_are_refused(body):
    with pytest.raises(FileTypeRefused, match="scripts"):
        detect(_pdf(body), "skjema.pdf")


def test_pdfs_that_only_mention_javascript_in_text_are_accepted():
    data = _pdf(b"1 0 obj << /Type /Catalog /JSON 2 0 R >> endobj 2 0 obj << /Length 40 >> stream\n"
                b"BT (How JavaScript and JS work) Tj ET\nendstream endobj")
    assert detect(data, "notat.pdf") == ("application/pdf", "pdf")


def test_a_pdf_whose_object_streams_unpack_beyond_the_budget_is_refused(monkeypatch):
    from seqf import activecontent

    monkeypatch.setattr(activecontent, "INFLATE_BUDGET", 1000)
    data = _pdf(b"1 0 obj << /Type /Catalog >> endobj " + _object_stream(b"2 0 << /A 1 >> " * 200))
    with pytest.raises(FileTypeRefused, match="too large to be checked"):
        detect(data, "stor.pdf")


def _with_zip(data: bytes, comment: bytes = b"") -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", b"MZ" + b"\x00" * 64)
        archive.comment = comment
    return data + buffer.getvalue()


@pytest.mark.parametrize("name", ["png", "jpeg", "gif", "webp", "pdf"])
@pytest.mark.parametrize("comment", [b"", b"x" * 300])
def test_images_and_pdfs_with_an_archive_glued_on_are_refused(name, comment):
    filename, data, _content_type, _ext = ACCEPTED[name]
    with pytest.raises(FileTypeRefused, match="archive attached"):
        detect(_with_zip(data, comment), filename)


def test_a_pdf_named_doc_and_a_doc_named_pdf_are_judged_by_content():
    from tests.evidence_files import DOC

    assert detect(PDF, "rapport.doc") == ("application/pdf", "pdf")
    with pytest.raises(FileTypeRefused, match=r"\.doc"):
        detect(DOC, "rapport.pdf")


def test_a_large_pdf_is_checked_quickly():
    import time

    rng = random.Random(7)
    data = _pdf(bytes(rng.getrandbits(8) for _ in range(2 * 1024 * 1024)) + b"/Font /F1 " * 200_000)
    started = time.process_time()
    assert detect(data, "stor.pdf") == ("application/pdf", "pdf")
    assert time.process_time() - started < 1.0


def test_many_fake_object_streams_are_refused_quickly():
    import time

    data = _pdf((b"/ObjStm stream\n" + b"x" * 20) * 20_000)
    started = time.process_time()
    with pytest.raises(FileTypeRefused, match="too large to be checked"):
        detect(data, "mange.pdf")
    assert time.process_time() - started < 1.0
