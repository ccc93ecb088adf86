"""The ``seqf`` command: Flask's CLI bound to ``create_app`` plus seqf's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from seqf.extensions import db


def _create_app():
    from seqf import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """seqf — quality work in Supported Employment."""
    from seqf.server import hide_dev_server_banner

    hide_dev_server_banner()  # `seqf run` answers without a Server header


def register(app: Flask) -> None:
    from seqf import demo, ticks
    from seqf.instrument_cli import register as register_instruments

    register_instruments(app)

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--name", required=True)
    def create_admin(email: str, password: str, name: str) -> None:
        """Create a platform admin."""
        from seqf.services import accounts
        from seqf.services.errors import ServiceError

        try:
            user = accounts.create_user(None, email=email, name=name, password=password,
                                        global_roles=["admin"])
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Admin {user.email} created (id {user.id}).")

    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo organisations and users (idempotent) and print the logins."""
        logins = demo.load()
        db.session.commit()
        click.echo(demo.format_logins(logins))

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send queued mail through SMTP (SEQF_SMTP_*)."""
        from seqf.services.mail import send_outbox, smtp_configured

        if not smtp_configured():
            click.echo("No SMTP server configured (SEQF_SMTP_HOST); mail stays in the outbox.")
            return
        total_sent = total_failed = 0
        while True:
            sent, failed = send_outbox()
            total_sent, total_failed = total_sent + sent, total_failed + failed
            if sent == 0:
                break
        click.echo(f"Sent {total_sent} message(s); {total_failed} failed and stay queued.")

    @app.cli.command("tick")
    def tick() -> None:
        """Queue due reminders (idempotent; safe to run on several nodes)."""
        counts = ticks.run_all()
        db.session.commit()
        for name, count in counts.items():
            click.echo(f"{name}: {count}")
