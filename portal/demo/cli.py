import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from portal.areas.models import Area
from portal.extensions import db


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load the demo data into an empty database.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the demo areas, venues, committee, meetings and consultations (idempotent)."""
    from portal.demo.seed import load

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Area)):
        click.echo("The database already has data; demo data not loaded.")
        return
    counts = load()
    db.session.commit()
    click.echo("Demo data: " + ", ".join(f"{name} +{n}" for name, n in counts.items()))


@click.command("seed-large")
@with_appcontext
def seed_large() -> None:
    """Ten years of data for the benchmarks (≈10,000 meetings, 200,000 registrations, 50,000 comments)."""
    from portal.demo.large import seed_large as load_large
    from portal.demo.seed import load
    from portal.meetings.models import Meeting

    if db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) > 1000:
        raise click.ClickException("This database already holds a large data set.")
    load()  # areas, venues, committee, accommodations (idempotent)
    counts = load_large()
    db.session.commit()
    click.echo("Large data: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
