"""The hash chain of a dossier's events (SPEC §5, evidence).

Each event's hash is SHA-256 over a canonical JSON of the dossier code, the event's
sequence number, time, actor, action, statuses, data and the previous event's hash. The
dossier row keeps the number of events and the last hash, so that removing the newest
event is caught too. ``verify`` recomputes everything and names every broken dossier.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def event_hash(
    *,
    code: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    from_status: int | None,
    to_status: int,
    data: Any,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            code,
            seq,
            # as the database gives it back: UTC, to the microsecond
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor,
            action,
            from_status,
            to_status,
            data,
            prev_hash,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Verification:
    checked: int = 0
    broken: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify(batch: int = 500) -> Verification:
    """Recompute every dossier's chain; name each dossier whose history was altered,
    deleted, reordered or extended behind the application's back."""
    from motcua.dossiers.models import Dossier, DossierEvent

    result = Verification()
    dossiers = Dossier.objects.order_by("pk").values_list("pk", "code", "revision", "ledger_head")
    chunk: list[tuple[int, str, int, str]] = []
    for row in dossiers.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) >= batch:
            _check(chunk, result, DossierEvent)
            chunk = []
    if chunk:
        _check(chunk, result, DossierEvent)
    return result


def _check(chunk: list[tuple[int, str, int, str]], result: Verification, model: Any) -> None:
    by_dossier: dict[int, list[Any]] = {pk: [] for pk, *_rest in chunk}
    events = (
        model.objects.filter(dossier_id__in=by_dossier)
        .select_related("actor")
        .order_by("dossier_id", "seq", "pk")
    )
    for event in events:
        by_dossier[event.dossier_id].append(event)
    for pk, code, revision, head in chunk:
        result.checked += 1
        prev = GENESIS
        intact = len(by_dossier[pk]) == revision
        for expected_seq, event in enumerate(by_dossier[pk], start=1):
            recomputed = event_hash(
                code=code,
                seq=event.seq,
                at=event.at,
                actor=event.actor_name,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                data=event.data,
                prev_hash=event.prev_hash,
            )
            if event.seq != expected_seq or event.prev_hash != prev or event.hash != recomputed:
                intact = False
                break
            prev = event.hash
        if not intact or prev != (head or GENESIS):
            result.broken.append(code)
