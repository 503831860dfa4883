"""Gradio's request path on a shared server: no per-event monitoring summary, no backend hunt, a calmer queue.

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

The queue (:func:`configure_queue`): by default Gradio sends every waiting page its place and estimate whenever
any event starts (with eight staff asking, several messages per answer, each serialised and written by the one
interpreter), and its dispatch loop looks for work every millisecond, busy or idle (about 4% of a core on an idle
server). Here places are sent once a second (STATUS_EVERY_S) and the loop looks every QUEUE_POLL_S (an event
waits at most that long more to start). Measured with eval/bench_load.py.

The garbage collector (:func:`freeze_start_up`): after start-up the server holds about 420,000 objects (models,
indexes, Gradio's app) that live as long as it does, and a full collection walked all of them, about 0.25 s with
the interpreter held: every question in flight waited. They are moved out of the collector's sight once loaded
(``gc.freeze``); what requests create is still collected.
"""

from __future__ import annotations

import gc
import os
from typing import Any

QUEUE_ENV = {
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**12),  # recompute the summary every 10^12 events: never
    "GRADIO_ANALYTICS_MAX_EVENTS": "1",  # keep one record, not 10,000
    "MPLBACKEND": "agg",  # Gradio switches to agg around every event: no search for a GUI backend
}


STATUS_EVERY_S = 1.0
QUEUE_POLL_S = 0.005


def freeze_start_up() -> int:
    """Collect, then keep what start-up left (models, indexes, the app) out of later collections; the count kept."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def configure_queue(app: Any, **kwargs: Any) -> Any:
    """``app.queue(**kwargs)`` with places sent once a second and the dispatch loop at QUEUE_POLL_S."""
    app.queue(status_update_rate=STATUS_EVERY_S, **kwargs)
    q = getattr(app, "_queue", None)
    if q is not None and hasattr(q, "sleep_when_free"):  # Gradio's own attribute; left alone if it is gone
        q.sleep_when_free = max(float(q.sleep_when_free), QUEUE_POLL_S)
    return app


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
