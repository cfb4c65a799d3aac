"""The kit's poll loop with a wake: rung, it runs its step at once; not rung, it waits its interval;
stopped, it ends within a fraction of a second however long the interval."""
import threading
import time

from services.kit.polling import poll
from services.kit.wake import Wake


def run_poll(step, interval, wake=None, batch_size=10):
    stop = threading.Event()
    thread = threading.Thread(target=poll, args=(step, stop),
                              kwargs={"name": "test", "interval": interval, "batch_size": batch_size, "wake": wake},
                              daemon=True)
    thread.start()
    return stop, thread


def test_a_ring_runs_the_step_at_once_instead_of_after_the_interval():
    calls = []
    wake = Wake()
    stop, thread = run_poll(lambda: calls.append(time.monotonic()) or 0, interval=5.0, wake=wake)
    try:
        deadline = time.monotonic() + 2
        while not calls and time.monotonic() < deadline:
            time.sleep(0.005)
        rung = time.monotonic()
        wake.ring()
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert len(calls) == 2 and calls[1] - rung < 0.05
    finally:
        stop.set()
        thread.join(1)
    assert not thread.is_alive()


def test_without_a_ring_the_step_runs_every_interval():
    calls = []
    stop, thread = run_poll(lambda: calls.append(time.monotonic()) or 0, interval=0.05, wake=Wake())
    time.sleep(0.3)
    stop.set()
    thread.join(1)
    assert 4 <= len(calls) <= 8
    assert min(b - a for a, b in zip(calls, calls[1:])) >= 0.045


def test_a_ring_while_the_step_works_is_kept_for_the_next_wait():
    wake = Wake()
    wake.ring()  # rung while nobody waited
    began = time.monotonic()
    assert wake.wait(5.0) is True and time.monotonic() - began < 0.05
    assert wake.wait(0.05) is False  # used up


def test_stop_ends_a_long_wait_quickly():
    stop, thread = run_poll(lambda: 0, interval=30.0, wake=Wake())
    time.sleep(0.05)
    began = time.monotonic()
    stop.set()
    thread.join(2)
    assert not thread.is_alive() and time.monotonic() - began < 0.5


def test_a_full_batch_runs_the_next_without_waiting_for_a_ring():
    batches = iter([10, 10, 3])
    calls = []

    def step():
        calls.append(time.monotonic())
        return next(batches, 0)

    stop, thread = run_poll(step, interval=5.0, wake=Wake())
    time.sleep(0.1)
    stop.set()
    thread.join(1)
    assert len(calls) == 3 and calls[2] - calls[0] < 0.05


def test_with_settle_the_rings_of_a_burst_are_served_by_one_step():
    calls = []
    wake = Wake()
    stop = threading.Event()
    thread = threading.Thread(target=poll, args=(lambda: calls.append(time.monotonic()) or 0, stop),
                              kwargs={"name": "test", "interval": 5.0, "batch_size": 10, "wake": wake,
                                      "settle": 0.3}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 2
        while not calls and time.monotonic() < deadline:
            time.sleep(0.005)
        first = time.monotonic()
        for _ in range(5):  # a burst of rings: five, a short pause, five more
            wake.ring()
        time.sleep(0.02)
        for _ in range(5):
            wake.ring()
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.5)  # whatever else the burst would run
        assert len(calls) == 2  # the first step at start, then one for the whole burst
        assert 0.29 <= calls[1] - first < 1.0
    finally:
        stop.set()
        thread.join(1)
    assert not thread.is_alive()
