"""A stand-in for the Anthropic Messages API on 127.0.0.1, speaking the real wire format.

Stdlib only (ThreadingHTTPServer, HTTP/1.1, Nagle off: tooling.md section 7). It serves
``POST /v1/messages`` as JSON or as an SSE stream (``"stream": true``) and
``POST /v1/messages/count_tokens``; it replays a script of replies (text, ``propose_file_change`` tool
calls, errors with 429/529/500 bodies, streams cut mid-way, slow streams) and records every request so
tests can assert what arrived (or that nothing did). Usage numbers, including prompt-cache reads and
writes, are computed from the request the way the API reports them: ``input_tokens`` excludes the
cached prefix, which is written on first sight and read afterwards.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted assistant message."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    stop_reason: str | None = None  # default: "tool_use" with tool calls, else "end_turn"
    output_tokens: int | None = None  # default: ~len/4 of what is sent back
    event_delay: float = 0.0  # seconds between SSE events (cancellation tests)
    cut_after: int | None = None  # drop the connection after this many SSE events
    json_chunk: int = 37  # input_json_delta piece size (odd on purpose: splits tokens mid-way)


@dataclass
class ErrorReply:
    status: int
    type: str
    message: str
    retry_after: float | None = None


Script = Reply | ErrorReply


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def estimate_tokens(text: str) -> int:
    """The stand-in's tokenizer: about four characters per token (good enough for figures)."""
    return max(1, (len(text) + 3) // 4) if text else 0


def _block_text(block: Any) -> str:
    if isinstance(block, str):
        return block
    if isinstance(block, dict):
        if block.get("type") == "text":
            return str(block.get("text", ""))
        return json.dumps({k: v for k, v in block.items() if k != "cache_control"}, sort_keys=True)
    return json.dumps(block, sort_keys=True)


def _segments(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """The request as (text, has_cache_control) pieces in the API's cache order: tools, system, messages."""
    out: list[tuple[str, bool]] = []
    for tool in body.get("tools") or []:
        out.append((json.dumps({k: v for k, v in tool.items() if k != "cache_control"}, sort_keys=True),
                    "cache_control" in tool))
    system = body.get("system")
    if isinstance(system, str):
        out.append((system, False))
    elif isinstance(system, list):
        out.extend((_block_text(b), isinstance(b, dict) and "cache_control" in b) for b in system)
    for msg in body.get("messages") or []:
        content = msg.get("content")
        if isinstance(content, str):
            out.append((content, False))
        else:
            out.extend((_block_text(b), isinstance(b, dict) and "cache_control" in b) for b in content or [])
    return out


class FakeAnthropic:
    """Start with ``with FakeAnthropic() as api:``; point the SDK at ``api.url``."""

    def __init__(self, *, min_cache_tokens: int = 1024) -> None:
        self.script: deque[Script] = deque()
        self.default: Script = Reply(text="(no scripted reply)")
        self.requests: list[Recorded] = []
        self.min_cache_tokens = min_cache_tokens
        self.serve_count_tokens = True  # False: answer 404 like an endpoint that lacks it
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeAnthropic:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *items: Script) -> None:
        self.script.extend(items)

    @property
    def message_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/messages"]

    # -- usage -----------------------------------------------------------------------------------
    def count(self, body: dict[str, Any]) -> int:
        return sum(estimate_tokens(t) for t, _ in _segments(body))

    def usage_for(self, body: dict[str, Any]) -> dict[str, int]:
        segs = _segments(body)
        total = sum(estimate_tokens(t) for t, _ in segs)
        marks = [i for i, (_, cc) in enumerate(segs) if cc]
        if not marks and isinstance(body.get("cache_control"), dict):
            marks = [len(segs) - 1]  # top-level cache_control: the last cacheable block
        read = write = 0
        if marks:
            prefix = segs[: marks[-1] + 1]
            ptoks = sum(estimate_tokens(t) for t, _ in prefix)
            if ptoks >= self.min_cache_tokens:
                key = hashlib.sha256(("\x00".join(t for t, _ in prefix) + body.get("model", "")).encode()).hexdigest()
                with self._lock:
                    if key in self._cache:
                        read = ptoks
                    else:
                        self._cache.add(key)
                        write = ptoks
        return {"input_tokens": total - read - write, "cache_read_input_tokens": read,
                "cache_creation_input_tokens": write}


class _Handler(BaseHTTPRequestHandler):
    api: FakeAnthropic
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # 44 ms -> 1.4 ms per keep-alive response (tooling.md 7)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass

    def _send_json(self, status: int, obj: Any, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", f"req_fake_{len(self.api.requests)}")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length", "0") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send_json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "bad JSON"}})
            return
        path = self.path.split("?", 1)[0]
        with self.api._lock:
            self.api.requests.append(Recorded(path, {k.lower(): v for k, v in self.headers.items()}, body))
        if path == "/v1/messages/count_tokens" and self.api.serve_count_tokens:
            self._send_json(200, {"input_tokens": self.api.count(body)})
            return
        if path != "/v1/messages":
            self._send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": path}})
            return
        with self.api._lock:
            item = self.api.script.popleft() if self.api.script else self.api.default
        if isinstance(item, ErrorReply):
            extra = {"retry-after": f"{item.retry_after:g}"} if item.retry_after is not None else None
            self._send_json(item.status, {"type": "error", "error": {"type": item.type, "message": item.message}}, extra)
            return
        usage = self.api.usage_for(body)
        if body.get("stream"):
            self._stream(item, body, usage)
        else:
            self._json_message(item, body, usage)

    # -- replies ---------------------------------------------------------------------------------
    @staticmethod
    def _content(item: Reply) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if item.text:
            blocks.append({"type": "text", "text": item.text})
        for i, (name, args) in enumerate(item.tool_calls):
            blocks.append({"type": "tool_use", "id": f"toolu_fake_{i:03d}", "name": name, "input": args})
        return blocks

    @staticmethod
    def _out_tokens(item: Reply) -> int:
        if item.output_tokens is not None:
            return item.output_tokens
        return estimate_tokens(item.text + "".join(json.dumps(a) for _, a in item.tool_calls))

    def _message(self, item: Reply, body: dict[str, Any], usage: dict[str, int], content: list[Any]) -> dict[str, Any]:
        return {"id": f"msg_fake_{len(self.api.requests)}", "type": "message", "role": "assistant",
                "model": body.get("model", "claude-fake"), "content": content, "stop_reason": None,
                "stop_sequence": None, "usage": {**usage, "output_tokens": 1}}

    def _json_message(self, item: Reply, body: dict[str, Any], usage: dict[str, int]) -> None:
        msg = self._message(item, body, usage, self._content(item))
        msg["stop_reason"] = item.stop_reason or ("tool_use" if item.tool_calls else "end_turn")
        msg["usage"]["output_tokens"] = self._out_tokens(item)
        self._send_json(200, msg)

    def _events(self, item: Reply, body: dict[str, Any], usage: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
        ev: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start",
                                                                  "message": self._message(item, body, usage, [])})]
        idx = 0
        if item.text:
            ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                               "content_block": {"type": "text", "text": ""}}))
            ev.append(("ping", {"type": "ping"}))
            for start in range(0, len(item.text), 24):
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                                   "delta": {"type": "text_delta", "text": item.text[start:start + 24]}}))
            ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
            idx += 1
        for i, (name, args) in enumerate(item.tool_calls):
            ev.append(("content_block_start", {"type": "content_block_start", "index": idx, "content_block": {
                "type": "tool_use", "id": f"toolu_fake_{i:03d}", "name": name, "input": {}}}))
            js = json.dumps(args)
            for start in range(0, len(js), item.json_chunk):
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx, "delta": {
                    "type": "input_json_delta", "partial_json": js[start:start + item.json_chunk]}}))
            ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
            idx += 1
        stop = item.stop_reason or ("tool_use" if item.tool_calls else "end_turn")
        ev.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                     "usage": {"output_tokens": self._out_tokens(item)}}))
        ev.append(("message_stop", {"type": "message_stop"}))
        return ev

    def _stream(self, item: Reply, body: dict[str, Any], usage: dict[str, int]) -> None:
        # Chunked, like the real API: a cut then shows up as an incomplete body, not a clean EOF.
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for n, (name, data) in enumerate(self._events(item, body, usage)):
                if item.cut_after is not None and n >= item.cut_after:
                    self.wfile.flush()
                    self.connection.shutdown(2)  # abrupt: no terminating chunk
                    return
                payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                self.wfile.flush()
                if item.event_delay:
                    time.sleep(item.event_delay)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return  # the client went away (cancellation): fine
