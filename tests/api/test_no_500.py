"""No API endpoint answers 5xx to malformed input (API.md: "A 5xx is a bug").

The operations come from the OpenAPI schema the API serves (``/api/v1/openapi.json``), so
a new endpoint is covered without touching this file. For every operation, anonymously and
as a superuser, a battery of malformed requests is generated from the schema: path
parameters replaced by unknown or hostile values (and values mutated around a real code),
query parameters of the wrong type or out of range, JSON bodies of the wrong shape with
every field in turn given a wrong type, a huge string, a NUL character, a deep nesting or
a number JSON cannot hold in a float, non-JSON bodies, and multipart requests without a
file. Every answer must be below 500, and a 4xx must be JSON in the one error shape
``{"error": {"code", "message", "fields"?}}``.

Each request runs inside a savepoint that is rolled back afterwards: every mutation sees
the same small world, and a database error in one request (PostgreSQL aborts the
transaction) cannot spoil the next ones.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.test import Client

from motcua.dossiers import files, imports
from motcua.procedures import services as catalogue
from motcua.procedures.models import IncomeParameter, ProcedureVersion
from tests.conftest import PASSWORD, World
from tests.dossiers.world import build, receive, vn

PREFIX = "/api/v1"
FAILURES_SHOWN = int(os.environ.get("FUZZ_FAILURES_SHOWN", "15"))
SCHEMA_URL = f"{PREFIX}/openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")

# A tiny but real PDF: uploads are sniffed, and a stored file gives /files/{sha256} a real key.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the schema ----------------------------------------------------------------------------


def _load_schema() -> dict[str, Any]:
    # served without a database query, so it loads at collection time to parametrize by
    # it; the test environment (which allows the host "testserver") is not set up yet then
    response = Client(HTTP_HOST="localhost").get(SCHEMA_URL)
    assert response.status_code == 200, response.content
    return dict(response.json())


@dataclass
class Operation:
    id: str
    method: str
    path: str
    parameters: list[dict[str, Any]]
    body_kind: str | None  # "json", "multipart" or None
    body_schema: dict[str, Any] = field(default_factory=dict)


def _operations(schema: dict[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            content = op.get("requestBody", {}).get("content", {})
            kind: str | None = None
            body: dict[str, Any] = {}
            if "application/json" in content:
                kind, body = "json", content["application/json"].get("schema", {})
            elif "multipart/form-data" in content:
                kind, body = "multipart", content["multipart/form-data"].get("schema", {})
            assert path.startswith(PREFIX), path
            found.append(
                Operation(
                    id=op["operationId"],
                    method=method,
                    path=path[len(PREFIX) :],
                    parameters=list(item.get("parameters", [])) + list(op.get("parameters", [])),
                    body_kind=kind,
                    body_schema=body,
                )
            )
    return found


SCHEMA = _load_schema()
OPERATIONS = {op.id: op for op in _operations(SCHEMA)}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = SCHEMA["components"]["schemas"][name]
    return node


def _shape(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of a value without its ``anyOf [..., null]`` wrapper, and whether null is
    allowed."""
    node = _resolve(node)
    if "anyOf" in node:
        options = [_resolve(o) for o in node["anyOf"]]
        concrete = [o for o in options if o.get("type") != "null"]
        nullable = len(concrete) < len(options)
        chosen = dict(concrete[0]) if concrete else {}
        return chosen, nullable
    return node, False


# --- valid-looking values: a baseline to mutate one field at a time -------------------------

# Field names that refer to things of the world: the baseline uses real ones, so a mutation
# of another field reaches deeper than "unknown procedure". "Schema.field" wins over "field".
HINTS: dict[str, Any] = {
    "procedure": "MAU.DAT.01",
    "procedures": "MAU.DAT.01",
    "agency": "DL.MC",
    "lead_agency": "DL.MC",
    "unit": "427",
    "parent": "40",
    "level": "district",
    "channel": "counter",
    "action": "assign",
    "assignee": "dl.motcua",
    "role": "handling_official",
    "username": "fuzz.user",
    "full_name": "Nguyễn Văn An",
    "id_number": "040123456789",
    "phone": "0912345678",
    "email": "an@example.vn",
    "password": PASSWORD,
    "pause_rule": "pause",
    "online_level": "none",
    "cutoff_time": "17:00",
    "cutoff": "17:00",
    "start": "2024-05-06T08:00:00+07:00",
    "new_due_at": "2024-06-10T08:00:00+07:00",
    "at": "2024-05-06",
    "from": "2024-01-01",
    "to": "2024-12-31",
    "day": "2024-09-02",
    "year": 2024,
    "hours": 4,
    "value": 5,
    "working_days": 5,
    "format": "csv",
    "number": 1,
    "position": 1,
    "proposal_id": 1,
    "TokenIn.username": "root",
    "TimeLimitIO.unit": "working_days",
    "AgencyIn.kind": "division",
    "AgencyIn.parent": "DL.UBND",
    "OverrideIn.kind": "day_off",
    "MisconductIn.kind": "delay",
    "DocumentIn.name": "Đơn đăng ký biến động",
    "PublicDocumentIn.name": "Đơn đăng ký biến động",
    "ApplicantIn.type": "person",
}


def _hint(owner: str, name: str, kind: Any) -> Any:
    hint = HINTS.get(f"{owner}.{name}", HINTS.get(name))
    if hint is not None and isinstance(hint, str) == (kind not in {"integer", "number"}):
        return hint
    return None


def _structural(node: dict[str, Any]) -> bool:
    shape, _nullable = _shape(node)
    return shape.get("type") in {"object", "array"} or "properties" in shape


def _sample(node: dict[str, Any], name: str, real: dict[str, Any], owner: str = "") -> Any:
    """A plausible value: required fields, optional objects and lists (to reach the fields
    inside them) and optional fields the world has a real value for."""
    node, _nullable = _shape(node)
    if name in real:
        return real[name]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        title = node.get("title", "")
        required = set(node.get("required", []))
        sample = {
            key: _sample(sub, key, real, title)
            for key, sub in props.items()
            if key in required
            or key in real
            or _structural(sub)
            or _hint(title, key, _shape(sub)[0].get("type")) is not None
        }
        return sample if props else {"note": "Đô Lương"}
    if kind == "array":
        return [_sample(node.get("items", {}), name, real, owner)]
    return _scalar(node, name, owner)


SCALARS: dict[str, Any] = {
    "number": 1.5,
    "boolean": True,
    "date": "2024-05-06",
    "date-time": "2024-05-06T08:00:00+07:00",
}


def _scalar(node: dict[str, Any], name: str, owner: str) -> Any:
    kind = node.get("type")
    hint = _hint(owner, name, kind)
    if hint is not None:
        return hint
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    return SCALARS.get(kind or "", SCALARS.get(node.get("format", ""), "Đô Lương"))


# --- raw JSON tokens that Python's json cannot write -------------------------------------


class Raw:
    """A JSON token written verbatim (``1e309``, ``NaN``): json.dumps cannot produce them."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _dumps(value: Any) -> str:
    raws: list[str] = []

    def default(obj: Any) -> Any:
        if isinstance(obj, Raw):
            raws.append(obj.text)
            return f"@@RAW{len(raws) - 1}@@"
        raise TypeError(type(obj))

    text = json.dumps(value, default=default, ensure_ascii=False)
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@RAW{index}@@"', raw)
    return text


def _deep(depth: int) -> Any:
    value: Any = "Đô Lương"
    for _ in range(depth):
        value = {"a": [value]}
    return value


HUGE_STRING = "x" * 100_000
HUGE_INT = 10**30

# Path parameters: unknown and hostile values (``%00`` and ``%ff`` are sent percent-encoded
# as they are: a NUL byte and a byte that is not UTF-8 once decoded).
PATH_VALUES = [
    "NO.SUCH.CODE",
    "x" * 5000,
    "%00",
    "%ff",
    "../../etc/passwd",
    "Đô Lương",
    "-1",
    "9" * 30,
    "0",
]

# Query parameters: each is tried with every one of these, the others staying valid.
QUERY_VALUES = [
    "abc",
    "",
    "-1",
    "9" * 30,
    "1e309",
    "NaN",
    "9999-12-31",
    "0000-01-01",
    "2024-02-30",
    "2024-05-06T08:00:00",
    "9999-12-31T23:59:59+07:00",
    "25:99",
    "a\x00b",
    "x" * 5000,
    "Đô Lương",
]

# Whole JSON bodies of the wrong shape, sent as they are with content type application/json.
BODIES: list[tuple[str, str | bytes]] = [
    ("empty object", "{}"),
    ("array", "[]"),
    ("null", "null"),
    ("string", '"Đô Lương"'),
    ("number", "1e309"),
    ("NaN", "NaN"),
    ("empty body", ""),
    ("not json", "not json"),
    ("invalid utf-8", b'{"code": "\xff\xfe"}'),
    ("deeply nested arrays", "[" * 100_000 + "]" * 100_000),
    ("deeply nested objects", '{"a":' * 50_000 + "1" + "}" * 50_000),
]


def _field_mutations(node: dict[str, Any]) -> list[tuple[str, Any]]:
    """Representative wrong values for one field of the given schema."""
    node, nullable = _shape(node)
    kind = node.get("type")
    if kind == "object" or "properties" in node or "additionalProperties" in node:
        return [
            ("a string", "Đô Lương"),
            ("a list", [1, 2]),
            ("an int", 7),
            ("a deep nesting", _deep(200)),
            ("an object of NULs", {"a\x00": "b\x00"}),
        ] + ([] if nullable else [("null", None)])
    if kind == "array":
        return [
            ("a string", "Đô Lương"),
            ("an object", {"a": 1}),
            ("a list of nulls", [None, None]),
            ("a list of lists", [[["x"]]]),
            ("a list of 1e309", [Raw("1e309")]),
            ("a list of huge strings", [HUGE_STRING]),
        ] + ([] if nullable else [("null", None)])
    if kind in {"integer", "number"}:
        return [
            ("a string", "abc"),
            ("a list", [1]),
            ("an object", {"a": 1}),
            ("1e309", Raw("1e309")),
            ("-1e309", Raw("-1e309")),
            ("NaN", Raw("NaN")),
            ("a negative number", -1),
            ("a huge integer", HUGE_INT),
            ("a fraction", 0.5),
            ("a numeric string", "1e309"),
        ] + ([] if nullable else [("null", None)])
    if kind == "boolean":
        return [("a string", "abc"), ("an int", 2), ("a list", [True])] + (
            [] if nullable else [("null", None)]
        )
    return [
        ("an int", 12345),
        ("a float 1e309", Raw("1e309")),
        ("a list", ["Đô Lương"]),
        ("an object", {"a": "b"}),
        ("a 100,000-character string", HUGE_STRING),
        ("a NUL inside", "Đô\x00Lương"),
        ("an empty string", ""),
        ("a far date", "9999-12-31"),
        ("a year-zero date", "0000-01-01"),
        ("a time without offset", "2024-05-06T08:00:00"),
        ("a bad percent escape", "%ff%00"),
    ] + ([] if nullable else [("null", None)])


Path = tuple[str | int, ...]


def _walk(
    node: dict[str, Any], value: Any, at: Path
) -> Iterator[tuple[Path, dict[str, Any], bool]]:
    """Every field of the schema with its path in a sample body and whether leaving it out
    is an error to try, depth first (an optional field the sample leaves out is mutated by
    adding it; the keys of a free-form object are the sample's)."""
    shape, _nullable = _shape(node)
    if isinstance(value, dict) and "properties" in shape:
        required = set(shape.get("required", []))
        for key, sub in shape["properties"].items():
            yield (*at, key), sub, key in required and key in value
            if key in value:
                yield from _walk(sub, value[key], (*at, key))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key), _schema_of(item), True
            yield from _walk(_schema_of(item), item, (*at, key))
    elif isinstance(value, list) and value:
        item_schema = shape.get("items") or _schema_of(value[0])
        yield (*at, 0), item_schema, False
        yield from _walk(item_schema, value[0], (*at, 0))


def _schema_of(value: Any) -> dict[str, Any]:
    """The schema of a value inside a free-form object (the sample says what it is)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": _schema_of(value[0]) if value else {}}
    if isinstance(value, dict):
        return {"type": "object"}
    return {"type": "string"}


def _with(value: Any, at: Path, new: Any, *, remove: bool = False) -> Any:
    """A deep copy of ``value`` with the field at ``at`` replaced (or removed)."""
    copy = json.loads(_dumps(value))
    parent = copy
    for key in at[:-1]:
        parent = parent[key]
    if remove:
        del parent[at[-1]]
    else:
        parent[at[-1]] = new
    return copy


def _body_cases(op: Operation, baseline: Any) -> Iterator[tuple[str, Any]]:
    """(label, JSON text or bytes) for a JSON operation."""
    yield from BODIES
    yield "the baseline body", _dumps(baseline)
    for at, sub, removable in _walk(op.body_schema, baseline, ()):
        label = ".".join(str(p) for p in at)
        if removable:
            yield f"without {label}", _dumps(_with(baseline, at, None, remove=True))
        for what, wrong in _field_mutations(sub):
            yield f"{label} = {what}", _dumps(_with(baseline, at, wrong))


# --- the requests ------------------------------------------------------------------------


@dataclass
class Failure:
    who: str
    request: str
    status: int
    detail: str

    def __str__(self) -> str:
        return f"[{self.who}] {self.request} -> {self.status}\n{self.detail}"


@dataclass
class Fuzzer:
    client: Client
    op: Operation
    who: str
    headers: dict[str, str]
    real: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    sent: int = 0

    def url(self, path_values: dict[str, str], query: dict[str, Any]) -> str:
        path = self.op.path
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", quote(str(value), safe="/%"))
        url = PREFIX + path
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        return url

    def send(self, label: str, url: str, body: Any = None, content_type: str = "") -> int:
        sid = transaction.savepoint()
        try:
            if isinstance(body, dict):  # multipart form data
                assert self.op.method == "post"
                response = self.client.post(url, body, headers=self.headers)
            else:
                response = self.client.generic(
                    self.op.method.upper(),
                    url,
                    data=body if body is not None else b"",
                    content_type=content_type or "application/octet-stream",
                    headers=self.headers,
                )
        finally:
            transaction.savepoint_rollback(sid)
        self.sent += 1
        self.check(label, url, body, response)
        return int(response.status_code)

    def check(self, label: str, url: str, body: Any, response: Any) -> None:
        request = f"{self.op.method.upper()} {_short(url)} ({label})"
        if body is not None and not isinstance(body, dict):
            request += f" body={_short(body)}"
        status = response.status_code
        if status >= 500:
            exc_info = getattr(response, "exc_info", None)
            detail = _where(exc_info) if exc_info else _body_text(response)
            self.failures.append(Failure(self.who, request, status, _indent(detail)))
            return
        if status < 400:
            return
        problem = _error_shape_problem(response)
        if problem:
            self.failures.append(Failure(self.who, request, status, _indent(problem)))


def _short(value: Any, limit: int = 160) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    text = text.replace("\x00", "\\x00")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def _where(exc_info: Any) -> str:
    """The exception and the last frame of the application's code that it went through."""
    frames = traceback.extract_tb(exc_info[2])
    ours = [f for f in frames if "/motcua/" in f.filename and "/.venv/" not in f.filename]
    last = ours[-1] if ours else frames[-1]
    message = traceback.format_exception_only(exc_info[0], exc_info[1])[-1].strip()
    where = f"{last.filename.split('/motcua/', 1)[-1]}:{last.lineno} in {last.name}"
    return f"{_short(message, 200)}\n  at motcua/{where}: {last.line}"


def _body_text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return "(a streamed body)"
    return _short(response.content)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _error_shape_problem(response: Any) -> str:
    """What is wrong with a 4xx answer's shape; empty when it is the one error shape."""
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        return f"not JSON ({content_type!r}): {_body_text(response)}"
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"invalid JSON: {_short(response.content)}"
    error = body.get("error") if isinstance(body, dict) else None
    fields = error.get("fields", {"-": ["-"]}) if isinstance(error, dict) else None
    shaped = (
        isinstance(error, dict)
        and set(body) == {"error"}
        and set(error) <= {"code", "message", "fields"}
        and _text(error.get("code"))
        and _text(error.get("message"))
        and isinstance(fields, dict)
        and bool(fields)
        and all(isinstance(v, list) and v and all(_text(m) for m in v) for v in fields.values())
    )
    return "" if shaped else f"not the error shape: {_short(body)}"


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _real_path_values(op: Operation, real: dict[str, Any]) -> dict[str, str]:
    """A real value for each path parameter, by the collection the path names."""
    values: dict[str, str] = {}
    segments = op.path.strip("/").split("/")
    for param in op.parameters:
        if param["in"] != "path":
            continue
        name = param["name"]
        token = "{" + name + "}"
        before = segments[segments.index(token) - 1] if token in segments else ""
        key = f"{before}/{name}"
        if key in real:
            values[name] = str(real[key])
        elif name in real:
            values[name] = str(real[name])
        else:
            values[name] = str(_sample(param.get("schema", {}), name, {}))
    return values


def _path_mutations(real_value: str, schema: dict[str, Any]) -> list[str]:
    around = [real_value + "x", real_value.lower(), real_value + " ", " " + real_value]
    shape, _n = _shape(schema)
    if shape.get("type") == "integer":
        around = [real_value + "0", "1.5", "abc"]
    return [v for v in around if v != real_value] + PATH_VALUES


def fuzz(fuzzer: Fuzzer) -> None:
    op = fuzzer.op
    real = fuzzer.real
    path_values = _real_path_values(op, real)
    query_params = [p for p in op.parameters if p["in"] == "query"]
    query = {
        p["name"]: _sample(p.get("schema", {}), p["name"], {})
        for p in query_params
        if p.get("required")
    }
    baseline: Any = None
    if op.body_kind == "json":
        baseline = _sample(op.body_schema, "", real.get("body", {}))

    def default_body() -> tuple[Any, str]:
        if op.body_kind == "json":
            return _dumps(baseline), "application/json"
        if op.body_kind == "multipart":
            return {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")}, ""
        return None, ""

    # the plain request, then every path parameter replaced
    body, content_type = default_body()
    status = fuzzer.send("baseline", fuzzer.url(path_values, query), body, content_type)
    unauthenticated = status == 401
    for param in op.parameters:
        if param["in"] != "path":
            continue
        name = param["name"]
        for value in _path_mutations(path_values[name], param.get("schema", {})):
            body, content_type = default_body()
            url = fuzzer.url({**path_values, name: value}, query)
            fuzzer.send(f"path {name}={_short(value, 40)}", url, body, content_type)

    # every query parameter given every wrong value, the others staying as they were
    for param in query_params:
        name = param["name"]
        for value in QUERY_VALUES:
            body, content_type = default_body()
            url = fuzzer.url(path_values, {**query, name: value})
            fuzzer.send(f"query {name}={_short(value, 40)}", url, body, content_type)
        if not param.get("required"):
            continue
        body, content_type = default_body()
        without = {k: v for k, v in query.items() if k != name}
        fuzzer.send(f"without query {name}", fuzzer.url(path_values, without), body, content_type)

    url = fuzzer.url(path_values, query)
    if op.body_kind == "json":
        # without a token the answer cannot depend on the fields (authentication comes
        # first): the whole-body cases suffice then
        cases = BODIES if unauthenticated else _body_cases(op, baseline)
        for label, text in cases:
            fuzzer.send(label, url, text, "application/json")
    elif op.body_kind == "multipart":
        fuzzer.send("multipart without a file", url, {}, "")
        fuzzer.send("multipart with a text field as the file", url, {"file": "Đô Lương"}, "")
        fuzzer.send(
            "multipart with the file under another name",
            url,
            {"other": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
            "",
        )
        fuzzer.send(
            "multipart with an empty file",
            url,
            {"file": SimpleUploadedFile("empty.pdf", b"", "application/pdf")},
            "",
        )
        fuzzer.send(
            "multipart with a hostile file name",
            url,
            {"file": SimpleUploadedFile("../../etc/pass\x00wd.pdf", PDF, "application/pdf")},
            "",
        )
        fuzzer.send(
            "multipart with a non-PDF file",
            url,
            {"file": SimpleUploadedFile("a.pdf", b"\xff\xfe\x00garbage", "application/pdf")},
            "",
        )
        for label, text in (("a JSON body", "{}"), ("a non-JSON body", "not json")):
            fuzzer.send(f"{label} instead of multipart", url, text, "application/json")
        fuzzer.send(
            "a broken multipart body",
            url,
            b"--zz\r\nContent-Disposition: form-data; name=file\r\n\r\n",
            "multipart/form-data; boundary=zz",
        )
    else:
        # a body where none is expected must be ignored or refused, not crash
        fuzzer.send("an unexpected JSON body", url, "[" * 1000, "application/json")


# --- the tests ---------------------------------------------------------------------------


@pytest.fixture
def fuzz_world(world: World, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """A little data so that some path parameters have a real value to mutate around: one
    dossier, one stored file. Rate limits of the public endpoints are lifted so that the
    cases reach the validation rather than the 429."""
    settings.MEDIA_ROOT = str(tmp_path)
    for name in (
        "PORTAL_LOOKUP_PER_IP",
        "PORTAL_LOOKUP_PER_CODE",
        "PORTAL_REPORT_PER_IP",
        "PORTAL_SUBMIT_PER_IP",
        "PORTAL_UPLOAD_PER_IP",
    ):
        setattr(settings, name, 1_000_000)
    dw = build(world)
    # the procedure is offered online, so that a public submission reaches its validation
    ProcedureVersion.objects.filter(procedure=dw.procedure).update(online_level="full")
    dossier = receive(dw, vn(2024, 5, 6, 8, 30))
    stored = files.file_store(data=SimpleUploadedFile("a.pdf", PDF), name="a.pdf", by=world.root)
    IncomeParameter.objects.create(year=2024, monthly_income_vnd=8_000_000, source="test")
    costs = {
        "actions": [{"name": "Đi lại", "hours": 2}],
        "fees": [{"name": "Lệ phí", "amount_vnd": 50_000}],
        "hired_services_vnd": 0,
        "other_costs_vnd": 10_000,
        "subjects_per_year": 100,
        "times_per_year": 1,
    }
    proposal = catalogue.proposal_create(
        actor=world.root,
        procedure=dw.procedure,
        unit=world.dl,
        title="Rút ngắn thời hạn",
        year=2024,
        current=costs,
        proposed=costs,
    )
    # an import row as export_dossiers writes it, under a code not yet taken
    row = imports.dossier_export_row(dossier)
    row["code"] = "DL.MC-240506-0999"
    documents = [
        {"name": "Đơn đăng ký biến động", "file_sha256": stored.sha256},
        {"name": "Giấy chứng nhận quyền sử dụng đất"},
    ]
    return {
        "units/code": world.dl.code,
        "agencies/code": world.dl_one_stop.code,
        "officials/username": world.dl_motcua.username,
        "procedures/code": dw.procedure.code,
        "dossiers/code": dossier.code,
        "files/sha256": stored.sha256,
        "code": dossier.code,
        "sha256": stored.sha256,
        "proposals/proposal_id": proposal.pk,
        "body": {
            "code": dossier.code,
            "file_sha256": stored.sha256,
            "documents": documents,
            "current": costs,
            "proposed": costs,
            "dossiers": [row],
        },
    }


def test_the_shape_check_accepts_the_error_shape_and_nothing_else() -> None:
    shaped = {"error": {"code": "x.invalid", "message": "Sai.", "fields": {"a.b": ["Sai."]}}}
    assert _error_shape_problem(JsonResponse(shaped, status=400)) == ""
    assert _error_shape_problem(JsonResponse({"error": {"code": "x", "message": "m"}})) == ""
    for wrong in [
        {"detail": "Not found"},
        {"error": "x"},
        {"error": {"code": "", "message": "m"}},
        {"error": {"code": "x", "message": "m", "fields": {}}},
        {"error": {"code": "x", "message": "m", "fields": {"a": []}}},
        {"error": {"code": "x", "message": "m", "status": 400}},
        {"error": {"code": "x", "message": "m"}, "extra": 1},
    ]:
        assert _error_shape_problem(JsonResponse(wrong, status=400)).startswith("not the error")
    html = HttpResponse("<h1>Bad Request (400)</h1>", status=400)
    assert _error_shape_problem(html).startswith("not JSON")


def test_raw_tokens_are_written_verbatim_into_the_json_body() -> None:
    body = _dumps({"a": Raw("1e309"), "b": [Raw("NaN"), "Đô"]})
    assert body == '{"a": 1e309, "b": [NaN, "Đô"]}'


def test_the_schema_served_lists_every_operation_parametrized_here(client: Client, db: Any):
    served = {op.id for op in _operations(client.get(SCHEMA_URL).json())}
    assert served == set(OPERATIONS)
    assert len(OPERATIONS) > 40


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_no_endpoint_answers_5xx_to_malformed_input(
    op_id: str, who: str, fuzz_world: dict[str, Any]
) -> None:
    client = Client(raise_request_exception=False)
    headers: dict[str, str] = {}
    if who == "superuser":
        response = client.post(
            f"{PREFIX}/auth/token",
            {"username": "root", "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        headers["Authorization"] = f"Bearer {response.json()['token']}"
    fuzzer = Fuzzer(client=client, op=OPERATIONS[op_id], who=who, headers=headers, real=fuzz_world)
    fuzz(fuzzer)
    assert fuzzer.sent > 0
    if fuzzer.failures:
        pytest.fail(
            f"{op_id}: {len(fuzzer.failures)} of {fuzzer.sent} requests failed:\n"
            + "\n".join(str(f) for f in fuzzer.failures[:FAILURES_SHOWN]),
            pytrace=False,
        )
