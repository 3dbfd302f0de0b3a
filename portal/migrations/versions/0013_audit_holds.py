"""Erasable audit details and legal hold (issue 14 points 3 and 5).

Audit events get a per-event salt and a digest of their details, and the chain is
re-hashed over the digest instead of the details (portal.cases.audit explains why), so a
case's details can later be erased while the chain still verifies. Existing events get a
fresh salt and their digest here, and the whole chain is re-hashed once, in id order. That
rewrites every stored hash, which is acceptable only because the portal is not yet live:
no hash has been given to anyone outside the database. The chain is verified under the old
rule first, so a trail already broken is not silently re-sealed.

Cases get the legal-hold columns (portal.cases.holds).

The downgrade re-hashes the chain over the details as they are (erased ones keep their
marker) and drops the columns.

Revision ID: 0013_audit_holds
Revises: 0012_objection_restrictions
Create Date: 2026-12-06 16:50:00

"""
import hashlib
import json
import secrets
from datetime import UTC

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_audit_holds"
down_revision = "0012_objection_restrictions"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64

# The rules as they stand in this revision, copied so later changes to the app's code
# do not change what this migration does.


def _json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def _hash(row, *, digest=None, details=None, previous_hash):
    occurred = row.occurred_at
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    body = {
        "id": row.id,
        "case_id": row.case_id,
        "actor": row.actor,
        "action": row.action,
        "occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
        "previous_hash": previous_hash,
    }
    if digest is None:
        body["details"] = details
    else:
        body["details_digest"] = digest
    return hashlib.sha256(_json(body)).hexdigest()


def _events():
    return sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("details", sa.JSON),
        sa.column("details_salt", sa.String),
        sa.column("details_digest", sa.String),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("previous_hash", sa.String),
        sa.column("hash", sa.String),
    )


def _rechain(*, with_digest):
    """Re-hash every event in id order (new rule when with_digest, else the old one) and
    move the head to the last."""
    connection = op.get_bind()
    events = _events()
    rows = connection.execute(sa.select(events).order_by(events.c.id)).all()
    if with_digest:
        previous = GENESIS_HASH
        for row in rows:
            if row.previous_hash != previous or row.hash != _hash(
                row, details=row.details, previous_hash=row.previous_hash
            ):
                raise RuntimeError(
                    f"Audit event {row.id} is already altered: run `flask audit verify` "
                    "on the previous version and investigate before migrating"
                )
            previous = row.hash
    # Give every row a placeholder first: hash is unique, and the new hashes could
    # otherwise collide with old ones mid-way (they cannot in practice; this is cheap).
    for row in rows:
        connection.execute(
            events.update().where(events.c.id == row.id).values(hash=f"rechain-{row.id}")
        )
    previous = GENESIS_HASH
    for row in rows:
        values = {"previous_hash": previous}
        if with_digest:
            salt = secrets.token_hex(16)
            digest = hashlib.sha256(bytes.fromhex(salt) + _json(row.details or {})).hexdigest()
            values |= {"details_salt": salt, "details_digest": digest}
            new_hash = _hash(row, digest=digest, previous_hash=previous)
        else:
            new_hash = _hash(row, details=row.details, previous_hash=previous)
        values["hash"] = new_hash
        connection.execute(events.update().where(events.c.id == row.id).values(values))
        previous = new_hash
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("last_hash", sa.String))
    connection.execute(head.update().where(head.c.id == 1).values(last_hash=previous))


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("details_digest", sa.String(length=64), nullable=True))
    _rechain(with_digest=True)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column(
            "details_digest", existing_type=sa.String(length=64), nullable=False
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("held_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("hold_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("hold_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("hold_note")
        batch_op.drop_column("hold_reason")
        batch_op.drop_column("held_by")
        batch_op.drop_column("held_at")
    _rechain(with_digest=False)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("details_digest")
        batch_op.drop_column("details_salt")
