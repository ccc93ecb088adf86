"""The library page's list: read as rows of the shown columns and made ready in Python.

The list used to be ORM objects (each evidence with its creator, every file version and its tags:
four statements and a hundred objects for 25 items), drawn by a template that built two URLs,
translated four texts, formatted a date and called two macros per row. Now it is one statement
(the page's rows with the creator's name, the current file, the tags and the total), each
URL is built once with a placeholder id, each text translated once per page and each distinct day
formatted once. What is shown is unchanged, including the privacy rule that hides the uploader of
a round's fill-form evidence from everyone else (``evidence.uploader_hidden``).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext
from flask_login import current_user
from jinja2.filters import do_truncate
from markupsafe import Markup

from seqf.extensions import db
from seqf.filetypes import format_size, label_for
from seqf.i18n import date_text
from seqf.services import evidence as evidence_service
from seqf.web import MAX_PAGE

_PLACEHOLDER = 987654321  # an id no row has: swapped for the row's id in the prebuilt URLs


@dataclass(frozen=True, slots=True)
class LibraryRow:
    id: int
    title: str
    url: str | None
    is_file: bool  # a link has no file; a file evidence always has one
    detail_url: str
    download_url: str | None
    url_short: str
    file_label: str
    size_text: str
    version_text: Markup | None
    updated_text: Markup
    by_name: str | None
    tags: list[tuple[Markup, bool]]  # (text, whole area)


@dataclass(frozen=True)
class LibraryPage:
    """What the ``pagination`` macro and the page read (the subset of Flask-SQLAlchemy's ``Pagination``)."""

    rows: list[LibraryRow]
    page: int
    per_page: int
    total: int

    @property
    def items(self) -> list[LibraryRow]:
        return self.rows

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def library_page(query: sa.Select, per_page: int) -> LibraryPage:
    """``query``: ``evidence.library_rows_for``. ``?page=`` is kept within 1…MAX_PAGE like
    ``web.paginate``; a page past the end is empty and still shows the total (one COUNT then)."""
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    found = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    if found:
        total = found[0].total
    elif page > 1:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    else:
        total = 0
    return LibraryPage(_rows(found), page, per_page, total)


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


def _rows(found: list[sa.Row]) -> list[LibraryRow]:
    if not found:
        return []
    urls = _Urls(request.view_args["org_id"])
    env = current_app.jinja_env
    viewer = current_user if current_user.is_authenticated else None
    version_msg = Markup(gettext("version %(n)d"))
    updated_msg = Markup(gettext("updated %(date)s"))
    area_msg = Markup(gettext("Area %(area)s"))
    step_msg = Markup(gettext("Area %(area)s, step %(n)d"))
    rows = []
    for r in found:
        is_file = r.url is None and r.file_version is not None
        hidden = r.creator_name is None or evidence_service.uploader_hidden(r, viewer, r.created_by_id)
        rows.append(LibraryRow(
            id=r.id, title=r.title, url=r.url, is_file=is_file, detail_url=urls.detail_of(r.id),
            download_url=urls.download_of(r.id, r.file_version) if is_file else None,
            url_short=do_truncate(env, r.url, 60, True) if r.url is not None else "",
            file_label=label_for(r.file_content_type) if is_file else "",
            size_text=format_size(r.file_size) if is_file else "",
            version_text=version_msg % {"n": r.file_version} if is_file and r.file_version > 1 else None,
            updated_text=updated_msg % {"date": date_text(r.updated_at)},
            by_name=None if hidden else r.creator_name,
            tags=[(step_msg % {"area": area, "n": level} if level else area_msg % {"area": area}, not level)
                  for area, level in evidence_service.unpack_tags(r.tags)],
        ))
    return rows
