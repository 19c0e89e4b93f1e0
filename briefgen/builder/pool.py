"""Rendering a build's outputs on every core: a process pool forked after the brief is loaded, so that each worker
starts with the brief, the compiled templates and the prepared Word reference already in memory and parses nothing.

The result is the serial build's, byte for byte: outcomes come back in plan order, the progress bar advances in that
order, and every output is rendered even when one fails, so that the build reports each failing output's error (in
plan order, each distinct message once), as the serial build does — nothing is written, since writing starts only
after every output is rendered. A worker that dies (killed, out of
memory) is one clean RenderError. A worker's render runs in its main thread, so the render deadline's timer signal
works there as in a serial build."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from briefgen.errors import BriefgenError, RenderError, TemplateError

POOL_MIN_STEPS = 8  # fewer outputs render faster than the workers start

S = TypeVar("S")
R = TypeVar("R")

# The render function of the build that forked this worker; set once, in the worker only (see _adopt).
_INHERITED: list[Callable[[Any], Any]] = []


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_all(
    steps: Sequence[S],
    render: Callable[[S], R],
    jobs: int | None,
    progress: Callable[[Iterable[S]], Iterable[S]] | None,
    describe: Callable[[S], str],
) -> list[R]:
    """``render`` of each step, in order; on ``jobs`` processes when there are enough steps to gain from it."""
    workers = min(default_jobs() if jobs is None else jobs, len(steps))
    if workers < 2 or len(steps) < POOL_MIN_STEPS or "fork" not in multiprocessing.get_all_start_methods():
        failures: list[BriefgenError] = []
        results = []
        for step in progress(steps) if progress else steps:
            try:
                results.append(render(step))
            except (TemplateError, RenderError) as exc:
                failures.append(exc)
        _raise_any(failures)
        return results
    return _in_pool(steps, render, workers, progress, describe)


def _raise_any(errors: list[BriefgenError]) -> None:
    """The outputs' errors, so that a build reports every failing output at once: the one error as it was raised,
    or all of them as one RenderError (one line each, each message once)."""
    messages = list(dict.fromkeys(str(exc) for exc in errors))
    if len(messages) == 1:
        raise errors[0]
    if messages:
        raise RenderError("\n".join(messages))


def _in_pool(
    steps: Sequence[S],
    render: Callable[[S], R],
    workers: int,
    progress: Callable[[Iterable[S]], Iterable[S]] | None,
    describe: Callable[[S], str],
) -> list[R]:
    gc.freeze()  # the loaded brief stays out of the collector's way: the workers' copies of its pages stay shared
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_adopt, initargs=(render, steps)) as pool:
            futures = [pool.submit(_render_index, index) for index in range(len(steps))]  # forks the workers
            try:
                return _collected(steps, futures, progress, describe)
            finally:
                for future in futures:
                    future.cancel()
    finally:
        gc.unfreeze()


def _collected(
    steps: Sequence[S],
    futures: list[Future[tuple[bool, Any]]],
    progress: Callable[[Iterable[S]], Iterable[S]] | None,
    describe: Callable[[S], str],
) -> list[R]:
    results: list[R] = []
    failures: list[BriefgenError] = []
    positions = {id(step): index for index, step in enumerate(steps)}
    for step in progress(steps) if progress else steps:
        index = positions[id(step)]
        try:
            ok, value = futures[index].result()
        except BrokenProcessPool:
            message = (
                f"a render worker stopped unexpectedly (killed, or out of memory) before {describe(step)} was rendered"
            )
            raise RenderError(f"{message}; nothing was written") from None
        if not ok and isinstance(value, TemplateError | RenderError):
            failures.append(value)
            continue
        if not ok:
            raise value
        results.append(value)
    _raise_any(failures)
    return results


def _adopt(render: Callable[[Any], Any], steps: Sequence[Any]) -> None:
    """Worker start: keep the build's render function and steps (inherited through fork, never pickled)."""
    _INHERITED[:] = [lambda index: render(steps[index])]


def _render_index(index: int) -> tuple[bool, Any]:
    """(True, outcome), or (False, the exception) — an exception that cannot travel back whole travels as a
    RenderError naming it, so that the parent always has one clean error to raise."""
    try:
        return True, _INHERITED[0](index)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            return False, RenderError(f"{type(exc).__name__}: {exc}")
        return False, exc
