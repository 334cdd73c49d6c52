"""An HTTP server on 127.0.0.1 for sample sites, which logs every request it answers.

It serves anything with a ``respond(path, query)`` method (the bundled :class:`DemoSite`, the
test suite's fixture sites) from a thread, so that a crawl in another process can fetch it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from crawler.demo.reply import NOT_FOUND, Reply
from crawler.demo.site import DemoSite


class SampleSite(Protocol):
    def respond(self, path: str, query: str) -> Reply | None:
        """The reply to GET ``path?query`` (path percent-encoded in lower case), None for a 404."""


class Handler(BaseHTTPRequestHandler):
    """Answers each GET with the site's reply; ``send`` is where a subclass may misbehave."""

    server: DemoServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        # Links are percent-encoded in lower case, as WordPress writes them; clients may not be.
        path = quote(unquote(parts.path), safe="/-_.~").lower()
        reply = self.server.site.respond(path, parts.query) or NOT_FOUND
        etag = reply.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:  # a conditional GET, answered
            reply = Reply(status=304, headers={"ETag": etag})
        self.server.record(self.path, reply.status)
        self.send(reply)

    def send(self, reply: Reply) -> None:
        self.send_head(reply, len(reply.body))
        self.wfile.write(reply.body)

    def send_head(self, reply: Reply, length: int) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # requests are kept in DemoServer.requests, not printed


class DemoServer(ThreadingHTTPServer):
    """Serves a sample site on ``host:port`` (port 0: any free port) from a thread.

    ``make_site`` receives the server's base URL (sitemaps and feeds hold absolute URLs).
    ``requests`` lists every path (with its query) asked for, in order; ``statuses`` the
    answers. Replies that carry an ``ETag`` answer a matching ``If-None-Match`` with a 304.
    """

    daemon_threads = True

    def __init__(
        self,
        port: int = 0,
        make_site: Callable[[str], SampleSite] = DemoSite,
        host: str = "127.0.0.1",
        handler: type[Handler] = Handler,
    ) -> None:
        super().__init__((host, port), handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.site = make_site(self.base_url)
        self.requests: list[str] = []
        self.statuses: list[int] = []  # the status answered to each of the requests
        self._lock = threading.Lock()

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.requests.append(path)
            self.statuses.append(status)

    def start(self) -> DemoServer:
        threading.Thread(target=self.serve_forever, name="demo-server", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
