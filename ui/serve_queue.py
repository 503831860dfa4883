"""Gradio's request path on a shared server: no per-event monitoring summary, no backend hunt.

Gradio keeps a record of every event (up to ``GRADIO_ANALYTICS_MAX_EVENTS``, default 10,000) for
its optional monitoring dashboard, and after *every* event it rebuilds a pandas DataFrame of all
of them (``GRADIO_ANALYTICS_CACHE_FREQUENCY``, default 1) in a worker thread, before the event's
concurrency slot is released. The cost grows with the server's uptime; profiled under the load
of eval/bench_load.py it was 12% of the server's busy time, as much as the assistant itself.
This app never mounts that dashboard, so :func:`quiet_queue_analytics` sets both knobs (as
defaults: an operator's own values are kept) before the queue is created.

Gradio also wraps every event in a switch of matplotlib's backend to ``agg`` and back; with
the backend unset, the first event of a fresh server searched for a GUI backend (2.1 s on a
busy machine, 0.4 s with ``MPLBACKEND=agg``). The server draws no GUI plots: ``agg`` is the
default here too, and :func:`warm_matplotlib` imports it before the first user does.
"""

from __future__ import annotations

import os

QUEUE_ENV = {
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**12),  # recompute the summary every 10^12 events: never
    "GRADIO_ANALYTICS_MAX_EVENTS": "1",  # keep one record, not 10,000
    "MPLBACKEND": "agg",  # Gradio switches to agg around every event: no search for a GUI backend
}


def quiet_queue_analytics() -> dict[str, str]:
    """Set the knobs unless already set; returns the values in force. Call before ``Blocks.queue``."""
    for key, value in QUEUE_ENV.items():
        os.environ.setdefault(key, value)
    return {key: os.environ[key] for key in QUEUE_ENV}


def warm_matplotlib() -> None:
    """Import matplotlib (when installed) now, not inside the first user's event."""
    quiet_queue_analytics()
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.get_backend()
