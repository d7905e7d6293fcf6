//! The main jobs at scale, timed through the public [`Survey`] API a user calls.
//!
//! ```text
//! cargo bench                                # 1M rows
//! SURVEY_BENCH_ROWS=10_000_000 cargo bench   # another size
//! cargo bench -- j1                          # only the jobs whose name holds "j1"
//! ```
//! The synthetic survey of `examples/support/synth.rs` (strata = region, PSU = psu,
//! weights = weight) is made once per process; its eight 0/1 options `q_multi_1..8` form
//! the multiple-response question `q_multi`. Jobs (as in `examples/bench_scale.rs`, which
//! times the engine underneath and compares it with a plain-loop baseline):
//! build the design; J1 frequency table of `q_single`; J2 mean of `q_likert` without 9;
//! J3 logit CI of the share of `q_single == 1`; J4 the shares of the eight options of
//! `q_multi`; J5 J1 by region; J6 raking to the margins of region and `q_single`.
//!
//! Under `cargo test --all-targets` (no `--bench` flag) divan runs each job once, as a
//! test; the survey then has [`TEST_ROWS`] rows unless `SURVEY_BENCH_ROWS` says otherwise,
//! so that the (unoptimised) test build stays quick.

#[path = "../examples/support/synth.rs"]
mod synth;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use survey_stats::{Dataset, Survey};

/// Rows of the survey under `cargo bench`.
const BENCH_ROWS: usize = 1_000_000;
/// Rows of the survey when the benchmarks run as tests.
const TEST_ROWS: usize = 20_000;

/// What every job uses, made once.
struct Fixture {
    /// The data as a user hands them to [`Survey::builder`] (rows in file order).
    data: Dataset,
    /// The survey built on them.
    survey: Survey,
    /// Another survey on the same data, on which no frequency table is made: J3's own pass
    /// (on `survey`, after J1, it reads J1's table off the kept pass instead).
    no_table: Survey,
    /// Margins of region and `q_single`: weighted sample counts scaled up 10%, so every
    /// weight moves.
    margins: Vec<(&'static str, Vec<(f64, f64)>)>,
}

fn main() {
    let f = fixture();
    eprintln!(
        "survey-stats benches: {} rows, {} PSUs",
        f.data.n_rows(),
        f.survey.design().n_psu()
    );
    divan::main();
}

/// As divan decides: the benchmarks are timed only with `--bench` (which `cargo bench`
/// passes) and without `--test`.
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench")
}

/// `SURVEY_BENCH_ROWS` (underscores allowed), else the default of the mode.
fn rows() -> usize {
    match std::env::var("SURVEY_BENCH_ROWS") {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .expect("SURVEY_BENCH_ROWS must be a number of rows"),
        Err(_) if test_mode() => TEST_ROWS,
        Err(_) => BENCH_ROWS,
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let s = synth::generate(rows());
        let chosen: Vec<Vec<u8>> = (0..s.region.len())
            .map(|i| {
                (1..=8u8)
                    .filter(|&j| s.q_multi[usize::from(j) - 1][i] == 1.0)
                    .collect()
            })
            .collect();
        let data = Dataset::builder()
            .column("region", s.region.as_slice())
            .column("psu", s.psu.as_slice())
            .column("weight", s.weight.as_slice())
            .column("q_single", s.q_single.as_slice())
            .column("q_likert", s.q_likert.as_slice())
            .multiple_response("q_multi", 1..=8u8, chosen)
            .column("q_num", s.q_num.as_slice())
            .build()
            .expect("the synthetic columns make a dataset");
        let margin = |col: &[f64]| -> Vec<(f64, f64)> {
            let mut m = BTreeMap::new();
            for (v, w) in col.iter().zip(&s.weight) {
                *m.entry(v.to_bits()).or_insert(0.0) += 1.1 * w;
            }
            m.into_iter().map(|(v, t)| (f64::from_bits(v), t)).collect()
        };
        let margins = vec![
            ("region", margin(&s.region)),
            ("q_single", margin(&s.q_single)),
        ];
        let survey = build(data.clone());
        let no_table = build(data.clone());
        Fixture {
            data,
            survey,
            no_table,
            margins,
        }
    })
}

/// The design of every job: strata = region, PSU = psu, weights = weight.
fn build(data: Dataset) -> Survey {
    Survey::builder(data)
        .weights("weight")
        .strata("region")
        .clusters(["psu"])
        .build()
        .expect("the synthetic design is valid")
}

/// Times `job` on the survey, counting rows per second.
fn bench_job<T>(bencher: Bencher, job: impl Fn(&Survey) -> T + Sync) {
    let f = fixture();
    bencher
        .counter(ItemsCount::new(f.data.n_rows()))
        .bench(|| job(black_box(&f.survey)));
}

/// Building the survey from the data (the clone of the data is not timed; each sample
/// holds one copy).
#[divan::bench(sample_size = 1, sample_count = 30)]
fn build_design(bencher: Bencher) {
    let f = fixture();
    bencher
        .counter(ItemsCount::new(f.data.n_rows()))
        .with_inputs(|| f.data.clone())
        .bench_values(build);
}

#[divan::bench]
fn j1_frequencies(bencher: Bencher) {
    bench_job(bencher, |s| s.frequencies("q_single").unwrap());
}

#[divan::bench]
fn j2_mean_without_9(bencher: Bencher) {
    bench_job(bencher, |s| s.exclude([9]).mean("q_likert").unwrap());
}

#[divan::bench]
fn j3_logit_ci_share(bencher: Bencher) {
    let f = fixture();
    bencher.counter(ItemsCount::new(f.data.n_rows())).bench(|| {
        black_box(&f.no_table)
            .estimates()
            .share("q_single", [1])
            .unwrap()
    });
}

/// J3 after J1's frequency table of the same question: read off its kept pass.
#[divan::bench]
fn j3_logit_ci_share_after_j1(bencher: Bencher) {
    let f = fixture();
    f.survey.frequencies("q_single").unwrap();
    bench_job(bencher, |s| s.estimates().share("q_single", [1]).unwrap());
}

#[divan::bench]
fn j4_multiple_response(bencher: Bencher) {
    bench_job(bencher, |s| {
        s.estimates().multiple_response("q_multi").unwrap()
    });
}

#[divan::bench]
fn j5_frequencies_by_region(bencher: Bencher) {
    bench_job(bencher, |s| {
        s.by(["region"]).frequencies("q_single").unwrap()
    });
}

#[divan::bench]
fn j6_rake(bencher: Bencher) {
    let margins = &fixture().margins;
    bench_job(bencher, |s| s.rake(margins.iter().cloned()).unwrap());
}

/// A gaussian model with 10 coefficients (intercept, region: 2, q_single: 6, q_likert),
/// R's `svyglm(q_num ~ factor(region) + factor(q_single) + q_likert, design)`.
#[divan::bench(sample_count = 20)]
fn glm_gaussian_10_coefficients(bencher: Bencher) {
    let model = survey_stats::Model::gaussian("q_num")
        .terms(["region", "q_single", "q_likert"])
        .categorical(["region", "q_single"]);
    bench_job(bencher, |s| s.glm(&model).unwrap());
}

/// A logistic model of the first multiple-response option on the same terms, R's
/// `svyglm(q_multi_1 ~ …, design, family = quasibinomial())`.
#[divan::bench(sample_count = 20)]
fn glm_logistic(bencher: Bencher) {
    let model = survey_stats::Model::binomial("q_multi_1")
        .terms(["region", "q_single", "q_likert"])
        .categorical(["region", "q_single"]);
    bench_job(bencher, |s| s.glm(&model).unwrap());
}
