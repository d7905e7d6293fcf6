//! Hostile and careless input, end to end: each case is a clear error in the user's terms
//! (file, row, column, value or JSON path) or a correct answer; never a panic, a hang, a
//! NaN in the output or a silent change of the data. Cases of the hardening issue, in its
//! order: panics, hangs, silent wrong answers, unclear errors, then replicates created from
//! the spec (against R).

use crate::common::{assert_close, data_path, read_json, run_cli, scratch};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use survey_stats::data::{CsvOptions, DataError, read_csv_from_reader};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{self, DfRule, Domains, EstimateError, EstimateOptions};
use survey_stats::hypothesis::{ChisqStatistic, IndependenceError, independence};
use survey_stats::spec::{AnalysisSpec, SpecError};

/// A fresh folder holding `files`.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch("hardening", name);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write file");
    }
    dir
}

/// Writes `data.csv` (and other `files`) and `spec.json`, runs `estimate` with `--format
/// json`; (exit code, stdout, stderr).
fn estimate(name: &str, csv: &str, spec: &str, files: &[(&str, &str)]) -> (i32, String, String) {
    let mut all = vec![("data.csv", csv), ("spec.json", spec)];
    all.extend_from_slice(files);
    let dir = folder(name, &all);
    let spec = dir.join("spec.json");
    run_cli(&["estimate", spec.to_str().unwrap(), "--format", "json"])
}

/// Asserts exit status 2, no panic, no result on stdout, and each needle in the message.
fn fails((code, out, err): &(i32, String, String), needles: &[&str]) {
    assert_eq!(*code, 2, "exit status; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(out.is_empty(), "results printed: {out}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
}

/// The JSON rows of a successful run.
fn rows((code, out, err): &(i32, String, String)) -> Vec<serde_json::Value> {
    assert_eq!(*code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let rows: serde_json::Value = serde_json::from_str(out).expect("stdout is JSON");
    rows.as_array().expect("an array").clone()
}

fn read(text: &str) -> Result<survey_stats::data::Dataset, DataError> {
    read_csv_from_reader(text.as_bytes(), "t.csv", &CsvOptions::default())
}

/// The data of `csv` (columns `w` and `psu` among them) and its design: weights `w`,
/// clusters `psu`.
fn weighted_clusters(csv: &str) -> (survey_stats::data::Dataset, Design) {
    let data = read(csv).expect("a valid file");
    let options = DesignOptions {
        weights: Some("w".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    };
    let design = Design::new(&data, &options).expect("a valid design");
    (data, design)
}

fn spec_error(json: &str) -> (String, String) {
    match AnalysisSpec::from_json(json) {
        Err(SpecError::Invalid { path, message }) => (path, message),
        other => panic!("expected an invalid spec, got {other:?}"),
    }
}

// Panics.

#[test]
fn chisq_with_a_variable_missing_on_every_row_is_an_error() {
    let csv = "w,a,b\n1,1,NA\n1,2,NA\n1,1,NA\n1,2,NA\n";
    let spec = r#"{"data": "data.csv", "design": {"weights": "w"},
        "estimates": [{"id": "x", "stat": "chisq", "variables": ["a", "b"]}]}"#;
    fails(
        &estimate("chisq-missing", csv, spec, &[]),
        &["\"x\"", "\"b\" has no value", "at least 2 categories"],
    );
    let ds = read(csv).unwrap();
    let d = Design::new(&ds, &DesignOptions::default()).unwrap();
    assert!(matches!(
        independence(&ds, &d, "a", "b", ChisqStatistic::F),
        Err(IndependenceError::TooFewCategories { variable, categories: 0, .. }) if variable == "b"
    ));
}

#[test]
fn a_by_column_missing_on_every_row_is_an_error() {
    let csv = "w,y,g\n1,1,NA\n1,2,NA\n1,3,NA\n";
    for (name, extra) in [("avg", r#", "average_domains": true"#), ("plain", "")] {
        let spec = format!(
            r#"{{"data": "data.csv", "design": {{"weights": "w"}},
               "estimates": [{{"id": "m", "stat": "mean", "variable": "y", "by": ["g"]{extra}}}]}}"#
        );
        fails(
            &estimate(&format!("by-missing-{name}"), csv, &spec, &[]),
            &["\"m\"", "by column \"g\" has no value on any row"],
        );
    }
    // The library's contrast of no domains is an error, not a panic.
    let ds = read(csv).unwrap();
    let d = Design::new(&ds, &DesignOptions::default()).unwrap();
    let by = Domains::by(&ds, &["g"]).unwrap();
    assert!(by.is_empty());
    let avg = estimate::domain_contrast(&ds, &d, "y", None, &by, &[], &EstimateOptions::default());
    assert!(
        matches!(avg, Err(EstimateError::NoDomains { .. })),
        "{avg:?}"
    );
}

#[test]
fn a_reader_that_leaves_early_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    // A thousand domains: some 400 kB of output, far beyond a pipe's buffer.
    let mut csv = String::from("g,y\n");
    for i in 0..3000 {
        csv.push_str(&format!("{},{}\n", i % 1000, i % 7));
    }
    let spec = r#"{"data": "data.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y", "by": ["g"]}]}"#;
    let dir = folder("pipe", &[("data.csv", &csv), ("spec.json", spec)]);
    for format in ["json", "table"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_survey-stats"))
            .args(["estimate", dir.join("spec.json").to_str().unwrap()])
            .args(["--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start survey-stats");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader leaves after one line (as `| head -1`); megabytes are left to write.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty());
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert!(err.is_empty(), "{format}: {err}");
    }
}

// Hangs.

#[test]
fn a_chisq_of_many_categories_is_refused_at_once() {
    let mut csv = String::from("a,b\n");
    for i in 0..400 {
        csv.push_str(&format!("{},{}\n", i % 60, (i * 7 + i / 60) % 60));
    }
    let spec = r#"{"data": "data.csv", "estimates": [{"id": "x", "stat": "chisq", "variables": ["a", "b"]}]}"#;
    let start = std::time::Instant::now();
    fails(
        &estimate("chisq-large", &csv, spec, &[]),
        &[
            "\"a\" (60 categories)",
            "\"b\" (60 categories)",
            "3481 interaction contrasts",
            "merge categories",
        ],
    );
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn calibration_to_too_many_columns_is_refused_at_once() {
    let mut csv = String::from("w,g,y\n");
    for i in 0..4000 {
        csv.push_str(&format!("1,{},{}\n", i % 2000, i % 7));
    }
    let population: Vec<String> = (0..2000).map(|k| format!("\"{k}\": 20")).collect();
    let spec = format!(
        r#"{{"data": "data.csv", "design": {{"weights": "w"}},
           "adjust": [{{"calibrate": {{"categorical": {{"g": {{{}}}}}}}}}],
           "estimates": [{{"id": "m", "stat": "mean", "variable": "y"}}]}}"#,
        population.join(", ")
    );
    let start = std::time::Instant::now();
    fails(
        &estimate("calibrate-large", &csv, &spec, &[]),
        &[
            "adjust[0]",
            "2000 auxiliary columns",
            "\"g\": 1999 category indicators",
            "poststratify",
            "rake",
        ],
    );
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

// Silent wrong answers.

#[test]
fn an_unclosed_quote_names_the_row_where_it_opens() {
    let mean_y =
        r#"{"data": "data.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#;
    // The quote swallows rows 4 and 5; so far the run succeeded on two rows.
    for (name, csv) in [
        ("tail", "w,y\n1,2\n1,\"3\n1,4\n1,5\n"),
        ("last", "w,y\n1,2\n1,\"3\n"),
        ("ragged", "w,y,z\n1,2,a\n1,\"3,b\n1,4,c\n"),
    ] {
        fails(
            &estimate(&format!("quote-{name}"), csv, mean_y, &[]),
            &["data.csv", "row 3", "column \"y\"", "never closed"],
        );
        assert!(
            matches!(read(csv), Err(DataError::UnclosedQuote { row: 3, .. })),
            "{name}"
        );
    }
    // A quote closed at the very end of the file is fine.
    let ds = read("w,y\n1,2\n1,\"3\"").unwrap();
    assert_eq!(ds.numeric("y").unwrap().get(1), Some(3.0));
}

#[test]
fn multiple_response_values_other_than_0_or_1_are_errors() {
    let spec = r#"{"data": "data.csv", "estimates": [{"id": "mr", "stat": "multiple_response", "variables": ["a", "b"]}]}"#;
    for value in ["2", "5", "99"] {
        let csv = format!("a,b\n1,0\n0,1\n1,{value}\n,1\n");
        fails(
            &estimate(&format!("mr-{value}"), &csv, spec, &[]),
            &[
                "\"mr\"",
                "column \"b\"",
                "CSV row 4",
                &format!("value {value} is not 0 or 1"),
            ],
        );
    }
    // Listed among the missing strings, the code is no answer.
    let spec = r#"{"data": "data.csv", "missing": ["", "NA", "99"],
        "estimates": [{"id": "mr", "stat": "multiple_response", "variables": ["a", "b"]}]}"#;
    let rows = rows(&estimate("mr-missing", "a,b\n1,0\n0,1\n1,99\n", spec, &[]));
    assert_eq!(rows[1]["category"], "b");
    assert_eq!(rows[1]["n"], 3);
}

#[test]
fn numbers_that_are_not_finite_are_errors_unless_missing() {
    let spec =
        r#"{"data": "data.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#;
    for (name, text) in [
        ("nan", "NaN"),
        ("inf", "inf"),
        ("big", "1e400"),
        ("neg", "-Infinity"),
    ] {
        let csv = format!("w,y\n1,1\n1,{text}\n1,5\n");
        fails(
            &estimate(&format!("finite-{name}"), &csv, spec, &[]),
            &[
                "data.csv",
                "row 3",
                "column \"y\"",
                text,
                "not a finite number",
                "missing",
            ],
        );
        assert!(matches!(
            read(&csv),
            Err(DataError::NotFinite { row: 3, .. })
        ));
    }
    let spec = r#"{"data": "data.csv", "missing": ["", "NA", "NaN", "1e400"],
        "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#;
    let rows = rows(&estimate(
        "finite-missing",
        "y\n1\nNaN\n1e400\n5\n",
        spec,
        &[],
    ));
    assert_eq!(
        (rows[0]["n"].as_u64(), rows[0]["n_missing"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(rows[0]["estimate"], 3.0);
    // In a text column such texts are text, not missing values.
    let ds = read("name\nNan\nBob\n").unwrap();
    assert_eq!(ds.factor("name").unwrap().labels(), ["Bob", "NaN"]);
}

/// The same design with weights multiplied by 1e-200 and 1e200: shares, means, ratios and
/// their SEs are those of the unit-scale weights, totals and their SEs scale with the
/// weights (before, the squares of the small weights underflowed and every SE was 0).
#[test]
fn tiny_and_huge_weights_give_the_answers_of_ordinary_weights() {
    let mut lines = vec!["w,y,x,psu".to_string()];
    let mut state = 7u64;
    let mut next = |k: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % k
    };
    for i in 0..60 {
        let (w, y, x) = (1 + next(3), 1 + next(9), 1 + next(5));
        lines.push(format!("{w},{y},{x},{}", i % 6));
    }
    let scaled = |factor: f64| -> String {
        let mut out = lines[0].clone() + "\n";
        for line in &lines[1..] {
            let (w, rest) = line.split_once(',').unwrap();
            out.push_str(&format!(
                "{:e},{rest}\n",
                w.parse::<f64>().unwrap() * factor
            ));
        }
        out
    };
    let estimates = r#"[
        {"id": "m", "stat": "mean", "variable": "y"},
        {"id": "t", "stat": "total", "variable": "y"},
        {"id": "p", "stat": "proportion", "variable": "x", "category": 2},
        {"id": "r", "stat": "ratio", "numerator": "y", "denominator": "x"},
        {"id": "d", "stat": "difference", "variables": ["y", "x"]},
        {"id": "a", "stat": "mean", "variable": "y", "by": ["x"], "average_domains": true}]"#;
    for (name, design) in [
        ("taylor", r#"{"weights": "w", "clusters": ["psu"]}"#),
        (
            "jk1",
            r#"{"weights": "w", "clusters": ["psu"], "create_replicates": {"type": "JK1"}}"#,
        ),
    ] {
        let spec =
            format!(r#"{{"data": "data.csv", "design": {design}, "estimates": {estimates}}}"#);
        let unit = rows(&estimate(&format!("w1-{name}"), &scaled(1.0), &spec, &[]));
        for factor in [1e-200, 1e200] {
            let got = rows(&estimate(
                &format!("w{factor:e}-{name}"),
                &scaled(factor),
                &spec,
                &[],
            ));
            assert_eq!(got.len(), unit.len());
            for (g, u) in got.iter().zip(&unit) {
                let scale = if g["id"] == "t" { factor } else { 1.0 };
                for field in ["estimate", "std_error", "ci_lower", "ci_upper"] {
                    let want = u[field].as_f64().unwrap() * scale;
                    let what = format!("{name} ×{factor:e} {} {field}", g["id"]);
                    assert_close(g[field].as_f64().unwrap(), want, 1e-9, 0.0, &what);
                }
                assert_eq!(g["df"], u["df"], "{name} {}", g["id"]);
            }
        }
    }
}

#[test]
fn replicate_options_that_cannot_hold_are_errors_naming_their_path() {
    let reps = |fields: &str| {
        format!(
            r#"{{"data": "d.csv", "design": {{"weights": "w", {fields}}},
               "estimates": [{{"id": "m", "stat": "mean", "variable": "y"}}]}}"#
        )
    };
    for (fields, path, needle) in [
        (
            r#""replicates": {"prefix": "rw", "type": "JK1", "scale": 0}"#,
            "design.replicates.scale",
            "positive",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "BRR", "scale": -1}"#,
            "design.replicates.scale",
            "positive",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "Fay", "rho": 1}"#,
            "design.replicates.rho",
            "strictly between 0 and 1",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "Fay", "rho": -0.5}"#,
            "design.replicates.rho",
            "strictly between 0 and 1",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "Fay"}"#,
            "design.replicates.rho",
            "required",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "BRR", "rho": 0.3}"#,
            "design.replicates.rho",
            "only to type \"Fay\"",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "JKn", "rscales": [1, -1]}"#,
            "design.replicates.rscales[1]",
            "not negative",
        ),
        (
            r#""strata": "h", "replicates": {"prefix": "rw", "type": "JK1"}"#,
            "design.strata",
            "not used by a replicate-weight design",
        ),
        (
            r#""clusters": ["psu"], "replicates": {"prefix": "rw", "type": "JK1"}"#,
            "design.clusters",
            "not used",
        ),
        (
            r#""fpc": ["f"], "replicates": {"prefix": "rw", "type": "JK1"}"#,
            "design.fpc",
            "not used",
        ),
        (
            r#""replicates": {"prefix": "rw", "type": "JK1"}, "create_replicates": {"type": "JK1"}"#,
            "design.create_replicates",
            "not both",
        ),
        (
            r#""create_replicates": {"type": "Fay", "rho": 1.5}"#,
            "design.create_replicates.rho",
            "strictly between 0 and 1",
        ),
        (
            r#""create_replicates": {"type": "Fay"}"#,
            "design.create_replicates.rho",
            "required",
        ),
        (
            r#""create_replicates": {"type": "other"}"#,
            "design.create_replicates.type",
            "JK1, JKn, BRR, Fay or bootstrap",
        ),
        (
            r#""create_replicates": {"type": "bootstrap", "replicates": 1}"#,
            "design.create_replicates.replicates",
            "at least 2",
        ),
        (
            r#""create_replicates": {"type": "JKn", "seed": 3}"#,
            "design.create_replicates.seed",
            "only to type \"bootstrap\"",
        ),
    ] {
        let (got_path, message) = spec_error(&reps(fields));
        assert_eq!(got_path, path, "{fields}: {message}");
        assert!(message.contains(needle), "{fields}: {message}");
    }
    // The command line says the same, with the path.
    let csv = "w,y,h,rw1,rw2\n1,2,a,1,1\n1,3,b,1,1\n";
    fails(
        &estimate(
            "rep-strata",
            csv,
            r#"{"data": "data.csv", "design": {"weights": "w", "strata": "h", "replicates": {"prefix": "rw", "type": "JK1"}},
               "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
            &[],
        ),
        &["design.strata", "not used"],
    );
}

#[test]
fn a_df_near_zero_is_refused_and_values_that_are_not_finite_are_null() {
    let (path, message) = spec_error(
        r#"{"data": "d.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y", "df": 1e-300}]}"#,
    );
    assert_eq!(path, "estimates[0].df");
    assert!(
        message.contains("1e-300") && message.contains("at least 1"),
        "{message}"
    );
    // From Rust a df may still be tiny: the infinite bounds become null with a note, in
    // every output format.
    use survey_stats::table::{Format, ResultRow, render_results};
    let ds = read("y\n1\n2\n4\n").unwrap();
    let d = Design::new(&ds, &DesignOptions::default()).unwrap();
    let options = EstimateOptions {
        df: DfRule::Fixed(1e-300),
        ..Default::default()
    };
    let row = estimate::mean(&ds, &d, "y", &Domains::whole(), &options)
        .unwrap()
        .remove(0);
    assert!(row.estimate.is_some() && row.ci_lower.is_none() && row.ci_upper.is_none());
    let note = row.note.clone().unwrap();
    assert!(
        note.contains("ci_lower = -inf") && note.contains("ci_upper = inf"),
        "{note}"
    );
    let rows = [ResultRow::Estimate(Box::new(row))];
    for format in [Format::Table, Format::Markdown, Format::Csv] {
        let text = render_results(&rows, format);
        assert!(
            text.contains("not finite") && text.contains('—'),
            "{format:?}: {text}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&render_results(&rows, Format::Json)).unwrap();
    assert!(json[0]["ci_lower"].is_null() && json[0]["ci_upper"].is_null());
    assert!(json[0]["note"].as_str().unwrap().contains("not finite"));
}

#[test]
fn an_exclude_code_that_no_row_holds_is_an_error() {
    let spec = |variable: &str, exclude: &str| {
        format!(
            r#"{{"data": "data.csv", "questionnaire": "q.json", "estimates": [
                {{"id": "e", "stat": "proportion", "variable": "{variable}", "exclude": {exclude}}}]}}"#
        )
    };
    let q = r#"{"questions": [{"id": "q1", "kind": "single_choice",
        "options": [{"code": 1, "label": {"en": "Yes"}}, {"code": 2, "label": {"en": "No"}},
                    {"code": 9, "label": {"en": "Hard to answer"}}],
        "missing_codes": [{"code": 9, "kind": "dont_know"}]}]}"#;
    let csv = "q1,region\n1,North\n2,South\n1,South\n";
    let files = [("q.json", q)];
    fails(
        &estimate("exclude-typo", csv, &spec("q1", "[7]"), &files),
        &[
            "estimates[0].exclude",
            "\"7\" does not occur in \"q1\"",
            "its values: 1, 2",
        ],
    );
    fails(
        &estimate("exclude-text", csv, &spec("region", r#"["Nort"]"#), &files),
        &["\"Nort\" does not occur in \"region\"", "North, South"],
    );
    // A non-substantive code that nobody chose: excluded by default, and may be listed.
    for exclude in ["[9]", "[]"] {
        let got = rows(&estimate("exclude-dk", csv, &spec("q1", exclude), &files));
        assert_eq!(got.len(), 2);
    }
    let no_exclude = r#"{"data": "data.csv", "questionnaire": "q.json",
        "estimates": [{"id": "e", "stat": "mean", "variable": "q1"}]}"#;
    assert_eq!(
        rows(&estimate("exclude-default", csv, no_exclude, &files)).len(),
        1
    );
}

// Unclear errors.

#[test]
fn negative_calibrated_weights_say_calibration_and_which_bound_to_set() {
    let spec = format!(
        r#"{{"data": {:?}, "design": {{"weights": "pw", "strata": "stype"}},
           "adjust": [{{"calibrate": {{"method": "linear",
               "categorical": {{"stype": {{"E": 100, "H": 6000, "M": 94}}}},
               "numeric": {{"api99": 3914069}}}}}}],
           "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}]}}"#,
        data_path("apistrat.csv")
    );
    let out = estimate("calibrate-negative", "", &spec, &[]);
    fails(
        &out,
        &[
            "adjust[0]",
            "linear calibration",
            "negative weight",
            "bounds",
            "raking",
        ],
    );
    assert!(!out.2.contains("weight column \"\""), "{}", out.2);
}

#[test]
fn values_and_margins_that_overflow_are_named() {
    let csv = "w,y,g\n1,1e308,a\n1,1e308,b\n1,5,a\n1,1,b\n";
    let spec = r#"{"data": "data.csv", "design": {"weights": "w"},
        "estimates": [{"id": "t", "stat": "mean", "variable": "y"}]}"#;
    fails(
        &estimate("overflow-values", csv, spec, &[]),
        &[
            "\"t\"",
            "\"y\" overflow",
            "CSV row 2",
            "y = 1e308",
            "divide",
        ],
    );
    for (name, step) in [
        (
            "poststratify",
            r#"{"poststratify": {"variable": "g", "population": {"a": 1e308, "b": 1e308}}}"#,
        ),
        (
            "rake",
            r#"{"rake": {"margins": {"g": {"a": 1e308, "b": 1e308}}}}"#,
        ),
        (
            "calibrate",
            r#"{"calibrate": {"categorical": {"g": {"a": 1e308, "b": 1e308}}}}"#,
        ),
    ] {
        let spec = format!(
            r#"{{"data": "data.csv", "design": {{"weights": "w"}}, "adjust": [{step}],
               "estimates": [{{"id": "m", "stat": "mean", "variable": "w"}}]}}"#
        );
        let out = estimate(&format!("overflow-{name}"), csv, &spec, &[]);
        fails(
            &out,
            &["adjust[0]", "g: the population figures add up to more than"],
        );
        assert!(!out.2.contains("NaN"), "{}", out.2);
    }
}

#[test]
fn a_zero_population_figure_says_it_must_be_positive() {
    let csv = "w,g,y\n1,a,1\n1,a,2\n1,b,3\n1,b,5\n";
    for (name, step) in [
        (
            "poststratify",
            r#"{"poststratify": {"variable": "g", "population": {"a": 10, "b": 0}}}"#,
        ),
        ("rake", r#"{"rake": {"margins": {"g": {"a": 10, "b": 0}}}}"#),
        (
            "calibrate",
            r#"{"calibrate": {"categorical": {"g": {"a": 10, "b": 0}}}}"#,
        ),
    ] {
        let spec = format!(
            r#"{{"data": "data.csv", "design": {{"weights": "w"}}, "adjust": [{step}],
               "estimates": [{{"id": "m", "stat": "mean", "variable": "y"}}]}}"#
        );
        let out = estimate(&format!("zero-{name}"), csv, &spec, &[]);
        fails(
            &out,
            &[
                "adjust[0]",
                "population figure of category \"b\" is 0",
                "positive",
            ],
        );
        assert!(!out.2.contains("no population figure"), "{}", out.2);
    }
}

#[test]
fn a_chisq_of_a_variable_with_itself_says_so() {
    let (path, message) = spec_error(
        r#"{"data": "d.csv", "estimates": [{"id": "x", "stat": "chisq", "variables": ["a", "a"]}]}"#,
    );
    assert_eq!(path, "estimates[0].variables");
    assert!(message.contains("\"a\" twice"), "{message}");
    let ds = read("a,b\n1,x\n2,y\n1,y\n2,x\n").unwrap();
    let d = Design::new(&ds, &DesignOptions::default()).unwrap();
    assert!(matches!(
        independence(&ds, &d, "a", "a", ChisqStatistic::F),
        Err(IndependenceError::SameVariable { .. })
    ));
    // A copy of a variable: the covariance is singular, and the message says what that
    // means for the table.
    let ds = read("a,c\n1,1\n2,2\n3,3\n1,1\n2,2\n3,3\n1,1\n").unwrap();
    let d = Design::new(&ds, &DesignOptions::default()).unwrap();
    let err = independence(&ds, &d, "a", "c", ChisqStatistic::F).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("\"a\" by \"c\"") && text.contains("determine"),
        "{text}"
    );
}

#[test]
fn binom_with_trial_counts_near_2_to_the_64() {
    let (code, _, err) = run_cli(&["binom", "9223372036854775807", "18446744073709551615"]);
    assert_eq!(code, 2);
    assert!(err.contains("2^53") && !err.contains("panicked"), "{err}");
    // 2^52 of 2^53 trials: the exact interval is computed (the numerics module's beta
    // quantiles hold at these shapes) and matches R's binom.test
    // (tests/data/binom_huge_R.R).
    let reference = read_json("binom_huge_R.json");
    let (code, out, err) = run_cli(&[
        "binom",
        "4503599627370496",
        "9007199254740992",
        "--method",
        "clopper_pearson",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    for bound in ["ci_lower", "ci_upper"] {
        let got = v[bound].as_f64().expect("a bound");
        let want = reference[bound].as_f64().expect("R's bound");
        assert!(
            (got - want).abs() <= 1e-12 * want,
            "{bound}: {got} vs R's {want}"
        );
    }
    let (code, out, err) = run_cli(&["binom", "4503599627370496", "9007199254740992"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"estimate\":0.5"), "{out}");
}

#[test]
fn a_score_interval_without_a_root_leaves_the_other_estimates_alone() {
    let spec = r#"{"data": "data.csv", "estimates": [
        {"id": "m", "stat": "mean", "variable": "y"},
        {"id": "q", "stat": "quantile", "variable": "y", "probs": [0.5], "quantile_interval": "score"}]}"#;
    let got = rows(&estimate("score", "y\n1\n2\n3\n4\n5\n", spec, &[]));
    assert_eq!(got[0]["estimate"], 3.0);
    let q = &got[1];
    assert_eq!(q["estimate"], 3.0);
    assert!(q["ci_lower"].is_null() && q["ci_upper"].is_null() && q["std_error"].is_null());
    assert!(
        q["note"]
            .as_str()
            .unwrap()
            .contains("no interval: the score test"),
        "{q}"
    );
}

// Replicates created from the spec's design (R's as.svrepdesign).

/// `design.create_replicates` gives R's replicate SEs and degrees of freedom
/// (`tests/data/replicate_R.R`): JKn on apistrat (with fpc), JK1 on apiclus1, BRR and Fay
/// (ρ = 0.3) on the paired districts.
#[test]
fn replicates_created_by_the_spec_match_r() {
    let reference = read_json("replicate_R.json");
    let num = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    for (case, file, design) in [
        (
            "jkn_strat",
            "apistrat.csv",
            r#"{"weights": "pw", "strata": "stype", "fpc": ["fpc"], "create_replicates": {"type": "JKn"}}"#,
        ),
        (
            "jk1_clus1",
            "apiclus1.csv",
            r#"{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"], "create_replicates": {"type": "JK1"}}"#,
        ),
        (
            "brr_pairs",
            "pairs.csv",
            r#"{"weights": "pw", "strata": "pair", "clusters": ["dnum"], "create_replicates": {"type": "BRR"}}"#,
        ),
        (
            "fay_pairs",
            "pairs.csv",
            r#"{"weights": "pw", "strata": "pair", "clusters": ["dnum"], "create_replicates": {"type": "Fay", "rho": 0.3}}"#,
        ),
    ] {
        let r = &reference["cases"][case];
        let spec = format!(
            r#"{{"data": {:?}, "design": {design}, "estimates": [
                {{"id": "m", "stat": "mean", "variable": "api00"}},
                {{"id": "t", "stat": "total", "variable": "enroll"}},
                {{"id": "p", "stat": "proportion", "variable": "sch.wide", "category": "Yes"}}]}}"#,
            data_path(file)
        );
        let dir = folder(&format!("create-{case}"), &[("spec.json", &spec)]);
        let got = rows(&run_cli(&[
            "estimate",
            dir.join("spec.json").to_str().unwrap(),
            "--format",
            "json",
        ]));
        for (row, estimate, se) in [
            (0, "mean_api00", "mean_api00_se"),
            (1, "total_enroll", "total_enroll_se"),
            (2, "p_schwide_yes", "p_schwide_yes_se"),
        ] {
            let g = &got[row];
            let what = format!("{case} {estimate}");
            assert_close(
                g["estimate"].as_f64().unwrap(),
                num(&r[estimate]),
                1e-9,
                0.0,
                &what,
            );
            assert_close(
                g["std_error"].as_f64().unwrap(),
                num(&r[se]),
                1e-8,
                0.0,
                &what,
            );
            assert_eq!(g["df"], r["degf"], "{what}");
        }
    }
    // A design the method does not suit is an error at the field's path.
    let spec = format!(
        r#"{{"data": {:?}, "design": {{"weights": "pw", "strata": "stype", "create_replicates": {{"type": "JK1"}}}},
           "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}]}}"#,
        data_path("apistrat.csv")
    );
    let dir = folder("create-jk1-strata", &[("spec.json", &spec)]);
    fails(
        &run_cli(&["estimate", dir.join("spec.json").to_str().unwrap()]),
        &["design.create_replicates", "JKn"],
    );
}

/// A domain whose rows all weigh 0 has a zero denominator for every share: a note on each
/// row, as for one share alone, never a failure (a frequency table's variances are computed
/// together, and then none is left to compute). Its neighbours are estimated as usual.
#[test]
fn a_domain_of_zero_weights_gets_notes_in_a_frequency_table() {
    let mut csv = String::from("h,psu,w,q,m1,m2\n");
    for i in 0..40 {
        let h = i % 2;
        let w = if h == 1 { 0.0 } else { 1.0 + (i % 3) as f64 };
        csv += &format!(
            "{h},{},{w},{},{},{}\n",
            i / 2,
            1 + i % 3,
            i % 2,
            (i / 3) % 2
        );
    }
    let (data, design) = weighted_clusters(&csv);
    let by = Domains::by(&data, &["h"]).expect("a by column");
    let all = estimate::CategorySelection::All;
    let rows = estimate::proportion(&data, &design, "q", &all, &by, &EstimateOptions::default())
        .expect("shares of every domain");
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let zero = r.domain.as_ref().is_some_and(|d| d["h"] == "1");
        assert_eq!(r.std_error.is_none(), zero, "{r:?}");
        assert_eq!(r.note.is_some(), zero, "{r:?}");
    }
    let cols = ["m1".to_string(), "m2".to_string()];
    let base = estimate::MultipleBase::All;
    let rows = estimate::multiple_response(
        &data,
        &design,
        &cols,
        base,
        &by,
        &EstimateOptions::default(),
    )
    .expect("shares of every domain");
    for r in &rows {
        let zero = r.domain.as_ref().is_some_and(|d| d["h"] == "1");
        assert_eq!(r.std_error.is_none(), zero, "{r:?}");
        if zero {
            assert!(
                r.note
                    .as_deref()
                    .is_some_and(|n| n.contains("zero denominator")),
                "{r:?}"
            );
        }
    }
}

/// A frequency table's variances are computed together, but each category's linearized
/// values are scaled on their own: a category of rows weighing 1e-200 beside one weighing 1
/// keeps the SE it has when estimated alone (scaled together, its squares would underflow
/// to an SE of 0).
#[test]
fn categories_of_very_different_weights_keep_their_own_standard_errors() {
    let mut csv = String::from("psu,w,q\n");
    for i in 0..60 {
        let q = 1 + i % 2;
        let w = if q == 1 {
            1e-200 * (1.0 + (i % 7) as f64)
        } else {
            1.0 + (i % 5) as f64
        };
        csv += &format!("{},{w:e},{q}\n", i / 3);
    }
    let (data, design) = weighted_clusters(&csv);
    let whole = Domains::whole();
    let opts = EstimateOptions::default();
    let all = estimate::CategorySelection::All;
    let table = estimate::count(&data, &design, "q", &all, &whole, &opts).expect("counts");
    for (row, code) in table.iter().zip(["1", "2"]) {
        let one = estimate::CategorySelection::One(code.into());
        let alone = estimate::count(&data, &design, "q", &one, &whole, &opts).expect("a count");
        let (se, se_alone) = (
            row.std_error.expect("an SE"),
            alone[0].std_error.expect("an SE"),
        );
        assert!(se > 0.0, "{row:?}");
        assert_close(se, se_alone, 1e-12, 0.0, &format!("count of {code}"));
    }
}

/// A column's factor asked for at once by a thread outside any pool and by every thread of
/// rayon's global pool (a program's own `par_iter`): each finishes. Before the crate kept a
/// pool of its own and made caches outside their locks, the first caller's blocks were
/// queued on the global pool, whose threads all waited for that caller: a deadlock on the
/// first attempt.
#[test]
fn a_column_coded_from_many_threads_at_once_does_not_hang() {
    use rayon::prelude::*;
    use survey_stats::Dataset;
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for attempt in 0..10u32 {
            let codes: Vec<u32> = (0..400_000u32).map(|i| (i + attempt) % 7).collect();
            let data = Dataset::builder()
                .column("q", codes)
                .build()
                .expect("a column");
            std::thread::scope(|s| {
                s.spawn(|| {
                    (0..64).into_par_iter().for_each(|_| {
                        assert_eq!(data.factor("q").expect("q").levels().len(), 7);
                    })
                });
                assert_eq!(data.factor("q").expect("q").levels().len(), 7);
            });
        }
        let _ = done.send(());
    });
    finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("ten attempts finish within two minutes (a hang is a deadlock)");
}
