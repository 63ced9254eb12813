"""Every benchmark runs in --quick mode in the default test run, so none can rot: each must
exit 0 and end with its JSON summary holding its figures, and its ratios must stay within twice
their targets (loose: the machines are shared; the full runs are measured against the targets
themselves, README "Benchmarks")."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent / "benchmarks"
FORMATS = {"doccano", "brat", "conll", "spacy", "labelstudio", "csv", "xmi", "refi-qda"}
VIEW = {
    "open_ratio",
    "repaint_ratio",
    "update_ratio",
    "edit_ratio",
    "open_bare_s",
    "open_view_s",
    "repaint_bare_s",
    "repaint_view_s",
    "update_s",
    "edit_s",
    "edit_insert_s",
}

CASES = {
    "bench_adjudicate.py": (
        {"ratio", "accept_s", "baseline_s", "accepted", "gold_spans", "cpu_ratio",
         "accept_cpu_s", "baseline_cpu_s"},
        {"documents": 500, "undo_step": "accept_agreed"},
    ),
    "bench_store.py": (
        {"import_ratio", "export_ratio", "import_extra_peak_mb", "big_peak_per_largest_text"},
        {"documents": 500, "spans": 10_000},
    ),
    "bench_view.py": (VIEW, {"quick": True}),
    "bench_formats.py": (
        FORMATS
        | {
            "native_s",
            "brat_vs_files",
            "spacy_vs_docbin",
            "files_x_native",
            "docbin_x_native",
            "conll_vs_tokens",
            "tokens_x_native",
            "import_native_s",
            "conll_import",
            "spacy_import",
        },
        {},
    ),
    "bench_agreement.py": (
        {"ratio", "project_s", "baseline_s", "command_peak_mb", "command_s"},
        {"documents": 100, "spans": 10_000},
    ),
    "bench_window.py": (
        {
            "key_ratio",
            "key_growth",
            "next_doc_ratio",
            "start_ratio",
            "search_ratio",
            "big_doc_open_ratio",
            "paragraph_repaint_ratio",
            "memory_ratio",
        },
        {"quick": True},
    ),
    "bench_ledger.py": (
        {"ledger_ratio", "ledger_s", "baseline_s", "rows", "conflicting_rows"},
        {"documents": 500, "claims": 1000, "denials": 250,
         "denials_across_documents": 250, "actors": 100},
    ),
    "bench_durability.py": (
        {"full_edits_per_s", "normal_edits_per_s", "ratio"},
        {"edits_each": 120, "synchronous_in_use": "FULL"},
    ),
    "bench_assist.py": (
        {"suggest_ratio", "train_s_per_1k_spans", "suggest_docs_per_s", "gold_spans"},
        {"documents": 30, "epochs": 1, "suggest_documents": 100},
    ),
}

LOOSE = {
    # The CPU ratio at twice the target (3): 2.8-4.7 on --quick at a load of 9-10 (one run
    # in ten 7.0), 5.0-5.8 before the bulk write bound no None and the at-sight path made
    # fewer objects (4.7-5.1 at a load of 6-7). The wall ratio's guard is not (its commit's
    # fsync waits on everyone's disk): 2.0-5.6 at a load of 9-10 (7.2 and 10.2 once each),
    # 6.8-10 before the agreed items were found at sight; a transaction per document was
    # 290, a step per document in one transaction 13. See README "Benchmarks".
    "bench_adjudicate.py": {"ratio": 8, "cpu_ratio": 6},
    "bench_store.py": {"import_ratio": 4, "export_ratio": 4},
    "bench_view.py": {"open_ratio": 2.6, "repaint_ratio": 3, "edit_ratio": 6},
    "bench_formats.py": {
        "doccano": 6, "labelstudio": 6, "csv": 6, "brat": 6, "conll": 6, "spacy": 10,
        "conll_import": 6, "spacy_import": 6,
    },
    "bench_agreement.py": {"ratio": 2},
    "bench_ledger.py": {"ledger_ratio": 6},
    "bench_window.py": {"paragraph_repaint_ratio": 3, "memory_ratio": 3, "big_doc_open_ratio": 4,
                        "key_growth": 2.6, "search_ratio": 6, "start_ratio": 8},
    "bench_assist.py": {"suggest_ratio": 3},
}
"""Twice each ratio's target: a ratio above it is a regression, not noise."""


RUNS = 3
"""A ratio over its limit is measured again, up to this many runs in all, and the best run of
each ratio counts: one slow run on a shared machine is noise, three are a regression."""


def run_quick(script: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("script", sorted(CASES))
def test_benchmark_quick_mode(script: str) -> None:
    keys, exact = CASES[script]
    summary = run_quick(script)
    assert keys <= set(summary), keys - set(summary)
    assert all(summary[key] > 0 for key in keys), {key: summary[key] for key in keys}
    assert {key: summary[key] for key in exact} == exact
    limits = LOOSE.get(script, {})
    best = {key: summary[key] for key in limits}
    runs = [summary]
    for _ in range(RUNS - 1):
        if all(best[key] <= limit for key, limit in limits.items()):
            break
        runs.append(run_quick(script))
        best = {key: min(best[key], runs[-1][key]) for key in limits}
    over = {key: best[key] for key, limit in limits.items() if best[key] > limit}
    assert not over, (f"ratios above twice their targets in each of {len(runs)} runs: {over}; "
                      f"the runs' figures: {[{k: v for k, v in run.items()} for run in runs]}")
