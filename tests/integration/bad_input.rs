//! Bad input: each case gives the matching library error variant, and the command line
//! exits with status 2 and a message naming where.

use std::path::PathBuf;
use std::process::Command;
use survey_stats::data::{CsvOptions, DataError, read_csv, read_csv_from_reader};
use survey_stats::design::{Design, DesignError, DesignOptions, LonelyPsu};
use survey_stats::estimate::{self, CategorySelection, Domains, EstimateOptions};
use survey_stats::spec::{AnalysisSpec, SpecError};

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("survey-stats-bad-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `data.csv` and `spec.json` (estimating the mean of `y` with weights `w` unless
/// `spec` is given) and runs `survey-stats estimate`; returns (exit code, stderr).
fn cli(name: &str, csv: &str, spec: Option<&str>) -> (i32, String) {
    let dir = scratch(name);
    std::fs::write(dir.join("data.csv"), csv).expect("write csv");
    let spec = spec.unwrap_or(
        r#"{"data": "data.csv", "design": {"weights": "w"},
            "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    );
    std::fs::write(dir.join("spec.json"), spec).expect("write spec");
    let out = Command::new(env!("CARGO_BIN_EXE_survey-stats"))
        .arg("estimate")
        .arg(dir.join("spec.json"))
        .output()
        .expect("run survey-stats");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_exit_2(code: i32, stderr: &str, needles: &[&str]) {
    assert_eq!(code, 2, "exit status; stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks {n:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
}

fn read(text: &str) -> Result<survey_stats::data::Dataset, DataError> {
    read_csv_from_reader(text.as_bytes(), "t.csv", &CsvOptions::default())
}

#[test]
fn ragged_row() {
    let csv = "w,y\n1,2\n1,2,3\n";
    assert!(matches!(
        read(csv),
        Err(DataError::RaggedRow {
            row: 3,
            expected: 2,
            found: 3,
            ..
        })
    ));
    let (code, err) = cli("ragged", csv, None);
    assert_exit_2(code, &err, &["data.csv", "row 3", "3 fields"]);
}

#[test]
fn empty_file() {
    assert!(matches!(read(""), Err(DataError::EmptyFile { .. })));
    let (code, err) = cli("empty", "", None);
    assert_exit_2(code, &err, &["data.csv", "empty"]);
}

#[test]
fn header_only_file() {
    assert!(matches!(read("w,y\n"), Err(DataError::HeaderOnly { .. })));
    let (code, err) = cli("header", "w,y\n", None);
    assert_exit_2(code, &err, &["data.csv", "no data rows"]);
}

#[test]
fn duplicate_column_name() {
    let csv = "w,y,w\n1,2,3\n";
    assert!(matches!(read(csv), Err(DataError::DuplicateColumn { column, .. }) if column == "w"));
    let (code, err) = cli("dup", csv, None);
    assert_exit_2(code, &err, &["data.csv", "duplicate column name \"w\""]);
}

#[test]
fn missing_column_named_by_the_spec() {
    let ds = read("w,y\n1,2\n").expect("data");
    let opts = DesignOptions {
        weights: Some("weight".into()),
        ..Default::default()
    };
    assert!(matches!(
        Design::new(&ds, &opts),
        Err(DesignError::Data(DataError::MissingColumn { column })) if column == "weight"
    ));
    let spec = r#"{"data": "data.csv", "design": {"weights": "w"},
        "estimates": [{"id": "m", "stat": "mean", "variable": "income"}]}"#;
    let (code, err) = cli("missing-col", "w,y\n1,2\n1,3\n", Some(spec));
    assert_exit_2(
        code,
        &err,
        &["\"m\"", "column \"income\" is not in the data"],
    );
}

#[test]
fn malformed_spec_json() {
    assert!(matches!(
        AnalysisSpec::from_json("{\"data\": "),
        Err(SpecError::Json { .. })
    ));
    let bad_level = r#"{"data": "d.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y", "level": "high"}]}"#;
    match AnalysisSpec::from_json(bad_level) {
        Err(SpecError::Json { path, .. }) => assert_eq!(path, "estimates[0].level"),
        other => panic!("expected a JSON error at estimates[0].level, got {other:?}"),
    }
    let unknown = r#"{"data": "d.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y", "colour": 1}]}"#;
    match AnalysisSpec::from_json(unknown) {
        Err(SpecError::Json { path, message }) => {
            assert_eq!(path, "estimates[0].colour");
            assert!(message.contains("colour"), "{message}");
        }
        other => panic!("expected an unknown-field error, got {other:?}"),
    }
    let out_of_range = r#"{"data": "d.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y", "level": 1.5}]}"#;
    assert!(matches!(
        AnalysisSpec::from_json(out_of_range),
        Err(SpecError::Invalid { path, .. }) if path == "estimates[0].level"
    ));
    let (code, err) = cli(
        "bad-json",
        "w,y\n1,2\n",
        Some("{\"data\": \"data.csv\", \"estimates\": [ {\"id\": 3} ]}"),
    );
    assert_exit_2(code, &err, &["spec", "estimates[0].id"]);
}

#[test]
fn bad_weights() {
    for (name, value, shown) in [
        ("neg", "-1", "-1"),
        ("nan", "NaN", "NaN"),
        ("inf", "inf", "inf"),
    ] {
        let csv = format!("w,y\n1,2\n{value},3\n");
        let ds = read(&csv).expect("data");
        let opts = DesignOptions {
            weights: Some("w".into()),
            ..Default::default()
        };
        match Design::new(&ds, &opts) {
            Err(DesignError::BadWeight { column, row, value }) => {
                assert_eq!((column.as_str(), row, value.as_str()), ("w", 2, shown));
            }
            other => panic!("{name}: expected BadWeight, got {other:?}"),
        }
        let (code, err) = cli(name, &csv, None);
        assert_exit_2(code, &err, &["weight column \"w\"", "CSV row 3", shown]);
    }
}

#[test]
fn lonely_psu_under_fail_names_the_stratum() {
    let ds = read("h,psu,y\na,1,1\na,2,2\nb,3,3\nb,3,4\n").expect("data");
    let opts = DesignOptions {
        strata: Some("h".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    };
    assert!(matches!(
        Design::new(&ds, &opts),
        Err(DesignError::LonelyPsu { stratum, stage: 1 }) if stratum == "b"
    ));
    // The other policies accept it; certainty and remove drop the stratum's contribution.
    for policy in [
        LonelyPsu::Remove,
        LonelyPsu::Certainty,
        LonelyPsu::Adjust,
        LonelyPsu::Average,
    ] {
        let d = Design::new(
            &ds,
            &DesignOptions {
                lonely_psu: policy,
                ..opts.clone()
            },
        )
        .expect("design");
        let m = estimate::total(&ds, &d, "y", &Domains::whole(), &EstimateOptions::default())
            .expect("total");
        assert!(m[0].std_error.is_some(), "{policy:?}");
    }
}

#[test]
fn fpc_smaller_than_the_sample() {
    let ds = read("y,N\n1,2\n2,2\n3,2\n").expect("data");
    let opts = DesignOptions {
        fpc: vec!["N".into()],
        ..Default::default()
    };
    assert!(matches!(
        Design::new(&ds, &opts),
        Err(DesignError::FpcTooSmall { population, sampled: 3, .. }) if population == 2.0
    ));
}

#[test]
fn empty_domain_is_a_row_with_a_note() {
    // Domain "b" has rows but none with a value of y: a row with nulls and a note.
    let ds = read("g,y\na,1\na,2\nb,NA\nb,\n").expect("data");
    let d = Design::new(&ds, &DesignOptions::default()).expect("design");
    let by = Domains::by(&ds, &["g".to_string()]).expect("domains");
    let rows = estimate::mean(&ds, &d, "y", &by, &EstimateOptions::default()).expect("mean");
    assert_eq!(rows.len(), 2);
    let b = &rows[1];
    assert_eq!((b.estimate, b.std_error, b.ci_lower), (None, None, None));
    assert_eq!((b.n, b.n_missing), (0, 2));
    assert!(b.note.as_deref().is_some_and(|n| n.contains("empty")));
    let json = serde_json::to_string(b).expect("json");
    assert!(json.contains("\"estimate\":null") && !json.contains("NaN"));
}

#[test]
fn a_category_with_zero_weight() {
    let ds = read("w,a\n1,x\n2,y\n0,z\n3,x\n").expect("data");
    let d = Design::new(
        &ds,
        &DesignOptions {
            weights: Some("w".into()),
            ..Default::default()
        },
    )
    .expect("design");
    let rows = estimate::proportion(
        &ds,
        &d,
        "a",
        &CategorySelection::All,
        &Domains::whole(),
        &EstimateOptions::default(),
    )
    .expect("proportion");
    let z = rows
        .iter()
        .find(|r| r.category.as_deref() == Some("z"))
        .expect("z row");
    assert_eq!(z.estimate, Some(0.0));
    assert_eq!(z.std_error, Some(0.0));
    let json = serde_json::to_string(&rows).expect("json");
    assert!(!json.contains("NaN"), "{json}");
}

#[test]
fn cli_usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_survey-stats"))
        .args(["estimate"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_survey-stats"))
        .args(["estimate", "/nonexistent/spec.json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spec.json"));
}

#[test]
fn data_file_read_errors_name_the_file() {
    match read_csv("/nonexistent/data.csv", &CsvOptions::default()) {
        Err(DataError::Io { file, .. }) => assert_eq!(file, "/nonexistent/data.csv"),
        other => panic!("expected Io, got {other:?}"),
    }
}
