"""The library list's rows, made ready in Python before the template draws them.

Per row the template used to build two URLs, translate four texts, format a date and call two
macros; for a page of 25 items that was most of the request's CPU. Here each URL is built once
with a placeholder id and filled in per row, each text is translated once per page and each
distinct day is formatted once. What is shown is unchanged, including the privacy rule that hides
the uploader of a round's fill-form evidence (``uploader_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext
from jinja2.filters import do_truncate
from markupsafe import Markup

from seqf.date_texts import DateTexts
from seqf.filetypes import format_size, label_for
from seqf.models import Evidence, EvidenceFile
from seqf.services.evidence import tags_of

_PLACEHOLDER = 987654321  # an id no row has: swapped for the row's id in the prebuilt URLs


@dataclass(frozen=True, slots=True)
class LibraryRow:
    evidence: Evidence
    file: EvidenceFile | None
    detail_url: str
    download_url: str | None
    url_short: str
    file_label: str
    size_text: str
    version_text: Markup | None
    updated_text: Markup
    by_name: str | None
    tags: list[tuple[Markup, bool]]  # (text, whole area)


class _Urls:
    """``url_for`` once per endpoint, then string substitution per row."""

    def __init__(self, org_id: int) -> None:
        self.detail = url_for("evidence.detail", org_id=org_id, evidence_id=_PLACEHOLDER)
        self.download = url_for("evidence.download", org_id=org_id, evidence_id=_PLACEHOLDER,
                                version=_PLACEHOLDER + 1)

    def detail_of(self, evidence_id: int) -> str:
        return self.detail.replace(str(_PLACEHOLDER), str(evidence_id))

    def download_of(self, evidence_id: int, version: int) -> str:
        return (self.download.replace(str(_PLACEHOLDER + 1), str(version))
                .replace(str(_PLACEHOLDER), str(evidence_id)))


def library_rows(items: list[Evidence], org_id: int) -> list[LibraryRow]:
    """One row per evidence of the page, in the page's order."""
    from seqf.evidence import uploader_of  # the blueprint module imports this one

    urls = _Urls(org_id)
    dates = DateTexts()
    env = current_app.jinja_env
    version_msg = Markup(gettext("version %(n)d"))
    updated_msg = Markup(gettext("updated %(date)s"))
    area_msg = Markup(gettext("Area %(area)s"))
    step_msg = Markup(gettext("Area %(area)s, step %(n)d"))
    rows = []
    for e in items:
        file = e.current_file
        by = uploader_of(e, e.created_by)
        rows.append(LibraryRow(
            evidence=e, file=file, detail_url=urls.detail_of(e.id),
            download_url=urls.download_of(e.id, file.version) if file is not None else None,
            url_short=do_truncate(env, e.url, 60, True) if e.url is not None else "",
            file_label=label_for(file.content_type) if file is not None else "",
            size_text=format_size(file.size) if file is not None else "",
            version_text=version_msg % {"n": file.version} if file is not None and file.version > 1 else None,
            updated_text=updated_msg % {"date": dates(e.updated_at)},
            by_name=by.name if by else None,
            tags=[(step_msg % {"area": area, "n": level} if level else area_msg % {"area": area}, not level)
                  for area, level in tags_of(e)],
        ))
    return rows
