"""Page speed on a large database: throughput and p50/p99 latency under gunicorn, SQL queries per page on a
small and a large database, worker memory, and page weight. Prints figures; it is not a test.

Run: make bench   (or .venv/bin/python bench/pages.py --requests 400 --clients 16)
The large database is made once by `flask --app portal seed-large` under /tmp and reused (--fresh remakes it);
with BENCH_DATABASE_URL=postgresql+psycopg://user@host:port/postgres it is made on that PostgreSQL server.
"""

import argparse
import gzip
import os
import platform
import re
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import gunicorn, worker_pids  # noqa: E402

FLASK = [str(ROOT / ".venv/bin/flask"), "--app", "portal"]
warnings.filterwarnings("ignore", message="Flask-Caching: CACHE_TYPE is set to NullCache")


def make_database(workdir: Path, name: str, command: str, fresh: bool, server: str | None) -> str:
    """A SQLite file under workdir, or a database `name` on the PostgreSQL server; seeded once."""
    import sqlalchemy as sa

    if server:
        url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if fresh and exists:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            if fresh or not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        missing = fresh or not exists
    else:
        path = workdir / f"{name}.db"
        url = f"sqlite:///{path}"
        if fresh:
            path.unlink(missing_ok=True)
        missing = not path.exists()
    if missing:
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        out = subprocess.run([*FLASK, command], env=env, check=True, capture_output=True, text=True).stdout
        print(f"{command}: {out.strip()} ({time.perf_counter() - started:.0f} s)")
    return url


def page_urls(url: str) -> dict[str, str]:
    """The benchmarked pages, with ids looked up in this database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        area = conn.execute(sa.text("SELECT slug FROM areas ORDER BY position LIMIT 1")).scalar()
        meeting = conn.execute(sa.text("SELECT id FROM meetings WHERE kind = 'forum' AND status = 'published' "
                                       "ORDER BY starts_at DESC LIMIT 1")).scalar()
        committee = conn.execute(sa.text("SELECT slug FROM committees LIMIT 1")).scalar()
        consultation = conn.execute(sa.text(
            "SELECT consultation_id FROM opinions GROUP BY consultation_id ORDER BY count(*) DESC LIMIT 1")).scalar()
    engine.dispose()
    return {
        "healthz (baseline)": "/healthz",
        "home": "/",
        "meetings list, filtered": f"/meetings?kind=area_meeting&area={area}&when=past",
        "meeting page": f"/meetings/{meeting}",
        "committee page": f"/committees/{committee}",
        "consultation results": f"/consultations/{consultation}/results",
        "calendar feed (ICS)": "/calendar.ics",
    }


def count_queries(url: str, pages: dict[str, str]) -> tuple[dict[str, int], dict[str, float]]:
    """(SQL statements, milliseconds) of one request to each page, alone, in-process, nothing cached."""
    import sqlalchemy as sa

    from portal import create_app
    from portal.config import Config
    from portal.extensions import db

    app = create_app(type("Bench", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                               "CACHE_TYPE": "NullCache", "PAGE_CACHE_SECONDS": 0}))
    counts, alone = {}, {}
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
        client = app.test_client()
        for name, path in pages.items():
            client.get(path)  # warm: the first request may load things once per process
            statements.clear()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts[name] = len(statements)
            times = []
            for _ in range(7):
                started = time.perf_counter()
                client.get(path)
                times.append(time.perf_counter() - started)
            alone[name] = sorted(times)[3] * 1000
        db.engine.dispose()
    return counts, alone


def load(base: str, path: str, requests: int, clients: int) -> tuple[float, list[float], int]:
    """(requests per second, sorted latencies in seconds, errors) for `requests` GETs by `clients` at once."""
    latencies, errors, lock = [], [0], threading.Lock()
    per_client = requests // clients

    def client() -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    response.read()
            except OSError:
                with lock:
                    errors[0] += 1
            with lock:
                latencies.append(time.perf_counter() - started)

    for _ in range(20):  # warm up both workers
        urllib.request.urlopen(base + path, timeout=60).read()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, sorted(latencies), errors[0]


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))]


def page_weight(base: str, path: str) -> tuple[int, int]:
    """(HTML bytes, HTML + CSS + JS bytes), each gzip-compressed as nginx would send them."""
    html = urllib.request.urlopen(base + path, timeout=60).read()
    total = len(gzip.compress(html))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', html):
        total += len(gzip.compress(urllib.request.urlopen(base + asset.decode(), timeout=60).read()))
    return len(gzip.compress(html)), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=480)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="rebuild the large database")
    args = parser.parse_args()

    workdir = Path(os.environ.get("BENCH_DIR", "/tmp/kyoso-bench"))
    workdir.mkdir(exist_ok=True)
    server = os.environ.get("BENCH_DATABASE_URL")  # postgresql+psycopg://user@host:port/postgres
    small = make_database(workdir, "kyoso_bench_demo", "seed-demo", args.fresh, server)
    large = make_database(workdir, "kyoso_bench_large", "seed-large", args.fresh, server)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{'PostgreSQL' if server else 'SQLite (WAL)'}; gunicorn {args.workers} workers; {args.clients} clients; {args.requests} requests a page")

    small_pages, pages = page_urls(small), page_urls(large)
    (queries_small, _), (queries_large, alone) = count_queries(small, small_pages), count_queries(large, pages)

    print()
    print(f"{'page':26} {'SQL small':>9} {'SQL large':>9} {'ms alone':>8}   (one request, in-process, nothing cached)")
    for name in pages:
        # +1 is the count behind "page 1 of N", which Flask-SQLAlchemy skips when everything fits on one page
        grows = {-1: "", 0: "", 1: "  (+1: the page count; the small list fits on one page)"}.get(
            queries_large[name] - queries_small[name], "  GROWS WITH DATA")
        print(f"{name:26} {queries_small[name]:9d} {queries_large[name]:9d} {alone[name]:8.1f}{grows}")

    env = {"DATABASE_URL": large, "SECRET_KEY": "bench-" + "b" * 40, "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", "MAIL_FOLDER": str(workdir / "mail"), "UPLOAD_FOLDER": str(workdir / "up")}
    worst_p99, weights, rss = 0.0, {}, []
    for mode, seconds in (("page cache on (the default: 10 s for visitors without a session)", "10"),
                          ("page cache off (PAGE_CACHE_SECONDS=0): every request renders", "0")):
        rows = []
        with gunicorn({**env, "PAGE_CACHE_SECONDS": seconds}, workers=args.workers) as (base, master):
            baseline = None
            for name, path in pages.items():
                rate, latencies, errors = load(base, path, args.requests, args.clients)
                baseline = baseline or rate
                rows.append((name, rate, percentile(latencies, 0.5), percentile(latencies, 0.99), rate / baseline,
                             errors))
                if name not in ("healthz (baseline)", "calendar feed (ICS)") and seconds == "0":
                    weights[name] = page_weight(base, path)
            rss = [int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) // 1024
                   for pid in worker_pids(master.pid)]
        print()
        print(f"{mode}:")
        print(f"{'page':26} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'vs healthz':>10} {'errors':>6}")
        for name, rate, p50, p99, ratio, errors in rows:
            if name != "healthz (baseline)" and seconds == "10":
                worst_p99 = max(worst_p99, p99)
            print(f"{name:26} {rate:7.0f} {p50 * 1000:7.1f} {p99 * 1000:7.1f} {ratio:10.2f} {errors:6d}")
        print(f"worker memory after the run (RSS): {', '.join(f'{mb} MB' for mb in rss)}")
    print()
    print("page weight, gzip (HTML / HTML + CSS + JS):")
    for name, (html, total) in weights.items():
        print(f"  {name:26} {html / 1024:6.1f} KB / {total / 1024:6.1f} KB")
    print(f"slowest p99 of a page, default settings: {worst_p99 * 1000:.0f} ms (target: under 100 ms)")


if __name__ == "__main__":
    main()
