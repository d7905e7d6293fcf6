//! Speed of a banner table on the synthetic survey (see `examples/support/synth.rs`):
//! banner region × q_single (3 + 5 columns), rows of q_likert (its answers, 9 apart, the
//! Likert boxes and mean), the eight multiple-response options and the mean of q_num, Holm.
//!
//! ```text
//! cargo run --release --example bench_banner -- 1000000
//! ```
//! Prints the seconds (median of 5 runs) and data rows per second.

#[path = "support/synth.rs"]
mod synth;

use std::time::Instant;
use survey_stats::{Adjust, DesignOptions, Survey};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |a| a.replace('_', "").parse())?;
    let survey = Survey::new(
        synth::generate(n).dataset(),
        &DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            clusters: vec!["psu".into()],
            ..Default::default()
        },
    )?;
    let mut times = Vec::new();
    let mut shape = (0, 0);
    for _ in 0..5 {
        let start = Instant::now();
        let table = survey
            .banner(["region", "q_single"])
            .rows_single("q_likert")
            .rows_likert("q_likert")
            .rows_multiple("q_multi")
            .rows_mean("q_num")
            .exclude([9])
            .adjust(Adjust::Holm)
            .build()?;
        times.push(start.elapsed().as_secs_f64());
        shape = (table.rows().len(), table.columns().len());
    }
    times.sort_by(f64::total_cmp);
    let secs = times[times.len() / 2];
    println!(
        "{n} rows, banner of {} rows × {} columns: {secs:.3} s, {:.0} rows/s",
        shape.0,
        shape.1,
        n as f64 / secs
    );
    Ok(())
}
