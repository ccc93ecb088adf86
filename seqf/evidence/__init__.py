"""The evidence library of an organisation: documents and links that show its quality work."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from seqf import permissions

bp = Blueprint("evidence", __name__, url_prefix="/organisations/<int:org_id>/evidence")

from seqf.evidence import demo, views  # noqa: E402,F401


def _register(state) -> None:
    from seqf.filetypes import format_size, label_for
    from seqf.markdown import register as register_markdown
    from seqf.organisations.navigation import add_entry
    from seqf.services.evidence import tags_of

    register_markdown(state.app)
    state.app.add_template_filter(format_size, "filesize")
    state.app.add_template_filter(label_for, "filetype_label")
    state.app.add_template_global(tags_of, "evidence_tags")
    state.app.add_template_global(uploader_of, "uploader_of")
    add_entry("evidence.index", _l("Evidence"), permissions.can_see_organisation)


def uploader_of(evidence, person):
    """``person`` (who added the evidence or a file of it), or None while it must stay hidden from the reader."""
    from flask_login import current_user

    from seqf.services.evidence import uploader_hidden

    if person is None or uploader_hidden(evidence, current_user, getattr(person, "id", None)):
        return None
    return person


bp.record_once(_register)
