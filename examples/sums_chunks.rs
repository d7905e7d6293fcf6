//! A survey larger than any one run, as chunks: each chunk's sums table computed on its
//! own (by `survey-stats sums`, or a warehouse), the tables merged by concatenation and
//! finished once, and checked against the chunks and, optionally, against one run over
//! every chunk together.
//!
//! ```text
//! cargo run --release --example sums_chunks -- SPEC.json SUMS.csv… [--whole WHOLE.json]
//! ```
//!
//! A billion rows: ten chunks of the benchmark survey over the same 20,000 PSUs, each
//! drawn with its own seed (about 1.1 GB of Parquet each), their sums by DataFusion, and
//! the same estimates from one DataFusion query over the folder of all ten:
//!
//! ```text
//! cargo build --release --features datafusion
//! for k in 01 02 03 04 05 06 07 08 09 10; do
//!   cargo run --release --example gen_survey -- 100000000 /tmp/chunks/part$k.parquet --psus 20000 --seed $k
//!   target/release/survey-stats sums examples/specs/bench_100m.json --data /tmp/chunks/part$k.parquet --out /tmp/sums/part$k.csv
//! done
//! target/release/survey-stats estimate examples/specs/bench_100m.json --engine datafusion --data /tmp/chunks --format json > /tmp/whole.json
//! cargo run --release --example sums_chunks -- examples/specs/bench_100m.json /tmp/sums/part*.csv --whole /tmp/whole.json
//! ```
//!
//! It prints each chunk's rows and groups, then checks what merging by addition promises,
//! each within relative 1e-9:
//! - every unweighted n of the merged run is the sum of the chunks' n, and, for a spec
//!   without weighting steps, every total and count the sum of the chunks' own;
//! - every estimate, SE and interval of the merged run equals that of the whole run
//!   (relative to the larger of the two values and the estimate: the SE of a share that
//!   the weighting fixed, such as a raked margin, is rounding noise near 1e-19 in both).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use survey_stats::estimate::{Estimate, Stat};
use survey_stats::spec::{AnalysisSpec, RunOutput};
use survey_stats::sums;
use survey_stats::table::ResultRow;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sums_chunks SPEC.json SUMS.csv… [--whole WHOLE.json]";
    let mut files: Vec<PathBuf> = Vec::new();
    let mut whole = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--whole" => {
                i += 1;
                whole = Some(PathBuf::from(args.get(i).ok_or(usage)?));
            }
            a => files.push(PathBuf::from(a)),
        }
        i += 1;
    }
    if files.len() < 2 {
        return Err(usage.into());
    }
    let spec_path = files.remove(0);
    let spec = AnalysisSpec::from_json(&std::fs::read_to_string(&spec_path)?)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));

    // The chunks' tables concatenated: one header line, then every chunk's rows.
    let merged_path = std::env::temp_dir().join(format!("sums-merged-{}.csv", std::process::id()));
    let mut merged = BufWriter::new(std::fs::File::create(&merged_path)?);
    let mut chunk_outputs = Vec::new();
    let mut groups = 0usize;
    for (k, file) in files.iter().enumerate() {
        let out = sums::finish(&spec, dir, file)?;
        let mut lines = BufReader::new(std::fs::File::open(file)?).lines();
        let header = lines.next().ok_or("an empty sums file")??;
        if k == 0 {
            writeln!(merged, "{header}")?;
        }
        let mut n = 0;
        for line in lines {
            writeln!(merged, "{}", line?)?;
            n += 1;
        }
        groups += n;
        println!("{}: {} rows, {n} groups", file.display(), n_of(&out));
        chunk_outputs.push(out);
    }
    merged.flush()?;
    drop(merged);
    let lap = Instant::now();
    let all = sums::finish(&spec, dir, &merged_path)?;
    let seconds = lap.elapsed().as_secs_f64();
    std::fs::remove_file(&merged_path)?;
    println!(
        "merged: {} rows from {} chunks, {groups} groups, finished in {seconds:.2} s",
        n_of(&all),
        files.len()
    );

    // Without weighting steps, a total over all rows is the sum of the chunks' totals.
    // Weighting makes each chunk meet the population figures on its own (a raked chunk's
    // total is the whole population's), so then only the unweighted n add up.
    let additive = spec.adjust.is_empty();
    let mut worst: f64 = 0.0;
    for (r, row) in estimates(&all).iter().enumerate() {
        let parts: Vec<&Estimate> = chunk_outputs.iter().map(|o| estimates(o)[r]).collect();
        if additive && matches!(row.stat, Stat::Total | Stat::Count) {
            let sum: f64 = parts.iter().filter_map(|p| p.estimate).sum();
            worst = worst.max(relative(row.estimate.unwrap_or(f64::NAN), sum, 0.0));
        }
        let n: u64 = parts.iter().map(|p| p.n).sum();
        assert_eq!(row.n, n, "{} {:?}: n", row.id, row.category);
    }
    if additive {
        println!(
            "totals and counts against the sums of the chunks': worst relative difference \
             {worst:.1e}; every n the sum of the chunks' n"
        );
    } else {
        println!(
            "every n the sum of the chunks' n (the spec weights: each chunk's totals meet the \
             population figures on their own, so totals are compared with the whole run only)"
        );
    }
    assert!(worst < 1e-9, "merged totals differ from the chunks' sums");

    if let Some(path) = whole {
        let one: Vec<ResultRow> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let one: Vec<&Estimate> = one.iter().filter_map(ResultRow::estimate).collect();
        let merged = estimates(&all);
        assert_eq!(merged.len(), one.len(), "rows of the whole run");
        let mut worst: f64 = 0.0;
        for (a, b) in merged.iter().zip(&one) {
            assert_eq!((&a.id, &a.category, a.n), (&b.id, &b.category, b.n));
            let pairs = [
                (a.estimate, b.estimate),
                (a.std_error, b.std_error),
                (a.ci_lower, b.ci_lower),
                (a.ci_upper, b.ci_upper),
            ];
            // Differences count relative to the estimate too: the SE of a share that the
            // weighting fixed (a raked margin) is rounding noise, about 1e-19, in both runs.
            let scale = a.estimate.unwrap_or(0.0).abs();
            for (x, y) in pairs {
                if let (Some(x), Some(y)) = (x, y) {
                    worst = worst.max(relative(x, y, scale));
                }
            }
        }
        println!(
            "against the whole run ({}, {} rows): estimates, SEs and intervals, worst relative difference {worst:.1e}",
            path.display(),
            one.iter().map(|e| e.n).max().unwrap_or(0)
        );
        assert!(worst < 1e-9, "the merged chunks differ from the whole run");
    }
    Ok(())
}

fn estimates(out: &RunOutput) -> Vec<&Estimate> {
    out.rows.iter().filter_map(ResultRow::estimate).collect()
}

/// The largest unweighted n of a run's rows: its number of data rows when some estimate
/// has every row in its base.
fn n_of(out: &RunOutput) -> u64 {
    estimates(out).iter().map(|e| e.n).max().unwrap_or(0)
}

/// `|a - b|` relative to the larger of `|a|`, `|b|` and `scale`.
fn relative(a: f64, b: f64, scale: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs()).max(scale)
    }
}
