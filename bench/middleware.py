"""Count the SQL of each request, for the benchmark only (see bench/settings.py).

Adds `X-Query-Count` and `X-Query-Time` (milliseconds, as the app saw them) to every
response. A request sent with `X-Bench-Capture: <name>` also has its SQL written to
`$BENCH_SQL_DIR/<name>.json`, so the runner can time the bare SQL (the floor).
"""

import json
import os
import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

_NAME = re.compile(r"^[\w.-]{1,100}$")


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.sql_dir = os.environ.get("BENCH_SQL_DIR")

    def __call__(self, request):
        with CaptureQueriesContext(connection) as context:
            response = self.get_response(request)
        queries = context.captured_queries
        response["X-Query-Count"] = str(len(queries))
        response["X-Query-Time"] = f"{sum(float(q['time']) for q in queries) * 1000:.2f}"
        name = request.headers.get("X-Bench-Capture", "")
        if self.sql_dir and _NAME.match(name):
            path = Path(self.sql_dir) / f"{name}.json"
            path.write_text(json.dumps({"path": request.get_full_path(), "queries": queries}))
        return response
