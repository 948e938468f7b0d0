"""The live state's Redis stores that the Runtime builds once and holds for several
capabilities (calls, queue, offers, presence, wrap-ups, phones), and their Lua (`lua`).

A store one capability alone reads sits in that capability's folder; the connection,
the leader's lease and the counters are in platform/."""
