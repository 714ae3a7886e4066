"""One JSON line per request on stdout, for log shippers that index fields, not prose."""

import datetime
import json

from gunicorn.glogging import Logger


class JsonRequestLogger(Logger):
    """Gunicorn's logger with its access line replaced by a JSON object."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(str(resp.status).split(None, 1)[0]),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "bytes": getattr(resp, "sent", None),
            "host": environ.get("HTTP_HOST"),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.exception("Could not log the request to %s", environ.get("PATH_INFO"))
