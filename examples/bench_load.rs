//! Times loading a CSV file: `cargo run --release --example bench_load -- FILE [REPS]
//! [--threads N] [--reference]`.
//!
//! Prints the seconds of each `read_csv` call, the best of them, the rows and columns read
//! and a checksum of the numeric columns (so that two builds can be compared for equal
//! results as well as for speed). Make the benchmark file with
//! `cargo run --release --example gen_survey -- 10000000 /tmp/survey_10m.csv`.
//! `--threads N` limits the parallel reader to N threads (default: all cores);
//! `--reference` times the simple one-thread reader instead, for comparison.

use std::time::Instant;
use survey_stats::data::{
    Column, CsvOptions, CsvTuning, read_csv_reference_from_reader, read_csv_tuned,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let reference = args.iter().any(|a| a == "--reference");
    args.retain(|a| a != "--reference");
    let mut tuning = CsvTuning::default();
    if let Some(i) = args.iter().position(|a| a == "--threads") {
        let n = args.get(i + 1).ok_or("--threads needs a number")?;
        tuning.threads = n.parse()?;
        args.drain(i..i + 2);
    }
    let Some(path) = args.first() else {
        return Err("usage: bench_load FILE [REPS] [--threads N] [--reference]".into());
    };
    let reps: usize = args.get(1).map_or(Ok(1), |r| r.parse())?;
    let mut best = f64::INFINITY;
    for rep in 0..reps.max(1) {
        let start = Instant::now();
        let data = if reference {
            let file = std::fs::File::open(path)?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            read_csv_reference_from_reader(reader, path, &CsvOptions::default())?
        } else {
            read_csv_tuned(path, &CsvOptions::default(), &tuning)?
        };
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        let mut checksum = 0.0f64;
        let mut missing = 0usize;
        for name in data.names() {
            match data.column(name)? {
                Column::Numeric(c) => {
                    checksum += (0..c.len()).filter_map(|i| c.get(i)).sum::<f64>();
                    missing += c.count_missing();
                }
                Column::Categorical(c) => missing += c.count_missing(),
            }
        }
        println!(
            "rep {rep}: {secs:.3} s, {} rows x {} columns, checksum {checksum:.6e}, {missing} missing",
            data.n_rows(),
            data.names().len()
        );
    }
    println!("best: {best:.3} s");
    Ok(())
}
