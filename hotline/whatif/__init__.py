"""What-if simulation: the real matcher on a virtual clock, measured against Erlang C.

Pure Python: no web framework, Redis or database. `simulate` runs one rule set; `compare`
runs the rules in force and a proposed edit on the same callers.
"""

from hotline.whatif.arrivals import PastCall, profile_from_records
from hotline.whatif.model import (
    ArrivalProfile,
    CallerModel,
    CounselorModel,
    Mix,
    Scenario,
    default_scenario,
)
from hotline.whatif.report import Report
from hotline.whatif.runner import Comparison, compare, simulate

__all__ = [
    "ArrivalProfile",
    "CallerModel",
    "Comparison",
    "CounselorModel",
    "Mix",
    "PastCall",
    "Report",
    "Scenario",
    "compare",
    "default_scenario",
    "profile_from_records",
    "simulate",
]
