"""The shared schema: every table's model (`models`, one metadata for Alembic), the
call records' queries (`calls`), the vault (`vault`) and the audit writer (`audit`),
which several capabilities read.

A table's queries that one capability alone needs sit in its folder; the engine,
sessions and migrations are in platform/."""
