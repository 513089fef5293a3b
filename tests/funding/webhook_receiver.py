"""A local receiver for the webhooks' tests: an HTTP server on 127.0.0.1, in a thread.

Each request is recorded (path, headers, body); it is answered by the next reply in
`replies` (status, headers, seconds to wait first), 200 once they run out.
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    received: list = field(default_factory=list)
    replies: list = field(default_factory=list)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def reply(self, status, headers=None, wait=0.0):
        self.replies.append((status, headers or {}, wait))


def start_receiver():
    receiver = Receiver(server=None)
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            length = int(self.headers.get("Content-Length") or 0)
            receiver.received.append(Received(self.path, dict(self.headers),
                                              self.rfile.read(length)))
            status, headers, wait = receiver.replies.pop(0) if receiver.replies else (
                200, {}, 0.0)
            if wait:
                stop.wait(wait)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            try:
                self.wfile.write(b"ok")
            except OSError:
                pass  # the platform gave up waiting

        def log_message(self, *args):
            pass

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.server.daemon_threads = True
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()

    def close():
        stop.set()
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(5)

    return receiver, close
