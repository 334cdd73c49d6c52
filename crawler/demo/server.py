"""An HTTP server on 127.0.0.1 for the sample newsroom, which logs every request it answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

from crawler.demo.site import DemoSite


class _Handler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.record(self.path)
        # Links are percent-encoded in lower case, as WordPress writes them; clients may not be.
        path = quote(unquote(urlsplit(self.path).path), safe="/-_.~").lower()
        found = self.server.site.page(path) if self.server.site else None
        if found is None:
            content_type, body, status = "text/html; charset=UTF-8", b"<h1>Not Found</h1>", 404
        else:
            (content_type, body), status = found, 200
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are kept in DemoServer.requests, not printed


class DemoServer(ThreadingHTTPServer):
    """Serves a :class:`DemoSite` on ``127.0.0.1:port`` (0: any free port) from a thread.

    ``make_site`` receives the server's base URL (sitemaps and feeds hold absolute URLs).
    ``requests`` lists every path asked for, in order.
    """

    daemon_threads = True

    def __init__(self, port: int = 0, make_site: Callable[[str], DemoSite] = DemoSite) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.site: DemoSite = make_site(self.base_url)
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def start(self) -> DemoServer:
        self._thread = threading.Thread(target=self.serve_forever, name="demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
