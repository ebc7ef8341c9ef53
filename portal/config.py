"""Configuration read from the environment, with safe defaults for one machine."""

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


#: links in emails when BASE_URL is unset outside production: the address `make run` serves
FALLBACK_BASE_URL = "http://127.0.0.1:5000"

# bandit B105 waived: refused by check-config in production
DEFAULT_SECRET_KEY = "dev-only-insecure-key-change-me"  # nosec B105


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    #: Embedded default: one SQLite file under instance/. Production sets DATABASE_URL (PostgreSQL).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'portal.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": 60}
    #: the public address (https://…): every link in an email or a feed starts with it, never with the Host
    #: header of the request; empty outside production means FALLBACK_BASE_URL, with a warning
    BASE_URL = os.environ.get("BASE_URL", "")

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_PATH / "uploads"))
    UPLOAD_MAX_BYTES = env_int("MAX_UPLOAD_MB", 20) * 1024 * 1024
    #: the largest request of all (a staff document upload): a little larger than one file, so an oversized
    #: file is reported on the form; every request gets its own, smaller limit too (core/security.py)
    MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + 2 * 1024 * 1024
    #: ClamAV's daemon (clamd), by its socket or by host and port; without one, uploads wait in quarantine until
    #: `flask scan-uploads` finds it (portal/documents/scanning.py)
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
    CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
    CLAMD_PORT = env_int("CLAMD_PORT", 3310)
    #: a public form without a file: 10,000 kanji of comment are ~90 KB once percent-encoded (9 bytes each)
    FORM_MAX_BYTES = env_int("FORM_MAX_KB", 512) * 1024
    #: a staff form (/admin): two 50,000-character summaries in Japanese are ~900 KB
    STAFF_FORM_MAX_BYTES = env_int("STAFF_FORM_MAX_KB", 2048) * 1024
    #: fields in one form (parsing millions of tiny fields is what kept a worker busy)
    FORM_MAX_FIELDS = env_int("FORM_MAX_FIELDS", 300)
    STAFF_FORM_MAX_FIELDS = env_int("STAFF_FORM_MAX_FIELDS", 1000)

    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    #: named "__Host-session" when SESSION_COOKIE_SECURE is on (core/security.py): HTTPS only, this host only
    SESSION_COOKIE_NAME = "session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    PERMANENT_SESSION_LIFETIME = timedelta(hours=env_int("SESSION_HOURS", 8))
    SESSION_REFRESH_EACH_REQUEST = False
    #: host names the portal answers to (comma-separated); empty = any (development)
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    #: addresses of the reverse proxy (comma-separated); only its X-Forwarded-* headers are believed
    TRUSTED_PROXIES = [h.strip() for h in os.environ.get("TRUSTED_PROXIES", "").split(",") if h.strip()]

    #: calendar feeds are cached this long; RedisCache + CACHE_REDIS_URL shares the cache across processes
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_DEFAULT_TIMEOUT = env_int("CACHE_SECONDS", 300)
    #: public pages for visitors without a session are kept this long (0: off); see portal/core/pagecache.py
    PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 10)
    #: rendered page blocks, kept under the data's version for at most this long (0: off); portal/core/fragments.py
    FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 300)
    #: memory:// counts in each process apart: with several gunicorn workers use Redis (redis://127.0.0.1:6379/0);
    #: production refuses memory:// with more than one worker (core/production.py)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: a moving window: ten tries just before and ten just after a minute boundary are still ten a minute
    RATELIMIT_STRATEGY = "moving-window"
    #: off only for load measurements from one address (bench/)
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True

    MAIL_FROM = os.environ.get("MAIL_FROM", "協創ポータル <noreply@kyoso-portal.invalid>")
    #: SMTP server; when empty, emails are written as .eml files to MAIL_FOLDER
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_STARTTLS = env_bool("MAIL_STARTTLS", True)
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_PATH / "mail"))
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)

    #: a guest's seat is held this long for the emailed confirmation link
    GUEST_CONFIRM_HOURS = env_int("GUEST_CONFIRM_HOURS", 24)
    #: a waitlisted person has this long to take a freed seat (never past the registration deadline)
    OFFER_HOURS = env_int("OFFER_HOURS", 48)
    MAX_COMPANIONS = env_int("MAX_COMPANIONS", 9)
    #: days after a meeting before contact and accommodation details are purged
    RETENTION_DAYS = env_int("RETENTION_DAYS", 90)

    #: longest comment, in characters (long Japanese text is normal)
    COMMENT_MAX_CHARS = env_int("COMMENT_MAX_CHARS", 10_000)
    COMMENT_ATTACHMENT_MAX_BYTES = env_int("COMMENT_ATTACHMENT_MAX_MB", 5) * 1024 * 1024
    #: a comment form sent faster than this is from a robot
    COMMENT_MIN_SECONDS = env_int("COMMENT_MIN_SECONDS", 5)
    #: days after a consultation's results are published before submitters' details and files are purged
    COMMENT_RETENTION_DAYS = env_int("COMMENT_RETENTION_DAYS", 365)
    #: an attachment uploaded on a comment form that was never sent is deleted after this many hours
    COMMENT_ABANDONED_UPLOAD_HOURS = env_int("COMMENT_ABANDONED_UPLOAD_HOURS", 24)

    PER_PAGE = env_int("PER_PAGE", 10)
    #: Versioned static URLs are cached for a year; the content hash changes the URL.
    STATIC_MAX_AGE = 365 * 24 * 3600


class TestConfig(Config):
    TESTING = True
    #: kept as in production (one cache per app, so per test): shared pages must follow every change a test makes
    CACHE_TYPE = "SimpleCache"
    PAGE_CACHE_SECONDS = 0
    COMMENT_MIN_SECONDS = 0  # the robot test sets its own
    RATELIMIT_STORAGE_URI = "memory://"
    #: no clamd in most tests: every file is clean unless a test starts clamd or sets its own scanner
    VIRUS_SCANNER = staticmethod(lambda data: None)
    MAIL_SERVER = ""
    # bandit B105 waived: the test configuration only
    SECRET_KEY = "test-secret"  # nosec B105
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = True
