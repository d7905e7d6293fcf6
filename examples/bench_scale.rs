//! Speed at scale: the benchmark jobs on the synthetic survey, with an in-run baseline.
//!
//! ```text
//! cargo run --release --example bench_scale -- 100000 1000000 10000000 [--load]
//! ```
//! For each N: build the design (strata = region, PSU = psu, weights = weight), then
//! J1 frequency table of `q_single` with SEs; J2 mean of `q_likert` without 9 with CI;
//! J3 logit CI of `q_single == 1`; J4 the eight multiple-response shares with SEs;
//! J5 J1 by region; J6 raking to the margins of region and q_single. Each job prints
//! seconds (median of 7 runs, 21 below 5M rows), ns per row, rows per second, and its
//! ratio to a baseline measured in the same run: a plain loop over the same columns (in
//! the file's random PSU order) that accumulates the same per-PSU weighted sums and
//! computes the same variance, or for raking, the cross table of the two codes, the sweeps
//! on its cells and the new weights (the single-pass lower bound a hand-written C loop
//! would reach; raking here also builds the calibrated design's variance terms), and its
//! ratio to the single-pass C figures of the speed issue at 1M and 10M rows. The jobs run
//! on rows grouped by PSU (`Design::new_grouped`), in a process holding one copy of the
//! data.
//! `--load` also writes the data as CSV to the temp folder and times reading it back.

#[path = "../src/bin/survey-stats/runtime.rs"]
mod runtime;
#[path = "support/synth.rs"]
mod synth;

use std::time::Instant;
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions, Weights};
use survey_stats::estimate::{
    CategorySelection, Domains, EstimateOptions, MultipleBase, mean, multiple_response, proportion,
};
use survey_stats::interval::ProportionMethod;
use survey_stats::weighting::{RakeControl, rake_design};

/// Runs of the CSV load (the median is reported).
const RUNS_LOAD: usize = 7;

/// Runs per timing (the median is reported): 7, or 21 below a few million rows, where a
/// job takes milliseconds and one disturbance of the (shared, virtual) machine moves a
/// median of 7.
fn runs(n: usize) -> usize {
    if n >= 5_000_000 { 7 } else { 21 }
}

/// Median wall time of `runs` calls, in seconds.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], last.expect("runs > 0"))
}

/// The baseline: per-PSU weighted sums of `k` indicator/value columns in one plain loop,
/// then the stratified between-PSU variance of each ratio `T_j / T_k`.
fn baseline(
    psu: &[u32],
    stratum_of_psu: &[u32],
    n_strata: usize,
    w: &[f64],
    k: usize,
    fill: impl Fn(usize, &mut [f64]) -> bool,
) -> f64 {
    let n_psu = stratum_of_psu.len();
    let mut sums = vec![0.0; n_psu * (k + 1)];
    let mut buf = vec![0.0; k];
    for i in 0..w.len() {
        if !fill(i, &mut buf) {
            continue;
        }
        let s = &mut sums[psu[i] as usize * (k + 1)..(psu[i] as usize + 1) * (k + 1)];
        for j in 0..k {
            s[j] += w[i] * buf[j];
        }
        s[k] += w[i];
    }
    let mut total = vec![0.0; k + 1];
    for s in sums.chunks_exact(k + 1) {
        for j in 0..=k {
            total[j] += s[j];
        }
    }
    // Variance of each share: influence sums per PSU, centred within strata.
    let mut var = 0.0;
    for j in 0..k {
        let p = total[j] / total[k];
        let mut mean = vec![0.0; n_strata];
        let mut count = vec![0.0; n_strata];
        let z: Vec<f64> = sums
            .chunks_exact(k + 1)
            .map(|s| (s[j] - p * s[k]) / total[k])
            .collect();
        for (q, &h) in stratum_of_psu.iter().enumerate() {
            mean[h as usize] += z[q];
            count[h as usize] += 1.0;
        }
        for h in 0..n_strata {
            mean[h] /= count[h];
        }
        for (q, &h) in stratum_of_psu.iter().enumerate() {
            let d = z[q] - mean[h as usize];
            var += count[h as usize] / (count[h as usize] - 1.0) * d * d;
        }
    }
    var
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As the command line does: freed columns stay in the process for the next step.
    runtime::keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let load = args.iter().any(|a| a == "--load");
    let sizes: Vec<usize> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.replace('_', "").parse())
        .collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    println!(
        "{:>10}  {:<26} {:>9} {:>8} {:>12} {:>9} {:>7} {:>9} {:>7}",
        "rows", "job", "seconds", "ns/row", "rows/s", "baseline", "ratio", "C (issue)", "ratio"
    );
    for n in sizes {
        let synth = synth::generate(n);
        let data: Dataset = if load {
            let path = std::env::temp_dir().join(format!("survey-stats-bench-{n}.csv"));
            let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
            synth.write_csv(&mut f)?;
            drop(f);
            let (secs, ds) = time(RUNS_LOAD, || read_csv(&path, &CsvOptions::default()));
            report(n, "load CSV", secs, None);
            std::fs::remove_file(&path)?;
            ds?
        } else {
            synth.dataset()
        };
        let options = DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            clusters: vec!["psu".into()],
            ..Default::default()
        };
        let (secs, design) = time(runs(n), || Design::new(&data, &options));
        let design = design?;
        report(n, "build design", secs, None);

        // Baselines first, on the file's random PSU order (as the issue's C figures), with
        // plain vectors; then the synthetic copy is dropped so that the jobs run in a process
        // holding one copy of the data, as the command line does.
        let psu = design.psu_of_row();
        let strata = design.stratum_of_psu();
        let ns = design.n_strata();
        let w = design.weights().as_slice();
        let cat = |v: f64| if v == 9.0 { 6 } else { v as usize - 1 };
        let (single, likert, multi, region) = (
            &synth.q_single,
            &synth.q_likert,
            &synth.q_multi,
            &synth.region,
        );
        let base_j1 = time(runs(n), || {
            baseline(psu, strata, ns, w, 7, |i, b| {
                b.iter_mut().for_each(|x| *x = 0.0);
                b[cat(single[i])] = 1.0;
                true
            })
        })
        .0;
        let base_j2 = time(runs(n), || {
            baseline(psu, strata, ns, w, 1, |i, b| {
                b[0] = likert[i];
                likert[i] != 9.0
            })
        })
        .0;
        let base_j3 = time(runs(n), || {
            baseline(psu, strata, ns, w, 1, |i, b| {
                b[0] = f64::from(single[i] == 1.0);
                true
            })
        })
        .0;
        let base_j4 = time(runs(n), || {
            baseline(psu, strata, ns, w, 8, |i, b| {
                for (j, c) in multi.iter().enumerate() {
                    b[j] = c[i];
                }
                true
            })
        })
        .0;
        let base_j5 = time(runs(n), || {
            baseline(psu, strata, ns, w, 21, |i, b| {
                b.iter_mut().for_each(|x| *x = 0.0);
                b[(region[i] as usize - 1) * 7 + cat(single[i])] = 1.0;
                true
            })
        })
        .0;
        // J6: rake to the margins of region and q_single (weighted sample counts scaled
        // up 10%, so every cell moves), to convergence. Baseline: the cross table of the
        // two codes in one pass, the sweeps on its 21 cells, the new weights in a second.
        let margin = |col: &[f64]| -> std::collections::BTreeMap<String, f64> {
            let mut m = std::collections::BTreeMap::new();
            for (v, w) in col.iter().zip(w) {
                *m.entry(format!("{v}")).or_insert(0.0) += 1.1 * w;
            }
            m
        };
        let margins = [
            ("region".to_string(), margin(region)),
            ("q_single".to_string(), margin(single)),
        ];
        let base_j6 = time(runs(n), || {
            let mut cells = [0.0; 21];
            for i in 0..n {
                cells[(region[i] as usize - 1) * 7 + cat(single[i])] += w[i];
            }
            let target_r: Vec<f64> = (0..3)
                .map(|r| 1.1 * cells[r * 7..r * 7 + 7].iter().sum::<f64>())
                .collect();
            let target_s: Vec<f64> = (0..7)
                .map(|c| 1.1 * (0..3).map(|r| cells[r * 7 + c]).sum::<f64>())
                .collect();
            let mut f = [1.0; 21];
            for _ in 0..2 {
                for r in 0..3 {
                    let t: f64 = (0..7).map(|c| cells[r * 7 + c] * f[r * 7 + c]).sum();
                    (0..7).for_each(|c| f[r * 7 + c] *= target_r[r] / t);
                }
                for c in 0..7 {
                    let t: f64 = (0..3).map(|r| cells[r * 7 + c] * f[r * 7 + c]).sum();
                    (0..3).for_each(|r| f[r * 7 + c] *= target_s[c] / t);
                }
            }
            (0..n)
                .map(|i| w[i] * f[(region[i] as usize - 1) * 7 + cat(single[i])])
                .collect::<Vec<f64>>()
        })
        .0;
        drop(design);
        drop(synth);

        // The jobs run on rows grouped by PSU.
        let mut data = data;
        let t = Instant::now();
        let design = Design::new_grouped(&mut data, &options)?;
        report(
            n,
            "build design + group rows",
            t.elapsed().as_secs_f64(),
            None,
        );
        let whole = Domains::whole();
        let wald = EstimateOptions {
            method: ProportionMethod::Mean,
            ..Default::default()
        };
        let (secs, r) = time(runs(n), || {
            proportion(
                &data,
                &design,
                "q_single",
                &CategorySelection::All,
                &whole,
                &wald,
            )
        });
        r?;
        report(n, "J1 frequency table", secs, Some(base_j1));

        let no9 = EstimateOptions {
            exclude: vec!["9".into()],
            ..Default::default()
        };
        let (secs, r) = time(runs(n), || mean(&data, &design, "q_likert", &whole, &no9));
        r?;
        report(n, "J2 mean without 9", secs, Some(base_j2));

        let one = CategorySelection::One("1".into());
        // J3 on the design with a copy of its weights: its own pass, not J1's table read off
        // the pass the design keeps (which takes about a tenth of the time).
        let own = design.with_weights(Weights::new(design.weights().as_slice().to_vec())?);
        let (secs, r) = time(runs(n), || {
            proportion(
                &data,
                &own,
                "q_single",
                &one,
                &whole,
                &EstimateOptions::default(),
            )
        });
        r?;
        report(n, "J3 logit CI", secs, Some(base_j3));

        let cols: Vec<String> = (1..=8).map(|j| format!("q_multi_{j}")).collect();
        let (secs, r) = time(runs(n), || {
            multiple_response(&data, &design, &cols, MultipleBase::All, &whole, &wald)
        });
        r?;
        report(n, "J4 multiple response", secs, Some(base_j4));

        let by = Domains::by(&data, &["region".to_string()])?;
        let (secs, r) = time(runs(n), || {
            proportion(
                &data,
                &design,
                "q_single",
                &CategorySelection::All,
                &by,
                &wald,
            )
        });
        r?;
        report(n, "J5 J1 by region", secs, Some(base_j5));

        let control = RakeControl {
            max_iter: 50,
            epsilon: 1e-9,
        };
        let (secs, r) = time(runs(n), || rake_design(&data, &design, &margins, control));
        let (_, outcome) = r?;
        report(
            n,
            &format!("J6 rake ({} sweeps)", outcome.iterations),
            secs,
            Some(base_j6),
        );
    }
    Ok(())
}

/// The issue's single-pass C figures (seconds, 2-core machine) for 1M and 10M rows.
fn c_reference(job: &str, n: usize) -> Option<f64> {
    let (one, ten) = match job.get(..2)? {
        "J1" => (0.0024, 0.095),
        "J2" => (0.0021, 0.023),
        "J3" => (0.0020, 0.025),
        "J4" => (0.0041, 0.137),
        "J5" => (0.0035, 0.134),
        "J6" => (0.0018, 0.018),
        "bu" if job == "build design" => (0.011, 0.16),
        _ => return None,
    };
    match n {
        1_000_000 => Some(one),
        10_000_000 => Some(ten),
        _ => None,
    }
}

fn report(n: usize, job: &str, secs: f64, baseline: Option<f64>) {
    let ns_row = secs * 1e9 / n as f64;
    let ratio = |b: Option<f64>| match b {
        Some(b) => (format!("{b:.4}"), format!("{:.1}x", secs / b)),
        None => (String::new(), String::new()),
    };
    let (b, r) = ratio(baseline);
    let (c, rc) = ratio(c_reference(job, n));
    println!(
        "{n:>10}  {job:<26} {secs:>9.4} {ns_row:>8.1} {:>12.3e} {b:>9} {r:>7} {c:>9} {rc:>7}",
        n as f64 / secs
    );
}
