"""Call records: the minimal anonymous record of each call (`record`), browsing and export
(`browse`), the retention purge (`retention`) and a data-subject request (`forget`).

Owns the call records, daily counts and audit trail's use cases (tables and queries in
records/). Calls callbacks one way: forgetting a caller cancels their callbacks.
"""
