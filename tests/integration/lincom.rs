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
        "jk1_clus1" => (
            "rep_jk1_clus1.csv",
            r#"{"weights": "fullw", "replicates": {"prefix": "rw", "type": "JK1",
                "scale": 0.91483927785116681}}"#,
        ),
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
        let p = lin.p_value.unwrap();
        if case["ddf"].is_null() {
            // A replicate design: X² against the weighted sum of χ²₁ alone, R's value
            // extrapolated from two denominators (see the script), good to about 1e-8.
            assert!(lin.ddf.is_none(), "{name}");
            assert_close(p, num(&case["p_value"]), 1e-7, 1e-14, &format!("{name} p"));
            checked += 1;
            continue;
        }
        assert_close(lin.ddf.unwrap(), num(&case["ddf"]), 1e-9, 0.0, name);
        // Both are the same integral, each to about 1e-12 or better.
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
    assert_eq!(checked, 5);
}

/// `chisq` with `by` against R's `svychisq(~a + b, subset(design, g == level))`, level by
/// level (`tests/data/chisq_by_R.json`, made by `tests/data/chisq_by_R.R`; R's
/// `svyby(..., svychisq)` fails), every statistic. Domains where R fails or gives NaN
/// (a singular table) are skipped; they have a row here too, with a note or values.
#[test]
fn chisq_by_domain_matches_r_subsets() {
    let reference = read_json("chisq_by_R.json");
    let designs = [
        (
            "strat",
            "apistrat.csv",
            r#"{"weights": "pw", "strata": "stype", "fpc": ["fpc"]}"#,
            "",
        ),
        (
            "clus1",
            "apiclus1.csv",
            r#"{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#,
            "",
        ),
        (
            "poststrat",
            "apisrs.csv",
            r#"{"weights": "pw", "fpc": ["fpc"]}"#,
            r#", "adjust": [{"poststratify": {"variable": "stype",
                 "population": {"E": 4421, "H": 755, "M": 1018}}}]"#,
        ),
    ];
    let stats = ["F", "Chisq", "Wald", "adjWald", "lincom", "saddlepoint"];
    let mut checked = 0;
    for (name, data, design, adjust) in designs {
        let cases: Vec<(&String, &serde_json::Value)> = reference
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{name}/")))
            .collect();
        let first = cases[0].1;
        let vars: Vec<String> = first["formula"]
            .as_str()
            .unwrap()
            .split(" + ")
            .map(|v| format!("{v:?}"))
            .collect();
        let by = first["by"].as_str().unwrap();
        let estimates: Vec<String> = stats
            .iter()
            .map(|s| {
                format!(
                    r#"{{"id": "{s}", "stat": "chisq", "variables": [{}], "test": "{s}", "by": ["{by}"]}}"#,
                    vars.join(", ")
                )
            })
            .collect();
        let text = format!(
            r#"{{"data": "{data}", "design": {design}{adjust}, "estimates": [{}]}}"#,
            estimates.join(", ")
        );
        let spec = AnalysisSpec::from_json(&text).expect("spec");
        let dir = data_path(data);
        let out = spec::run(&spec, dir.parent().unwrap(), None).expect("runs");
        for (key, case) in &cases {
            let level = case["level"].as_str().unwrap();
            for s in stats {
                let want = &case[s];
                let Some(p_want) = want["p_value"].as_f64() else {
                    continue;
                };
                let row = out
                    .rows
                    .iter()
                    .find_map(|r| match r {
                        ResultRow::Test(t)
                            if t.id == s
                                && t.domain
                                    .as_ref()
                                    .and_then(|d| d.get(by))
                                    .map(String::as_str)
                                    == Some(level) =>
                        {
                            Some(t)
                        }
                        _ => None,
                    })
                    .unwrap_or_else(|| panic!("{key} {s}: no row"));
                let at = format!("{key} {s}");
                // lincom: both integrals are good to about 1e-13 absolute, which is what
                // an inversion of the characteristic function gives at tiny p-values.
                let (rel, abs) = match s {
                    "saddlepoint" => (1e-6, 1e-15),
                    "lincom" => (1e-8, 1e-13),
                    _ => (1e-9, 1e-15),
                };
                let got = row
                    .p_value
                    .unwrap_or_else(|| panic!("{at}: {:?}", row.note));
                assert_close(got, p_want, rel, abs, &format!("{at} p"));
                assert_close(
                    row.statistic.unwrap(),
                    num(&want["statistic"]),
                    1e-9,
                    0.0,
                    &at,
                );
                if !want["ddf"].is_null() {
                    assert_close(row.ddf.unwrap(), num(&want["ddf"]), 1e-9, 0.0, &at);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked} values checked");
}
