//! Contrasts of estimates (`Estimator::contrast_of_means`, `function_of_means`,
//! `function_of_means_of`) against R survey 4.1.1's `svycontrast`:
//! `tests/data/contrast_R.json`, made by `tests/data/contrast_R.R`, on the designs of the
//! t-test (stratified with fpc, two-stage with fpc, post-stratified, JK1 replicates).

use crate::common::{assert_close, read_json};
use crate::ttest::{num, survey};
use serde_json::Value;
use survey_stats::Estimate;

const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;
/// Numeric gradients are good to about 1e-10 relative.
const REL_NUMERIC: f64 = 1e-7;

fn check(name: &str, what: &str, got: &Estimate, want: &Value, rel: f64) {
    let at = |x: &str| format!("{name} {what} {x}");
    assert_close(got.value, num(&want["estimate"]), REL, ABS, &at("estimate"));
    assert_close(got.std_error, num(&want["std_error"]), rel, ABS, &at("SE"));
}

#[test]
fn contrasts_of_domain_means_match_r_svycontrast() {
    let reference = read_json("contrast_R.json");
    let cases = reference.as_object().unwrap();
    assert_eq!(cases.len(), 4);
    for (name, case) in cases {
        let s = survey(name);
        let by = s.by(["stype"]); // domains E, H, M
        let e_m = by.contrast_of_means("api00", &[1.0, 0.0, -1.0]).unwrap();
        check(name, "E − M", &e_m, &case["e_minus_m"], REL);
        assert_eq!(e_m.df, Some(num(&case["degf"])), "{name}");
        assert!(e_m.p_value.is_some(), "a contrast has its p-value");
        let eh_m = by.contrast_of_means("api00", &[0.5, 0.5, -1.0]).unwrap();
        check(name, "(E+H)/2 − M", &eh_m, &case["eh_minus_m"], REL);
        let ratio = by.function_of_means("api00", |m| m[0] / m[2]).unwrap();
        check(name, "E/M", &ratio, &case["e_over_m"], REL_NUMERIC);
        let ratio = by
            .function_of_means_with_gradient(
                "api00",
                |m| m[0] / m[2],
                |m| vec![1.0 / m[2], 0.0, -m[0] / (m[2] * m[2])],
            )
            .unwrap();
        check(name, "E/M (gradient)", &ratio, &case["e_over_m"], REL);
        let log = by
            .function_of_means_with_gradient(
                "api00",
                |m| m[0].ln() - m[1].ln(),
                |m| vec![1.0 / m[0], -1.0 / m[1], 0.0],
            )
            .unwrap();
        check(name, "log E − log H", &log, &case["log_e_over_h"], REL);
    }
}

#[test]
fn functions_of_means_of_two_variables_match_r_svycontrast() {
    let reference = read_json("contrast_R.json");
    for (name, case) in reference.as_object().unwrap() {
        let s = survey(name);
        let est = s.estimates();
        let ratio = est
            .function_of_means_of_with_gradient(
                ["api00", "api99"],
                |m| m[0] / m[1],
                |m| vec![1.0 / m[1], -m[0] / (m[1] * m[1])],
            )
            .unwrap();
        check(name, "api00/api99", &ratio, &case["ratio_of_means"], REL);
        let growth = est
            .function_of_means_of(["api00", "api99"], |m| 100.0 * (m[0] - m[1]) / m[1])
            .unwrap();
        check(name, "growth %", &growth, &case["growth_pct"], REL_NUMERIC);
    }
}

#[test]
fn contrast_needs_one_coefficient_per_domain() {
    let s = survey("strat");
    assert!(
        s.by(["stype"])
            .contrast_of_means("api00", &[1.0, -1.0])
            .is_err()
    );
}
