"""Development doubles: never used in production.

`twilio/` is a local Twilio (callers, counselors' phones and lines through the service's
real signed webhooks, and the Calls REST API on 127.0.0.1, refusing any other host);
`demo/` places simulated callers and runs simulated counselors' desks through it;
`process.py` runs the hotline as a child process and stops it as Ctrl-C does.

Their only users are `make demo` (`hotline demo`, which starts `hotline run` on the
embedded defaults wired to the double), the tests and the benchmarks. The `web`,
`worker` and `scheduler` processes never import this package: the `rings` contract in
pyproject.toml allows only the CLI above it, and the CLI imports it in `hotline demo`
alone.
"""
