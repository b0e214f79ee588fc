"""A small threaded HTTP server for tests: records every request and answers from a script.

    peer = HttpPeer().start()
    peer.fail_first(2, status=503)          # the next 2 requests get 503
    peer.route("/token", json={"access_token": "t"})   # per path prefix answers
    peer.delay = 0.5                        # every answer waits 0.5 s
    peer.url("/send")  -> "http://127.0.0.1:<port>/send"
    peer.requests[-1].json                  # what the client sent
"""

from __future__ import annotations

import json as _json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        return _json.loads(self.body.decode("utf-8")) if self.body else None

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


def _answer(status=200, json=None, body=None, headers=None, delay=0.0) -> Answer:
    hdrs = dict(headers or {})
    if json is not None:
        data = _json.dumps(json, ensure_ascii=False).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json; charset=utf-8")
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = body or b""
    return Answer(status=status, body=data, headers=hdrs, delay=delay)


class HttpPeer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.requests: list[RecordedRequest] = []
        self.delay = 0.0
        self.default = _answer(200, json={"code": 0, "message": "ok"})
        self._routes: list[tuple[str, Answer]] = []
        self._queue: list[Answer] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ------------------------------------------------------------------------------
    def fail_first(self, n: int, status: int = 503, json=None, body=None) -> HttpPeer:
        with self._lock:
            self._queue.extend(_answer(status, json=json, body=body or b"unavailable") for _ in range(n))
        return self

    def enqueue(self, status=200, json=None, body=None, headers=None, delay=0.0) -> HttpPeer:
        """Answer the next request (whatever its path) with this, once."""
        with self._lock:
            self._queue.append(_answer(status, json=json, body=body, headers=headers, delay=delay))
        return self

    def route(self, prefix: str, status=200, json=None, body=None, headers=None, delay=0.0) -> HttpPeer:
        """Answer every request whose path starts with ``prefix`` (longest prefix wins)."""
        with self._lock:
            self._routes = [r for r in self._routes if r[0] != prefix]
            self._routes.append((prefix, _answer(status, json=json, body=body, headers=headers, delay=delay)))
            self._routes.sort(key=lambda r: -len(r[0]))
        return self

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._routes.clear()
            self._queue.clear()
            self.delay = 0.0

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def requests_to(self, prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.url_path.startswith(prefix)]

    # --- lifecycle ------------------------------------------------------------------------------
    def _pick(self, path: str) -> Answer:
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
            p = urlsplit(path).path
            for prefix, ans in self._routes:
                if p.startswith(prefix):
                    return ans
            return self.default

    def start(self) -> HttpPeer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = RecordedRequest(
                    method=self.command, path=self.path, query=parse_qs(urlsplit(self.path).query),
                    headers={k: v for k, v in self.headers.items()}, body=body,
                )
                with peer._lock:
                    peer.requests.append(rec)
                ans = peer._pick(self.path)
                wait = ans.delay or peer.delay
                if wait:
                    time.sleep(wait)
                try:
                    self.send_response(ans.status)
                    for k, v in ans.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(ans.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(ans.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
