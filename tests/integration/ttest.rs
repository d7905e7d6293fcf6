//! The design-based two-sample t-test (`Survey::ttest`, spec `"stat": "ttest"`) against R
//! survey 4.1.1's `svyttest`: `tests/data/ttest_R.json`, made by `tests/data/ttest_R.R`,
//! on a stratified design with fpc, a two-stage design with fpc at both stages, a
//! post-stratified design and a JK1 replicate design.

use crate::common::{assert_close, data_path, read_json};
use serde_json::Value;
use std::path::Path;
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::table::ResultRow;
use survey_stats::{DesignOptions, ReplicateOptions, ReplicateType, Survey};

const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;

pub(crate) fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().expect("a number"),
        v => v.as_f64().expect("a number"),
    }
}

fn from_csv(name: &str, options: DesignOptions) -> Survey {
    Survey::from_csv(data_path(name), &options).expect(name)
}

fn strat() -> Survey {
    from_csv(
        "apistrat.csv",
        DesignOptions {
            weights: Some("pw".into()),
            strata: Some("stype".into()),
            fpc: vec!["fpc".into()],
            ..Default::default()
        },
    )
}

/// The designs of `ttest_R.R` and `contrast_R.R`, by their names there.
pub(crate) fn survey(case: &str) -> Survey {
    match case {
        "strat" | "strat_enroll_awards" | "strat_acs_k3" => strat(),
        "clus2" | "clus2_acs_k3" => from_csv(
            "apiclus2.csv",
            DesignOptions {
                clusters: vec!["dnum".into(), "snum".into()],
                fpc: vec!["fpc1".into(), "fpc2".into()],
                ..Default::default()
            },
        ),
        "poststrat" => from_csv(
            "apisrs.csv",
            DesignOptions {
                weights: Some("pw".into()),
                fpc: vec!["fpc".into()],
                ..Default::default()
            },
        )
        .poststratify("stype", [("E", 4421.0), ("H", 755.0), ("M", 1018.0)])
        .expect("post-stratified"),
        "jk1_clus1" => {
            let rep = &read_json("replicate_R.json")["cases"]["jk1_clus1"];
            let data = survey_stats::data::read_csv(
                data_path("rep_jk1_clus1.csv"),
                &survey_stats::data::CsvOptions::default(),
            )
            .expect("rep_jk1_clus1.csv");
            Survey::builder(data)
                .weights("fullw")
                .replicates(ReplicateOptions {
                    columns: vec![],
                    prefix: Some("rw".into()),
                    combined_weights: true,
                    kind: ReplicateType::JK1,
                    rho: None,
                    scale: Some(num(&rep["scale"])),
                    rscales: Some(rep["rscales"].as_array().unwrap().iter().map(num).collect()),
                    mse: false,
                })
                .build()
                .expect("JK1 design")
        }
        other => panic!("unknown case {other}"),
    }
}

/// `y ~ g` of R's formula.
fn formula(case: &Value) -> (String, String) {
    let f = case["formula"].as_str().unwrap();
    let (y, g) = f.split_once(" ~ ").unwrap();
    (y.to_string(), g.to_string())
}

#[test]
fn ttest_matches_r_svyttest() {
    let reference = read_json("ttest_R.json");
    let cases = reference.as_object().unwrap();
    assert_eq!(cases.len(), 7);
    for (name, case) in cases {
        let (y, g) = formula(case);
        let t = survey(name).ttest(&y, &g).expect(name);
        let d = &t.difference;
        let at = |what: &str| format!("{name} {what}");
        assert_close(d.value, num(&case["estimate"]), REL, ABS, &at("estimate"));
        assert_close(d.std_error, num(&case["std_error"]), REL, ABS, &at("SE"));
        assert_close(t.statistic, num(&case["statistic"]), REL, ABS, &at("t"));
        assert_eq!(d.df, Some(num(&case["df"])), "{name} df");
        let p = d.p_value.expect("a p-value");
        assert_close(p, num(&case["p_value"]), 1e-8, 1e-15, &at("p"));
        let ci = d.interval.expect("an interval");
        assert_close(ci.lower, num(&case["ci_lower"]), REL, 1e-9, &at("lower"));
        assert_close(ci.upper, num(&case["ci_upper"]), REL, 1e-9, &at("upper"));
        // Second minus first, in sort order ("No" < "Yes").
        assert_eq!(t.first.to_string(), "No", "{name}");
        assert_eq!(t.second.to_string(), "Yes", "{name}");
    }
}

#[test]
fn ttest_in_a_spec_matches_r() {
    let reference = read_json("ttest_R.json");
    let case = &reference["strat"];
    let spec = AnalysisSpec::from_json(
        r#"{"data": "apistrat.csv",
            "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
            "estimates": [{"id": "t", "stat": "ttest", "variable": "api00", "group": "comp.imp"}]}"#,
    )
    .expect("spec");
    let dir = data_path("apistrat.csv");
    let out = spec::run(&spec, dir.parent().unwrap_or(Path::new(".")), None).expect("runs");
    let ResultRow::Estimate(row) = &out.rows[0] else {
        panic!("an estimate row");
    };
    assert_close(
        row.estimate.unwrap(),
        num(&case["estimate"]),
        REL,
        ABS,
        "estimate",
    );
    assert_close(
        row.std_error.unwrap(),
        num(&case["std_error"]),
        REL,
        ABS,
        "SE",
    );
    assert_eq!(row.df, Some(num(&case["df"])));
    assert_close(
        row.p_value.unwrap(),
        num(&case["p_value"]),
        1e-8,
        1e-15,
        "p",
    );
    assert_close(
        row.ci_lower.unwrap(),
        num(&case["ci_lower"]),
        REL,
        1e-9,
        "lower",
    );
    assert_eq!(row.category.as_deref(), Some("comp.imp: Yes − No"));
}

#[test]
fn ttest_needs_two_groups() {
    let err = strat().ttest("api00", "stype").unwrap_err();
    assert!(err.to_string().contains("exactly two categories"), "{err}");
    let spec = AnalysisSpec::from_json(
        r#"{"data": "apistrat.csv", "design": {"weights": "pw"},
            "estimates": [{"id": "t", "stat": "ttest", "variable": "api00"}]}"#,
    );
    assert!(spec.is_err(), "a ttest without group is rejected");
}
