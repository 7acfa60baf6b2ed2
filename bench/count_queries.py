"""Print the SQL queries each URL costs with the page cache off, as JSON:
{url: [first view after a change, every later view]}.

"First" makes everything stale before the request (a new epoch), so the remembered
values (page boundaries, filter choices, neighbours) are computed as after an edit.
Run with the same environment as the server (DATABASE_URL, DJANGO_SECRET_KEY).
"""

import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intloffice.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from intloffice.core.freshness import everything_changed  # noqa: E402

client = Client(SERVER_NAME="127.0.0.1")


def queries(url: str) -> int | str:
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    return len(captured) if status == 200 else f"HTTP {status}"


counts = {}
for url in sys.argv[1:]:
    client.get(url)  # per-process state (translations, URL resolvers)
    everything_changed()
    counts[url] = [queries(url), queries(url)]
print(json.dumps(counts))
