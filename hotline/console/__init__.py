"""The counselor's console: what a counselor sees (`desk`: state, the call card, the queue
in brief, unfiled wrap-ups), the wrap-up filed against its own call (`wrap_up`), and the
frequent callers' assessment list and care plans (`frequent_callers`).

Its adapters sit beside it: the wrap-up notes (`notes`), the care plans (`care_plans`),
the frequent callers' query (`frequent`), the care plan shown once per call in Redis
(`care_plan_seen`) and the queue counted in one round trip (`queue_brief`).
Owns the call records' wrap-up fields, the care plans and the wrap-up timers' use. Calls
the callbacks capability one way (a follow-up agreed at wrap-up).
"""
