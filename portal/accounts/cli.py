import click
from flask.cli import with_appcontext


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="管理者", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account an administrator)."""
    from flask_babel import force_locale

    from portal.accounts.forms import email_problem
    from portal.accounts.passwords import password_problem
    from portal.accounts.services import create_admin as create
    from portal.audit.services import record
    from portal.extensions import db

    # the same rules as the forms, so the address can log in afterwards (issue 12.7)
    with force_locale("en"):  # no request to choose a language from: the messages in English
        problem = email_problem(email)
        if problem:
            raise click.BadParameter(problem, param_hint="email")
        problem = password_problem(password, email)
        if problem:
            raise click.BadParameter(str(problem), param_hint="password")
    user, changes = create(email, password, name)
    if changes:
        record("role_change", user, changes=changes)  # by "system": a command names nobody
    db.session.commit()
    click.echo(f"{user.email} is an administrator. Log in at /account/login and set up the authenticator app.")
