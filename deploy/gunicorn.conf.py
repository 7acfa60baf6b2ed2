"""gunicorn settings for production (deploy/systemd/intloffice.service, make nginx-check).

The same choices as `make serve`: synchronous workers, one per core plus one (measured,
see the README), recycled now and then, a request killed after 30 s. Under systemd the
listening socket comes from intloffice.socket, so no ``bind`` here.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "sync"
max_requests = 5000
max_requests_jitter = 500
timeout = 30
graceful_timeout = 25
# gunicorn 25.1+ opens a control socket in the home folder by default; systemctl reload
# and stop are the controls here, and two servers on one host would share that path.
control_socket_disable = True

# One access line per request, with the id nginx and Django log it under.
accesslog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
)
