"""The command line against R `survey` on the same data in one run: design and J1-J5.

    cargo build --release
    cargo run --release --example gen_survey -- 1000000 /tmp/survey_1m.csv
    python3 examples/r/speed_vs_cli.py /tmp/survey_1m.csv [R_RUNS] [CLI_RUNS]

Runs `Rscript examples/r/speed_jobs.R DATA R_RUNS` (each step's median of R_RUNS), then
`survey-stats estimate examples/specs/bench_jobs.json --data DATA --timings` CLI_RUNS
times (each step's median), and prints both with their ratio. The command line's figures
are `--timings`' steps (after loading, as R's are after `read.csv`); its J1 includes
coding the question's column, which J3 and J5 then reuse, as R's `factor()` is inside its
J1 and J5 calls.
"""
import re
import statistics
import subprocess
import sys

data = sys.argv[1] if len(sys.argv) > 1 else "/tmp/survey_1m.csv"
r_runs = sys.argv[2] if len(sys.argv) > 2 else "3"
cli_runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
steps = ["design", "J1", "J2", "J3", "J4", "J5"]

r_out = subprocess.run(
    ["Rscript", "examples/r/speed_jobs.R", data, r_runs],
    capture_output=True, text=True, check=True,
).stdout
r = {m.group(1): float(m.group(2)) * 1e3 for m in re.finditer(r"^(\S+) ([0-9.]+)$", r_out, re.M)}

names = {"design": "design", **{f"estimates[{i}]": f"J{i + 1}" for i in range(5)}}
cli = {}
for _ in range(cli_runs):
    err = subprocess.run(
        ["target/release/survey-stats", "estimate", "examples/specs/bench_jobs.json",
         "--data", data, "--timings"],
        capture_output=True, text=True, check=True,
    ).stderr
    for m in re.finditer(r"(\S+)_seconds=([0-9.e-]+)", err):
        if m.group(1) in names:
            cli.setdefault(names[m.group(1)], []).append(float(m.group(2)) * 1e3)
cli = {k: statistics.median(v) for k, v in cli.items()}

print(f"# {data}: R survey (median of {r_runs}) and survey-stats (median of {cli_runs}), ms")
print("| step | R survey | survey-stats | R / survey-stats |")
print("| --- | ---: | ---: | ---: |")
for s in steps:
    print(f"| {s} | {r[s]:.0f} | {cli[s]:.1f} | {r[s] / cli[s]:.0f}× |")
total_r = sum(r[s] for s in steps)
total_cli = sum(cli[s] for s in steps)
print(f"| design + J1–J5 | {total_r:.0f} | {total_cli:.1f} | {total_r / total_cli:.0f}× |")
