//! `svychisq(statistic = "lincom")` (spec `"test": "lincom"`) against R survey 4.1.1:
//! `tests/data/lincom_R.json`, made by `tests/data/lincom_R.R` on four designs. R's
//! p-value is `pFsum(method = "integration")`; the script's `_meta` says whether the
//! integral came from CompQuadForm's Davies algorithm (accuracy 1e-7) or, as here, from
//! the stand-in that computes the same probability with `integrate()` (see the script).

use crate::common::{assert_close, data_path, read_json};
use crate::ttest::num;
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::table::ResultRow;

fn design_json(case: &str) -> (&'static str, &'static str) {
    match case {
        "strat" => (
            "apistrat.csv",
            r#"{"weights": "pw", "strata": "stype", "fpc": ["fpc"]}"#,
        ),
        "clus1" => (
            "apiclus1.csv",
            r#"{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#,
        ),
        "clus2" => (
            "apiclus2.csv",
            r#"{"clusters": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}"#,
        ),
        "srs" => ("apisrs.csv", r#"{"weights": "pw", "fpc": ["fpc"]}"#),
        other => panic!("unknown case {other}"),
    }
}

#[test]
fn lincom_matches_r_svychisq() {
    let reference = read_json("lincom_R.json");
    let mut checked = 0;
    for (name, case) in reference.as_object().unwrap() {
        if name.starts_with('_') {
            continue;
        }
        let (data, design) = design_json(name);
        let vars: Vec<String> = case["formula"]
            .as_str()
            .unwrap()
            .split(" + ")
            .map(|v| format!("{v:?}"))
            .collect();
        let text = format!(
            r#"{{"data": "{data}", "design": {design},
                "estimates": [
                  {{"id": "l", "stat": "chisq", "variables": [{}], "test": "lincom"}},
                  {{"id": "s", "stat": "chisq", "variables": [{}], "test": "saddlepoint"}}]}}"#,
            vars.join(", "),
            vars.join(", ")
        );
        let spec = AnalysisSpec::from_json(&text).expect("spec");
        let dir = data_path(data);
        let out = spec::run(&spec, dir.parent().unwrap(), None).expect("runs");
        let (ResultRow::Test(lin), ResultRow::Test(sad)) = (&out.rows[0], &out.rows[1]) else {
            panic!("test rows");
        };
        assert_close(
            lin.statistic.unwrap(),
            num(&case["statistic"]),
            1e-9,
            0.0,
            name,
        );
        assert_close(lin.ddf.unwrap(), num(&case["ddf"]), 1e-9, 0.0, name);
        // Both are the same integral, each to about 1e-12 or better.
        let p = lin.p_value.unwrap();
        assert_close(p, num(&case["p_value"]), 1e-9, 1e-14, &format!("{name} p"));
        assert_close(
            sad.p_value.unwrap(),
            num(&case["saddlepoint_p_value"]),
            1e-6,
            0.0,
            name,
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}
