"""Department keys: searches and disclosure items name a department by its key in the
council profile, so letters give its name in the requester's language.

Searches and items recorded before this kept a typed name only. Names known to be one of
the profile's standard departments get its key; any other name stays as it was, shown as
written (in English).

Revision ID: 0011_department_keys
Revises: 0010_letter_postings
Create Date: 2026-12-02 10:00:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_department_keys"
down_revision = "0010_letter_postings"
branch_labels = None
depends_on = None

# The standard department keys (portal/councils/wakefield.toml) and the names staff have
# typed for them, compared without case, spacing or apostrophe differences.
KNOWN_NAMES = {
    "early_help": ("early help", "early help service", "early help team", "early help hub"),
    "childrens_social_care": (
        "children's social care",
        "childrens social care",
        "children's services",
        "children's social work",
        "social care (children)",
    ),
    "education": (
        "education",
        "education and schools",
        "schools",
        "education welfare",
        "education welfare service",
    ),
    "housing": ("housing", "housing services", "housing service"),
    "police_liaison": ("police liaison", "police", "police liaison team"),
    "adult_social_care": ("adult social care", "adults social care", "adult services"),
    "youth_justice": ("youth justice", "youth justice service", "youth offending team"),
    "think_family_data": ("think family data team", "think family data", "think family"),
}
KEY_OF = {name: key for key, names in KNOWN_NAMES.items() for name in names}


def known_key(name: str) -> str | None:
    plain = re.sub(r"\s+", " ", name.replace("\u2019", "'")).strip().casefold()
    return KEY_OF.get(plain)


def _give_keys(table: str, name_column: str, key_column: str) -> None:
    connection = op.get_bind()
    rows = sa.table(table, sa.column(name_column, sa.String), sa.column(key_column, sa.String))
    names = connection.execute(sa.select(rows.c[name_column]).distinct()).scalars().all()
    for name in names:
        key = known_key(name or "")
        if key is not None:
            connection.execute(
                rows.update().where(rows.c[name_column] == name).values({key_column: key})
            )


def upgrade():
    with op.batch_alter_table("department_searches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_key", sa.String(length=40), nullable=True))
    with op.batch_alter_table("disclosure_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_department_key", sa.String(length=40), nullable=True)
        )
    _give_keys("department_searches", "department", "department_key")
    _give_keys("disclosure_items", "source_department", "source_department_key")


def downgrade():
    with op.batch_alter_table("disclosure_items", schema=None) as batch_op:
        batch_op.drop_column("source_department_key")
    with op.batch_alter_table("department_searches", schema=None) as batch_op:
        batch_op.drop_column("department_key")
