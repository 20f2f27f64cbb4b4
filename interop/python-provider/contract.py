"""What this provider takes from asyncapi.yaml, read once at start-up: the channel's limits, the message schemas
(to validate what clients send and, with --self-check, what we send), and the protocol version.

Nothing here is specific to our agent; it is the wire contract as data."""

import json
import re
import secrets
from datetime import datetime, timezone

import yaml
from jsonschema import Draft7Validator, RefResolver, validators
from jsonschema.exceptions import ValidationError


def _pattern(validator, pattern, instance, schema):
    """`pattern` with ECMAScript semantics, as the contract's own (ajv) validators apply it: `$` is the end of the
    string (Python's `$` also matches before a final newline) and `\\d`, `\\w` are ASCII only."""
    if not isinstance(instance, str):
        return
    compiled = _compiled.get(pattern)
    if compiled is None:
        compiled = _compiled[pattern] = re.compile(_js_to_python(pattern), re.ASCII)
    if not compiled.search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_compiled = {}


def _js_to_python(pattern):
    """Replaces every `$` anchor outside a character class by `\\Z`."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "]":
            in_class = False
            out.append(ch)
        elif ch == "$" and not in_class:
            out.append(r"\Z")
        else:
            out.append(ch)
    return "".join(out)


StrictValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


def _pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


class Contract:
    """The parts of the AsyncAPI document the provider needs."""

    def __init__(self, path):
        with open(path, "r", encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        doc = self.doc
        self.title = doc["info"]["title"]
        self.version = doc["info"]["version"]
        major, minor = self.version.split(".")[:2]
        self.protocol_version = f"{major}.{minor}"

        # The one channel and its limits (x-netra-limits), e.g. max_client_frame_bytes, client_frames_per_second.
        (self.channel_name, channel), = doc["channels"].items()
        self.address = channel["address"]
        self.limits = dict(channel.get("x-netra-limits", {}))

        resolver = RefResolver("", doc)
        # Message type -> validator, split by direction (operations: receive = client to server, send = the reverse).
        self.client = {}
        self.server = {}
        for op in doc["operations"].values():
            target = self.client if op["action"] == "receive" else self.server
            for ref in op["messages"]:
                message = self.resolve(self.resolve(ref["$ref"])["$ref"])
                payload = message["payload"]
                schema = self.resolve(payload["$ref"]) if "$ref" in payload else payload
                msg_type = schema["properties"]["type"]["const"]
                target[msg_type] = StrictValidator(payload, resolver=resolver)

        schemas = doc["components"]["schemas"]
        self._request_id = StrictValidator(schemas["RequestId"], resolver=resolver)
        self._user_id = StrictValidator(schemas["UserId"], resolver=resolver)

    def resolve(self, ref):
        """A local `#/a/b` reference."""
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def limit(self, name, required=True):
        """A channel limit from x-netra-limits (None when absent and not required: that limit is then off)."""
        value = self.limits.get(name)
        if value is None and required:
            raise SystemExit(f"asyncapi.yaml: x-netra-limits has no {name}")
        return value

    def client_errors(self, msg):
        """Schema errors of a client message whose `type` is known, as `{pointer, keyword, message}` (max 5)."""
        validator = self.client[msg["type"]]
        out = []
        for err in sorted(validator.iter_errors(msg), key=lambda e: list(e.absolute_path)):
            pointer = _pointer(err.absolute_path)
            if err.validator == "required":
                missing = re.search(r"'([^']*)' is a required property", err.message)
                if missing:
                    pointer += "/" + missing.group(1)
            out.append({"pointer": pointer, "keyword": str(err.validator), "message": err.message[:300]})
            if len(out) == 5:
                break
        return out

    def server_errors(self, msg):
        validator = self.server.get(msg.get("type"))
        if validator is None:
            return [{"pointer": "/type", "keyword": "const", "message": "not a server message type"}]
        return [{"pointer": _pointer(e.absolute_path), "message": e.message[:300]} for e in validator.iter_errors(msg)]

    def is_request_id(self, value):
        return isinstance(value, str) and self._request_id.is_valid(value)

    def is_user_id(self, value):
        return isinstance(value, str) and self._user_id.is_valid(value)


def new_id(prefix):
    """`evt_`, `run_`, `thr_`, `conn_`, ... + 16 random URL-safe characters (the id patterns allow 6 to 64)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def timestamp(t=None):
    """RFC 3339 in UTC with milliseconds, as the Timestamp schema requires."""
    moment = datetime.now(timezone.utc) if t is None else datetime.fromtimestamp(t, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dumps(msg):
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
