"""A call's life on the caller's side: the menus (`menus`: one IVR turn per webhook, the
number turned into a caller key at once), their state carried in the signed URL
(`url_state`), the hold loop (`hold`), and the caller's and counselor's legs ending
(`status`).

Owns the live call in Redis (live/calls.py). Calls the queue (a caller joins it, is
overflowed, a missed ring), callbacks (offered on hold) and call records (written at
the hang-up), one way each.
"""
