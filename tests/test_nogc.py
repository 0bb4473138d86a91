"""nogc: the cyclic collector is paused while the function runs, and resumed after it,
whether it returns or raises; a collector already paused stays paused."""

from __future__ import annotations

import gc

import pytest

from salesflow.nogc import nogc


@nogc
def _state(fail: bool = False) -> bool:
    if fail:
        raise ValueError("boom")
    return gc.isenabled()


def test_paused_during_and_resumed_after() -> None:
    assert gc.isenabled()
    assert _state() is False
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        _state(fail=True)
    assert gc.isenabled()


def test_a_paused_collector_stays_paused() -> None:
    gc.disable()
    try:
        assert _state() is False
        assert not gc.isenabled()
    finally:
        gc.enable()
