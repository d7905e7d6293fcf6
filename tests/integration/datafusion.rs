//! The spec run on Apache DataFusion in-process (`sums::run_datafusion`,
//! `--engine datafusion`): DataFusion reads the data file and runs the printed sums query,
//! and every estimate and standard error must equal the in-memory `spec::run` within
//! relative 1e-9 — and R's values (`reference.json`) where the SQLite tests check them.

use crate::common::run_cli;
use crate::sums::{
    API_ESTIMATES, REFERENCE_CHECKS, api_dir, assert_r, assert_same, clus1_spec_file, zubr_spec,
};
use std::path::Path;
use survey_stats::spec::{self, AnalysisSpec, RunOutput, SpecError};
use survey_stats::sums;

/// How a test runs a spec on an engine: spec, folder, data file in its place.
pub(crate) type Engine<'a> =
    &'a dyn Fn(&AnalysisSpec, &Path, Option<&Path>) -> Result<RunOutput, SpecError>;

/// The spec of [`API_ESTIMATES`] on `data` with `design` (JSON fields, and any spec fields
/// after them), run in memory and on `engine`, which must agree.
fn check(dir: &Path, data: &str, design: &str, engine: Engine) -> RunOutput {
    let json = format!(r#"{{"data": "{data}", {design}, "estimates": {API_ESTIMATES}}}"#);
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let memory = spec::run(&spec, dir, None).expect("in-memory run");
    let engine = engine(&spec, dir, None).expect("engine run");
    assert_same(&memory, &engine);
    engine
}

/// The API estimates under five designs (clusters with fpc, strata, two stages,
/// post-stratification, jackknife replicates) on `engine`: equal to the in-memory run, and
/// to R where `reference.json` has the design.
pub(crate) fn every_design_matches(dir: &Path, engine: Engine) {
    let out = check(
        dir,
        "apiclus1.csv",
        r#""design": {"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#,
        engine,
    );
    assert_r(&out, "reference.json", "clus1_fpc", REFERENCE_CHECKS);
    let out = check(
        dir,
        "apistrat.csv",
        r#""design": {"weights": "pw", "strata": "stype", "clusters": ["snum"], "fpc": ["fpc"]}"#,
        engine,
    );
    assert_r(&out, "reference.json", "strat_fpc", REFERENCE_CHECKS);
    check(
        dir,
        "apiclus2.csv",
        r#""design": {"weights": "pw", "clusters": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}"#,
        engine,
    );
    check(
        dir,
        "apisrs.csv",
        r#""design": {"weights": "pw", "clusters": ["snum"], "fpc": ["fpc"]},
        "adjust": [{"poststratify": {"variable": "stype", "population": {"E": 4421, "H": 755, "M": 1018}}}]"#,
        engine,
    );
    check(
        dir,
        "apistrat.csv",
        r#""design": {"weights": "pw", "strata": "stype", "clusters": ["snum"], "fpc": ["fpc"], "create_replicates": {"type": "JKn"}}"#,
        engine,
    );
}

#[test]
fn every_design_matches_memory_and_r() {
    every_design_matches(&api_dir("datafusion"), &sums::run_datafusion);
}

/// The 2019 report's analysis (with its multiple-response questions on every base and by
/// region) on `engine`: equal to the in-memory run.
pub(crate) fn the_2019_report_matches(topic: &str, engine: Engine) {
    let (spec_path, spec) = zubr_spec(topic);
    let dir = spec_path.parent().expect("dir");
    let memory = spec::run(&spec, dir, None).expect("run");
    let engine = engine(&spec, dir, None).expect("engine run");
    assert!(memory.rows.len() > 40);
    assert_same(&memory, &engine);
}

#[test]
fn the_2019_report_matches_memory() {
    the_2019_report_matches("datafusion", &sums::run_datafusion);
}

/// Writes the CSV file `csv` (empty and `NA` fields missing) as the Parquet file `parquet`,
/// with DataFusion's Parquet writer.
fn write_parquet(csv: &Path, parquet: &Path) {
    use ::datafusion::dataframe::DataFrameWriteOptions;
    use ::datafusion::prelude::{CsvReadOptions, SessionContext};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let ctx = SessionContext::new();
        let options = CsvReadOptions::new().null_regex(Some("^(|NA)$".into()));
        let frame = ctx
            .read_csv(csv.to_str().expect("path"), options)
            .await
            .expect("read csv");
        frame
            .write_parquet(
                parquet.to_str().expect("path"),
                DataFrameWriteOptions::new().with_single_file_output(true),
                None,
            )
            .await
            .expect("write parquet");
    });
    assert!(parquet.is_file());
}

/// The API estimates on apiclus1 written as Parquet by DataFusion, read by `engine` in
/// place of the spec's CSV file: equal to the in-memory run and to R.
pub(crate) fn parquet_matches(topic: &str, engine: Engine) {
    let dir = api_dir(topic);
    let parquet = dir.join("apiclus1.parquet");
    write_parquet(&dir.join("apiclus1.csv"), &parquet);
    let json = format!(
        r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
        "estimates": {API_ESTIMATES}}}"#
    );
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let memory = spec::run(&spec, &dir, None).expect("in-memory run");
    let engine = engine(&spec, &dir, Some(&parquet)).expect("engine run");
    assert_same(&memory, &engine);
    assert_r(&engine, "reference.json", "clus1_fpc", REFERENCE_CHECKS);
}

#[test]
fn parquet_written_by_datafusion_gives_the_same_rows() {
    parquet_matches("datafusion-parquet", &sums::run_datafusion);
}

/// `survey-stats estimate SPEC --engine ENGINE --format csv` prints byte for byte what the
/// memory engine prints.
pub(crate) fn cli_matches(topic: &str, engine: &str) {
    let spec_path = clus1_spec_file(topic);
    let spec = spec_path.to_str().expect("path");
    let (code, memory, err) = run_cli(&["estimate", spec, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run_cli(&["estimate", spec, "--engine", engine, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(memory, out);
    assert!(memory.lines().count() > 20, "{memory}");
}

#[test]
fn cli_engine_datafusion_prints_what_the_memory_engine_prints() {
    cli_matches("datafusion-cli", "datafusion");
    let spec_path = clus1_spec_file("datafusion-cli-spark");
    let spec = spec_path.to_str().expect("path");
    let (code, _, err) = run_cli(&["estimate", spec, "--engine", "spark"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown engine"), "{err}");
}

#[test]
fn bad_data_is_an_error_naming_the_file_or_the_query() {
    let dir = api_dir("datafusion-bad");
    let run = |data: &str, variable: &str| -> SpecError {
        let json = format!(
            r#"{{"data": "{data}", "design": {{"weights": "pw", "clusters": ["dnum"]}},
            "estimates": [{{"id": "m", "stat": "mean", "variable": "{variable}"}}]}}"#
        );
        let spec = AnalysisSpec::from_json(&json).expect("spec");
        sums::run_datafusion(&spec, &dir, None).expect_err("an error")
    };
    let missing = run("nowhere.csv", "api00").to_string();
    assert!(
        missing.contains("nowhere.csv") && missing.contains("no such file"),
        "{missing}"
    );
    let column = run("apiclus1.csv", "no_such_column").to_string();
    assert!(
        column.contains("the sums query") && column.contains("no_such_column"),
        "{column}"
    );
    // Text where numbers are summed.
    std::fs::write(dir.join("text.csv"), "dnum,pw,y\n1,1,a\n1,1,b\n2,2,c\n").expect("write");
    let text = run("text.csv", "y").to_string();
    assert!(text.contains("DataFusion"), "{text}");
}
