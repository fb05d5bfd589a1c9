"""gunicorn settings for giamngheo (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Everything from the environment (deploy/env.example). No access log: the app writes one line per request
itself (giamngheo.ops.logs: request id, user id, path without the query string); gunicorn's access log would
repeat it with the query string, which may hold a name.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or os.environ.get("GUNICORN_WORKERS")
    or str(min(2 * multiprocessing.cpu_count() + 1, 8))
)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Seconds an idle keep-alive connection stays open: longer than a person's pause between pages (and than
# nginx's upstream keepalive_timeout), so a reused connection is not closed under a request (bench/load.py:
# 5 s gave "connection closed" failures under 200 users, 75 s none).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# A worker is replaced after this many requests (bounded memory growth), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
# gunicorn's own messages (worker boots, recycling) may be kept at another level than the app's.
loglevel = (os.environ.get("GUNICORN_LOG_LEVEL") or os.environ.get("LOG_LEVEL", "info")).lower()
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# Request bodies arrive whole from nginx (proxy_request_buffering), so slow clients hold no worker.
limit_request_line = 8190

if (
    os.environ.get(
        "LOG_FORMAT", "json" if "production" in os.environ.get("DJANGO_SETTINGS_MODULE", "") else ""
    )
    == "json"
):
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "{levelname}{name}{message}",
                "style": "{",
                "timestamp": "time",
                "rename_fields": {"levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }
