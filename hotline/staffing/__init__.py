"""Staffing: the counselors, their shifts and one-off changes as supervisors edit them
(`roster_edit`), and who is on duty at an hour (`coverage`: the coverage grid, its gaps).

Owns the `counselors`, `shifts` and `shift_overrides` tables' use cases. Imports the
adapters and the core; presence, the dry run and the staffing advice call it.
"""
