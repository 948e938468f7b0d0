"""Supervision: what supervisors watch and do over the live hotline. The dashboard's live
figures from Redis (`live_figures`) and its service figures from the records (`stats`);
joining a call's room to listen, coach or barge, and a counselor's warm transfer
(`supervise`).

Owns no table of its own: it reads the call records, the callbacks and the live state
through the adapters and the Runtime's stores, and writes only the audit log. Imports the
adapters and the core, and no other capability; the dashboard, the console and the
voice webhooks call it.
"""
