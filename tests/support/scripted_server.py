"""A real HTTP server on loopback that answers from a script, for exercising the client's
retry, backoff and refresh paths deterministically. Each request pops the next scripted answer
(the last one repeats) and is recorded with its headers and body. Or, with `route`, a function
answers each request by what it asks for (the fuzz tests of vendor answers)."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes
    at: float


class ScriptedServer:
    def __init__(self):
        self.script: list[Answer] = [Answer()]
        self.route: Callable[[Seen], Answer] | None = None
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command,
                    self.path,
                    dict(self.headers),
                    self.rfile.read(length),
                    time.time(),
                )
                server.seen.append(seen)
                if server.route is not None:
                    answer = server.route(seen)
                elif len(server.script) > 1:
                    answer = server.script.pop(0)
                else:
                    answer = server.script[0]
                time.sleep(answer.delay)
                payload = (
                    answer.body
                    if isinstance(answer.body, bytes)
                    else json.dumps(answer.body).encode()
                )
                self.send_response(answer.status)
                if "Content-Type" not in answer.headers:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, *answers: Answer):
        self.script = list(answers)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
