#!/usr/bin/python3
"""A Netra agent WebSocket provider written from asyncapi.yaml and contracts/rules alone (see README.md).

    /usr/bin/python3 interop/python-provider/provider.py --host 127.0.0.1 --port 0

prints one line `{"event":"listening","url":"ws://127.0.0.1:<port>/ws"}` on stdout when it listens; logs are JSON
lines on stderr. SIGTERM drains: runs in flight end with agent_error PROVIDER_RESTARTED, every socket closes with
1001, exit 0."""

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
import time
from http import HTTPStatus
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # leave no __pycache__ in the repository

import websockets.exceptions  # noqa: E402
import websockets.legacy.server  # noqa: E402

from agent import AGENT_NAME, RunOver, run_budget_advisor  # noqa: E402
from auth import AuthError, TokenVerifier  # noqa: E402
from contract import Contract, dumps, new_id, timestamp  # noqa: E402
from hub import Hub  # noqa: E402

# "frames over 1 MiB close it with 1009" (channel description; x-netra-limits has no key for it).
HARD_FRAME_LIMIT = 1 << 20
# Unsent bytes one connection may hold when the spec names no max_send_buffer_bytes.
DEFAULT_SEND_BUFFER = 4 << 20
_JWT_LIKE = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
CLOSE = object()


# ---- logging: JSON lines on stderr, tokens redacted whatever happens ----------------------------------------

LEVELS = {"debug": 10, "info": 20, "warn": 30, "error": 40}


class Log:
    def __init__(self, level):
        self.threshold = LEVELS[level]

    def __call__(self, level, event, **fields):
        if LEVELS[level] < self.threshold:
            return
        line = json.dumps({"ts": timestamp(), "level": level, "event": event, **fields}, default=str)
        sys.stderr.write(_JWT_LIKE.sub("<redacted>", line) + "\n")
        sys.stderr.flush()


class _LibraryLogs(logging.Handler):
    """The websockets library's own logs, as JSON lines, without their text (which may quote headers)."""

    def __init__(self, log):
        super().__init__(logging.WARNING)
        self._log = log

    def emit(self, record):
        kind = record.exc_info[0].__name__ if record.exc_info else None
        self._log("warn" if record.levelno < logging.ERROR else "error", "websockets", logger=record.name,
                  kind=kind, message=_JWT_LIKE.sub("<redacted>", record.getMessage())[:200])


# ---- one connection -------------------------------------------------------------------------------------------

class Conn:
    """An authenticated connection: a queue of outgoing frames drained by one writer task (so frames leave in the
    order they were queued), the runs' seqs it already has, its token deadline and its rate-limit bucket."""

    def __init__(self, server, ws, conn_id, user, deadline):
        self.server = server
        self.ws = ws
        self.id = conn_id
        self.user = user
        self.deadline = deadline
        self.queue = asyncio.Queue()
        self.queued_bytes = 0  # in self.queue, not yet handed to the socket
        self.closing = None
        self.sent = {}  # run_id -> seqs queued on this connection
        self.claimed = {}  # run_id -> last_seq of its resume (the client has 1..last_seq)
        self.tokens = float(server.burst)
        self.refilled = time.monotonic()
        self.writer = asyncio.create_task(self._write())
        self.expiry = None
        self.arm_expiry()

    # ---- sending ----

    def send(self, msg):
        """A connection message (connection_established, error_message); run events come through deliver()."""
        if self.closing is not None:
            return
        if self.server.args.self_check:
            errors = self.server.contract.server_errors(msg)
            if errors:
                self.server.log("error", "self_check_failed", type=msg.get("type"), errors=errors[:3])
        text = dumps(msg)
        self._queue(text, len(text.encode("utf-8")))

    def _queue(self, text, nbytes):
        """Queues a frame, or closes the connection with 1013 when its unsent data would pass the send buffer."""
        transport = self.ws.transport
        unsent = self.queued_bytes + (transport.get_write_buffer_size() if transport is not None else 0)
        if unsent + nbytes > self.server.send_buffer:
            self.server.log("warn", "slow_consumer", conn=self.id, user=self.user, unsent_bytes=unsent)
            self.closing = (1013, "slow consumer: reconnect and resume")
            self.server.hub.detach(self)
            self.writer.cancel()
            asyncio.create_task(self.ws.close(1013, "slow consumer: reconnect and resume"))
            return False
        self.queued_bytes += nbytes
        self.queue.put_nowait((text, nbytes))
        return True

    def deliver(self, run_id, seq, text):
        """A run event, unless this connection already has it (sent here, or claimed by its resume)."""
        if self.closing is not None or seq <= self.claimed.get(run_id, 0):
            return
        sent = self.sent.setdefault(run_id, set())
        if seq not in sent:
            sent.add(seq)
            nbytes = len(text.encode("utf-8"))
            if self._queue(text, nbytes):
                self.server.hub.spend(self.user, nbytes)

    def replay(self, run, last_seq):
        """resume: exactly the events after last_seq this connection does not have, in seq order; live events
        follow through deliver()."""
        self.claimed[run.id] = max(self.claimed.get(run.id, 0), last_seq)
        for seq in range(last_seq + 1, len(run.events) + 1):
            self.deliver(run.id, seq, run.events[seq - 1])

    def forget(self, run_ids):
        for rid in run_ids:
            self.sent.pop(rid, None)
            self.claimed.pop(rid, None)

    def error(self, code, message, request_id=None, run_id=None, details=None):
        msg = {"type": "error_message", "error_code": code, "error_message": message[:2000], "timestamp": timestamp()}
        if request_id is not None:
            msg["request_id"] = request_id
        if run_id is not None:
            msg["run_id"] = run_id
        if details is not None:
            msg["details"] = details
        self.server.log("debug", "refused", conn=self.id, user=self.user, code=code, request_id=request_id)
        self.send(msg)

    def close(self, code, reason):
        """Stops this connection's share of the user's runs now, and closes once what is queued has been sent."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        self.server.hub.detach(self)
        if self.expiry is not None:
            self.expiry.cancel()
        self.queue.put_nowait(CLOSE)

    async def _write(self):
        try:
            while True:
                item = await self.queue.get()
                if item is CLOSE:
                    await self.ws.close(*self.closing)
                    return
                text, nbytes = item
                self.queued_bytes -= nbytes
                await self.ws.send(text)
        except websockets.exceptions.ConnectionClosed:
            pass

    # ---- token lifetime ----

    def arm_expiry(self):
        if self.expiry is not None:
            self.expiry.cancel()
        delay = min(max(0.0, self.deadline - time.time()), 86400.0)
        self.expiry = asyncio.get_running_loop().call_later(delay, self._expire)

    def _expire(self):
        if self.closing is not None:
            return
        if time.time() < self.deadline:
            self.arm_expiry()
            return
        self.server.log("info", "token_expired", conn=self.id, user=self.user)
        self.error("TOKEN_EXPIRED", "The access token expired; reconnect with a new token and resume your runs.")
        self.close(1008, "token expired")

    def take_token(self):
        now = time.monotonic()
        self.tokens = min(float(self.server.burst), self.tokens + (now - self.refilled) * self.server.rate)
        self.refilled = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


# ---- the server -------------------------------------------------------------------------------------------------

class Provider:
    def __init__(self, args, contract, verifier, log):
        self.args = args
        self.contract = contract
        self.verifier = verifier
        self.log = log
        self.hub = Hub(contract, log, self_check=args.self_check, retain_s=args.retain_s, event_log=args.event_log,
                       fanout_bytes_per_s=contract.limit("max_fanout_bytes_per_user_per_second", required=False))
        self.max_frame = contract.limit("max_client_frame_bytes")
        self.max_depth = contract.limit("max_json_depth")
        self.rate = float(contract.limit("client_frames_per_second"))
        self.burst = int(contract.limit("client_frames_burst"))
        self.heartbeat_ms = args.heartbeat_ms or contract.limit("heartbeat_interval_ms")
        # Per-user limits (absent from the spec: off).
        self.max_conns = contract.limit("max_connections_per_user", required=False)
        self.max_runs = contract.limit("max_concurrent_runs_per_user", required=False)
        self.send_buffer = contract.limit("max_send_buffer_bytes", required=False) or DEFAULT_SEND_BUFFER
        self.draining = False
        self.handlers = set()
        self.handlers_done = asyncio.Event()
        self.handlers_done.set()

    # ---- handshake and connection lifetime ----

    async def process_request(self, path, headers):
        if path.split("?", 1)[0] != self.contract.address:
            return HTTPStatus.NOT_FOUND, [("Content-Type", "text/plain")], b"not found\n"
        if self.draining:
            return HTTPStatus.SERVICE_UNAVAILABLE, [("Content-Type", "text/plain"), ("Retry-After", "1")], b"draining\n"
        return None

    async def handle(self, ws):
        task = asyncio.current_task()
        self.handlers.add(task)
        self.handlers_done.clear()
        try:
            await self._serve(ws)
        finally:
            self.handlers.discard(task)
            if not self.handlers:
                self.handlers_done.set()

    def _token(self, ws):
        auth = ws.request_headers.get("Authorization")
        if auth:
            scheme, _, token = auth.strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
        if ws.subprotocol and ws.subprotocol.startswith("jwt."):
            return ws.subprotocol[4:]
        return None

    async def _serve(self, ws):
        conn_id = new_id("conn")
        try:
            claims = self.verifier.verify(self._token(ws))
        except AuthError as err:
            self.log("info", "auth_refused", conn=conn_id, code=err.code)
            try:
                await ws.send(dumps({"type": "error_message", "error_code": err.code, "error_message": err.message,
                                     "timestamp": timestamp()}))
                await ws.close(1008, err.code)
            except websockets.exceptions.ConnectionClosed:
                pass
            return
        if self.max_conns is not None and len(self.hub.conns.get(claims.sub, ())) >= self.max_conns:
            # Checked and counted in one step (no await until hub.attach below); open connections are untouched.
            self.log("info", "too_many_connections", conn=conn_id, user=claims.sub)
            try:
                await ws.send(dumps({"type": "error_message", "error_code": "TOO_MANY_CONNECTIONS",
                                     "error_message": f"At most {self.max_conns} connections per user are open at "
                                                      "once; close one first.", "timestamp": timestamp()}))
                await ws.close(1008, "TOO_MANY_CONNECTIONS")
            except websockets.exceptions.ConnectionClosed:
                pass
            return
        conn = Conn(self, ws, conn_id, claims.sub, self.verifier.deadline(claims))
        conn.send({
            "type": "connection_established", "connection_id": conn_id, "user_id": claims.sub,
            "server_time": timestamp(), "protocol_version": self.contract.protocol_version,
            "token_expires_at": timestamp(claims.exp), "heartbeat_interval_ms": self.heartbeat_ms,
            "max_frame_bytes": self.max_frame,
        })
        if self.draining:
            conn.close(1001, "server draining")
        else:
            self.hub.attach(conn)  # from here on it receives every event of its user's runs
        self.log("info", "connected", conn=conn_id, user=claims.sub, via="subprotocol" if ws.subprotocol else "header",
                 tabs=len(self.hub.conns.get(claims.sub, ())))
        try:
            async for frame in ws:
                if conn.closing is None:
                    self.on_frame(conn, frame)
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            self.hub.detach(conn)
            if conn.expiry is not None:
                conn.expiry.cancel()
            if conn.closing is not None and not conn.writer.done():
                try:  # a close we started: let the writer finish sending what was queued and the close frame
                    await asyncio.wait_for(asyncio.shield(conn.writer), 5)
                except asyncio.TimeoutError:
                    pass
            conn.writer.cancel()
            self.log("info", "disconnected", conn=conn_id, user=claims.sub, code=ws.close_code)

    # ---- client frames ----

    def _peek_request_id(self, text):
        """The request_id of a frame refused before it was read (rate limit, size), when it can be had cheaply."""
        try:
            if isinstance(text, str) and len(text) <= HARD_FRAME_LIMIT and self._depth(text) <= self.max_depth:
                msg = json.loads(text)
                if isinstance(msg, dict) and self.contract.is_request_id(msg.get("request_id")):
                    return msg["request_id"]
        except (ValueError, RecursionError):
            pass
        return None

    @staticmethod
    def _depth(text):
        depth = deepest = 0
        for ch in _BRACKETS.findall(_STRINGS.sub("", text)):
            if ch in "[{":
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
        return deepest

    def on_frame(self, conn, frame):
        if not conn.take_token():
            conn.error("RATE_LIMITED", f"More than {self.rate:g} frames a second (burst {self.burst}); this frame "
                       "was dropped.", request_id=self._peek_request_id(frame))
            return
        if isinstance(frame, bytes):
            conn.error("BINARY_NOT_SUPPORTED", "Binary frames are not supported; send JSON text frames.")
            return
        size = len(frame) if len(frame) * 4 <= self.max_frame else len(frame.encode("utf-8", "surrogatepass"))
        if size > self.max_frame:
            conn.error("FRAME_TOO_LARGE", f"The frame has {size} bytes; at most {self.max_frame} are allowed.",
                       request_id=self._peek_request_id(frame))
            return
        if self._depth(frame) > self.max_depth:
            conn.error("NESTING_TOO_DEEP", f"JSON may be nested at most {self.max_depth} levels deep.")
            return
        try:
            msg = json.loads(frame, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            conn.error("INVALID_JSON", "The frame is not valid JSON.")
            return
        if not isinstance(msg, dict):
            conn.error("SCHEMA_VALIDATION_FAILED", "A message is a JSON object with a type.",
                       details={"errors": [{"pointer": "", "keyword": "type", "message": "must be object"}]})
            return
        request_id = msg.get("request_id") if self.contract.is_request_id(msg.get("request_id")) else None
        msg_type = msg.get("type")
        if not isinstance(msg_type, str):
            conn.error("SCHEMA_VALIDATION_FAILED", "The message has no type.", request_id=request_id,
                       details={"errors": [{"pointer": "/type", "keyword": "required", "message": "type is required"}]})
            return
        if msg_type not in self.contract.client:
            conn.error("UNKNOWN_MESSAGE_TYPE", f"Unknown message type {msg_type[:64]!r}; clients send "
                       f"{', '.join(sorted(self.contract.client))}.", request_id=request_id)
            return
        errors = self.contract.client_errors(msg)
        if errors:
            first = errors[0]
            conn.error("SCHEMA_VALIDATION_FAILED", f"{msg_type}: {first['pointer'] or '/'} {first['message']}",
                       request_id=request_id, details={"errors": errors})
            return
        try:
            getattr(self, f"on_{msg_type}")(conn, msg, request_id)
        except RunOver:
            pass

    def on_start_agent(self, conn, msg, request_id):
        user = conn.user
        if self.draining:
            conn.error("SERVER_DRAINING", "The server is restarting; reconnect and send the request again.",
                       request_id=request_id)
            return
        first = self.hub.requests.get((user, request_id))
        if first is not None:
            conn.error("DUPLICATE_REQUEST", f"request_id {request_id} was already used; it started run {first}.",
                       request_id=request_id, run_id=first)
            return
        thread_id = msg.get("thread_id")
        if thread_id is not None and self.hub.threads.get(thread_id, user) != user:
            conn.error("FORBIDDEN", "This thread cannot be used.", request_id=request_id)
            return
        if self.max_runs is not None and len(self.hub.active_runs(user)) >= self.max_runs:
            conn.error("TOO_MANY_RUNS", f"At most {self.max_runs} runs at once; wait for one to end.",
                       request_id=request_id)
            return
        run = self.hub.new_run(user, request_id, thread_id, AGENT_NAME)
        run.emit("agent_started", request_id=request_id)
        run.task = asyncio.create_task(self._drive(run, msg))
        self.log("info", "run_started", run_id=run.id, user=user, request_id=request_id, conn=conn.id)

    async def _drive(self, run, msg):
        a = self.args
        timer = asyncio.get_running_loop().call_later(a.run_timeout_s, run.abort, "RUN_TIMEOUT",
                                                      f"The run took longer than {a.run_timeout_s:g} s.", True)
        try:
            await run_budget_advisor(run, msg, a.think_ms, a.tool_ms, a.jitter)
        except (RunOver, asyncio.CancelledError):
            pass
        except Exception as err:  # an agent bug must still end the run
            self.log("error", "agent_failed", run_id=run.id, error=f"{type(err).__name__}: {err}")
        finally:
            timer.cancel()
            try:
                run.abort("AGENT_FAILED", "The agent stopped unexpectedly.", retryable=True)
            except RunOver:
                pass
            self.log("info", "run_ended", run_id=run.id, user=run.user, events=len(run.events),
                     ms=run.elapsed_ms())

    def _own_run(self, conn, msg, request_id):
        """The user's run named by the message, or None after answering FORBIDDEN (identical for a run that does
        not exist, expired or belongs to someone else)."""
        run = self.hub.runs.get(msg["run_id"])
        if run is None or run.user != conn.user:
            conn.error("FORBIDDEN", "No such run for this user.", request_id=request_id, run_id=msg["run_id"])
            return None
        return run

    def on_resume(self, conn, msg, request_id):
        run = self._own_run(conn, msg, request_id)
        if run is not None:
            conn.replay(run, int(msg["last_seq"]))

    def on_cancel_run(self, conn, msg, request_id):
        run = self._own_run(conn, msg, request_id)
        if run is None:
            return
        if run.ended:
            conn.error("RUN_NOT_ACTIVE", "The run has already ended.", request_id=request_id, run_id=run.id)
            return
        self.log("info", "run_cancelled", run_id=run.id, user=conn.user)
        run.cancel()

    def on_auth_refresh(self, conn, msg, request_id):
        try:
            claims = self.verifier.verify(msg["token"])
        except AuthError as err:  # the connection keeps its current expiry
            conn.error(err.code, f"Refresh refused: {err.message}", request_id=request_id)
            return
        if claims.sub != conn.user:
            self.log("warn", "auth_user_mismatch", conn=conn.id, user=conn.user)
            conn.error("AUTH_USER_MISMATCH", "The new token belongs to another user.", request_id=request_id)
            conn.close(1008, "AUTH_USER_MISMATCH")
            return
        conn.deadline = self.verifier.deadline(claims)
        conn.arm_expiry()
        self.log("debug", "refreshed", conn=conn.id, user=conn.user)

    # ---- drain ----

    async def drain(self, ws_server):
        """SIGTERM: refuse new connections and runs, give runs in flight --grace-s to finish, end the rest with
        agent_error PROVIDER_RESTARTED (retryable), then close every socket with 1001."""
        self.draining = True
        self.log("info", "draining", runs=len(self.hub.active_runs()), conns=len(self.hub.all_conns()))
        ws_server.server.close()  # stop accepting; open connections stay for now
        deadline = time.monotonic() + self.args.grace_s
        while self.hub.active_runs() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for run in self.hub.active_runs():
            run.abort("PROVIDER_RESTARTED", "The provider is restarting; send the request again.", retryable=True)
        for conn in self.hub.all_conns():
            conn.close(1001, "server draining: reconnect and resume")
        try:
            await asyncio.wait_for(self.handlers_done.wait(), 10)
        except asyncio.TimeoutError:
            self.log("warn", "drain_timeout", conns=len(self.handlers))
        ws_server.close()
        await ws_server.wait_closed()
        self.hub.close()


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


class _Protocol(websockets.legacy.server.WebSocketServerProtocol):
    def process_subprotocol(self, headers, available_subprotocols):
        """Echoes the browser's `jwt.<token>` subprotocol, as the WebSocket standard and asyncapi.yaml require."""
        offered = []
        for value in headers.get_all("Sec-WebSocket-Protocol"):
            offered += [p.strip() for p in value.split(",")]
        return next((p for p in offered if p.startswith("jwt.")), None)


def read_secret(args):
    if args.secret_file:
        with open(args.secret_file, "rb") as f:
            secret = f.read().strip()
    else:
        secret = os.environ.get(args.secret_env, "").encode("utf-8")
    if not secret:
        where = args.secret_file or f"${args.secret_env}"
        raise SystemExit(f"provider: no JWT secret in {where}")
    return secret


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0 = any free port")
    p.add_argument("--spec", default=str(HERE.parent.parent / "asyncapi.yaml"), help="the AsyncAPI document")
    p.add_argument("--secret-env", default="NETRA_JWT_SECRET", help="environment variable holding the HS256 secret")
    p.add_argument("--secret-file", help="file holding the HS256 secret (instead of --secret-env)")
    p.add_argument("--issuer", default="netra-auth-service")
    p.add_argument("--audience", default="netra-platform")
    p.add_argument("--leeway-s", type=float, default=5.0, help="clock leeway for exp/nbf/iat")
    p.add_argument("--think-ms", type=float, default=30.0)
    p.add_argument("--tool-ms", type=float, default=40.0)
    p.add_argument("--jitter", type=float, default=0.25)
    p.add_argument("--heartbeat-ms", type=int, default=0, help="ping interval (default: the spec's)")
    p.add_argument("--retain-s", type=float, default=600.0, help="how long ended runs stay resumable")
    p.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                   help="override one of the spec's x-netra-limits, e.g. max_connections_per_user=2 (repeatable)")
    p.add_argument("--run-timeout-s", type=float, default=40.0)
    p.add_argument("--grace-s", type=float, default=0.0, help="on SIGTERM, time runs in flight get to finish")
    p.add_argument("--event-log", help="durable event log (JSON lines): runs survive a restart")
    p.add_argument("--self-check", action="store_true", help="validate every outgoing run event against the spec")
    p.add_argument("--log-level", choices=sorted(LEVELS), default="info")
    return p.parse_args(argv)


async def main(argv):
    args = parse_args(argv)
    log = Log(args.log_level)
    lib = logging.getLogger("websockets")
    lib.addHandler(_LibraryLogs(log))
    lib.propagate = False
    contract = Contract(args.spec)
    for item in args.limit:
        name, _, value = item.partition("=")
        if name not in contract.limits or not value.isdigit():
            raise SystemExit(f"provider: --limit {item}: expected NAME=INTEGER with NAME one of {sorted(contract.limits)}")
        contract.limits[name] = int(value)
    verifier = TokenVerifier(read_secret(args), args.issuer, args.audience, args.leeway_s, contract.is_user_id)
    provider = Provider(args, contract, verifier, log)
    heartbeat_s = provider.heartbeat_ms / 1000
    ws_server = await websockets.legacy.server.serve(
        provider.handle, args.host, args.port,
        create_protocol=_Protocol,
        process_request=provider.process_request,
        subprotocols=["jwt"],  # any non-empty list: process_subprotocol above does the choosing
        compression=None,
        max_size=HARD_FRAME_LIMIT,  # larger frames: close 1009
        ping_interval=heartbeat_s,
        ping_timeout=2 * heartbeat_s,  # "a connection that misses two pongs is closed"
        close_timeout=5,
    )
    port = ws_server.sockets[0].getsockname()[1]
    host = args.host if ":" not in args.host else f"[{args.host}]"
    sys.stdout.write(json.dumps({"event": "listening", "url": f"ws://{host}:{port}{contract.address}"}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    log("info", "listening", port=port, spec=f"{contract.title}@{contract.version}", agent=AGENT_NAME,
        self_check=args.self_check, event_log=bool(args.event_log))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def purge():
        while True:
            await asyncio.sleep(min(10.0, max(args.retain_s / 4, 0.5)))
            provider.hub.purge()

    purger = asyncio.create_task(purge())
    await stop.wait()
    purger.cancel()
    await provider.drain(ws_server)
    log("info", "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
