"""Does an answer's time tell whether an address has an account? Medians of many tries, side by side.

Sign-up, login (a wrong password) and password reset, each for addresses that have an account and addresses
that do not, with the real password hasher (argon2id), in one process on a fresh SQLite database. Prints
the median and p90 in milliseconds and the ratio of the medians: near 1.0 means the time tells nothing.
The tests prove the same work on both paths with a counting hasher (tests/security/test_signin_abuse.py);
this shows the figures. Run: make bench   (or .venv/bin/python bench/enumeration.py --tries 40)
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.config import Config  # noqa: E402

PASSWORD = "correct horse battery 19"


def make_app(workdir: Path):
    class Bench(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.db'}"
        UPLOAD_FOLDER = str(workdir / "uploads")
        MAIL_FOLDER = str(workdir / "mail")
        WTF_CSRF_ENABLED = False  # the work measured is the hashing and the emails, not the form token
        RATELIMIT_ENABLED = False  # one address sends every try
        SESSION_COOKIE_SECURE = False
        BASE_URL = "http://127.0.0.1:5000"
        PAGE_CACHE_SECONDS = 0

    return create_app(Bench)


def timed(client, url: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(url, data=data)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=30, help="tries per path (each address is used once)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            from flask_migrate import upgrade

            from portal.accounts import services
            from portal.extensions import db

            upgrade()
            known = [f"resident{n}@example.jp" for n in range(args.tries * 2)]
            for email in known:
                services.sign_up(email, PASSWORD, "住民 太郎", "ja")
                services.find_user(email).email_verified_at = db.func.now()
            db.session.commit()
        client = app.test_client()
        cases = {
            "sign-up": ("/account/signup", lambda email: {"email": email, "password": PASSWORD, "confirm": PASSWORD,
                                                          "display_name": "住民 花子"}),
            "login, wrong password": ("/account/login", lambda email: {"email": email, "password": "wrong password 1"}),
            "password reset": ("/account/password/forgot", lambda email: {"email": email}),
        }
        print(f"{args.tries} tries per path, argon2id, Python {sys.version.split()[0]}")
        print(f"{'path':24} {'account':>8} {'median ms':>10} {'p90 ms':>8}   ratio")
        for n, (name, (url, data)) in enumerate(cases.items()):
            addresses = {"yes": known[:args.tries] if n != 1 else known[args.tries:],
                         "no": [f"nobody{n}-{i}@example.jp" for i in range(args.tries)]}
            times = {"yes": [], "no": []}
            for i in range(args.tries):  # alternating, so a busy moment of the machine falls on both
                for label in ("yes", "no") if i % 2 else ("no", "yes"):
                    times[label].append(timed(client, url, data(addresses[label][i])))
            figures = {}
            for label in ("yes", "no"):
                figures[label] = statistics.median(times[label])
                p90 = statistics.quantiles(times[label], n=10)[-1]
                print(f"{name:24} {label:>8} {figures[label]:10.1f} {p90:8.1f}")
            print(f"{'':24} {'':>8} {'':>10} {'':>8}   {figures['yes'] / figures['no']:.2f}")


if __name__ == "__main__":
    main()
