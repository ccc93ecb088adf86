"""Assessment instruments as stored versions, and an organisation's own quality areas."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.base import Base, TimestampMixin
from seqf.models.organisations import Organisation


class Instrument(TimestampMixin, Base):
    """One version of an instrument text. Never changed once stored: a changed file is a new row."""

    __tablename__ = "instruments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    version: so.Mapped[str] = so.mapped_column(sa.String(12))  # content hash, shortened
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    title_nb: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    scale: so.Mapped[str] = so.mapped_column(sa.String(20))
    source: so.Mapped[str] = so.mapped_column(sa.String(200))  # file it was loaded from
    # ~100 KB of JSON: loaded only when read (``services.instruments.definition_of`` parses it once
    # per content hash), so pages that load an instrument for its title or hash never fetch it
    definition: so.Mapped[dict] = so.mapped_column(sa.JSON, deferred=True)

    __table_args__ = (sa.UniqueConstraint("slug", "content_hash", name="slug_hash"),)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nb


class OwnArea(TimestampMixin, Base):
    """A quality area an organisation adds itself; scored by the same progressive rule.

    ``steps`` has the instrument's area shape: ``[{"level", "title", "indicators": [{"code", "text"}]}]``.
    Rounds copy active own areas when they open, so later edits never change a running round.
    """

    __tablename__ = "own_areas"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(8))  # "E1", "E2", …
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    steps: so.Mapped[list] = so.mapped_column(sa.JSON)
    active: so.Mapped[bool] = so.mapped_column(default=True)

    organisation: so.Mapped[Organisation] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("organisation_id", "code", name="org_code"),)
