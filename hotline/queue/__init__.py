"""The queue: a caller waiting, a counselor free, the pair the matcher picks (routing/),
the atomic claim that rings one counselor for one caller with a whisper, accept or miss,
relax, overflow; and the counselors' presence as their shifts and calls move it.

Owns the live queue, offers, presence, wrap-up timers and counselors' phones in Redis
(live/queue.py, offers.py, presence.py, wrapup.py, phones.py and their Lua scripts, held
by the Runtime for every capability), and the periodic sweep of them (`sweep`).
Imports the adapters and the core, and staffing (who is on shift) one way.
"""
