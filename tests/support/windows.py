"""Counting calls in time: the most that fell within any span of a window's length."""


def max_in_any_window(times: list[float], window: float) -> int:
    """However the vendor's windows are aligned, none held more than this many of `times`."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
