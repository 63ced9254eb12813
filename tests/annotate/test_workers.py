"""Exports built in worker processes: same results, same order, failures surface, and small
exports never start a process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from formats_strategies import SCHEMA

from annotate.formats import conll, workers


def _sum_and_pid(chunk: tuple[int, ...]) -> tuple[int, int]:
    return sum(chunk), os.getpid()


def _fail_on_13(chunk: tuple[int, ...]) -> int:
    if 13 in chunk:
        raise ValueError("item 13 is bad")
    return sum(chunk)


def test_chunks_come_back_in_order_from_worker_processes(small_chunks):
    results = list(workers.in_order(_sum_and_pid, range(40)))
    assert [total for total, _ in results] == [sum(range(k, min(k + 3, 40)))
                                               for k in range(0, 40, 3)]
    assert os.getpid() not in {pid for _, pid in results}
    assert small_chunks.started == 1


def test_a_small_export_stays_in_this_process(small_chunks):
    results = list(workers.in_order(_sum_and_pid, range(5)))
    assert results == [(3, os.getpid()), (7, os.getpid())]
    assert small_chunks.started == 0


def test_a_worker_failure_is_raised_here(small_chunks):
    with pytest.raises(ValueError, match="item 13 is bad"):
        list(workers.in_order(_fail_on_13, range(30)))


def test_conll_built_by_workers_is_the_same_file(tmp_path: Path, small_chunks, monkeypatch,
                                                 two_annotator_corpus):
    records = two_annotator_corpus(20)
    shared = conll.write(records, tmp_path / "shared.conll", SCHEMA)
    assert small_chunks.started == 1
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    alone = conll.write(records, tmp_path / "alone.conll", SCHEMA)
    assert small_chunks.started == 1
    assert (tmp_path / "shared.conll").read_bytes() == (tmp_path / "alone.conll").read_bytes()
    assert shared == alone
    assert shared.documents == 20 and shared.spans == 100
