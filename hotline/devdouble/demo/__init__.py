"""`hotline demo` (`make demo`): simulated callers and counselors against the real
service, through the Twilio double. `run.run_demo` is the entry."""
