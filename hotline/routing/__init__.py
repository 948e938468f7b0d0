"""Pure routing core: the supervisor's rules, and who should take which waiting call.

No I/O and no infrastructure: plain values in, decisions out.
"""
