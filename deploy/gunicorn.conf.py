"""gunicorn settings for Tuntas (README, "Running it for real"): `gunicorn -c deploy/gunicorn.conf.py`.
Every value can be changed through the environment without editing this file."""

import multiprocessing
import os

wsgi_app = "tuntas.wsgi:application"
bind = os.environ.get("TUNTAS_BIND", "127.0.0.1:8000")
# Workers: 2 per core + 1 (gunicorn's rule of thumb); each holds its own database connection.
workers = int(os.environ.get("TUNTAS_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("TUNTAS_WEB_THREADS", "1"))
# An Excel upload is parsed in the request; the slowest measured stays well under a minute.
timeout = int(os.environ.get("TUNTAS_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
# The reverse proxy in front (nginx, Apache) that may set X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("TUNTAS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("TUNTAS_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
# Request line and headers stay small; bodies are bounded by Django (DATA_UPLOAD_MAX_MEMORY_SIZE).
limit_request_line = 8190
limit_request_fields = 100
# No control socket: it would live in $HOME (read-only under the unit's ProtectHome) and two
# instances on one machine would fight over it.
control_socket_disable = True
