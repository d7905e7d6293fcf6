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
    crate::common::scratch("bad", name)
}

/// Writes `data.csv` and `spec.json` (estimating the mean of `y` with weights `w` unless
/// `spec` is given) and runs `survey-stats estimate`; returns (exit code, stderr).
fn cli(name: &str, csv: &str, spec: Option<&str>) -> (i32, String) {
    cli_with_files(name, csv, spec, &[])
}

/// As [`cli`], with more files written beside the spec.
fn cli_with_files(
    name: &str,
    csv: &str,
    spec: Option<&str>,
    files: &[(&str, &str)],
) -> (i32, String) {
    let dir = scratch(name);
    std::fs::write(dir.join("data.csv"), csv).expect("write csv");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write file");
    }
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
        Err(SpecError::Json { path, .. }) if path == "estimates[0].level"
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
    let csv = "w,y\n1,2\n-1,3\n";
    let ds = read(csv).expect("data");
    let opts = DesignOptions {
        weights: Some("w".into()),
        ..Default::default()
    };
    match Design::new(&ds, &opts) {
        Err(DesignError::BadWeight { column, row, value }) => {
            assert_eq!((column.as_str(), row, value.as_str()), ("w", 2, "-1"));
        }
        other => panic!("expected BadWeight, got {other:?}"),
    }
    let (code, err) = cli("neg", csv, None);
    assert_exit_2(code, &err, &["weight column \"w\"", "CSV row 3", "-1"]);
    // A weight that is not a finite number stops the reading of the file.
    for (name, value) in [("nan", "NaN"), ("inf", "inf")] {
        let csv = format!("w,y\n1,2\n{value},3\n");
        let (code, err) = cli(name, &csv, None);
        assert_exit_2(
            code,
            &err,
            &[
                "data.csv",
                "row 3",
                "column \"w\"",
                value,
                "not a finite number",
            ],
        );
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
    // As R: svydesign accepts the design, the variance of an estimate with rows in the
    // stratum fails.
    let d = Design::new(&ds, &opts).expect("design");
    assert!(matches!(
        estimate::total(&ds, &d, "y", &Domains::whole(), &EstimateOptions::default()),
        Err(estimate::EstimateError::Design(DesignError::LonelyPsu { stratum, stage: 1 }))
            if stratum == "b"
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

/// A questionnaire with a coded question, a numeric question with a range and a
/// multiple-response question, for the validation cases.
const QUESTIONNAIRE: &str = r#"{
  "questions": [
    {"id": "q1", "text": {"en": "Aware?", "kk": "Білесіз бе?"}, "kind": "single_choice",
     "options": [{"code": 1, "label": {"en": "Yes"}}, {"code": 2, "label": {"en": "No"}},
                 {"code": 9, "label": {"en": "Hard to answer"}}],
     "missing_codes": [{"code": 9, "kind": "dont_know"}]},
    {"id": "age", "text": {"en": "Age"}, "kind": "numeric", "range": [15, 99]},
    {"id": "q2", "text": {"en": "Problems"}, "kind": "multiple_response",
     "options": [{"code": 1, "label": {"en": "A"}}, {"code": 2, "label": {"en": "B"}},
                 {"code": 9, "label": {"en": "Hard to answer"}}],
     "storage": {"type": "binary"}, "max_choices": 1, "exclusive": 9}
  ]
}"#;

fn read_with_questionnaire(csv: &str) -> Result<survey_stats::data::Dataset, DataError> {
    let q = survey_stats::questionnaire::Questionnaire::from_json(QUESTIONNAIRE)
        .expect("questionnaire");
    let opts = CsvOptions {
        questionnaire: Some(&q),
        ..CsvOptions::default()
    };
    read_csv_from_reader(csv.as_bytes(), "t.csv", &opts)
}

/// Runs the CLI on data validated by [`QUESTIONNAIRE`].
fn cli_with_questionnaire(name: &str, csv: &str) -> (i32, String) {
    let spec = r#"{"data": "data.csv", "questionnaire": "q.json", "design": {"weights": "w"},
        "estimates": [{"id": "p", "stat": "proportion", "variable": "q1"}]}"#;
    cli_with_files(name, csv, Some(spec), &[("q.json", QUESTIONNAIRE)])
}

const HEADER: &str = "w,q1,age,q2_1,q2_2,q2_9\n";

#[test]
fn valid_data_passes_the_questionnaire() {
    let csv = format!("{HEADER}1,1,30,1,0,0\n2,9,,0,0,1\n1,2,99,0,1,0\n");
    let ds = read_with_questionnaire(&csv).expect("valid data");
    assert_eq!(ds.n_rows(), 3);
    let (code, err) = cli_with_questionnaire("valid-q", &csv);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unknown_code() {
    let csv = format!("{HEADER}1,1,30,1,0,0\n1,4,30,1,0,0\n");
    match read_with_questionnaire(&csv) {
        Err(DataError::UnknownCode {
            row, column, value, ..
        }) => {
            assert_eq!((row, column.as_str(), value), (3, "q1", 4.0));
        }
        other => panic!("expected UnknownCode, got {other:?}"),
    }
    let (code, err) = cli_with_questionnaire("unknown-code", &csv);
    assert_exit_2(code, &err, &["data.csv", "row 3", "\"q1\"", "code 4"]);
}

#[test]
fn out_of_range_value() {
    let csv = format!("{HEADER}1,1,130,1,0,0\n");
    match read_with_questionnaire(&csv) {
        Err(DataError::InvalidValue {
            row, column, value, ..
        }) => {
            assert_eq!((row, column.as_str(), value), (2, "age", 130.0));
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
    let (code, err) = cli_with_questionnaire("range", &csv);
    assert_exit_2(code, &err, &["data.csv", "row 2", "\"age\"", "130"]);
}

#[test]
fn non_number_in_a_numeric_column() {
    let csv = format!("{HEADER}1,1,thirty,1,0,0\n");
    match read_with_questionnaire(&csv) {
        Err(DataError::NotANumber {
            row, column, value, ..
        }) => {
            assert_eq!((row, column.as_str(), value.as_str()), (2, "age", "thirty"));
        }
        other => panic!("expected NotANumber, got {other:?}"),
    }
    let (code, err) = cli_with_questionnaire("nan-text", &csv);
    assert_exit_2(code, &err, &["data.csv", "row 2", "\"age\"", "thirty"]);
    // Without a questionnaire, a text value in a column used as numbers is reported too.
    let ds = read("w,y\n1,2\n1,abc\n").expect("data");
    assert!(matches!(ds.numeric("y"), Err(DataError::NotNumeric { column, .. }) if column == "y"));
}

#[test]
fn exclusive_option_with_others() {
    let csv = format!("{HEADER}1,1,30,1,0,0\n1,1,30,1,0,1\n");
    assert!(matches!(
        read_with_questionnaire(&csv),
        Err(DataError::InvalidChoices { row: 3, question, .. }) if question == "q2"
    ));
}
