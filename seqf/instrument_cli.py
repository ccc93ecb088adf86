"""``seqf instruments list|validate|import``: check and store instrument texts from the shell."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from seqf.extensions import db
from seqf.instruments import InstrumentError, content_hash, load_definition, short_version

instruments_cli = AppGroup("instruments", help="List, validate and import assessment instruments (forms/*.yaml).")


def _load(path: str):
    """The validated definition, or exit code 1 with the file name and every problem."""
    try:
        return load_definition(path)
    except InstrumentError as exc:
        raise click.ClickException(str(exc)) from None


def _rounds_per_instrument() -> dict[int, int]:
    from seqf.models import Round

    rows = db.session.execute(sa.select(Round.instrument_id, sa.func.count()).group_by(Round.instrument_id))
    return {instrument_id: n for instrument_id, n in rows}


@instruments_cli.command("list")
def list_command() -> None:
    """List stored versions; * marks the current one.

    Built-in files (forms/*.yaml) are stored first if their content is new.
    """
    from seqf.services import instruments as service

    current = {i.id for i in service.list_instruments()}
    db.session.commit()
    rounds = _rounds_per_instrument()
    rows = [("", "slug", "version", "title", "scale", "source", "rounds")]
    rows += [("*" if i.id in current else "", i.slug, i.version, i.title_nb, i.scale, i.source,
              str(rounds.get(i.id, 0))) for i in service.all_versions()]
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@instruments_cli.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def validate_command(file: str) -> None:
    """Check FILE without storing it.

    Exit code 0 prints "valid: SLUG VERSION HASH"; exit code 1 names the file and every problem.
    """
    defn = _load(file)
    digest = content_hash(defn)
    click.echo(f"valid: {defn.slug} {short_version(digest)} {digest}")
    indicators = sum(len(area.indicators) for area in defn.areas)
    click.echo(f"{len(defn.areas)} areas, {defn.levels} steps each, {indicators} key indicators")


@instruments_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def import_command(file: str) -> None:
    """Validate FILE and store it as a new version.

    Content that is already stored is left as it is; an existing version never changes.
    """
    from seqf.services import instruments as service

    defn = _load(file)
    instrument, created = service.import_definition(defn, str(Path(file)))
    db.session.commit()
    if created:
        click.echo(f"new: {instrument.slug} version {instrument.version} stored (id {instrument.id})")
    else:
        click.echo(f"already known: {instrument.slug} version {instrument.version} "
                   f"(stored {instrument.created_at:%Y-%m-%d} from {instrument.source}); nothing changed")


def register(app: Flask) -> None:
    app.cli.add_command(instruments_cli)
