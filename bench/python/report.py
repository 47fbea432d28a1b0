"""Turns scripts/bench's raw numbers into Markdown, and splices them into BENCHMARKS.md.

    report.py stop HYPERFINE_JSON RSS_DIR    the CLI / curl / SDK table, on stdout
    report.py splice FILE PART               replaces what lies between the markers in FILE
"""

import json
import statistics
import sys
from pathlib import Path

BEGIN = "<!-- bench:begin (scripts/bench rewrites what follows, up to bench:end) -->"
END = "<!-- bench:end -->"


def stop_table(hyperfine_json: str, rss_dir: str) -> None:
    results = json.loads(Path(hyperfine_json).read_text())["results"]
    by_name = {r["command"]: r for r in results}
    rss = {}
    for r in results:
        path = Path(rss_dir) / f"{r['command']}.rss"
        values = [int(v) for v in path.read_text().split()] if path.exists() else []
        rss[r["command"]] = values
    curl = by_name.get("curl")
    sdk = by_name.get("python-sdk")
    print(
        "| tool | wall median (ms) | mean ± σ (ms) | min–max (ms) | vs curl | vs Python SDK "
        "| peak RSS median (MB) [min–max] | RSS vs Python SDK |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        name = r["command"]
        med = r["median"] * 1e3
        vs_curl = f"{r['median'] / curl['median']:.2f} x" if curl else "–"
        vs_sdk = f"{sdk['median'] / r['median']:.1f} x faster" if sdk and r is not sdk else "–"
        mem = rss[name]
        if mem:
            m = statistics.median(mem) / 1024
            mem_text = f"{m:.1f} [{min(mem) / 1024:.1f}–{max(mem) / 1024:.1f}]"
            sdk_mem = rss.get("python-sdk") or []
            mem_ratio = (
                f"{statistics.median(mem) / statistics.median(sdk_mem):.2f} x"
                if sdk_mem and name != "python-sdk"
                else "–"
            )
        else:
            mem_text, mem_ratio = "–", "–"
        print(
            f"| `{name}` | {med:.2f} | {r['mean'] * 1e3:.2f} ± {r['stddev'] * 1e3:.2f} "
            f"| {r['min'] * 1e3:.2f}–{r['max'] * 1e3:.2f} | {vs_curl} | {vs_sdk} "
            f"| {mem_text} | {mem_ratio} |"
        )


def splice(file: str, part: str) -> None:
    path = Path(file)
    new = Path(part).read_text().rstrip("\n")
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{new}\n{END}{tail}")


if __name__ == "__main__":
    if sys.argv[1] == "stop":
        stop_table(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "splice":
        splice(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
