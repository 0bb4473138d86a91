"""Start-up time of `salesflow --help`, as a ratio to `python -c "import typer"` measured
in the same run (the machine's speed cancels out). Interleaved runs, median of each.

    python bench/startup.py                      # this checkout, English and Chinese
    python bench/startup.py --before OLD/src     # and another checkout's src, to compare
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HELP = "from salesflow.cli import main; main()"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--before", help="the src/ directory of the version to compare")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items()
            if k not in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "PYTHONPATH")}
    cases = {
        "import typer": ([sys.executable, "-c", "import typer"], base),
        "--help (en)": ([sys.executable, "-c", HELP, "--help"], {**base, "LANG": "C.UTF-8"}),
        "--help (zh_CN)": ([sys.executable, "-c", HELP, "--help"],
                           {**base, "LANG": "zh_CN.UTF-8"}),
    }
    if args.before:
        cases["--help (en), before"] = ([sys.executable, "-c", HELP, "--help"],
                                        {**base, "LANG": "C.UTF-8", "PYTHONPATH": args.before})
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, (argv, env) in cases.items():
            times[name].append(timed(argv, env))
    typer = statistics.median(times["import typer"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:22} {median * 1000:7.1f} ms  {median / typer:5.2f}× import typer")


if __name__ == "__main__":
    main()
