"""Staffing: the counselors, their shifts and one-off changes as supervisors edit them
(`roster_edit`), who is on duty at an hour (`coverage`: the coverage grid, its gaps), the
roster as dispatch and presence read it and a roster file saved (`roster`), what the
what-if is run on (`simulation`) and the coverage page's staffing advice (`advice`).

Owns the `counselors`, `shifts` and `shift_overrides` tables' use cases. Imports the
adapters and the core; presence, dispatch (a counselor's phone and languages), the dry
run and the roster pages call it.
"""
