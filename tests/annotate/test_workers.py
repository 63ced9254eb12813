"""Exports built in worker processes: same results, same order, failures surface, and small
exports never start a process."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
import spacy
from formats_strategies import SCHEMA
from spacy.tokens import DocBin

from annotate.formats import conll, spacy_docbin, workers


def _sum_and_pid(chunk: tuple[int, ...]) -> tuple[int, int]:
    if 0 in chunk:
        time.sleep(0.3)  # the first chunk ends last
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
    assert multiprocessing.active_children() == []


def test_a_small_export_stays_in_this_process(small_chunks):
    results = list(workers.in_order(_sum_and_pid, range(5)))
    assert results == [(3, os.getpid()), (7, os.getpid())]
    assert small_chunks.started == 0


def _die_on_13(chunk: tuple[int, ...]) -> int:
    if 13 in chunk:
        os._exit(1)
    return sum(chunk)


def test_a_worker_failure_is_raised_here(small_chunks):
    with pytest.raises(ValueError, match="item 13 is bad"):
        list(workers.in_order(_fail_on_13, range(30)))
    assert small_chunks.started == 1
    assert multiprocessing.active_children() == []


def test_a_dead_worker_is_a_plain_error(small_chunks):
    with pytest.raises(workers.WorkerFailed, match="worker process building the export stopped"):
        list(workers.in_order(_die_on_13, range(30)))
    assert multiprocessing.active_children() == []


def test_stopping_early_stops_the_workers(small_chunks):
    results = workers.in_order(_sum_and_pid, range(60))
    assert next(results)[0] == 3
    results.close()
    assert multiprocessing.active_children() == []


def test_forks_only_within_fork_allowed_and_only_in_that_thread():
    with workers.fork_allowed():
        assert workers._context().get_start_method() == "fork"
        seen = []
        thread = threading.Thread(target=lambda: seen.append(workers._context()))
        thread.start()
        thread.join()
        assert seen[0].get_start_method() == "forkserver"
    assert workers._context().get_start_method() == "forkserver"


@pytest.mark.parametrize("module", [conll, spacy_docbin], ids=["conll", "spacy"])
def test_large_export_built_by_workers_is_the_same_file(tmp_path: Path, small_chunks, monkeypatch,
                                                        two_annotator_corpus, module):
    records = two_annotator_corpus(20)
    shared = module.write(records, tmp_path / "shared", SCHEMA)
    assert small_chunks.started == 1
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    alone = module.write(records, tmp_path / "alone", SCHEMA)
    assert small_chunks.started == 1
    assert (tmp_path / "shared").read_bytes() == (tmp_path / "alone").read_bytes()
    assert shared == alone and shared.documents == 20
    if module is conll:
        assert shared.spans == 80  # one tag column: ann's CLAIM kept, PERSON and LOCATION in it not
    else:
        docs = DocBin().from_disk(tmp_path / "shared").get_docs(spacy.blank("en").vocab)
        assert [d.user_data["title"] for d in docs] == [r.document.title for r in records]
