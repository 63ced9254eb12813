"""The agreement benchmark runs in quick mode and ends with its JSON summary."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent / "benchmarks" / "bench_agreement.py"


def test_bench_agreement_quick() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"ratio", "project_s", "baseline_s", "documents", "spans"} <= set(summary)
    assert summary["documents"] == 100 and summary["spans"] == 10_000
    assert summary["ratio"] > 0
