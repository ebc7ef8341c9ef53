"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "portal:create_app()"`.

Every value can be changed by an environment variable, so the same file serves every host.
"""

import multiprocessing
import os

from gunicorn.http import wsgi as _gunicorn_wsgi

#: behind nginx on the same host; PORTAL_BIND=0.0.0.0:8000 when the proxy runs on another machine
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
#: the usual 2 × cores + 1: requests mostly wait on the database, so a core can keep two busy
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
#: a request that runs longer than this is stuck; the worker is replaced (its transaction rolls back)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
#: a worker is replaced after this many requests, so slow leaks never pile up
max_requests = 2000
max_requests_jitter = 200
#: uploads are spooled by nginx; gunicorn only limits the header lines
limit_request_line = 8190

#: X-Forwarded-* headers are believed only from these addresses (the same list as the app's TRUSTED_PROXIES)
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: the request line with the keys in links replaced by the route's shape (/registrations/<token>): a log
#: line must never be enough to open someone's registration, password reset or invitation
logger_class = "portal.core.logsafe.SafeAccessLogger"
#: client address as seen by the proxy, request, status, bytes, duration in microseconds, worker pid
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sus pid=%(p)s "%(a)s"'
proc_name = "kyoso-portal"


def on_starting(server):
    """The app learns how many workers share it: production refuses per-process rate limits (memory://) with
    more than one (portal/core/production.py). The count after command-line options, read before any worker."""
    os.environ["PORTAL_WORKERS"] = str(server.cfg.workers)


_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server_banner(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


#: no `Server: gunicorn` on every answer: the software and its version are nobody's business (gunicorn has no
#: setting for it; its Response builds the line itself)
_gunicorn_wsgi.Response.default_headers = _headers_without_server_banner
