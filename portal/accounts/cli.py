import click
from flask.cli import with_appcontext


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="管理者", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account an administrator)."""
    from portal.accounts.passwords import password_problem
    from portal.accounts.services import create_admin as create
    from portal.extensions import db

    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(str(problem), param_hint="password")
    user = create(email, password, name)
    db.session.commit()
    click.echo(f"{user.email} is an administrator. Log in at /account/login and set up the authenticator app.")
