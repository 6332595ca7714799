"""How fast this machine runs Python right now, printed beside benchmark figures.

Wall-time goals are judged "on this machine", but a shared or throttled machine can be twice as
slow one day as another. Benchmarks print this figure so numbers from different days can be
compared: the CPU seconds of a fixed pure-Python loop (best of three).
"""

from __future__ import annotations

import os
import time

LOOP = 10_000_000


def loop_seconds() -> float:
    """CPU seconds for ``LOOP`` additions in a Python ``for`` loop, best of three."""
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        total = 0
        for i in range(LOOP):
            total += i
        best = min(best, time.process_time() - began)
    return best


def describe() -> str:
    """One line: the loop's time and the load average."""
    return (f"machine: a {LOOP // 1_000_000}M-iteration Python loop takes {loop_seconds():.2f} s "
            f"CPU (best of 3); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
