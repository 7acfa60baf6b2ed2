"""Print the SQL queries each URL costs, uncached, as JSON: {url: count}.

Run with the same environment as the server (DATABASE_URL, DJANGO_SECRET_KEY).
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intloffice.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

client = Client(SERVER_NAME="127.0.0.1")
counts = {}
for url in sys.argv[1:]:
    client.get(url)  # warm per-process state (translations, URL resolvers)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    counts[url] = len(queries) if status == 200 else f"HTTP {status}"
print(json.dumps(counts))
