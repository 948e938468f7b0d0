"""The counselor's console: what a counselor sees (`desk`: state, the call card, the queue
in brief, unfiled wrap-ups), the wrap-up filed against its own call (`wrap_up`), and the
frequent callers' assessment list and care plans (`frequent_callers`).

Owns the call records' wrap-up fields, the care plans and the wrap-up timers' use. Calls
the callbacks capability one way (a follow-up agreed at wrap-up).
"""
