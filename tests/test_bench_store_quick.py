"""The store benchmark runs in quick mode and ends with its JSON summary."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent / "benchmarks" / "bench_store.py"


def test_bench_store_quick() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"import_ratio", "export_ratio", "import_extra_peak_mb"} <= set(summary)
    assert summary["documents"] == 500 and summary["spans"] == 10_000
    assert summary["import_ratio"] > 0 and summary["export_ratio"] > 0
