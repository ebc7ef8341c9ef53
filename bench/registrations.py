"""Registrations per second through a real server, and seats confirmed versus capacity.

Starts gunicorn (2 workers) on a free loopback port against a fresh SQLite database, then lets many
clients register for one meeting at once (each: open the form, then send it) and prints figures.
Run: make bench   (or .venv/bin/python bench/registrations.py --clients 200 --capacity 100)
"""

import argparse
import http.cookiejar
import os
import platform
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import gunicorn  # noqa: E402


def prepare(database: Path, capacity: int) -> int:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.meetings.models import Meeting

    app = create_app()
    with app.app_context():
        upgrade()
        start = datetime.now(UTC) + timedelta(days=30)
        meeting = Meeting(kind="forum", status="published", title_ja="ベンチマーク用フォーラム", starts_at=start,
                          ends_at=start + timedelta(hours=2), capacity=capacity)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
        db.engine.dispose()
    return meeting_id


def client(base: str, meeting_id: int, n: int, barrier: threading.Barrier, results: list) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{base}/meetings/{meeting_id}/register"
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "step": "send", "name": f"参加者{n}", "furigana": "サンカシャ",
                                   "email": f"bench{n}@example.jp", "companions": "1" if n % 3 == 0 else "0"}).encode()
    barrier.wait()
    started = time.perf_counter()
    try:
        response = opener.open(urllib.request.Request(url, data=data), timeout=120)
        # The redirect after a successful registration lands on the registration's own page.
        status = "registered" if "/registrations/" in response.geturl() else response.status
    except urllib.error.HTTPError as error:
        status = error.code
    results.append((status, time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kyoso-bench-"))
    database = workdir / "bench.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", "MAIL_FOLDER": str(workdir / "mail"), "UPLOAD_FOLDER": str(workdir / "uploads")}
    os.environ.update(env)
    meeting_id = prepare(database, args.capacity)
    with gunicorn(env, workers=args.workers) as (base, _):
        barrier, results = threading.Barrier(args.clients + 1), []
        threads = [threading.Thread(target=client, args=(base, meeting_id, n, barrier, results))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        barrier.wait()
        started = time.perf_counter()
        for t in threads:
            t.join(timeout=300)
        elapsed = time.perf_counter() - started

    import sqlite3

    with sqlite3.connect(database) as conn:
        taken, capacity = conn.execute("SELECT seats_taken, capacity FROM meetings WHERE id = ?",
                                       (meeting_id,)).fetchone()
        by_status = dict(conn.execute("SELECT status, count(*) FROM registrations GROUP BY status").fetchall())
        seats = conn.execute("SELECT coalesce(sum(seats), 0) FROM registrations").fetchone()[0]
    latencies = sorted(t for _, t in results)
    statuses = {code: sum(1 for c, _ in results if c == code) for code in {c for c, _ in results}}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite (WAL)")
    print(f"server: gunicorn, {args.workers} workers; clients: {args.clients} at once; capacity: {capacity}")
    if statuses != {"registered": len(results)}:
        print(f"not every registration was accepted: {statuses}", file=sys.stderr)
    print(f"responses: {statuses} in {elapsed:.2f} s -> {len(results) / elapsed:.1f} registrations/s")
    print(f"latency: p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms")
    print(f"seats taken {taken} (held by registrations: {seats}) of capacity {capacity}; statuses: {by_status}")
    if taken > capacity or taken != seats:
        print("OVERBOOKED or inconsistent", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
