"""Typeset PDF documents (review reports, certificates) from Jinja templates with WeasyPrint.

The templates live under ``templates/pdf/`` and extend ``pdf/base.html`` (A4, page numbers,
DejaVu fonts from the system). WeasyPrint may fetch only files of our own ``static`` folder: a
URL in user-written Markdown never makes the server reach out to the network while it renders.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from seqf.reports import typeset_cache


def _static_only_fetcher(static_root: Path):
    from weasyprint.urls import default_url_fetcher

    root = static_root.resolve()

    def fetch(url: str, *args, **kwargs):
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            if path.is_relative_to(root):
                return default_url_fetcher(url, *args, **kwargs)
        if url.startswith("data:"):
            return default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"blocked resource while rendering a PDF: {url[:80]}")

    return fetch


def render_pdf(template: str, language: str = "nb", **context) -> bytes:
    """Render ``templates/<template>`` in ``language`` and typeset it as PDF bytes.

    The same HTML gives the same PDF, so a document typeset before is served from
    ``typeset_cache`` (keyed by the HTML itself; see there why that is correct)."""
    static_root = Path(current_app.static_folder)
    with force_locale(language):
        html = render_template(template, pdf_language=language, **context)

    def make() -> bytes:
        import weasyprint

        document = weasyprint.HTML(string=html, base_url=static_root.as_uri() + "/",
                                   url_fetcher=_static_only_fetcher(static_root))
        return document.write_pdf()

    return typeset_cache.typeset(html, make)
