//! The spec run on Apache DataFusion in-process (`sums::run_datafusion`,
//! `--engine datafusion`): DataFusion reads the data file and runs the printed sums query,
//! and every estimate and standard error must equal the in-memory `spec::run` within
//! relative 1e-9 — and R's values (`reference.json`) where the SQLite tests check them.

use crate::common::run_cli;
use crate::sums::{
    API_ESTIMATES, REFERENCE_CHECKS, api_dir, assert_r, assert_same, assert_same_json,
    clus1_spec_file, zubr_spec,
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

/// A survey of `n` rows in `psus` clusters (3 strata) and a 7-code question, as CSV in
/// `dir`: many groups for a small memory pool.
fn many_groups(dir: &Path, n: usize, psus: usize) -> std::path::PathBuf {
    let mut text = String::from("stratum,psu,w,q,y\n");
    let mut state = 12345u64;
    for i in 0..n {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let psu = (state >> 33) as usize % psus;
        let q = 1 + (state >> 20) as usize % 7;
        let w = 1.0 + ((state >> 40) % 97) as f64 / 10.0;
        let y = (i % 13) as f64 + q as f64;
        text.push_str(&format!("{},{psu},{w},{q},{y}\n", psu % 3));
    }
    let path = dir.join("many_groups.csv");
    std::fs::write(&path, text).expect("write");
    path
}

const MANY_GROUPS_SPEC: &str = r#"{"data": "many_groups.csv",
  "design": {"weights": "w", "strata": "stratum", "clusters": ["psu"]},
  "estimates": [{"id": "shares", "stat": "proportion", "variable": "q"},
                {"id": "mean", "stat": "mean", "variable": "y", "by": ["q"]}]}"#;

#[test]
fn a_bounded_memory_pool_gives_the_same_rows() {
    let dir = crate::common::scratch("datafusion", "limit");
    many_groups(&dir, 300_000, 100_000);
    let spec = AnalysisSpec::from_json(MANY_GROUPS_SPEC).expect("spec");
    let memory = spec::run(&spec, &dir, None).expect("in-memory run");
    // About 250,000 groups per estimate, some tens of MB of hash tables. Under a tight
    // pool DataFusion 52 spills an aggregation, but whether the spilled one then gets its
    // next batch back depends on how the threads interleave: 32 MB passed here and failed
    // in a CI run ("Resources exhausted", the error checked below). So this checks that a
    // bounded pool gives the same rows with room to spare, not that it spilled.
    let engine = sums::DataFusion::new()
        .memory_limit(128 << 20)
        .partitions(2)
        .run(&spec, &dir, None)
        .expect("DataFusion run in 128 MB");
    assert_same(&memory, &engine);
}

#[test]
fn a_memory_pool_too_small_for_the_query_is_an_error_naming_it() {
    let dir = crate::common::scratch("datafusion", "tiny");
    many_groups(&dir, 20_000, 4_000);
    let spec = AnalysisSpec::from_json(MANY_GROUPS_SPEC).expect("spec");
    let err = sums::DataFusion::new()
        .memory_limit(1024)
        .run(&spec, &dir, None)
        .expect_err("1 KB cannot hold a batch of groups");
    let text = err.to_string();
    assert!(
        text.contains("DataFusion") && text.contains("many_groups.csv"),
        "{text}"
    );
    assert!(
        text.contains("Resources exhausted") && text.contains("raise the memory limit"),
        "{text}"
    );
}

#[test]
fn the_logical_plan_runs_on_a_context_of_ones_own() {
    use ::datafusion::prelude::{CsvReadOptions, SessionContext};
    let dir = api_dir("datafusion-plan");
    let json = format!(
        r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
        "estimates": {API_ESTIMATES}}}"#
    );
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let memory = spec::run(&spec, &dir, None).expect("in-memory run");
    let csv = dir.join("apiclus1.csv");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let batches = runtime.block_on(async {
        let ctx = SessionContext::new();
        // The user's own table: another name, and NA read as NULL.
        let options = CsvReadOptions::new().null_regex(Some("^(|NA)$".into()));
        ctx.register_csv("schools", csv.to_str().expect("path"), options)
            .await
            .expect("register");
        let plan = sums::logical_plan(&spec, &ctx, "schools", None)
            .await
            .expect("plan");
        let text = plan.display_indent().to_string();
        assert!(
            text.contains("Union") && text.contains("Aggregate"),
            "{text}"
        );
        ctx.execute_logical_plan(plan)
            .await
            .expect("execute")
            .collect()
            .await
            .expect("collect")
    });
    let engine = sums::finish_batches(&spec, &dir, &batches).expect("finish");
    assert_same(&memory, &engine);
    assert_r(&engine, "reference.json", "clus1_fpc", REFERENCE_CHECKS);
    // A table the context does not have.
    let err = runtime
        .block_on(async {
            sums::logical_plan(&spec, &SessionContext::new(), "nowhere", None).await
        })
        .expect_err("no table");
    assert!(err.to_string().contains("nowhere"), "{err}");
}

#[test]
fn cli_prints_the_plan_and_takes_a_memory_limit() {
    let spec_path = clus1_spec_file("datafusion-cli-limit");
    let spec = spec_path.to_str().expect("path");
    let (code, plan, err) = run_cli(&["sql", spec, "--plan"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        plan.contains("Aggregate: groupBy") && plan.contains("TableScan: apiclus1"),
        "{plan}"
    );
    let (code, memory, err) = run_cli(&["estimate", spec, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, bounded, err) = run_cli(&[
        "estimate",
        spec,
        "--engine",
        "datafusion",
        "--memory-limit",
        "64M",
        "--partitions",
        "1",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(memory, bounded);
    for (args, says) in [
        (
            vec!["--engine", "datafusion", "--memory-limit", "lots"],
            "not a size",
        ),
        (
            vec!["--engine", "datafusion", "--memory-limit", "0"],
            "not a size",
        ),
        (
            vec!["--engine", "datafusion", "--partitions", "0"],
            "not a count",
        ),
        (vec!["--memory-limit", "1G"], "for --engine datafusion"),
    ] {
        let mut all = vec!["estimate", spec];
        all.extend(args);
        let (code, _, err) = run_cli(&all);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
    let (code, _, err) = run_cli(&["sql", spec, "--data", "x.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--data goes with --plan"), "{err}");
}

#[test]
fn raking_calibration_and_replicate_columns_match_memory() {
    let dir = api_dir("datafusion-weighting");
    let margins =
        r#"{"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}"#;
    let design = r#""design": {"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#;
    check(
        &dir,
        "apiclus1.csv",
        &format!(r#"{design}, "adjust": [{{"rake": {{"margins": {margins}}}}}]"#),
        &sums::run_datafusion,
    );
    check(
        &dir,
        "apiclus1.csv",
        &format!(r#"{design}, "adjust": [{{"calibrate": {{"categorical": {margins}}}}}]"#),
        &sums::run_datafusion,
    );
    std::fs::copy(
        crate::common::data_path("rep_jk1_clus1.csv"),
        dir.join("rep_jk1_clus1.csv"),
    )
    .expect("copy");
    let columns: Vec<String> = (1..=15).map(|j| format!("\"rw{j}\"")).collect();
    let json = format!(
        r#"{{"data": "rep_jk1_clus1.csv", "design": {{"weights": "fullw", "replicates": {{"columns": [{}], "type": "JK1", "scale": 0.91483927785116681}}}},
        "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}, {{"id": "p", "stat": "proportion", "variable": "sch.wide", "by": ["stype"]}}]}}"#,
        columns.join(", ")
    );
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let memory = spec::run(&spec, &dir, None).expect("in-memory run");
    let engine = sums::run_datafusion(&spec, &dir, None).expect("DataFusion run");
    assert_same(&memory, &engine);
}

#[test]
fn cli_sums_of_chunks_finish_as_the_whole() {
    let spec_path = clus1_spec_file("datafusion-cli-sums");
    let dir = spec_path.parent().expect("dir").to_path_buf();
    let spec = spec_path.to_str().expect("path");
    let (code, memory, err) = run_cli(&["estimate", spec, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    // The whole file's sums, to a file and to stdout.
    let whole = dir.join("sums.csv");
    let (code, _, err) = run_cli(&["sums", spec, "--out", whole.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("groups of sums written"), "{err}");
    let (code, printed, err) = run_cli(&["sums", spec]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        printed.lines().count(),
        std::fs::read_to_string(&whole)
            .expect("read")
            .lines()
            .count()
    );
    // `survey-stats finish SPEC --sums SUMS --format FORMAT`, which must succeed.
    let finish = |sums: &std::path::Path, format: &str| {
        let (code, out, err) = run_cli(&[
            "finish",
            spec,
            "--sums",
            sums.to_str().expect("path"),
            "--format",
            format,
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let finished = finish(&whole, "csv");
    assert_eq!(memory, finished);
    // Two chunks of the rows (split after the header and the first 90 data lines), each
    // summed on its own, then concatenated without the second header line.
    let data = std::fs::read_to_string(dir.join("apiclus1.csv")).expect("data");
    let lines: Vec<&str> = data.lines().collect();
    let (head, rows) = (lines[0], &lines[1..]);
    let mut merged = String::new();
    for (k, part) in [&rows[..90], &rows[90..]].into_iter().enumerate() {
        let chunk = dir.join(format!("chunk{k}.csv"));
        std::fs::write(&chunk, format!("{head}\n{}\n", part.join("\n"))).expect("write");
        let (code, sums, err) = run_cli(&["sums", spec, "--data", chunk.to_str().expect("path")]);
        assert_eq!(code, 0, "{err}");
        let body: Vec<&str> = sums.lines().skip(usize::from(k > 0)).collect();
        merged.push_str(&body.join("\n"));
        merged.push('\n');
    }
    let merged_path = dir.join("merged.csv");
    std::fs::write(&merged_path, merged).expect("write");
    let from_chunks = finish(&merged_path, "json");
    let (_, whole_json, _) = run_cli(&["estimate", spec, "--format", "json"]);
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("json");
    assert_same_json(&json(&whole_json), &json(&from_chunks));
    // The output must not overwrite an input.
    let (code, _, err) = run_cli(&["sums", spec, "--out", spec]);
    assert_eq!(code, 2, "{err}");
}
