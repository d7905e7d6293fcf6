//! A survey larger than any one run, as chunks: each chunk's per-unit sums computed by
//! DataFusion on its own, the sums merged by concatenation and finished once, and the same
//! estimates from one query over every chunk together.
//!
//! ```text
//! cargo run --release --features datafusion --example sums_chunks -- SPEC.json CHUNK.parquet… [--memory-limit MB]
//! ```
//!
//! For a billion rows, ten chunks of the benchmark survey over the same 20,000 PSUs, each
//! drawn with its own seed (about 1.1 GB of Parquet each):
//!
//! ```text
//! for k in 1 2 3 4 5 6 7 8 9 10; do
//!   cargo run --release --example gen_survey -- 100000000 /tmp/chunks/part$k.parquet --psus 20000 --seed $k
//! done
//! cargo run --release --features datafusion --example sums_chunks -- examples/specs/bench_100m.json /tmp/chunks/part*.parquet
//! ```
//!
//! It prints each chunk's seconds, rows and sums-table size, then checks what merging by
//! addition promises, each within relative 1e-9:
//! - the merged run's totals and counts equal the sums of the chunks' own totals and
//!   counts, and its unweighted n the sum of theirs;
//! - every estimate and SE of the merged run equals that of one DataFusion query over the
//!   folder of all chunks (skipped with `--no-whole`).

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use std::path::{Path, PathBuf};
use std::time::Instant;
use survey_stats::estimate::{Estimate, Stat};
use survey_stats::spec::{AnalysisSpec, RunOutput};
use survey_stats::sums::{self, DataFusion};
use survey_stats::table::ResultRow;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sums_chunks SPEC.json CHUNK.parquet… [--memory-limit MB] [--no-whole]";
    let mut files = Vec::new();
    let (mut limit_mb, mut whole) = (None, true);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--memory-limit" => {
                i += 1;
                limit_mb = Some(args.get(i).ok_or(usage)?.parse::<usize>()?);
            }
            "--no-whole" => whole = false,
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
    let runtime = tokio::runtime::Runtime::new()?;

    let mut all: Vec<RecordBatch> = Vec::new();
    let mut chunk_outputs = Vec::new();
    let start = Instant::now();
    for file in &files {
        let lap = Instant::now();
        let batches = runtime.block_on(chunk_sums(&spec, file, limit_mb))?;
        let groups: usize = batches.iter().map(|b| b.num_rows()).sum();
        let out = sums::finish_batches(&spec, dir, &batches)?;
        let rows = n_of(&out);
        eprintln!(
            "{}: {rows} rows, {groups} groups of sums, {:.1} s",
            file.display(),
            lap.elapsed().as_secs_f64()
        );
        all.extend(batches);
        chunk_outputs.push(out);
    }
    let lap = Instant::now();
    let merged = sums::finish_batches(&spec, dir, &all)?;
    let rows = n_of(&merged);
    eprintln!(
        "merged: {rows} rows from {} chunks; finished in {:.2} s; chunks and merge {:.1} s \
         ({:.1}M rows/s)",
        files.len(),
        lap.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64(),
        rows as f64 / start.elapsed().as_secs_f64() / 1e6
    );

    let mut worst: f64 = 0.0;
    // Totals and counts add up over chunks; so does the unweighted n.
    for (r, row) in estimates(&merged).iter().enumerate() {
        let parts: Vec<&Estimate> = chunk_outputs.iter().map(|o| estimates(o)[r]).collect();
        if matches!(row.stat, Stat::Total | Stat::Count) {
            let sum: f64 = parts.iter().filter_map(|p| p.estimate).sum();
            worst = worst.max(relative(row.estimate.unwrap_or(f64::NAN), sum));
        }
        let n: u64 = parts.iter().map(|p| p.n).sum();
        assert_eq!(row.n, n, "{} {:?}: n", row.id, row.category);
    }
    eprintln!("totals and counts against the chunks' sums: worst relative difference {worst:.1e}");
    assert!(worst < 1e-9, "merged totals differ from the chunks' sums");

    if whole {
        let lap = Instant::now();
        let folder = common_folder(&files)?;
        let mut engine = DataFusion::new();
        if let Some(mb) = limit_mb {
            engine = engine.memory_limit(mb << 20);
        }
        let one = engine.run(&spec, dir, Some(&folder))?;
        let mut worst: f64 = 0.0;
        for (a, b) in estimates(&merged).iter().zip(estimates(&one)) {
            for (x, y) in [(a.estimate, b.estimate), (a.std_error, b.std_error)] {
                if let (Some(x), Some(y)) = (x, y) {
                    worst = worst.max(relative(x, y));
                }
            }
        }
        eprintln!(
            "one query over {} ({} rows): {:.1} s; estimates and SEs against the merged \
             chunks: worst relative difference {worst:.1e}",
            folder.display(),
            n_of(&one),
            lap.elapsed().as_secs_f64()
        );
        assert!(worst < 1e-9, "the merged chunks differ from the whole");
    }
    Ok(())
}

/// The sums table of one chunk, from DataFusion's plan of the spec's query.
async fn chunk_sums(
    spec: &AnalysisSpec,
    file: &Path,
    limit_mb: Option<usize>,
) -> Result<Vec<RecordBatch>, Box<dyn std::error::Error>> {
    let runtime = match limit_mb {
        Some(mb) => datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
            .with_memory_limit(mb << 20, 1.0)
            .build_arc()?,
        None => datafusion::execution::runtime_env::RuntimeEnvBuilder::new().build_arc()?,
    };
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    let path = file.to_str().ok_or("a chunk's path is not UTF-8")?;
    ctx.register_parquet("chunk", path, ParquetReadOptions::default())
        .await?;
    let plan = sums::logical_plan(spec, &ctx, "chunk", None).await?;
    Ok(ctx.execute_logical_plan(plan).await?.collect().await?)
}

fn estimates(out: &RunOutput) -> Vec<&Estimate> {
    out.rows
        .iter()
        .filter_map(|r| match r {
            ResultRow::Estimate(e) => Some(&**e),
            _ => None,
        })
        .collect()
}

/// The largest unweighted n of a run's rows: its number of data rows when some estimate
/// has every row in its base.
fn n_of(out: &RunOutput) -> u64 {
    estimates(out).iter().map(|e| e.n).max().unwrap_or(0)
}

fn relative(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// The one folder that holds every chunk (and nothing else ending in `.parquet`).
fn common_folder(files: &[PathBuf]) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let folder = files[0]
        .parent()
        .ok_or("a chunk has no folder")?
        .to_path_buf();
    let mut inside = 0;
    for entry in std::fs::read_dir(&folder)? {
        if entry?.path().extension().is_some_and(|e| e == "parquet") {
            inside += 1;
        }
    }
    if files.iter().any(|f| f.parent() != Some(folder.as_path())) || inside != files.len() {
        return Err(format!(
            "the one-query check reads a folder: put the chunks, and only them, in {} (or pass --no-whole)",
            folder.display()
        )
        .into());
    }
    Ok(folder)
}
