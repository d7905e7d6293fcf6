//! Times opening a survey file of any format the crate reads, and prints rows per second:
//! `cargo run --release --example bench_open -- FILE [REPS] [--columns a,b,c]`.
//!
//! For CSV against Parquet on the same data: make the CSV with
//! `cargo run --release --example gen_survey -- 10000000 /tmp/survey_10m.csv`, the Parquet
//! with `python3 examples/r/csv_to_parquet.py /tmp/survey_10m.csv /tmp/survey_10m.parquet`,
//! then time both. `--columns` reads only those columns (Parquet and SPSS skip the rest).
//! The checksum of the numeric columns shows both files gave the same numbers.

use std::time::Instant;
use survey_stats::Dataset;
use survey_stats::data::{Column, OpenOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = OpenOptions::new();
    if let Some(i) = args.iter().position(|a| a == "--columns") {
        let list = args.get(i + 1).ok_or("--columns needs a list")?.clone();
        options = options.columns(list.split(',').map(str::to_string));
        args.drain(i..i + 2);
    }
    let Some(path) = args.first() else {
        return Err("usage: bench_open FILE [REPS] [--columns a,b,c]".into());
    };
    let reps: usize = args.get(1).map_or(Ok(1), |r| r.parse())?;
    let mut best = f64::INFINITY;
    let mut rows = 0;
    for rep in 0..reps.max(1) {
        let start = Instant::now();
        let data = Dataset::open_with(path, &options)?.data;
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        rows = data.n_rows();
        let mut checksum = 0.0f64;
        for name in data.names() {
            if let Column::Numeric(c) = data.column(name)? {
                checksum += (0..c.len()).filter_map(|i| c.get(i)).sum::<f64>();
            }
        }
        println!(
            "rep {rep}: {secs:.3} s, {rows} rows x {} columns, checksum {checksum:.6e}",
            data.names().len()
        );
    }
    println!("best: {best:.3} s, {:.0} rows/s", rows as f64 / best);
    Ok(())
}
