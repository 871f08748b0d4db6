"""What every benchmark shares: timing, peak memory of a child process, the machine, and
the results file, where each benchmark owns one section that it replaces when it runs."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
HEADER = (
    "# Benchmark results\n\n"
    "Written by `make bench` (`python -m bench`); `python -m bench NAME` runs one benchmark "
    "and replaces only its own section. Times are medians over the stated number of runs; "
    "peak memory is the peak resident set size of the process that did the work.\n"
)


def machine() -> dict[str, str]:
    """CPU model, cores, memory, Python and operating system of this machine."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        if m := re.search(r"^model name\s*:\s*(.+)$", info, re.M):
            cpu = m.group(1).strip()
        if m := re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M):
            memory = f"{int(m.group(1)) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count() or "?"),
        "memory": memory or "unknown",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def timed(fn: Callable[[], Any], repeats: int = 3) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


@dataclass(frozen=True, slots=True)
class ChildRun:
    result: dict[str, Any]
    wall_seconds: float
    peak_rss_mib: float


def run_child(module: str, *args: str) -> ChildRun:
    """Run ``python -m module args`` in a fresh process; it prints one JSON object.

    The peak resident set size is that child's own, read from ``wait4``'s resource usage.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args], stdout=subprocess.PIPE, cwd=ROOT, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed with exit code {proc.returncode}")
    # ru_maxrss is in KiB on Linux.
    return ChildRun(json.loads(output.strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024)


def _load() -> str:
    """Other work on the machine slows a benchmark; its load is recorded beside the figures."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def record(name: str, title: str, body: str) -> None:
    """Replace (or add) the section of benchmark ``name`` in RESULTS.md."""
    info = machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- bench:{name} -->\n"
        f"## {title}\n\n"
        f"- date: {when}\n"
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, "
        f"{info['system']}, Python {info['python']}\n"
        f"- load average when recorded (1, 5, 15 min): {_load()}\n\n"
        f"{body.strip()}\n"
        f"<!-- /bench:{name} -->\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->\n?", re.S
    )
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    print(section)
