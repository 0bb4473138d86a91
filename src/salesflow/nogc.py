"""Python's cyclic garbage collector paused while a command builds a large result.

The collector runs after every ~700 container objects allocated and not yet freed, and
each older-generation pass walks every live container: a command that keeps tens of
thousands of rows and dicts alive while it builds them (the whole team's agenda: 77,000
items) spends a fifth of its time there finding nothing, as the rows hold no cycles.
Mercurial pauses it the same way (`util.nogc`) around its large containers. Reference
counting still frees everything as usual; only cycles wait for the collector, which runs
again when the pause ends.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def nogc(fn: F) -> F:
    """Run fn with the cyclic collector paused (if it was running)."""

    @functools.wraps(fn)
    def paused(*args: object, **kwargs: object) -> object:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused  # type: ignore[return-value]
