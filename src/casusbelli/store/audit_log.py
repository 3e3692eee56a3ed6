"""The web app's append-only audit log, read back per workspace.
"""

from __future__ import annotations

from sqlalchemy import (
    select,
)

from casusbelli.store.db import Store
from casusbelli.store.webstate_schema import AuditEntry, audit_t

__all__ = [
    "audit_entries",
]


def audit_entries(
    store: Store, *, workspace: str, limit: int = 200, case_id: str | None = None
) -> list[AuditEntry]:
    """The newest audit-log rows of ``workspace`` first."""
    q = (
        select(audit_t)
        .where(audit_t.c.workspace == workspace)
        .order_by(audit_t.c.id.desc())
        .limit(limit)
    )
    if case_id is not None:
        q = q.where(audit_t.c.case_id == case_id)
    with store.atomic() as s:
        return [AuditEntry(**dict(r._mapping)) for r in s.execute(q)]
