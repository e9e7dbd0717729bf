"""The inspection worker: the newest job of each name, results taken once, a failing job does
not end the thread, stop joins it."""

from __future__ import annotations

import threading

from playground.inspection_worker import InspectionWorker
from tests.waiting import wait_until


def test_only_the_newest_job_of_a_name_runs_and_its_result_is_taken_once() -> None:
    worker = InspectionWorker(min_interval=0.0)
    gate = threading.Event()
    ran: list[str] = []

    def job(name: str, block: bool = False):  # noqa: ANN202
        def run() -> str:
            if block:
                gate.wait(5)
            ran.append(name)
            return name

        return run

    worker.start()
    try:
        worker.submit("a", job("first", block=True))
        wait_until(lambda: worker._pending == {}, 5)  # the first one is running
        worker.submit("a", job("second"))
        worker.submit("a", job("third"))  # replaces the second before it starts
        worker.submit("b", job("other"))
        gate.set()
        wait_until(lambda: worker.computed == 3, 5000)
        assert sorted(ran) == ["first", "other", "third"]
        assert worker.take("a") == "third" and worker.take("a") is None
        assert worker.take("b") == "other"
        worker.submit("a", lambda: 1 / 0)
        worker.submit("b", job("after"))
        wait_until(lambda: worker.take("b") == "after", 5000)
        assert "division" in worker.error and worker.alive
    finally:
        worker.stop()
    assert not worker.alive
