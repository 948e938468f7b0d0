"""The faults a load run goes through, each at a moment where it hurts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rq import Queue, Worker
from rq.job import Job
from rq.registry import StartedJobRegistry

from hotline.jobs import QUEUE_NAME
from tests.load.cluster import Cluster, Proc


@dataclass(frozen=True)
class Killed:
    worker: str
    job_id: str
    still_started: bool  # the job never finished: the worker died in the middle of it


def kill_worker_mid_dispatch(cluster: Cluster, timeout: float = 20.0) -> Killed:
    """SIGKILL the worker (and its work horse) while it is running a dispatch job."""
    client = cluster.client()
    queue = Queue(QUEUE_NAME, connection=client)
    by_pid = {p.popen.pid: p for p in cluster.procs if p.args[0] == "worker" and p.popen}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in Worker.all(connection=client, queue=queue):
            job_id = worker.get_current_job_id()
            proc: Proc | None = by_pid.get(worker.pid or -1)
            if job_id is None or proc is None:
                continue
            job = Job.fetch(job_id, connection=client)
            if job.func_name != "hotline.jobs.dispatch_job":
                continue
            cluster.kill(proc)
            registry = StartedJobRegistry(QUEUE_NAME, connection=client)
            started = job_id in registry.get_job_ids(cleanup=False)
            return Killed(proc.name, job_id, started)
        time.sleep(0.002)  # polling RQ's own bookkeeping: there is no event to wait on
    raise TimeoutError(f"no dispatch job seen running within {timeout} s")
