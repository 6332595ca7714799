"""Alembic environment for the evidence database.

Migrations run through :mod:`storage.migrate` (``Repository.open``/``upgrade``, ``evidence db
upgrade``), which passes an open connection, inside a transaction, as
``config.attributes["connection"]``; no alembic.ini is used. SQLite gets batch mode so that
future ALTERs work through table copies.
"""

from __future__ import annotations

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "evidence migrations need a connection: use storage.migrate (evidence db upgrade)"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
