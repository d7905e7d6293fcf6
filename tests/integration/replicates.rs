//! Replicate-weight designs against R survey 4.1.1 (`tests/data/replicate_R.R`): the
//! replicate columns R made (`as.svrepdesign`) are read back as given columns and every
//! estimate matches; the crate's own JKn, JK1, BRR and Fay replicates give R's SEs.

use crate::common::{assert_close, data_path, read_json};
use serde_json::Value;
use std::collections::BTreeMap;
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{
    Design, DesignOptions, ReplicateMethod, ReplicateOptions, ReplicateType,
};
use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
use survey_stats::estimate::{self, CategorySelection, Domains, Estimate, EstimateOptions};
use survey_stats::hypothesis::{ChisqStatistic, independence};
use survey_stats::interval::ProportionMethod;
use survey_stats::weighting::poststratify_design;

fn num(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_f64())
        .expect("a number")
}

fn first(rows: Vec<Estimate>) -> Estimate {
    rows.into_iter().next().expect("a row")
}

/// Compares the case's estimates on `design` with R's; returns the values checked.
fn check_case(name: &str, case: &Value, data: &Dataset, design: &Design, rel: f64) -> usize {
    let whole = Domains::whole();
    let opts = EstimateOptions {
        method: ProportionMethod::Mean,
        ..Default::default()
    };
    let mut n = 0;
    let mut check = |got: Option<f64>, key: &str| {
        assert_close(
            got.expect(key),
            num(&case[key]),
            rel,
            1e-12,
            &format!("{name} {key}"),
        );
        n += 1;
    };
    let m = first(estimate::mean(data, design, "api00", &whole, &opts).unwrap());
    check(m.estimate, "mean_api00");
    check(m.std_error, "mean_api00_se");
    let t = first(estimate::total(data, design, "enroll", &whole, &opts).unwrap());
    check(t.estimate, "total_enroll");
    check(t.std_error, "total_enroll_se");
    let yes = CategorySelection::One("Yes".into());
    let p = first(estimate::proportion(data, design, "sch.wide", &yes, &whole, &opts).unwrap());
    check(p.estimate, "p_schwide_yes");
    check(p.std_error, "p_schwide_yes_se");
    let r = first(estimate::ratio(data, design, "api00", "api99", &whole, &opts).unwrap());
    check(r.estimate, "ratio");
    check(r.std_error, "ratio_se");
    let d = first(estimate::difference(data, design, "api00", "api99", &whole, &opts).unwrap());
    check(d.estimate, "diff");
    check(d.std_error, "diff_se");
    let by = Domains::by(data, &["stype".to_string()]).unwrap();
    let rows = estimate::mean(data, design, "api00", &by, &opts).unwrap();
    for (row, want) in rows.iter().zip(case["by_stype"].as_array().unwrap()) {
        assert_close(
            row.estimate.unwrap(),
            num(&want["estimate"]),
            rel,
            1e-12,
            &format!("{name} by estimate"),
        );
        assert_close(
            row.std_error.unwrap(),
            num(&want["se"]),
            rel,
            1e-12,
            &format!("{name} by se"),
        );
        n += 2;
    }
    // R fits the logit with svyglm (IRLS stopped at glm's 1e-8): the oracle's 1e-6.
    let logit = EstimateOptions::default();
    let c = first(estimate::proportion(data, design, "sch.wide", &yes, &whole, &logit).unwrap());
    let ci = &case["ciprop_logit"];
    assert_close(
        c.ci_lower.unwrap(),
        num(&ci["lower"]),
        1e-6,
        1e-12,
        &format!("{name} logit lower"),
    );
    assert_close(
        c.ci_upper.unwrap(),
        num(&ci["upper"]),
        1e-6,
        1e-12,
        &format!("{name} logit upper"),
    );
    assert_eq!(
        design.degrees_of_freedom(),
        case["degf"].as_f64().unwrap(),
        "{name} degf"
    );
    // The median with R's default (math rule, Woodruff interval from the replicate SE).
    let q = first(
        estimate::quantiles(
            data,
            design,
            "api00",
            &[0.5],
            QuantileRule::Math,
            QuantileInterval::Mean,
            &whole,
            &logit,
        )
        .unwrap(),
    );
    let want = &case["median"];
    for (got, key) in [
        (q.estimate, "estimate"),
        (q.ci_lower, "lower"),
        (q.ci_upper, "upper"),
        (q.std_error, "se"),
    ] {
        assert_close(
            got.unwrap(),
            num(&want[key]),
            rel,
            1e-12,
            &format!("{name} median {key}"),
        );
    }
    // Post-stratified on stype: every replicate post-stratified too, as R does.
    let pop = BTreeMap::from([
        ("E".to_string(), 4421.0),
        ("H".to_string(), 755.0),
        ("M".to_string(), 1018.0),
    ]);
    let ps = poststratify_design(data, design, "stype", &pop).unwrap();
    let m = first(estimate::mean(data, &ps, "api00", &whole, &opts).unwrap());
    assert_close(
        m.estimate.unwrap(),
        num(&case["poststrat_mean_api00"]),
        rel,
        1e-12,
        &format!("{name} poststrat"),
    );
    assert_close(
        m.std_error.unwrap(),
        num(&case["poststrat_mean_api00_se"]),
        rel,
        1e-12,
        &format!("{name} poststrat se"),
    );
    // svychisq's Rao–Scott and Wald statistics with the replicate covariances.
    for want in case["chisq"].as_array().unwrap() {
        let statistic: ChisqStatistic = serde_json::from_value(want["statistic"].clone()).unwrap();
        let t = independence(data, design, "sch.wide", "stype", statistic).unwrap();
        let what = format!("{name} svychisq {statistic:?}");
        assert_close(t.statistic.unwrap(), num(&want["value"]), rel, 1e-12, &what);
        assert_close(
            t.p_value.unwrap(),
            num(&want["p_value"]),
            1e-6,
            1e-12,
            &what,
        );
    }
    n + 9 + 8
}

fn kind(name: &str) -> ReplicateType {
    serde_json::from_value(Value::String(name.to_string())).expect("a replicate type")
}

#[test]
fn given_replicate_columns_match_r() {
    let reference = read_json("replicate_R.json");
    let mut checked = 0;
    for (name, case) in reference["cases"].as_object().unwrap() {
        let data = read_csv(
            data_path(&format!("rep_{name}.csv")),
            &CsvOptions::default(),
        )
        .unwrap();
        let options = ReplicateOptions {
            columns: vec![],
            prefix: Some("rw".into()),
            combined_weights: true,
            kind: kind(case["type"].as_str().unwrap()),
            rho: None,
            scale: Some(num(&case["scale"])),
            rscales: Some(
                case["rscales"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(num)
                    .collect(),
            ),
            mse: false,
        };
        let design = Design::with_replicate_columns(&data, "fullw", &options).unwrap();
        assert_eq!(
            design.n_replicates(),
            case["replicates"].as_u64().unwrap() as usize
        );
        checked += check_case(name, case, &data, &design, 1e-9);
    }
    assert_eq!(checked, 5 * 33);
}

/// The crate's own replicates: JKn and JK1 (with fpc in the scales) reproduce R's, BRR and Fay
/// from a Sylvester Hadamard matrix give R's SEs, and JKn on a stratified SRS equals the
/// Taylor SE (R: 9.40894 for apistrat's api00 both ways).
#[test]
fn created_replicates_match_r_and_theory() {
    let reference = read_json("replicate_R.json");
    let load = |file: &str| read_csv(data_path(file), &CsvOptions::default()).unwrap();
    let opts = |w: &str, strata: Option<&str>, clusters: &[&str], fpc: &[&str]| DesignOptions {
        weights: Some(w.into()),
        strata: strata.map(String::from),
        clusters: clusters.iter().map(|s| s.to_string()).collect(),
        fpc: fpc.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let strat = load("apistrat.csv");
    let taylor = Design::new(&strat, &opts("pw", Some("stype"), &[], &["fpc"])).unwrap();
    let jkn = taylor.replicate(ReplicateMethod::JKn).unwrap();
    check_case(
        "jkn_strat",
        &reference["cases"]["jkn_strat"],
        &strat,
        &jkn,
        1e-9,
    );
    let whole = Domains::whole();
    let m = |d: &Design| {
        first(estimate::mean(&strat, d, "api00", &whole, &EstimateOptions::default()).unwrap())
    };
    assert_close(
        m(&jkn).std_error.unwrap(),
        m(&taylor).std_error.unwrap(),
        1e-8,
        0.0,
        "JKn = Taylor",
    );
    assert_close(
        m(&jkn).std_error.unwrap(),
        9.40894080278458,
        1e-8,
        0.0,
        "R's 9.40894",
    );

    let clus1 = load("apiclus1.csv");
    let jk1 = Design::new(&clus1, &opts("pw", None, &["dnum"], &["fpc"]))
        .unwrap()
        .replicate(ReplicateMethod::JK1)
        .unwrap();
    check_case(
        "jk1_clus1",
        &reference["cases"]["jk1_clus1"],
        &clus1,
        &jk1,
        1e-9,
    );

    let pairs = load("pairs.csv");
    let paired = Design::new(&pairs, &opts("pw", Some("pair"), &["dnum"], &[])).unwrap();
    let brr = paired.replicate(ReplicateMethod::BRR).unwrap();
    check_case(
        "brr_pairs",
        &reference["cases"]["brr_pairs"],
        &pairs,
        &brr,
        1e-9,
    );
    let fay = paired.replicate(ReplicateMethod::Fay { rho: 0.3 }).unwrap();
    check_case(
        "fay_pairs",
        &reference["cases"]["fay_pairs"],
        &pairs,
        &fay,
        1e-9,
    );
    // BRR's variance of a total is the with-replacement Taylor variance (full balance).
    let t = |d: &Design| {
        first(estimate::total(&pairs, d, "enroll", &whole, &EstimateOptions::default()).unwrap())
    };
    assert_close(
        t(&brr).std_error.unwrap(),
        t(&paired).std_error.unwrap(),
        1e-9,
        0.0,
        "BRR = Taylor for a total",
    );
}

#[test]
fn bootstrap_is_reproducible_and_close_to_taylor() {
    let strat = read_csv(data_path("apistrat.csv"), &CsvOptions::default()).unwrap();
    let taylor = Design::new(
        &strat,
        &DesignOptions {
            weights: Some("pw".into()),
            strata: Some("stype".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let boot = |seed| {
        taylor
            .replicate(ReplicateMethod::Bootstrap {
                replicates: 200,
                seed,
            })
            .unwrap()
    };
    let whole = Domains::whole();
    let se = |d: &Design| {
        first(estimate::mean(&strat, d, "api00", &whole, &EstimateOptions::default()).unwrap())
            .std_error
            .unwrap()
    };
    let (a, b, c) = (se(&boot(7)), se(&boot(7)), se(&boot(8)));
    assert_eq!(a, b, "the same seed gives the same replicates");
    assert_ne!(a, c);
    let t = se(&taylor);
    assert!((a / t - 1.0).abs() < 0.15, "bootstrap SE {a} vs Taylor {t}");
}

#[test]
fn replicate_design_errors() {
    let strat = read_csv(data_path("apistrat.csv"), &CsvOptions::default()).unwrap();
    let taylor = Design::new(
        &strat,
        &DesignOptions {
            weights: Some("pw".into()),
            strata: Some("stype".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        taylor.replicate(ReplicateMethod::JK1).is_err(),
        "JK1 with strata"
    );
    assert!(
        taylor.replicate(ReplicateMethod::BRR).is_err(),
        "BRR needs two PSUs per stratum"
    );
    assert!(taylor.replicate(ReplicateMethod::Fay { rho: 1.5 }).is_err());
    let no_cols = ReplicateOptions {
        columns: vec![],
        prefix: Some("nothing_".into()),
        combined_weights: true,
        kind: ReplicateType::JK1,
        rho: None,
        scale: None,
        rscales: None,
        mse: false,
    };
    assert!(Design::with_replicate_columns(&strat, "pw", &no_cols).is_err());
    let jkn_without_rscales = ReplicateOptions {
        prefix: None,
        columns: vec!["pw".into()],
        kind: ReplicateType::JKn,
        ..no_cols
    };
    assert!(Design::with_replicate_columns(&strat, "pw", &jkn_without_rscales).is_err());
}
