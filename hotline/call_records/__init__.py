"""Call records: the minimal anonymous record of each call (`record`), browsing and export
(`browse`), the retention purge (`retention`) and a data-subject request (`forget`), over
the SQL that forgets (`erasure`).

Owns the call records, daily counts and audit trail's use cases (the shared tables, the
record's queries and the audit writer stay in records/). Calls callbacks one way:
forgetting a caller cancels their callbacks.
"""
