"""Page speed, side by side with /healthz in the same run: every public page type, its htmx fragments and a
signed-in resident's pages through gunicorn (2 sync workers, loopback) under wrk (-t2 -c8), with the page
cache on (the default) and off, and with every cache off (each request renders); then SQL statements and
milliseconds of one rendering per page in-process, the largest worker's memory and the first-load weight of a
page. Prints figures; it is not a test.

Run: make bench [BENCH_DATA=large] [BENCH_ARGS="--quick" | "--markdown"]
  or BENCH_DATA=demo .venv/bin/python bench/pages.py [--quick] [--seconds 5] [--fresh] [--markdown]
BENCH_DATA=demo (default) seeds the demo data afresh each run; BENCH_DATA=large uses `flask seed-large`, made
once under BENCH_DIR (/tmp/kyoso-bench) and reused (--fresh remakes it). BENCH_DATABASE_URL=
postgresql+psycopg://user@host:port/postgres runs it on PostgreSQL. --markdown rewrites this data set's table
in README.md's performance section. wrk comes from Debian: apt-get install wrk.
"""

import argparse
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import CSRF, PASSWORD, IsolatedClient  # noqa: E402
from tests.servers import gunicorn, worker_pids  # noqa: E402

FLASK = [str(ROOT / ".venv/bin/flask"), "--app", "portal"]
SECRET_KEY = "bench-" + "b" * 40
RESIDENT = "bench-resident@example.jp"
WRK = ["wrk", "-t2", "-c8", "--timeout", "10s"]
#: wrk prints its own summary; this line is the one parsed (microseconds)
REPORT = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("bench %.0f %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""
GOAL_RATIO, GOAL_P99, GOAL_SQL, GOAL_RSS = 0.5, 0.050, 8, 80
END = "<!-- bench:end -->"
PLACEHOLDER = "_No figures yet._"


class Page(NamedTuple):
    label: str
    path: str
    htmx: bool = False
    anonymous: bool = True  # False: a signed-in resident's page only

    @property
    def key(self) -> str:
        return self.path + " htmx" * self.htmx


HEALTHZ = Page("/healthz", "/healthz")


class Result(NamedTuple):
    rate: float
    p50: float
    p99: float
    errors: int


def make_database(workdir: Path, name: str, command: str, fresh: bool, server: str | None) -> str:
    """A SQLite file under workdir, or a database `name` on the PostgreSQL server; seeded once, upgraded always."""
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
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, capture_output=True)  # a reused one too
    if missing:
        started = time.perf_counter()
        out = subprocess.run([*FLASK, command], env=env, check=True, capture_output=True, text=True).stdout
        print(f"{command}: {out.strip()} ({time.perf_counter() - started:.0f} s)")
    return url


def bench_app(url: str):
    """The portal in-process with nothing kept between requests (page cache and shared pages off): what one
    rendering of each page costs, and how many SQL statements it sends."""
    from portal import create_app
    from portal.config import Config

    app = create_app(type("Bench", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                                               "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                                               "PAGE_CACHE_SECONDS": 0, "FRAGMENT_CACHE_SECONDS": 0}))
    app.test_client_class = IsolatedClient  # a fresh context per request, as in a server
    return app


def pages(url: str, large: bool, token: str) -> list[Page]:
    """The benchmarked pages, with ids looked up in this database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        def one(sql: str, **params):
            return conn.execute(sa.text(sql), params).scalar()

        area = one("SELECT slug FROM areas ORDER BY position LIMIT 1")
        meeting = one("SELECT id FROM meetings WHERE kind = 'forum' AND status = 'published' "
                      "ORDER BY starts_at DESC LIMIT 1")
        committee = one("SELECT c.slug FROM committees c WHERE c.status = 'published' ORDER BY "
                        "(SELECT count(*) FROM meetings m WHERE m.committee_id = c.id) DESC LIMIT 1")
        term = one("SELECT min(t.number) FROM committee_terms t JOIN committees c ON c.id = t.committee_id "
                   "WHERE c.slug = :slug", slug=committee)
        consultation = one("SELECT consultation_id FROM opinions GROUP BY consultation_id "
                           "ORDER BY count(*) DESC LIMIT 1")
    engine.dispose()
    filtered = f"/meetings?kind=area_meeting&area={area}&when=past"
    results = f"/consultations/{consultation}/results"
    return [
        Page("/", "/"),
        Page("/meetings", "/meetings"),
        Page("/en/meetings", "/en/meetings"),
        Page("/meetings?kind&area&when", filtered),
        Page("/meetings?kind&area&when (htmx)", filtered, htmx=True),
        *([Page("/meetings?page=50", "/meetings?page=50")] if large else []),
        Page("/meetings/<id>", f"/meetings/{meeting}"),
        Page("/areas", "/areas"),
        Page("/areas/<slug>", f"/areas/{area}"),
        Page("/committees", "/committees"),
        Page("/committees/<slug>", f"/committees/{committee}"),
        Page("/committees/<slug>/terms/<n>", f"/committees/{committee}/terms/{term}"),
        Page("/consultations", "/consultations"),
        Page("/consultations/<id>", f"/consultations/{consultation}"),
        Page("/consultations/<id>/results", results),
        Page("/consultations/<id>/results (htmx)", results, htmx=True),
        Page("/account/me", "/account/me", anonymous=False),
        Page("/registrations/<token>", f"/registrations/{token}", anonymous=False),
    ]


def sign_in(app) -> tuple[object, str, str]:
    """A resident who registered for an upcoming meeting, signed in through the login page: (test client,
    Cookie header for wrk, the registration page's token). Made once per database, then reused."""
    from portal.accounts.services import find_user
    from portal.meetings.services import upcoming
    from portal.registrations import services as registrations
    from tests.helpers import Auth

    with app.app_context():
        user = find_user(RESIDENT) or Auth(app).create(email=RESIDENT, name="ベンチ 太郎")
        mine = registrations.for_user(user)
        if not mine:
            meeting = next(m for m in upcoming(100) if m.registration_closed_reason() is None
                           and not m.lottery_pending)
            mine = [registrations.register(meeting, registrations.RegistrationData(
                name=user.display_name, furigana=None, email=user.email), user=user)]
        token = registrations.token_for(mine[0])
        client = app.test_client()
        page = client.get("/account/login").get_data(as_text=True)
        match = CSRF.search(page)
        response = client.post("/account/login", data={"csrf_token": match.group(1) or match.group(2),
                                                        "email": RESIDENT, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return client, f"{cookie.key}={cookie.value}", token


def in_process(app, pages: list[Page], signed_in, repeats: int) -> dict[tuple[str, str], tuple[int, float]]:
    """{(path, visitor): (SQL statements, median ms)} of one request at a time, warm."""
    import sqlalchemy as sa

    from portal.extensions import db

    statements: list[int] = []
    found = {}
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    for visitor, client in (("anonymous", app.test_client(use_cookies=False)), ("signed in", signed_in)):
        for page in pages:
            if visitor == "anonymous" and not page.anonymous:
                continue
            headers = {"HX-Request": "true"} if page.htmx else {}
            client.get(page.path, headers=headers)  # warm: the first request loads templates and caches
            times = []
            for _ in range(repeats):
                statements.clear()
                started = time.perf_counter()
                response = client.get(page.path, headers=headers)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (visitor, page.path, response.status_code)
            found[page.key, visitor] = (len(statements), sorted(times)[repeats // 2] * 1000)
    return found


def first_load(client, path: str) -> tuple[float, int]:
    """(KB, requests) of a first visit: the HTML and every /static/ file it names, each gzip -9."""
    html = client.get(path).get_data()
    assets = dict.fromkeys(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))
    total = len(gzip.compress(html, 9))
    for asset in assets:
        response = client.get(asset.decode())
        assert response.status_code == 200, asset
        total += len(gzip.compress(response.get_data(), 9))
        response.close()
    return total / 1024, 1 + len(assets)


def load(base: str, page: Page, seconds: int, script: Path, cookie: str | None = None) -> Result:
    """wrk on one page for `seconds`, after a few requests that warm both workers."""
    headers = (["HX-Request: true"] if page.htmx else []) + ([f"Cookie: {cookie}"] if cookie else [])

    def fetch(_):
        request = urllib.request.Request(base + page.path, headers=dict(h.split(": ", 1) for h in headers))
        with urllib.request.urlopen(request, timeout=60) as response:
            # a redirect (to the login page, say) would be measured as a success by wrk
            assert response.status == 200 and response.url == base + page.path, (page.path, response.url)
            response.read()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, range(8)))
    options = [a for h in headers for a in ("-H", h)]
    command = [*WRK, f"-d{seconds}s", "-s", str(script), *options, base + page.path]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = re.search(r"^bench (.*)$", out, re.M).group(1).split()
    requests, duration, p50, p99, errors = (float(n) for n in figures)
    return Result(requests / duration * 1e6, p50 / 1e6, p99 / 1e6, int(errors))


def largest_rss(master_pid: int) -> int:
    return max(int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) // 1024
               for pid in worker_pids(master_pid))


def machine(url: str) -> str:
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    if url.startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            database = "PostgreSQL " + conn.execute(sa.text("SHOW server_version")).scalar().split()[0]
        engine.dispose()
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (WAL)"
    return (f"{os.cpu_count()} cores, {cpu.group(1) if cpu else platform.machine()}, "
            f"Python {platform.python_version()}, {database}")


def table(rows: list[list[str]], markdown: bool) -> str:
    header = ["page", "on: req/s", "p50", "p99", "×hz", "off: req/s", "p50", "p99", "×hz", "goal",
              "signed in: req/s", "p50", "p99", "×hz", "goal", "rendered: req/s", "p50", "p99", "×hz", "goal", "SQL", "ms"]
    if markdown:
        lines = [header, ["---"] + ["--:"] * (len(header) - 1)] + [[f"`{r[0]}`", *r[1:]] for r in rows]
        return "\n".join("| " + " | ".join(r) + " |" for r in lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    aligned = ([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
               for r in [header, *rows])
    return "\n".join("  ".join(r) for r in aligned)


def cells(result: Result | None, baseline: float, goal: bool | None) -> list[str]:
    """req/s, p50, p99, ratio to /healthz; then whether the goal is met (None: no such cell, False: empty)."""
    if result is None:
        return ["—"] * (4 if goal is None else 5)
    ratio = result.rate / baseline
    out = [f"{result.rate:.0f}", f"{result.p50 * 1000:.1f}", f"{result.p99 * 1000:.1f}", f"{ratio:.2f}"]
    if goal is not None:
        out.append(("yes" if ratio >= GOAL_RATIO and result.p99 < GOAL_P99 else "NO") if goal else "")
    return out


def write_readme(key: str, text: str) -> None:
    """Put `text` between this run's markers in README.md's performance section (added the first time)."""
    readme = (ROOT / "README.md").read_text()
    start, end = f"<!-- bench:{key} -->", f"<!-- bench:{key}:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in readme:
        before, rest = readme.split(start, 1)
        readme = before + block + rest.split(end, 1)[1]
    else:
        readme = readme.replace(END, block + "\n\n" + END).replace(PLACEHOLDER + "\n\n", "")
    (ROOT / "README.md").write_text(readme)


def run_load(url: str, workdir: Path, listed: list[Page], seconds: int, cookie: str):
    """({(page key, column): Result}, {column: largest worker MB}): a server with the page cache on, one with
    it off; /healthz first and last in each."""
    script = workdir / "report.lua"
    script.write_text(REPORT)
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0",
           "MAIL_FOLDER": str(workdir / "mail"), "UPLOAD_FOLDER": str(workdir / "up"),
           # gunicorn.conf.py replaces a worker every ~2000 requests: mid-run that would put a restart in
           # the latencies and reset the memory measured after the run
           "GUNICORN_CMD_ARGS": "--max-requests 0"}
    measured, rss = {}, {}
    for column, cache_seconds, shared_seconds in (("on", "10", "300"), ("off", "0", "300"), ("rendered", "0", "0")):
        with gunicorn({**env, "PAGE_CACHE_SECONDS": cache_seconds, "FRAGMENT_CACHE_SECONDS": shared_seconds}) as (
                base, master):
            measured["/healthz", column] = load(base, HEALTHZ, seconds, script)
            for page in listed:
                if page.anonymous:
                    measured[page.key, column] = load(base, page, seconds, script)
            if column == "off":  # a session is never served from the page cache: one server is enough
                for page in listed:
                    measured[page.key, "signed in"] = load(base, page, seconds, script, cookie)
            measured["/healthz again", column] = load(base, HEALTHZ, seconds, script)
            rss[column] = largest_rss(master.pid)
    return measured, rss


def row(page: Page, measured: dict, local: dict, baseline: dict[str, float]) -> list[str]:
    """One line of the table: the three columns of load figures, then SQL and in-process ms."""
    goal = not page.path.startswith("/healthz")
    sql = [local[page.key, v][0] for v in ("anonymous", "signed in") if (page.key, v) in local]
    ms = [local[page.key, v][1] for v in ("anonymous", "signed in") if (page.key, v) in local]
    return [
        page.label,
        *cells(measured.get((page.key, "on")), baseline["on"], goal=None),
        *cells(measured.get((page.key, "off")), baseline["off"], goal),
        *cells(measured.get((page.key, "signed in")), baseline["off"], goal),
        *cells(measured.get((page.key, "rendered")), baseline["rendered"], goal),
        " / ".join(map(str, sql)) + (" !" if any(n > GOAL_SQL for n in sql) else ""),
        " / ".join(f"{n:.1f}" for n in ms),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk's time on each page")
    parser.add_argument("--quick", action="store_true", help="1 s a page, fewer in-process repeats")
    parser.add_argument("--fresh", action="store_true", help="remake the large database")
    parser.add_argument("--markdown", action="store_true", help="rewrite this data set's table in README.md")
    args = parser.parse_args()
    seconds, repeats = (1, 3) if args.quick else (args.seconds, 7)
    if not shutil.which("wrk"):
        sys.exit("bench/pages.py needs wrk, the HTTP load generator: apt-get install wrk")

    data = os.environ.get("BENCH_DATA", "demo")
    if data not in ("demo", "large"):
        sys.exit(f"BENCH_DATA is demo or large, not {data!r}")
    workdir = Path(os.environ.get("BENCH_DIR", "/tmp/kyoso-bench"))
    workdir.mkdir(exist_ok=True)
    server = os.environ.get("BENCH_DATABASE_URL")  # postgresql+psycopg://user@host:port/postgres
    # The demo data is dated from today, so it is made afresh (seconds); the large one is kept.
    url = make_database(workdir, f"kyoso_bench_{data}", f"seed-{data}", args.fresh or data == "demo", server)
    app = bench_app(url)
    client, cookie, token = sign_in(app)
    listed = pages(url, data == "large", token)
    local = in_process(app, listed, client, repeats)
    meeting = next(p.path for p in listed if p.label == "/meetings/<id>")
    weights = {name: first_load(app.test_client(use_cookies=False), path)
               for name, path in (("meeting page", meeting), ("meetings list", "/meetings"))}

    measured, rss = run_load(url, workdir, listed, seconds, cookie)
    # the mean of the first and the last /healthz of each server: the machine's drift in between shows in both
    baseline = {c: (measured["/healthz", c].rate + measured["/healthz again", c].rate) / 2 for c in ("on", "off", "rendered")}
    rows = [row(page, measured, local, baseline)
            for page in [HEALTHZ, *listed, Page("/healthz (again, at the end)", "/healthz again")]]
    errors = [f"{k[0]} ({k[1]}): {r.errors}" for k, r in measured.items() if r.errors]
    title = f"{data.capitalize()} data (`flask seed-{data}`), {'PostgreSQL' if server else 'SQLite'}"
    command = " ".join(["make bench", f"BENCH_DATA={data}",
                        *(["BENCH_DATABASE_URL=postgresql+psycopg://…"] if server else []),
                        *([f'BENCH_ARGS="{" ".join(sys.argv[1:])}"'] if sys.argv[1:] else [])])
    notes = [
        f"on = anonymous, page cache on (the default, PAGE_CACHE_SECONDS=10); off = anonymous, "
        f"PAGE_CACHE_SECONDS=0; signed in = a resident with a session, never served from the page cache "
        f"(public pages come from the shared pages kept under the data's version, portal/core/fragments.py; "
        f"personal pages render); rendered = anonymous with both caches off (FRAGMENT_CACHE_SECONDS=0 too): what a "
        f"page costs when its data changed this minute or its URL is new (a filter combination nobody asked for "
        f"this minute). "
        f"Latency in ms; ×hz = req/s over the mean of the two /healthz runs in the same server; "
        f"goal = ×hz ≥ {GOAL_RATIO} and p99 < {GOAL_P99 * 1000:.0f} ms. SQL and ms: one rendering in-process, "
        f"warm, both caches off (anonymous / signed in; ! above {GOAL_SQL} statements).",
        f"Largest worker after the run (RSS): {rss['on']} MB (cache on), {rss['off']} MB (cache off), "
        f"{rss['rendered']} MB (rendered); "
        f"goal ≤ {GOAL_RSS} MB.",
        "First load, HTML and every /static/ file it names, gzip -9: "
        + "; ".join(f"{name} {kb:.1f} KB in {n} requests" for name, (kb, n) in weights.items())
        + " (goals: a page without an htmx list ≤ 15 KB in ≤ 4 requests; a page with one ≤ 40 KB).",
    ] + ([f"Errors (non-2xx or socket) during the load: {'; '.join(errors)}."] if errors else [])
    heading = (f"{date.today().isoformat()}, {machine(url)}; gunicorn 2 sync workers and "
               f"{' '.join(WRK[:3])} on the same machine, {seconds} s a page. Command: `{command}`.")

    print(f"\n{title}. {heading}\n\n{table(rows, markdown=False)}\n")
    print("\n".join(notes))
    if args.markdown:
        write_readme(f"{data}-{'postgresql' if server else 'sqlite'}",
                     "\n\n".join([f"### {title}", heading, table(rows, markdown=True), *notes]))
        print("README.md updated.")


if __name__ == "__main__":
    main()
