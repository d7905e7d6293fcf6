//! The command line end to end: `binom` against the binomial reference, `estimate` on the
//! example spec in every format, `--timings`.

use crate::common::{assert_close, data_path, read_json, run_cli};

#[test]
fn binom_prints_the_reference_interval() {
    // binomial_ci.json: x = 47, n = 100, alpha = 0.1, statsmodels wilson and beta.
    let grid = read_json("binomial_ci.json");
    let entry = grid["grid"]
        .as_array()
        .expect("grid")
        .iter()
        .find(|e| e["x"] == 47 && e["n"] == 100 && e["alpha"] == 0.1)
        .expect("grid point");
    for (method, key) in [
        ("wilson", "wilson"),
        ("clopper_pearson", "beta"),
        ("jeffreys", "jeffreys"),
    ] {
        let (code, out, err) =
            run_cli(&["binom", "47", "100", "--method", method, "--level", "0.9"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
        let want = &entry["statsmodels"][key];
        assert_close(
            v["ci_lower"].as_f64().unwrap(),
            want["lower"].as_f64().unwrap(),
            1e-9,
            1e-12,
            method,
        );
        assert_close(
            v["ci_upper"].as_f64().unwrap(),
            want["upper"].as_f64().unwrap(),
            1e-9,
            1e-12,
            method,
        );
        assert_eq!(
            (v["estimate"].as_f64(), v["level"].as_f64()),
            (Some(0.47), Some(0.9))
        );
        assert_eq!(v["method"], method);
    }
    let (code, _, err) = run_cli(&["binom", "3", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("exceed"), "{err}");
    let (code, _, _) = run_cli(&["binom", "3", "10", "--method", "exact"]);
    assert_eq!(code, 2);
}

#[test]
fn estimate_json_rows_match_r() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/specs/apistrat.json");
    let (code, out, err) = run_cli(&["estimate", spec, "--format", "json", "--timings"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("stdout is one JSON array");
    let first = &rows[0];
    assert_eq!(first["id"], "mean_api00");
    // R: svymean(~api00, svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat))
    assert_close(
        first["estimate"].as_f64().unwrap(),
        662.2873631593208,
        1e-12,
        0.0,
        "mean",
    );
    assert_close(
        first["std_error"].as_f64().unwrap(),
        9.40894080278458,
        1e-9,
        0.0,
        "se",
    );
    assert_eq!(first["df"], 197);
    assert!(
        err.contains("load_seconds=") && err.contains("estimate_seconds="),
        "{err}"
    );
    let test = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stat"] == "chisq")
        .expect("chisq row");
    assert!(test["p_value"].as_f64().is_some() && test["statistic"].as_f64().is_some());
}

#[test]
fn estimate_renders_every_format() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/specs/apistrat.json");
    for (format, marker) in [
        ("table", "-----"),
        ("markdown", "|---|"),
        ("csv", "id,domain,variable"),
    ] {
        let (code, out, err) = run_cli(&["estimate", spec, "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(out.contains(marker), "{format}: {out}");
        assert!(out.contains("mean_api00"), "{format}");
    }
    let (code, _, err) = run_cli(&["estimate", spec, "--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("yaml"));
}

#[test]
fn data_override_is_used() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/specs/apistrat.json");
    let other = data_path("apiclus1.csv");
    let (code, out, err) = run_cli(&[
        "estimate",
        spec,
        "--data",
        other.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(rows[0]["n"], 183, "apiclus1 has 183 rows, apistrat 200");
}

/// The report's analysis as a spec file: F1 at the published 77%, Kazakh labels with
/// `--lang kk`, the regions labelled.
#[test]
fn the_report_spec_runs_with_kazakh_labels() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/analysis.json");
    let (code, out, err) = run_cli(&["estimate", spec, "--format", "json", "--lang", "kk"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows = rows.as_array().expect("rows");
    let f1 = rows.iter().find(|r| r["id"] == "F1").expect("F1");
    assert_eq!((f1["estimate"].as_f64().unwrap() * 100.0).round(), 77.0);
    let f3 = rows
        .iter()
        .find(|r| r["category"] == "q2_problems_1")
        .expect("F3's option");
    assert_eq!(f3["variable"], "q2_problems");
    assert!(
        f3["category_label"].as_str().unwrap().contains("хабардар"),
        "{f3}"
    );
    let f10 = rows
        .iter()
        .find(|r| r["id"] == "F10" && r["domain"]["region"] == "1")
        .expect("F10 Almaty");
    assert_eq!(f10["domain_label"]["region"], "Алматы қаласы");
    let avg = rows
        .iter()
        .find(|r| r["id"] == "F10" && r["category"] == "average of domains")
        .expect("average");
    assert_eq!((avg["estimate"].as_f64().unwrap() * 100.0).round(), 4.0);
}

/// A replicate-weight design from the spec (`design.replicates` with a prefix): R's JK1
/// replicates of apiclus1 give R's SE.
#[test]
fn replicate_design_from_the_spec() {
    let dir = std::env::temp_dir().join(format!("survey-stats-cli-rep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let r = read_json("replicate_R.json");
    let case = &r["cases"]["jk1_clus1"];
    let spec = serde_json::json!({
        "data": data_path("rep_jk1_clus1.csv"),
        "design": {"weights": "fullw", "replicates": {"prefix": "rw", "type": "JK1",
                   "scale": case["scale"].as_str().unwrap().parse::<f64>().unwrap()}},
        "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]
    });
    let path = dir.join("spec.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    let (code, out, err) = run_cli(&["estimate", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let want: f64 = case["mean_api00_se"].as_str().unwrap().parse().unwrap();
    assert_close(
        rows[0]["std_error"].as_f64().unwrap(),
        want,
        1e-9,
        0.0,
        "JK1 SE",
    );
    assert_eq!(rows[0]["df"], 14);
}

/// A weighting step from the spec: R's default raking of apisrs (reference.json's
/// `srs_rake`), its report of sweeps and achieved margins on stderr.
#[test]
fn raking_from_the_spec() {
    let dir = std::env::temp_dir().join(format!("survey-stats-cli-rake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Written as text: the margins' order (stype, then sch.wide, as R's call) matters to a
    // raking stopped before convergence, and json! would sort the keys.
    let spec = format!(
        r#"{{"data": {:?}, "design": {{"fpc": ["fpc"]}},
            "adjust": [{{"rake": {{"margins": {{"stype": {{"E": 4421, "H": 755, "M": 1018}},
                                             "sch.wide": {{"No": 1072, "Yes": 5122}}}}}}}}],
            "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}]}}"#,
        data_path("apisrs.csv")
    );
    let path = dir.join("spec.json");
    std::fs::write(&path, spec).unwrap();
    let (code, out, err) = run_cli(&["estimate", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reference = read_json("reference.json");
    let want = reference["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "srs_rake/svymean/api00")
        .unwrap();
    assert_close(
        rows[0]["estimate"].as_f64().unwrap(),
        want["values"]["estimate"].as_f64().unwrap(),
        1e-9,
        0.0,
        "mean",
    );
    assert_close(
        rows[0]["std_error"].as_f64().unwrap(),
        want["values"]["se"].as_f64().unwrap(),
        1e-6,
        0.0,
        "se",
    );
    assert!(
        err.contains("adjust[0]") && err.contains("sweep") && err.contains("Kish"),
        "{err}"
    );
}
