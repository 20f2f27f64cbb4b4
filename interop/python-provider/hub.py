"""Runs and who sees them.

A Run numbers its events (seq 1..n), keeps them (for `resume`), and publishes each one through the Hub to every
open connection of its user and to no one else. Everything here is synchronous: asyncio runs one callback at a
time, so an event is numbered, stored and queued on every connection in one step, and a replay cannot interleave
with live events. Optionally every event is also appended to an event log (one server message per line) so that
a restarted provider can still replay ended runs and ends the runs it was killed in the middle of."""

import asyncio
import json
import os
import time
from datetime import datetime

from agent import RunOver, cancelled_answer
from contract import dumps, new_id, timestamp

TERMINALS = ("agent_completed", "agent_error")


class Run:
    def __init__(self, hub, run_id, user, thread_id, request_id, agent_name):
        self.hub = hub
        self.id = run_id
        self.user = user
        self.thread_id = thread_id
        self.request_id = request_id
        self.agent_name = agent_name
        self.events = []  # the serialised events; events[seq - 1]
        self.open_calls = {}  # tool_call_id -> tool_name
        self.ended = False
        self.ended_at = None
        self.started = time.monotonic()
        self.found = {}  # what the agent knows so far (a cancelled run answers with it)
        self.task = None
        self._calls = 0
        self._steps = 0

    # ---- events ---------------------------------------------------------------------------------------------

    def emit(self, type_, _check=True, **fields):
        if self.ended:
            raise RunOver()
        msg = {"type": type_, "event_id": new_id("evt"), "run_id": self.id, "thread_id": self.thread_id,
               "user_id": self.user, "agent_name": self.agent_name, "seq": len(self.events) + 1,
               "timestamp": timestamp(), **fields}
        if _check and self.hub.self_check:
            errors = self.hub.contract.server_errors(msg)
            if errors:
                self.hub.log("error", "self_check_failed", run_id=self.id, type=type_, errors=errors[:3])
                self._end_with_error("CONTRACT_VIOLATION", "The agent produced an event that breaks the contract; "
                                     "it was not sent.", retryable=False, check=False)
                raise RunOver()
        self._record(msg, dumps(msg))
        return msg

    def _record(self, msg, text):
        self.events.append(text)
        if msg["type"] == "tool_executing":
            self.open_calls[msg["tool_call_id"]] = msg["tool_name"]
        elif msg["type"] == "tool_completed":
            self.open_calls.pop(msg["tool_call_id"], None)
        elif msg["type"] in TERMINALS:
            self.ended = True
            self.ended_at = time.time()
            if self.task is not None and self.task is not asyncio.current_task():
                self.task.cancel()
        self.hub.publish(self, msg, text)

    async def paced(self):
        """Waits while the user's fan-out budget is spent (called by the agent between steps)."""
        await self.hub.pace(self.user)

    def think(self, reasoning):
        self._steps += 1
        self.emit("agent_thinking", reasoning=reasoning[:4000], step_number=self._steps)

    def call(self, tool_name, parameters):
        self._calls += 1
        call_id = f"call_{self._calls}"
        self.emit("tool_executing", tool_call_id=call_id, tool_name=tool_name, parameters=parameters)
        return call_id

    def done(self, call_id, results, started, error=None, _check=True):
        fields = {"tool_call_id": call_id, "tool_name": self.open_calls[call_id],
                  "status": "error" if error else "success", "results": results,
                  "execution_time_ms": int((time.monotonic() - started) * 1000)}
        if error:
            fields["error"] = error
        self.emit("tool_completed", _check=_check, **fields)

    def complete(self, status, final_response, result):
        self.emit("agent_completed", status=status, final_response=final_response[:20000], result=result,
                  execution_time_ms=self.elapsed_ms())

    def fail(self, code, message, retryable):
        self._end_with_error(code, message, retryable)

    def elapsed_ms(self):
        return int((time.monotonic() - self.started) * 1000)

    # ---- ending from outside the agent (cancel, drain, timeout) -----------------------------------------------

    def _close_open_calls(self, code, message, check=True):
        now = time.monotonic()
        for call_id in list(self.open_calls):
            self.done(call_id, {}, now, error={"code": code, "message": message}, _check=check)

    def _end_with_error(self, code, message, retryable, check=True):
        self._close_open_calls(code, "The run ended before this tool finished.", check)
        self.emit("agent_error", _check=check, code=code, message=message, retryable=retryable)

    def cancel(self):
        """The user cancelled: open tool calls are closed, then agent_completed `cancelled` with what was found."""
        self._close_open_calls("CANCELLED", "The run was cancelled before this tool finished.")
        text, result = cancelled_answer(self.found)
        self.complete("cancelled", text, result)

    def abort(self, code, message, retryable):
        if not self.ended:
            self._end_with_error(code, message, retryable)


class Hub:
    def __init__(self, contract, log, self_check=False, retain_s=600, event_log=None, fanout_bytes_per_s=None):
        self.contract = contract
        self.log = log
        self.self_check = self_check
        self.retain_s = retain_s
        self.fanout_rate = fanout_bytes_per_s
        self.budget = {}  # user -> [bytes the user may still be sent, when last refilled]
        self.conns = {}  # user -> set of open, authenticated connections
        self.runs = {}  # run_id -> Run (in flight, or ended less than retain_s ago)
        self.requests = {}  # (user, request_id) -> run_id
        self.threads = {}  # thread_id -> user
        self._log_file = None
        self._log_path = event_log
        if event_log:
            self._recover(event_log)

    # ---- connections ----------------------------------------------------------------------------------------

    def attach(self, conn):
        self.conns.setdefault(conn.user, set()).add(conn)

    def detach(self, conn):
        conns = self.conns.get(conn.user)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self.conns[conn.user]

    def all_conns(self):
        return [c for conns in self.conns.values() for c in conns]

    # ---- per-user fan-out pacing: a token bucket of bytes (one second's worth) per user ------------------------

    def spend(self, user, nbytes):
        """Counts bytes queued for one of the user's connections (live events and replays alike)."""
        if self.fanout_rate:
            self._refill(user)[0] -= nbytes

    def _refill(self, user):
        now = time.monotonic()
        bucket = self.budget.setdefault(user, [float(self.fanout_rate), now])
        bucket[0] = min(float(self.fanout_rate), bucket[0] + (now - bucket[1]) * self.fanout_rate)
        bucket[1] = now
        return bucket

    async def pace(self, user):
        """A user over the budget waits until it is back in credit; other users are not slowed."""
        while self.fanout_rate:
            deficit = -self._refill(user)[0]
            if deficit <= 0:
                return
            await asyncio.sleep(min(deficit / self.fanout_rate, 1.0))

    def publish(self, run, msg, text):
        if self._log_file is not None:
            self._log_file.write(text + "\n")
            self._log_file.flush()
        for conn in list(self.conns.get(run.user, ())):
            conn.deliver(run.id, msg["seq"], text)

    # ---- runs -----------------------------------------------------------------------------------------------

    def active_runs(self, user=None):
        return [r for r in self.runs.values() if not r.ended and (user is None or r.user == user)]

    def new_run(self, user, request_id, thread_id, agent_name):
        run = Run(self, new_id("run"), user, thread_id or new_id("thr"), request_id, agent_name)
        self.runs[run.id] = run
        self.requests[(user, request_id)] = run.id
        self.threads[run.thread_id] = user
        return run

    def purge(self):
        """Forgets runs that ended more than retain_s ago (their resume is then FORBIDDEN, like an unknown run)."""
        horizon = time.time() - self.retain_s
        now = time.monotonic()
        self.budget = {u: b for u, b in self.budget.items() if u in self.conns or now - b[1] < 60}
        gone = {rid for rid, r in self.runs.items() if r.ended and r.ended_at < horizon}
        if not gone:
            return
        for rid in gone:
            del self.runs[rid]
        self.requests = {k: v for k, v in self.requests.items() if v not in gone}
        live_threads = {r.thread_id for r in self.runs.values()}
        self.threads = {t: u for t, u in self.threads.items() if t in live_threads}
        for conn in self.all_conns():
            conn.forget(gone)

    # ---- durable event log ----------------------------------------------------------------------------------

    def _recover(self, path):
        """Loads the log, keeps the runs still retained, rewrites it compacted, and ends (agent_error
        PROVIDER_RESTARTED) every run the previous process did not finish."""
        events = {}
        if os.path.exists(path):
            with open(path, "r", encoding="utf-8") as f:
                for line in f:
                    try:
                        msg = json.loads(line)
                        events.setdefault(msg["run_id"], []).append((msg, line.rstrip("\n")))
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a crash
        horizon = time.time() - self.retain_s
        unfinished = []
        for run_id, items in events.items():
            items.sort(key=lambda item: item[0]["seq"])
            first = items[0][0]
            if first.get("type") != "agent_started" or [m["seq"] for m, _ in items] != list(range(1, len(items) + 1)):
                continue
            run = Run(self, run_id, first["user_id"], first["thread_id"], first.get("request_id"), first["agent_name"])
            for msg, text in items:
                run.events.append(text)
                if msg["type"] == "tool_executing":
                    run.open_calls[msg["tool_call_id"]] = msg["tool_name"]
                elif msg["type"] == "tool_completed":
                    run.open_calls.pop(msg["tool_call_id"], None)
                elif msg["type"] in TERMINALS:
                    run.ended = True
                    run.ended_at = datetime.fromisoformat(msg["timestamp"].replace("Z", "+00:00")).timestamp()
            if run.ended and run.ended_at < horizon:
                continue
            self.runs[run_id] = run
            if run.request_id:
                self.requests[(run.user, run.request_id)] = run_id
            self.threads[run.thread_id] = run.user
            if not run.ended:
                unfinished.append(run)
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for run in self.runs.values():
                for text in run.events:
                    f.write(text + "\n")
        os.replace(tmp, path)
        self._log_file = open(path, "a", encoding="utf-8")
        for run in unfinished:
            run.abort("PROVIDER_RESTARTED", "The provider restarted during this run; send the request again.",
                      retryable=True)
        self.log("info", "event_log_loaded", runs=len(self.runs), ended_on_restart=len(unfinished))

    def close(self):
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
