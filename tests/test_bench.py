"""The benchmark script keeps working: run it at a tiny size and check what it reports.
(No timing is asserted here; targets are read from a hand run of bench/run.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "run.py"


def test_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--sizes",
            "600",
            "--runs",
            "1",
            "--rank-rows",
            "10000",
            "--kind-scale",
            "0.002",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    results = json.loads(out.read_text())
    imported = results["import"][0]
    assert imported["rows"] == 600
    assert imported["import_s"] > 0 and imported["limit_s"] > 0
    assert results["rank"]["score_rows"] == 10000
    assert set(results["help"]) == {"typer_s", "help_s", "ratio"}
    # every other kind against its bare pass over the same rows (each import's rows counted)
    kinds = {item["kind"]: item for item in results["kinds"]}
    assert set(kinds) == {"commendations", "setup", "forms", "wide"}
    assert kinds["commendations"]["size"] == 100 and kinds["wide"]["size"] == 240
    assert all(item["import_s"] > 0 and item["bare_s"] > 0 for item in kinds.values())
    assert results["demo"]["demo_s"] > 0
