//! Design-based proportion intervals against R survey 4.1.1's `svyciprop`
//! (`tests/data/reference.json`, `tests/data/svyciprop_likelihood_converged.json`).

use std::collections::HashMap;

use serde_json::Value;
use survey_stats::interval::{
    ConfidenceLevel, ProportionInput, ProportionMethod, proportion_interval,
};

use crate::common::{assert_close, read_json, tolerance};

/// Computes the interval of one record and checks `ci_lower`/`ci_upper` (and the exact roots
/// for likelihood). Returns the number of values compared.
fn check_record(record: &Value, n: f64) -> usize {
    let id = record["id"].as_str().unwrap();
    let values = &record["values"];
    let method: ProportionMethod =
        serde_json::from_value(record["options"]["method"].clone()).unwrap();
    let level = ConfidenceLevel::new(record["options"]["conf_level"].as_f64().unwrap()).unwrap();
    let input = ProportionInput {
        estimate: values["estimate"].as_f64().unwrap(),
        std_error: values["se"].as_f64().unwrap(),
        df: values["df"].as_f64().unwrap(),
        n,
    };
    let (lower, upper) =
        proportion_interval(&input, method, level).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut checked = 0;
    for (name, got) in [("ci_lower", lower), ("ci_upper", upper)] {
        let (rel, abs) = tolerance(record, name);
        let want = values[name].as_f64().unwrap();
        assert_close(got, want, rel, abs, &format!("{id} {name}"));
        checked += 1;
    }
    if method == ProportionMethod::Likelihood {
        for (name, got) in [
            ("ci_lower_exact_root", lower),
            ("ci_upper_exact_root", upper),
        ] {
            let (rel, abs) = tolerance(record, name);
            let want = values[name].as_f64().unwrap();
            assert_close(got, want, rel, abs, &format!("{id} {name}"));
            checked += 1;
        }
    }
    checked
}

/// Every `svyciprop` record (8 designs × 2 variables × 6 methods × 2 levels, minus the 24
/// skipped degenerate ones), with `n = nrow(design)`, and every `svyby(..., svyciprop)`
/// record with its domain degrees of freedom.
#[test]
fn svyciprop_records_match_r() {
    let reference = read_json("reference.json");
    let n_obs: HashMap<&str, f64> = reference["designs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, d)| (id.as_str(), d["n_obs"].as_f64().unwrap()))
        .collect();
    let (mut records, mut by_records, mut values) = (0, 0, 0);
    let mut per_method: HashMap<String, usize> = HashMap::new();
    for record in reference["results"].as_array().unwrap() {
        let id = record["id"].as_str().unwrap();
        let is_svyciprop = record["estimator"] == "svyciprop";
        let is_by = record["estimator"] == "svyby" && id.contains("/svyby/svyciprop/");
        if !(is_svyciprop || is_by) {
            continue;
        }
        let n = n_obs[record["design"].as_str().unwrap()];
        values += check_record(record, n);
        *per_method
            .entry(record["options"]["method"].as_str().unwrap().to_string())
            .or_default() += 1;
        if is_by {
            by_records += 1;
        } else {
            records += 1;
        }
    }
    assert_eq!(records, 168);
    assert_eq!(by_records, 24);
    // 192 records × (ci_lower, ci_upper) + 28 likelihood records × 2 exact roots.
    assert_eq!(values, 192 * 2 + 28 * 2);
    for method in ["likelihood", "asin", "beta", "mean", "xlogit"] {
        assert_eq!(per_method[method], 28, "{method}");
    }
    assert_eq!(per_method["logit"], 28 + 24);
}

/// The likelihood criterion solved here against R's own criterion with the svyglm fitted to
/// convergence: all 28 likelihood records (56 bounds) agree to 1e-8 relative.
#[test]
fn likelihood_matches_converged_r_roots() {
    let reference = read_json("reference.json");
    let converged = read_json("svyciprop_likelihood_converged.json");
    let records: HashMap<&str, &Value> = reference["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut checked = 0;
    for v in converged["values"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let record = records[id];
        let values = &record["values"];
        let n = reference["designs"][record["design"].as_str().unwrap()]["n_obs"]
            .as_f64()
            .unwrap();
        let input = ProportionInput {
            estimate: values["estimate"].as_f64().unwrap(),
            std_error: values["se"].as_f64().unwrap(),
            df: values["df"].as_f64().unwrap(),
            n,
        };
        let level =
            ConfidenceLevel::new(record["options"]["conf_level"].as_f64().unwrap()).unwrap();
        let (lower, upper) =
            proportion_interval(&input, ProportionMethod::Likelihood, level).unwrap();
        for (name, got) in [
            ("ci_lower_exact_root", lower),
            ("ci_upper_exact_root", upper),
        ] {
            let want = v[name].as_f64().unwrap();
            assert_close(
                got,
                want,
                1e-8,
                0.0,
                &format!("{id} {name} (converged glm)"),
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 56);
}

/// `logit` and `xlogit` are the same formula; `asin`, `logit`, `likelihood`, `beta` and
/// `wilson` intervals all contain the estimate and lie in (0, 1).
#[test]
fn methods_agree_on_basic_properties() {
    let level = ConfidenceLevel::default();
    for &(p, se, df, n) in &[
        (0.815, 0.0271, 199.0, 200.0),
        (0.02, 0.01, 14.0, 183.0),
        (0.97, 0.015, f64::INFINITY, 500.0),
    ] {
        let input = ProportionInput {
            estimate: p,
            std_error: se,
            df,
            n,
        };
        let logit = proportion_interval(&input, ProportionMethod::Logit, level).unwrap();
        let xlogit = proportion_interval(&input, ProportionMethod::Xlogit, level).unwrap();
        assert_eq!(logit, xlogit);
        for method in ProportionMethod::ALL {
            let (lower, upper) = proportion_interval(&input, method, level).unwrap();
            assert!(
                0.0 <= lower && lower < p && p < upper && upper <= 1.0,
                "{method}"
            );
        }
    }
}
