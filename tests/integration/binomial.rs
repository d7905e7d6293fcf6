//! Binomial intervals against statsmodels 0.15 and R 4.2.2 (`tests/data/binomial_ci.json`,
//! `tests/data/wilson_cc_R.json`).

use serde_json::Value;
use survey_stats::interval::{BinomialMethod, ConfidenceLevel, IntervalError, binomial_interval};

use crate::common::assert_close;

const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Which of our methods each reference block computes.
const BLOCKS: &[(&str, &str, BinomialMethod)] = &[
    ("statsmodels", "normal", BinomialMethod::Wald),
    ("statsmodels", "agresti_coull", BinomialMethod::AgrestiCoull),
    ("statsmodels", "beta", BinomialMethod::ClopperPearson),
    ("statsmodels", "wilson", BinomialMethod::Wilson),
    ("statsmodels", "jeffreys", BinomialMethod::Jeffreys),
    (
        "R",
        "clopper_pearson_binom.test",
        BinomialMethod::ClopperPearson,
    ),
    ("R", "wilson_prop.test_nocorrect", BinomialMethod::Wilson),
    ("R", "jeffreys_qbeta_raw", BinomialMethod::Jeffreys),
];

/// Every statsmodels and R value of the grid, at relative 1e-9 (absolute 1e-12). The 64
/// `formula.*_unclipped` values are checked by the unit tests of `interval::binomial`.
#[test]
fn binomial_grid_matches_statsmodels_and_r() {
    let data = load("binomial_ci.json");
    let mut checked = 0;
    for entry in data["grid"].as_array().unwrap() {
        let x = entry["x"].as_u64().unwrap();
        let n = entry["n"].as_u64().unwrap();
        let level = ConfidenceLevel::new(entry["conf_level"].as_f64().unwrap()).unwrap();
        let alpha = entry["alpha"].as_f64().unwrap();
        assert_close(level.alpha(), alpha, 1e-14, 0.0, "alpha");
        for &(source, key, method) in BLOCKS {
            let block = &entry[source][key];
            assert!(block.is_object(), "missing {source}.{key}");
            let ci = binomial_interval(x, n, level, method).unwrap();
            assert_eq!(ci.estimate, x as f64 / n as f64);
            assert_eq!(ci.method, method);
            for (bound, got) in [("lower", ci.lower), ("upper", ci.upper)] {
                let want = block[bound].as_f64().unwrap();
                let what = format!("{source}.{key}.{bound} x={x} n={n} alpha={alpha}");
                assert_close(got, want, REL, ABS, &what);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 256);
}

/// R's `prop.test(x, n, correct = TRUE)` interval, including its correction
/// `min(1/2, |x − n/2|)` (zero at x = n/2) and boundary rules.
#[test]
fn wilson_cc_matches_r_prop_test() {
    let data = load("wilson_cc_R.json");
    let mut checked = 0;
    for v in data["values"].as_array().unwrap() {
        let x = v["x"].as_u64().unwrap();
        let n = v["n"].as_u64().unwrap();
        let level = ConfidenceLevel::new(v["conf_level"].as_f64().unwrap()).unwrap();
        let ci = binomial_interval(x, n, level, BinomialMethod::WilsonCc).unwrap();
        for (bound, got) in [("lower", ci.lower), ("upper", ci.upper)] {
            let want = v[bound].as_f64().unwrap();
            assert_close(
                got,
                want,
                REL,
                ABS,
                &format!("wilson_cc {bound} x={x} n={n}"),
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 52);
}

#[test]
fn continuity_correction_vanishes_at_half() {
    let level = ConfidenceLevel::default();
    let cc = binomial_interval(50, 100, level, BinomialMethod::WilsonCc).unwrap();
    let plain = binomial_interval(50, 100, level, BinomialMethod::Wilson).unwrap();
    assert_eq!((cc.lower, cc.upper), (plain.lower, plain.upper));
}

#[test]
fn interval_serializes_as_the_cli_contract() {
    let ci = binomial_interval(
        1,
        4,
        ConfidenceLevel::new(0.9).unwrap(),
        BinomialMethod::Wald,
    )
    .unwrap();
    let json: Value = serde_json::to_value(ci).unwrap();
    assert_eq!(json["estimate"], 0.25);
    assert_eq!(json["method"], "wald");
    assert_eq!(json["level"], 0.9);
    assert!(json["ci_lower"].is_f64() && json["ci_upper"].is_f64());
    let back: survey_stats::interval::Interval = serde_json::from_value(json).unwrap();
    assert_eq!(back, ci);
}

#[test]
fn invalid_counts_are_errors() {
    let level = ConfidenceLevel::default();
    for method in BinomialMethod::ALL {
        assert_eq!(
            binomial_interval(1, 0, level, method),
            Err(IntervalError::NoTrials)
        );
        assert_eq!(
            binomial_interval(11, 10, level, method),
            Err(IntervalError::SuccessesExceedTrials {
                successes: 11,
                trials: 10
            })
        );
    }
}

#[test]
fn every_method_brackets_the_estimate_and_stays_in_unit_interval() {
    for level in [0.5, 0.8, 0.95, 0.999] {
        let level = ConfidenceLevel::new(level).unwrap();
        for n in [1u64, 2, 7, 30, 1000] {
            for x in 0..=n.min(30) {
                for method in BinomialMethod::ALL {
                    let ci = binomial_interval(x, n, level, method).unwrap();
                    assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 1.0);
                    // Jeffreys has no boundary rule, so at x = 0 (x = n) its lower (upper)
                    // bound is above (below) the estimate; otherwise the estimate is inside.
                    let jeffreys_edge = method == BinomialMethod::Jeffreys && (x == 0 || x == n);
                    if !jeffreys_edge {
                        assert!(
                            ci.lower <= ci.estimate && ci.estimate <= ci.upper,
                            "{method} x={x} n={n}: {ci:?}"
                        );
                    }
                }
            }
        }
    }
}
