"""The real type of an upload comes from its bytes; anything not on the list is refused."""

import pytest

from seqf import filetypes
from seqf.filetypes import FileTooLarge, FileTypeRefused, detect, stored_filename
from tests.evidence_files import ACCEPTED, PDF, REFUSED


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
