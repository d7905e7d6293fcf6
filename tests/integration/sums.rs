//! Estimates finished from per-unit sums (`survey_stats::sums`): the query `sql_for` prints
//! is run by a real SQL engine (SQLite, in memory), its result written as the sums CSV, and
//! `finish` must give the in-memory `spec::run` rows within relative 1e-9 — and R's values
//! (`reference.json`, `extra_reference.json`) where those have them.

use crate::common::{assert_close, data_path, read_json, run_cli, scratch};
use crate::speed_invariance::synth;
use proptest::prelude::*;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::path::{Path, PathBuf};
use survey_stats::data::{Column, CsvOptions, read_csv};
use survey_stats::spec::{self, AnalysisSpec, RunOutput, SpecError};
use survey_stats::sums::{self, Dialect};

/// Loads `csv` (read by the crate, so numbers are REAL and missing values NULL) into an
/// in-memory SQLite table `table`; `chunk` keeps the rows `i` with `chunk(i)` only.
fn load(csv: &Path, table: &str, chunk: &dyn Fn(usize) -> bool) -> Connection {
    let data = read_csv(csv, &CsvOptions::default()).expect("data");
    let con = Connection::open_in_memory().expect("sqlite");
    let names = data.names().to_vec();
    let columns: Vec<String> = names
        .iter()
        .map(|n| {
            let kind = match data.column(n).expect("column") {
                Column::Numeric(_) => "REAL",
                Column::Categorical(_) => "TEXT",
            };
            format!("\"{n}\" {kind}")
        })
        .collect();
    con.execute(
        &format!("CREATE TABLE \"{table}\" ({})", columns.join(", ")),
        [],
    )
    .expect("create");
    let marks = vec!["?"; names.len()].join(", ");
    let mut insert = con
        .prepare(&format!("INSERT INTO \"{table}\" VALUES ({marks})"))
        .expect("insert");
    for row in (0..data.n_rows()).filter(|&i| chunk(i)) {
        let values: Vec<rusqlite::types::Value> = names
            .iter()
            .map(|n| match data.column(n).expect("column") {
                Column::Numeric(c) => c
                    .get(row)
                    .map_or(rusqlite::types::Value::Null, |x| x.into()),
                Column::Categorical(c) => c
                    .get(row)
                    .map_or(rusqlite::types::Value::Null, |s| s.to_string().into()),
            })
            .collect();
        insert
            .execute(rusqlite::params_from_iter(values))
            .expect("row");
    }
    drop(insert);
    con
}

/// Runs `sql` and returns its result as CSV text (header line first; NULL as an empty
/// field; numbers in the shortest form that reads back to the same double).
fn query_csv(con: &Connection, sql: &str, header: bool) -> String {
    let mut stmt = con
        .prepare(sql.trim_end().trim_end_matches(';'))
        .expect("query");
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut out = String::new();
    if header {
        out.push_str(&names.join(","));
        out.push('\n');
    }
    let mut rows = stmt.query([]).expect("run");
    while let Some(row) = rows.next().expect("row") {
        let fields: Vec<String> = (0..names.len())
            .map(|i| match row.get_ref(i).expect("field") {
                ValueRef::Null => String::new(),
                ValueRef::Integer(x) => x.to_string(),
                ValueRef::Real(x) => format!("{x:?}"),
                ValueRef::Text(t) => {
                    format!("\"{}\"", String::from_utf8_lossy(t).replace('"', "\"\""))
                }
                ValueRef::Blob(_) => panic!("a blob in the sums"),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The spec's rows from the data in memory, and finished from the sums that SQLite
/// computes with the printed query over `chunks` parts of the data (rows `i % chunks`),
/// whose results are concatenated.
pub(crate) fn both_ways(spec_json: &str, dir: &Path, chunks: usize) -> (RunOutput, RunOutput) {
    let spec = AnalysisSpec::from_json(spec_json).expect("spec");
    let memory = spec::run(&spec, dir, None).expect("in-memory run");
    let sums = sums_csv(&spec, dir, &|i| i % chunks, chunks);
    let finished = sums::finish(&spec, dir, &sums).expect("finish");
    (memory, finished)
}

/// Writes the sums CSV of `spec` over the parts `part(i) ∈ 0..parts` of the data.
fn sums_csv(
    spec: &AnalysisSpec,
    dir: &Path,
    part: &dyn Fn(usize) -> usize,
    parts: usize,
) -> PathBuf {
    let sql = sums::sql_for(spec, "survey", Dialect::Ansi, None).expect("sql");
    let path = dir.join(format!("sums-{parts}.csv"));
    write_sums(&dir.join(&spec.data), &sql, part, parts, &path);
    path
}

/// Runs `sql` on each part `part(i) ∈ 0..parts` of the rows of `data` alone and writes the
/// results, concatenated, to `path`.
fn write_sums(data: &Path, sql: &str, part: &dyn Fn(usize) -> usize, parts: usize, path: &Path) {
    let mut text = String::new();
    for p in 0..parts {
        let con = load(data, "survey", &|i| part(i) == p);
        text.push_str(&query_csv(&con, sql, p == 0));
    }
    std::fs::write(path, text).expect("write sums");
}

/// Every field of every row equal; numbers within relative 1e-9.
pub(crate) fn assert_same(memory: &RunOutput, finished: &RunOutput) {
    let a = serde_json::to_value(&memory.rows).expect("json");
    let b = serde_json::to_value(&finished.rows).expect("json");
    assert_same_json(&a, &b);
}

/// [`assert_same`] of two runs' rows as JSON (the command line's `--format json`).
pub(crate) fn assert_same_json(a: &serde_json::Value, b: &serde_json::Value) {
    let (a, b) = (a.as_array().expect("rows"), b.as_array().expect("rows"));
    assert_eq!(a.len(), b.len(), "number of rows");
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.as_object().expect("row"), y.as_object().expect("row"));
        assert_eq!(x.len(), y.len(), "fields of {x:?}");
        for (k, v) in x {
            let w = &y[k];
            match (v.as_f64(), w.as_f64()) {
                (Some(p), Some(q)) if !v.is_u64() => {
                    assert_close(q, p, 1e-9, 1e-12, &format!("{} {k}", x["id"]));
                }
                _ => assert_eq!(v, w, "{} {k}", x["id"]),
            }
        }
    }
}

/// The estimate row with `id`, `domain` (`"stype=E"` or empty) and `category`.
fn row(out: &RunOutput, id: &str, domain: &str, category: &str) -> serde_json::Value {
    let rows = serde_json::to_value(&out.rows).expect("json");
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| {
            let dom = r["domain"].as_object().map_or(String::new(), |m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(",")
            });
            r["id"] == id && dom == domain && r["category"].as_str().unwrap_or("") == category
        })
        .cloned()
        .unwrap_or_else(|| panic!("no row {id} {domain} {category}"))
}

/// The record `id` of a reference file.
fn r_record<'a>(reference: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    reference["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no R record {id}"))
}

/// Checks rows against R: `(our id, domain, category, R record id after "prefix/")`.
pub(crate) fn assert_r(
    out: &RunOutput,
    file: &str,
    prefix: &str,
    checks: &[(&str, &str, &str, &str)],
) {
    let reference = read_json(file);
    for (id, domain, category, r_id) in checks {
        let r_id = &format!("{prefix}/{r_id}");
        let record = r_record(&reference, r_id);
        let ours = row(out, id, domain, category);
        for (field, r_field) in [("estimate", "estimate"), ("std_error", "se")] {
            let want = record["values"][r_field].as_f64().expect("R value");
            let got = ours[field].as_f64().expect("our value");
            assert_close(got, want, 1e-9, 1e-12, &format!("{r_id} {r_field}"));
        }
        if let Some(df) = record["values"]["df"].as_f64() {
            assert_eq!(ours["df"].as_f64(), Some(df), "{r_id} df");
        }
    }
}

/// Checks the tests `(our id, R record id)` against R: statistic and p-value.
fn assert_r_tests(out: &RunOutput, checks: &[(&str, &str)]) {
    let reference = read_json("reference.json");
    let rows = serde_json::to_value(&out.rows).expect("json");
    for (id, r_id) in checks {
        let record = r_record(&reference, r_id);
        let ours = rows
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == *id)
            .unwrap_or_else(|| panic!("no row {id}"));
        for field in ["statistic", "p_value"] {
            let want = record["values"][field].as_f64().expect("R value");
            let got = ours[field].as_f64().expect("our value");
            assert_close(got, want, 1e-6, 1e-12, &format!("{r_id} {field}"));
        }
    }
}

/// A spec file of the API estimates on apiclus1 (clusters with fpc), beside the data, for
/// the command-line tests.
pub(crate) fn clus1_spec_file(topic: &str) -> PathBuf {
    let spec_path = api_dir(topic).join("spec.json");
    std::fs::write(
        &spec_path,
        format!(
            r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
            "estimates": {API_ESTIMATES}}}"#
        ),
    )
    .expect("spec");
    spec_path
}

pub(crate) fn api_dir(topic: &str) -> PathBuf {
    let dir = scratch("sums", topic);
    for f in [
        "apiclus1.csv",
        "apiclus2.csv",
        "apisrs.csv",
        "apistrat.csv",
        "lonely.csv",
    ] {
        std::fs::copy(data_path(f), dir.join(f)).expect("copy data");
    }
    dir
}

pub(crate) const API_ESTIMATES: &str = r#"[
  {"id": "m", "stat": "mean", "variable": "api00"},
  {"id": "t", "stat": "total", "variable": "api00"},
  {"id": "me", "stat": "mean", "variable": "enroll"},
  {"id": "k3", "stat": "mean", "variable": "acs.k3"},
  {"id": "mb", "stat": "mean", "variable": "api00", "by": ["stype"]},
  {"id": "tb", "stat": "total", "variable": "api00", "by": ["awards"]},
  {"id": "r", "stat": "ratio", "numerator": "api.stu", "denominator": "enroll"},
  {"id": "d", "stat": "difference", "variables": ["api00", "api99"]},
  {"id": "p", "stat": "proportion", "variable": "stype"},
  {"id": "pb", "stat": "proportion", "variable": "sch.wide", "by": ["stype"]},
  {"id": "c", "stat": "count", "variable": "awards"},
  {"id": "ex", "stat": "mean", "variable": "acs.k3", "exclude": [20]},
  {"id": "avg", "stat": "mean", "variable": "api00", "by": ["awards"], "average_domains": true},
  {"id": "xF", "stat": "chisq", "variables": ["sch.wide", "stype"], "test": "F"},
  {"id": "xW", "stat": "chisq", "variables": ["sch.wide", "stype"], "test": "Wald"},
  {"id": "xb", "stat": "chisq", "variables": ["sch.wide", "awards"], "by": ["stype"]},
  {"id": "tt", "stat": "ttest", "variable": "api00", "group": "awards"}
]"#;

/// Our rows and the R records (of `reference.json`'s designs, after the design's prefix)
/// they must equal: `(id, domain, category, R record)`.
pub(crate) const REFERENCE_CHECKS: &[(&str, &str, &str, &str)] = &[
    ("m", "", "", "svymean/api00"),
    ("t", "", "", "svytotal/api00"),
    ("me", "", "", "svymean/enroll"),
    ("k3", "", "", "svymean/acs.k3"),
    ("mb", "stype=E", "", "svyby/svymean/api00/stype=E"),
    ("mb", "stype=H", "", "svyby/svymean/api00/stype=H"),
    ("mb", "stype=M", "", "svyby/svymean/api00/stype=M"),
    ("tb", "awards=Yes", "", "svyby/svytotal/api00/awards=Yes"),
    ("r", "", "", "svyratio/api.stu/enroll"),
    ("d", "", "", "svycontrast/api00-api99"),
    ("p", "", "E", "svymean/stype=E"),
    ("p", "", "H", "svymean/stype=H"),
    ("pb", "stype=E", "Yes", "svyby/svymean/sch.wide=Yes/stype=E"),
    ("pb", "stype=M", "No", "svyby/svymean/sch.wide=No/stype=M"),
    ("c", "", "No", "svytotal/awards=No"),
    ("c", "", "Yes", "svytotal/awards=Yes"),
];

/// The same for the designs of `extra_reference.json`.
const EXTRA_CHECKS: &[(&str, &str, &str, &str)] = &[
    ("m", "", "", "svymean/api00"),
    ("t", "", "", "svytotal/api00"),
    ("me", "", "", "svymean/enroll"),
    ("mb", "stype=E", "", "svyby/svymean/api00/stype=E"),
    ("mb", "stype=M", "", "svyby/svymean/api00/stype=M"),
    ("p", "", "E", "svymean/stype=E"),
    ("p", "", "M", "svymean/stype=M"),
];

/// Runs [`API_ESTIMATES`] on `data` with `design` (JSON fields, and any spec fields after
/// them) both ways over `chunks` chunks, checks they agree, and checks the finished rows
/// against R's records `prefix/…` of `file` (`None`: no R records for this design).
fn check_api(topic: &str, data: &str, design: &str, chunks: usize, r: Option<(&str, &str)>) {
    let dir = api_dir(topic);
    let spec = format!(r#"{{"data": "{data}", {design}, "estimates": {API_ESTIMATES}}}"#);
    let (memory, finished) = both_ways(&spec, &dir, chunks);
    assert_same(&memory, &finished);
    let Some((file, prefix)) = r else {
        return;
    };
    let (checks, tests) = match file {
        "reference.json" => (REFERENCE_CHECKS, true),
        _ => (EXTRA_CHECKS, false),
    };
    assert_r(&finished, file, prefix, checks);
    if tests {
        assert_r_tests(
            &finished,
            &[
                ("xF", &format!("{prefix}/svychisq/sch.wide+stype/F")),
                ("xW", &format!("{prefix}/svychisq/sch.wide+stype/Wald")),
            ],
        );
    }
}

#[test]
fn one_stage_clusters_with_fpc_match_memory_and_r() {
    let design = r#""design": {"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#;
    check_api(
        "clus1",
        "apiclus1.csv",
        design,
        1,
        Some(("reference.json", "clus1_fpc")),
    );
}

#[test]
fn strata_with_row_ids_as_units_match_the_element_design_and_r() {
    // Each school its own cluster: the same design as R's id = ~1.
    let design =
        r#""design": {"weights": "pw", "strata": "stype", "clusters": ["snum"], "fpc": ["fpc"]}"#;
    check_api(
        "strat",
        "apistrat.csv",
        design,
        1,
        Some(("reference.json", "strat_fpc")),
    );
}

#[test]
fn two_stage_clusters_match_memory_and_r() {
    let design = r#""design": {"weights": "pw", "clusters": ["dnum", "snum"]}"#;
    check_api(
        "clus2",
        "apiclus2.csv",
        design,
        1,
        Some(("extra_reference.json", "clus2_pw")),
    );
    // With both stages' fpc the second stage adds variance: still the in-memory answer.
    let design =
        r#""design": {"weights": "pw", "clusters": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}"#;
    check_api("clus2fpc", "apiclus2.csv", design, 1, None);
}

#[test]
fn post_stratification_matches_memory_and_r() {
    // R's srs_poststrat: postStratify(svydesign(id = ~1, fpc = ~fpc, data = apisrs), ~stype,
    // pop.types); post-stratification makes the weights N_c/n_c whatever the base weights.
    let step = r#""adjust": [{"poststratify": {"variable": "stype", "population": {"E": 4421, "H": 755, "M": 1018}}}]"#;
    let design =
        format!(r#""design": {{"weights": "pw", "clusters": ["snum"], "fpc": ["fpc"]}}, {step}"#);
    check_api(
        "poststrat",
        "apisrs.csv",
        &design,
        3,
        Some(("reference.json", "srs_poststrat")),
    );
    // Clusters and a post-stratum that cuts across them.
    let design =
        format!(r#""design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}}, {step}"#);
    check_api("poststrat1", "apiclus1.csv", &design, 2, None);
}

/// The estimates R's `sums_rake_R.R` gives on weighted designs, beside [`API_ESTIMATES`].
const WEIGHTED_ESTIMATES: &str = r#"{"id": "pc", "stat": "proportion", "variable": "comp.imp"},
  {"id": "cc", "stat": "count", "variable": "comp.imp"},
  {"id": "te", "stat": "total", "variable": "enroll"}"#;

/// Our rows and the records of `sums_rake_R.json` (after the design's prefix).
const WEIGHTED_CHECKS: &[(&str, &str, &str, &str)] = &[
    ("m", "", "", "mean/api00"),
    ("te", "", "", "total/enroll"),
    ("avg", "awards=No", "", "mean/api00/awards=No"),
    ("avg", "awards=Yes", "", "mean/api00/awards=Yes"),
    ("pc", "", "No", "mean/comp.imp=No"),
    ("pc", "", "Yes", "mean/comp.imp=Yes"),
    ("cc", "", "No", "total/comp.imp=No"),
    ("cc", "", "Yes", "total/comp.imp=Yes"),
];

/// [`API_ESTIMATES`] and [`WEIGHTED_ESTIMATES`] on `data` with `design` (and its `adjust`)
/// both ways over `chunks` chunks; the finished rows against R's records `prefix/…` of
/// `sums_rake_R.json`.
fn check_weighted(data: &str, design: &str, chunks: usize, prefix: &str) {
    let dir = api_dir(prefix);
    let estimates = API_ESTIMATES.trim_end().trim_end_matches(']');
    let spec = format!(
        r#"{{"data": "{data}", {design}, "estimates": {estimates}, {WEIGHTED_ESTIMATES}]}}"#
    );
    let (memory, finished) = both_ways(&spec, &dir, chunks);
    assert_same(&memory, &finished);
    assert_r(&finished, "sums_rake_R.json", prefix, WEIGHTED_CHECKS);
}

#[test]
fn raking_matches_memory_and_r() {
    let stype = r#""stype": {"E": 4421, "H": 755, "M": 1018}"#;
    let sch_wide = r#""sch.wide": {"No": 1072, "Yes": 5122}"#;
    let awards = r#""awards": {"No": 2027, "Yes": 4167}"#;
    // R's default control: ten sweeps at most, stopping once no cell moves by 1.
    let design = format!(
        r#""design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
        "adjust": [{{"rake": {{"margins": {{{stype}, {sch_wide}}}}}}}]"#
    );
    check_weighted("apiclus1.csv", &design, 3, "clus1_rake");
    let design = format!(
        r#""design": {{"weights": "pw", "strata": "stype", "clusters": ["snum"], "fpc": ["fpc"]}},
        "adjust": [{{"rake": {{"margins": {{{sch_wide}, {awards}}}, "max_iter": 100, "tolerance": 1e-9}}}}]"#
    );
    check_weighted("apistrat.csv", &design, 2, "strat_rake");
    // Jackknife replicates made from the design, each raked as the full sample is.
    let design = format!(
        r#""design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"], "create_replicates": {{"type": "JK1"}}}},
        "adjust": [{{"rake": {{"margins": {{{stype}, {sch_wide}}}}}}}]"#
    );
    check_api("clus1_rake_jk1", "apiclus1.csv", &design, 2, None);
    // Steps chained (R applies their projections in turn): post-stratification before and
    // after raking.
    let post =
        r#"{"poststratify": {"variable": "awards", "population": {"No": 2027, "Yes": 4167}}}"#;
    let rake = format!(r#"{{"rake": {{"margins": {{{stype}, {sch_wide}}}}}}}"#);
    for steps in [format!("{post}, {rake}"), format!("{rake}, {post}")] {
        let design = format!(
            r#""design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}}, "adjust": [{steps}]"#
        );
        check_api("clus1_chained", "apiclus1.csv", &design, 2, None);
    }
}

/// The speed benchmark's J6 shape: a generated survey (strata `region`, clusters `psu`)
/// raked to margins of `region` and `q_single` (the weighted counts times 1.1, so every
/// cell moves), with the benchmark's shares, means and multiple responses.
#[test]
fn raking_the_generated_survey_matches_memory() {
    let dir = scratch("sums", "j6");
    let synth = synth::generate(3_000);
    let mut file = std::fs::File::create(dir.join("survey.csv")).expect("create");
    synth.write_csv(&mut file).expect("write");
    let margin = |codes: &[f64]| {
        let mut m = std::collections::BTreeMap::<String, f64>::new();
        for (c, w) in codes.iter().zip(&synth.weight) {
            *m.entry(format!("{c}")).or_default() += 1.1 * w;
        }
        serde_json::to_string(&m).expect("json")
    };
    let spec = format!(
        r#"{{"data": "survey.csv", "design": {{"weights": "weight", "strata": "region", "clusters": ["psu"]}},
        "adjust": [{{"rake": {{"margins": {{"region": {}, "q_single": {}}}, "max_iter": 50, "tolerance": 1e-9}}}}],
        "estimates": [
          {{"id": "J1", "stat": "proportion", "variable": "q_single"}},
          {{"id": "J2", "stat": "mean", "variable": "q_likert", "exclude": [9]}},
          {{"id": "J3", "stat": "proportion", "variable": "q_single", "category": 1, "method": "logit"}},
          {{"id": "J4", "stat": "multiple_response", "variables": ["q_multi_1", "q_multi_2", "q_multi_3", "q_multi_4", "q_multi_5", "q_multi_6", "q_multi_7", "q_multi_8"], "base": "all"}},
          {{"id": "J4c", "stat": "multiple_response", "variables": ["q_multi_1", "q_multi_2", "q_multi_3"], "by": ["region"]}},
          {{"id": "J5", "stat": "proportion", "variable": "q_single", "by": ["region"]}},
          {{"id": "T", "stat": "total", "variable": "q_num", "by": ["region"]}},
          {{"id": "R", "stat": "ratio", "numerator": "q_num", "denominator": "q_likert"}}
        ]}}"#,
        margin(&synth.region),
        margin(&synth.q_single)
    );
    let (memory, finished) = both_ways(&spec, &dir, 3);
    assert_same(&memory, &finished);
    assert!(memory.rows.len() > 20);
}

/// A weighting error that names a data row names, from sums, the table's row that sums it.
#[test]
fn a_raking_variable_missing_names_the_sums_row() {
    let (dir, spec) = small_case(
        "rake-missing",
        "r.csv",
        "psu,w,g,y\n1,1,a,1\n1,2,b,2\n2,1,a,3\n2,1,,4\n3,1,b,5\n",
        r#"{"data": "r.csv", "design": {"weights": "w", "clusters": ["psu"]},
        "adjust": [{"rake": {"margins": {"g": {"a": 10, "b": 10}}}}],
        "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    );
    let memory = spec::run(&spec, &dir, None).expect_err("g is missing on row 4");
    assert!(
        memory.to_string().contains("data row 4 has no value"),
        "{memory}"
    );
    let sums = sums_csv(&spec, &dir, &|_| 0, 1);
    let err = sums::finish(&spec, &dir, &sums)
        .expect_err("missing")
        .to_string();
    let table = std::fs::read_to_string(&sums).expect("sums");
    // The table's row (its line, from 1 with the header) of psu 2's group without g.
    let line = table
        .lines()
        .position(|l| l.starts_with("\"m\",2.0,,"))
        .expect("the group")
        + 1;
    assert!(
        err.contains("adjust[0]") && err.contains(&format!("row {line} of the table")),
        "{err}\n{table}"
    );
}

#[test]
fn calibration_on_categorical_margins_matches_memory_and_r() {
    let margins = r#""categorical": {"sch.wide": {"No": 1072, "Yes": 5122}, "stype": {"E": 4421, "H": 755, "M": 1018}}"#;
    for (method, prefix) in [
        (r#""method": "linear""#, "clus1_cal_linear"),
        (
            r#""method": "logit", "bounds": [0.5, 2.5]"#,
            "clus1_cal_logit",
        ),
    ] {
        let design = format!(
            r#""design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
            "adjust": [{{"calibrate": {{{method}, {margins}}}}}]"#
        );
        check_weighted("apiclus1.csv", &design, 2, prefix);
    }
}

#[test]
fn replicates_made_from_the_design_match_memory_and_r() {
    let checks = [
        ("m", "", "", "mean/api00"),
        ("avg", "awards=No", "", "mean/api00/awards=No"),
        ("avg", "awards=Yes", "", "mean/api00/awards=Yes"),
        ("p", "", "E", "mean/stype=E"),
        ("p", "", "H", "mean/stype=H"),
        ("p", "", "M", "mean/stype=M"),
    ];
    for (data, design, prefix) in [
        (
            "apiclus1.csv",
            r#""design": {"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"], "create_replicates": {"type": "JK1"}}"#,
            "clus1_jk1",
        ),
        (
            "apistrat.csv",
            r#""design": {"weights": "pw", "strata": "stype", "clusters": ["snum"], "fpc": ["fpc"], "create_replicates": {"type": "JKn"}}"#,
            "strat_jkn",
        ),
    ] {
        let dir = api_dir(prefix);
        let spec = format!(r#"{{"data": "{data}", {design}, "estimates": {API_ESTIMATES}}}"#);
        let (memory, finished) = both_ways(&spec, &dir, 2);
        assert_same(&memory, &finished);
        assert_r(&finished, "sums_replicates_R.json", prefix, &checks);
    }
    // Bootstrap draws and BRR's half-samples follow the order of the units in the data:
    // refused.
    for kind in [r#""bootstrap""#, r#""BRR""#, r#""Fay", "rho": 0.3"#] {
        let err = sql_error(&format!(
            r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"], "create_replicates": {{"type": {kind}}}}},
            "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}]}}"#
        ));
        assert!(err.to_string().contains("order of the"), "{err}");
    }
}

/// The estimates on the data of R's replicate designs (`replicate_R.R`'s CSV files).
const REPLICATE_ESTIMATES: &str = r#"[
  {"id": "m", "stat": "mean", "variable": "api00"},
  {"id": "t", "stat": "total", "variable": "enroll"},
  {"id": "p", "stat": "proportion", "variable": "sch.wide"},
  {"id": "r", "stat": "ratio", "numerator": "api00", "denominator": "api99"},
  {"id": "d", "stat": "difference", "variables": ["api00", "api99"]},
  {"id": "mb", "stat": "mean", "variable": "api00", "by": ["stype"]},
  {"id": "c", "stat": "count", "variable": "stype"},
  {"id": "x", "stat": "chisq", "variables": ["sch.wide", "stype"]},
  {"id": "tt", "stat": "ttest", "variable": "api00", "group": "sch.wide"},
  {"id": "mr", "stat": "multiple_response", "variables": ["a", "b"], "by": ["stype"]}
]"#;

/// The `design` of `replicate_R.json`'s case: its CSV's `fullw` and replicate columns
/// `rw1`, … with the case's type, scale, rscales and `mse`.
fn replicate_design(case: &serde_json::Value) -> serde_json::Value {
    let number = |v: &serde_json::Value| v.as_str().expect("text").parse::<f64>().expect("number");
    let r = case["replicates"].as_u64().expect("replicates");
    let rscales: Vec<f64> = case["rscales"]
        .as_array()
        .expect("rscales")
        .iter()
        .map(number)
        .collect();
    serde_json::json!({
        "weights": "fullw",
        "replicates": {
            "columns": (1..=r).map(|j| format!("rw{j}")).collect::<Vec<_>>(),
            "type": case["type"],
            "scale": number(&case["scale"]),
            "rscales": rscales,
            "mse": case["mse"],
        }
    })
}

#[test]
fn replicate_weight_columns_match_memory_and_r() {
    let reference = read_json("replicate_R.json");
    let number = |v: &serde_json::Value| v.as_str().expect("text").parse::<f64>().expect("number");
    for (case, file) in [
        ("jk1_clus1", "rep_jk1_clus1.csv"),
        ("jkn_strat", "rep_jkn_strat.csv"),
        ("brr_pairs", "rep_brr_pairs.csv"),
        ("fay_pairs", "rep_fay_pairs.csv"),
        ("boot_strat", "rep_boot_strat.csv"),
    ] {
        let values = &reference["cases"][case];
        let dir = scratch("sums", &format!("rep-{case}"));
        // With two options of a multiple response: api00 above 650, api99 above 600.
        let text = std::fs::read_to_string(data_path(file)).expect("data");
        let mut lines = text.lines();
        let mut csv = format!("{},a,b\n", lines.next().expect("header"));
        for line in lines {
            let mut fields = line.split(',');
            let mut over = |limit: f64| {
                let v: f64 = fields.next().expect("field").parse().expect("number");
                u8::from(v > limit)
            };
            let (a, b) = (over(650.0), over(600.0));
            csv.push_str(&format!("{line},{a},{b}\n"));
        }
        std::fs::write(dir.join(file), csv).expect("write");
        let estimates: serde_json::Value =
            serde_json::from_str(REPLICATE_ESTIMATES).expect("estimates");
        let spec = serde_json::json!({
            "data": file,
            "design": replicate_design(values),
            "estimates": estimates,
        });
        let (memory, finished) = both_ways(&spec.to_string(), &dir, 2);
        assert_same(&memory, &finished);
        assert_eq!(memory.design.psus, finished.design.psus, "{case} units");
        assert_eq!(memory.design.df, finished.design.df, "{case} df");
        // R's values on the same replicate weights.
        let mut checks = vec![
            ("m", "", "", "mean_api00"),
            ("t", "", "", "total_enroll"),
            ("p", "", "Yes", "p_schwide_yes"),
            ("r", "", "", "ratio"),
            ("d", "", "", "diff"),
        ];
        if case == "jk1_clus1" {
            checks.extend([
                ("mb", "stype=E", "", "E"),
                ("mb", "stype=H", "", "H"),
                ("mb", "stype=M", "", "M"),
            ]);
        }
        for (id, domain, category, key) in checks {
            let ours = row(&finished, id, domain, category);
            let (want, want_se) = match domain {
                "" => (number(&values[key]), number(&values[format!("{key}_se")])),
                _ => {
                    let by = values["by_stype"]
                        .as_array()
                        .expect("by")
                        .iter()
                        .find(|b| b["stype"] == key)
                        .expect("stype");
                    (number(&by["estimate"]), number(&by["se"]))
                }
            };
            let what = format!("{case} {id} {domain}{category}");
            assert_close(
                ours["estimate"].as_f64().expect("estimate"),
                want,
                1e-9,
                1e-12,
                &what,
            );
            assert_close(
                ours["std_error"].as_f64().expect("se"),
                want_se,
                1e-9,
                1e-12,
                &what,
            );
        }
        let df = ours_df(&finished, "m");
        assert_eq!(df, values["degf"].as_f64(), "{case} df");
        if case == "jk1_clus1" {
            replicate_factors_match(&dir, file, &spec, &finished);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The design of `spec` with its replicate columns as factors of the full-sample weight
/// (`combined_weights: false`, each `rw` divided by `fullw`) gives, from sums, the rows
/// `combined` gave.
fn replicate_factors_match(dir: &Path, file: &str, spec: &serde_json::Value, combined: &RunOutput) {
    let text = std::fs::read_to_string(dir.join(file)).expect("data");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let full = header
        .iter()
        .position(|h| *h == "\"fullw\"")
        .expect("fullw");
    let mut csv = format!("{}\n", header.join(","));
    for line in lines {
        let fields: Vec<String> = line.split(',').map(str::to_string).collect();
        let w: f64 = fields[full].parse().expect("weight");
        let row: Vec<String> = fields
            .iter()
            .zip(&header)
            .map(|(f, h)| match h.starts_with("\"rw") {
                true => format!("{:?}", f.parse::<f64>().expect("replicate weight") / w),
                false => f.clone(),
            })
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    std::fs::write(dir.join("factors.csv"), csv).expect("write");
    let mut spec = spec.clone();
    spec["data"] = "factors.csv".into();
    spec["design"]["replicates"]["combined_weights"] = false.into();
    let (memory, finished) = both_ways(&spec.to_string(), dir, 1);
    assert_same(&memory, &finished);
    assert_same(combined, &finished);
}

/// Rows of weight 0 with replicate weights other than 0 add to the replicates' totals by
/// their own values, which sums weighted by the full-sample weight lose: an error naming
/// the table's row.
#[test]
fn replicate_weights_on_rows_of_weight_0_are_an_error_from_sums() {
    let (dir, spec) = small_case(
        "rep-zero",
        "z.csv",
        "w,rw1,rw2,y\n1,2,0,1\n2,0,4,2\n0,1,0,3\n1,2,0,4\n",
        r#"{"data": "z.csv", "design": {"weights": "w", "replicates": {"columns": ["rw1", "rw2"], "type": "JK1"}},
        "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    );
    spec::run(&spec, &dir, None).expect("the data are a valid design");
    let sums = sums_csv(&spec, &dir, &|_| 0, 1);
    let err = sums::finish(&spec, &dir, &sums)
        .expect_err("weight 0")
        .to_string();
    assert!(
        err.contains("rows of weight 0 have replicate weight 1 in \"rw1\""),
        "{err}"
    );
}

/// The `df` of the estimate `id`'s first row.
fn ours_df(out: &RunOutput, id: &str) -> Option<f64> {
    row(out, id, "", "")["df"].as_f64()
}

/// Weighting steps on replicate weight columns reweight every replicate: from sums as
/// from the data, and as R's `postStratify` of the JK1 design.
#[test]
fn weighting_replicate_weight_columns_matches_memory_and_r() {
    let reference = read_json("replicate_R.json");
    let values = &reference["cases"]["jk1_clus1"];
    let dir = scratch("sums", "rep-weighted");
    std::fs::copy(
        data_path("rep_jk1_clus1.csv"),
        dir.join("rep_jk1_clus1.csv"),
    )
    .expect("copy");
    // Not the shares and counts of the margins: the weighting fixes them, and their SEs
    // are rounding noise.
    let mut estimates: serde_json::Value =
        serde_json::from_str(REPLICATE_ESTIMATES).expect("estimates");
    estimates
        .as_array_mut()
        .expect("estimates")
        .retain(|e| !["p", "c", "mr"].contains(&e["id"].as_str().expect("id")));
    let stype = serde_json::json!({"E": 4421, "H": 755, "M": 1018});
    let sch_wide = serde_json::json!({"No": 1072, "Yes": 5122});
    for adjust in [
        serde_json::json!([{"poststratify": {"variable": "stype", "population": stype}}]),
        serde_json::json!([{"rake": {"margins": {"stype": stype, "sch.wide": sch_wide}}}]),
        serde_json::json!([{"calibrate": {"categorical": {"stype": stype, "sch.wide": sch_wide}}}]),
    ] {
        let spec = serde_json::json!({
            "data": "rep_jk1_clus1.csv",
            "design": replicate_design(values),
            "adjust": adjust,
            "estimates": estimates,
        });
        let (memory, finished) = both_ways(&spec.to_string(), &dir, 2);
        assert_same(&memory, &finished);
        if adjust[0].get("poststratify").is_some() {
            let m = row(&finished, "m", "", "");
            let number =
                |v: &serde_json::Value| v.as_str().expect("text").parse::<f64>().expect("number");
            assert_close(
                m["estimate"].as_f64().expect("estimate"),
                number(&values["poststrat_mean_api00"]),
                1e-9,
                1e-12,
                "poststratified mean",
            );
            assert_close(
                m["std_error"].as_f64().expect("se"),
                number(&values["poststrat_mean_api00_se"]),
                1e-9,
                1e-12,
                "poststratified mean's SE",
            );
        }
    }
}

#[test]
fn strata_of_clusters_under_every_lonely_psu_policy_match_memory_and_r() {
    let design =
        r#""design": {"weights": "pw", "strata": "stype", "clusters": ["dnum"], "nest": true}"#;
    check_api(
        "nest",
        "apistrat.csv",
        design,
        1,
        Some(("extra_reference.json", "strat_clus_nest")),
    );
    for policy in ["remove", "certainty", "adjust", "average"] {
        let design = format!(
            r#""design": {{"weights": "pw", "strata": "stype", "clusters": ["dnum"], "nest": true, "lonely_psu": "{policy}"}}"#
        );
        let prefix = format!("lonely_{policy}");
        check_api(
            &prefix,
            "lonely.csv",
            &design,
            1,
            Some(("extra_reference.json", &prefix)),
        );
    }
    // `fail` fails the same way from sums.
    let dir = api_dir("lonely-fail");
    let spec = r#"{"data": "lonely.csv", "design": {"weights": "pw", "strata": "stype", "clusters": ["dnum"], "nest": true, "lonely_psu": "fail"},
        "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]}"#;
    let parsed = AnalysisSpec::from_json(spec).expect("spec");
    let memory = spec::run(&parsed, &dir, None)
        .expect_err("lonely")
        .to_string();
    let sums = sums_csv(&parsed, &dir, &|_| 0, 1);
    let finished = sums::finish(&parsed, &dir, &sums)
        .expect_err("lonely")
        .to_string();
    assert_eq!(memory, finished);
}

/// The 2019 report's analysis copied to a scratch folder of `topic`, with its
/// multiple-response questions also on the other bases and by region: the spec's path and
/// the spec.
pub(crate) fn zubr_spec(topic: &str) -> (PathBuf, AnalysisSpec) {
    let dir = scratch(topic, "zubr");
    for f in ["analysis.json", "questionnaire.json", "responses.csv"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("data/zubr2019")
                .join(f),
            dir.join(f),
        )
        .expect("copy");
    }
    // The report's analysis, with its multiple-response questions also on the other bases
    // and by region.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("analysis.json")).expect("spec"))
            .expect("json");
    let q2: Vec<String> = (1..=6)
        .map(|i| format!("q2_problems_{i}"))
        .chain(["q2_problems_9".to_string()])
        .collect();
    let extra = serde_json::json!([
        {"id": "q2_all", "stat": "multiple_response", "base": "all", "variables": q2},
        {"id": "q2_responses", "stat": "multiple_response", "base": "responses", "variables": q2},
        {"id": "q2_by", "stat": "multiple_response", "base": "cases", "variables": q2, "by": ["region"]},
    ]);
    json["estimates"]
        .as_array_mut()
        .expect("estimates")
        .extend(extra.as_array().expect("extra").iter().cloned());
    let spec_path = dir.join("analysis_more.json");
    std::fs::write(&spec_path, json.to_string()).expect("write spec");
    let spec =
        AnalysisSpec::from_json(&std::fs::read_to_string(&spec_path).expect("spec")).expect("spec");
    (spec_path, spec)
}

#[test]
fn the_2019_report_matches_memory() {
    let (spec_path, spec) = zubr_spec("sums");
    let dir = spec_path.parent().expect("dir").to_path_buf();
    let memory = spec::run(&spec, &dir, None).expect("run");
    // The query with the questionnaire's missing codes, as `survey-stats sql` prints it.
    let sql = sums::sql_file(&spec_path, Some("survey"), Dialect::Ansi).expect("sql");
    let sums_path = dir.join("sums.csv");
    let responses = dir.join("responses.csv");
    write_sums(&responses, &sql, &|_| 0, 1, &sums_path);
    let finished = sums::finish_file(&spec_path, &sums_path).expect("finish");
    assert_same(&memory, &finished);
    // In four chunks whose rows interleave (every cluster in each).
    let chunked = dir.join("sums-4.csv");
    write_sums(&responses, &sql, &|i| i % 4, 4, &chunked);
    assert_same(
        &memory,
        &sums::finish_file(&spec_path, &chunked).expect("finish"),
    );
    assert!(memory.rows.len() > 40);
    // A multiple-response group is a few rows, not one per combination of choices.
    let groups = std::fs::read_to_string(&sums_path)
        .expect("sums")
        .lines()
        .filter(|l| l.starts_with("\"q2_all\""))
        .count();
    assert!(groups <= 3 * 60, "{groups} groups for 60 clusters");
}

/// A scratch folder of `topic` holding the data `csv` as `file`, and `spec`.
fn small_case(topic: &str, file: &str, csv: &str, spec: &str) -> (PathBuf, AnalysisSpec) {
    let dir = scratch("sums", topic);
    std::fs::write(dir.join(file), csv).expect("write");
    (dir, AnalysisSpec::from_json(spec).expect("spec"))
}

#[test]
fn option_values_other_than_0_or_1_are_an_error_from_sums() {
    let (dir, spec) = small_case(
        "mr-invalid",
        "mr.csv",
        "psu,w,a,b\n1,1,1,0\n1,2,0,1\n2,1,1,1\n2,1,0,2\n3,1,1,0\n",
        r#"{"data": "mr.csv", "design": {"weights": "w", "clusters": ["psu"]},
        "estimates": [{"id": "mr", "stat": "multiple_response", "variables": ["a", "b"]}]}"#,
    );
    let memory = spec::run(&spec, &dir, None).expect_err("2 is not an option value");
    assert!(memory.to_string().contains("not 0 or 1"), "{memory}");
    let sums = sums_csv(&spec, &dir, &|_| 0, 1);
    let err = sums::finish(&spec, &dir, &sums).expect_err("2").to_string();
    assert!(
        err.contains("other than 0 or 1") && err.contains("\"mr\""),
        "{err}"
    );
}

#[test]
fn ten_chunks_merged_by_addition_give_the_whole() {
    // Rows i % 10: each cluster's rows are spread over several chunks.
    let design = r#""design": {"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}"#;
    check_api(
        "chunks",
        "apiclus1.csv",
        design,
        10,
        Some(("reference.json", "clus1_fpc")),
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Any split of the rows into parts, each part's sums computed alone and the results
    /// concatenated, finishes to the in-memory answer.
    #[test]
    fn sums_over_any_split_merge_to_the_whole(
        parts in 1usize..6,
        seed in any::<u64>(),
    ) {
        let dir = api_dir(&format!("split-{seed}"));
        let spec_json = format!(
            r#"{{"data": "apiclus2.csv", "design": {{"weights": "pw", "clusters": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}},
            "estimates": {API_ESTIMATES}}}"#
        );
        let spec = AnalysisSpec::from_json(&spec_json).expect("spec");
        let memory = spec::run(&spec, &dir, None).expect("run");
        let part = move |i: usize| {
            let x = (i as u64 ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            ((x >> 33) % parts as u64) as usize
        };
        let sums = sums_csv(&spec, &dir, &part, parts);
        let finished = sums::finish(&spec, &dir, &sums).expect("finish");
        assert_same(&memory, &finished);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The error `sql_for` gives for `spec`.
fn sql_error(spec: &str) -> SpecError {
    let spec = AnalysisSpec::from_json(spec).expect("spec");
    sums::sql_for(&spec, "t", Dialect::Ansi, None).expect_err("not from sums")
}

#[test]
fn what_needs_the_rows_says_so() {
    let base = r#"{"data": "apiclus1.csv", "design": {"weights": "pw", "clusters": ["dnum"]},"#;
    let err = sql_error(&format!(
        r#"{base} "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}},
        {{"id": "median", "stat": "quantile", "variable": "api00", "probs": [0.5]}}]}}"#
    ));
    assert!(
        matches!(&err, SpecError::NotFromSums { id, .. } if id == "median"),
        "{err}"
    );
    assert!(err.to_string().contains("ordered values"), "{err}");
    // Steps that act on each row's own value or weight.
    let stype = r#"{"stype": {"E": 4421, "H": 755, "M": 1018}}"#;
    for (step, path, why) in [
        (
            format!(
                r#"{{"calibrate": {{"categorical": {stype}, "numeric": {{"api99": 3914069}}}}}}"#
            ),
            "adjust[1].calibrate",
            "numeric auxiliary \"api99\"",
        ),
        (
            r#"{"trim": {"lower": 20, "upper": 40}}"#.to_string(),
            "adjust[1].trim",
            "caps each row's own weight",
        ),
    ] {
        let err = sql_error(&format!(
            r#"{base} "adjust": [{{"poststratify": {{"variable": "sch.wide", "population": {{"No": 1072, "Yes": 5122}}}}}}, {step}],
            "estimates": [{{"id": "m", "stat": "mean", "variable": "api00"}}]}}"#
        ));
        assert!(
            matches!(&err, SpecError::Invalid { path: p, .. } if p == path),
            "{err}"
        );
        assert!(err.to_string().contains(why), "{err}");
    }
    // Replicate columns by name only.
    let err = sql_error(
        r#"{"data": "r.csv", "design": {"weights": "w", "replicates": {"prefix": "rw", "type": "JK1"}},
        "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    );
    assert!(
        matches!(&err, SpecError::Invalid { path, .. } if path == "design.replicates.prefix"),
        "{err}"
    );
    let err = sql_error(
        r#"{"data": "apistrat.csv", "design": {"weights": "pw", "strata": "stype"},
        "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]}"#,
    );
    assert!(err.to_string().contains("design.clusters"), "{err}");
    let err = sql_error(&format!(
        r#"{base} "estimates": [{{"id": "g", "stat": "glm", "response": "api00", "terms": ["ell"]}}]}}"#
    ));
    assert!(
        matches!(&err, SpecError::NotFromSums { id, .. } if id == "g"),
        "{err}"
    );
}

#[test]
fn a_sums_table_of_another_spec_is_refused() {
    let dir = api_dir("stale");
    let spec = AnalysisSpec::from_json(
        r#"{"data": "apiclus1.csv", "design": {"weights": "pw", "clusters": ["dnum"]},
        "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]}"#,
    )
    .expect("spec");
    let sums = sums_csv(&spec, &dir, &|_| 0, 1);
    let other = AnalysisSpec::from_json(
        r#"{"data": "apiclus1.csv", "design": {"weights": "pw", "clusters": ["dnum"]},
        "estimates": [{"id": "m2", "stat": "mean", "variable": "api00"}]}"#,
    )
    .expect("spec");
    let err = sums::finish(&other, &dir, &sums)
        .expect_err("stale")
        .to_string();
    assert!(
        err.contains("\"m\"") && err.contains("another spec"),
        "{err}"
    );
    std::fs::write(
        dir.join("bad.csv"),
        "estimate,dnum,in_base,positive,n_rows,sum_w,sum_wy1,sum_wyy1\nm,1,1,1,2.5,3,4,5\n",
    )
    .expect("write");
    let err = sums::finish(&spec, &dir, &dir.join("bad.csv"))
        .expect_err("bad count")
        .to_string();
    assert!(err.contains("row 2: n_rows is 2.5"), "{err}");
}

#[test]
fn cli_sql_and_finish_print_what_estimate_prints() {
    let spec_path = clus1_spec_file("cli");
    let dir = spec_path.parent().expect("the spec's folder");
    let spec = spec_path.to_str().expect("path");
    let (code, spark, _) = run_cli(&["sql", spec, "--dialect", "spark"]);
    assert_eq!(code, 0);
    assert!(
        spark.contains("FROM `apiclus1`") && spark.contains("CAST(`pw` AS DOUBLE)"),
        "{spark}"
    );
    let (code, bigquery, _) = run_cli(&["sql", spec, "--dialect", "bigquery"]);
    assert_eq!(code, 0);
    assert!(bigquery.contains("CAST(`pw` AS FLOAT64)"), "{bigquery}");
    let (code, sql, _) = run_cli(&["sql", spec, "--table", "survey"]);
    assert_eq!(code, 0);
    let con = load(&dir.join("apiclus1.csv"), "survey", &|_| true);
    let sums_path = dir.join("sums.csv");
    std::fs::write(&sums_path, query_csv(&con, &sql, true)).expect("write");
    let sums_arg = sums_path.to_str().expect("path");
    for format in ["csv", "json"] {
        let (code, estimate, err) = run_cli(&["estimate", spec, "--format", format]);
        assert_eq!(code, 0, "{err}");
        let (code, finish, err) =
            run_cli(&["finish", spec, "--sums", sums_arg, "--format", format]);
        assert_eq!(code, 0, "{err}");
        if format == "csv" {
            assert_eq!(estimate, finish);
        }
    }
    let (code, _, err) = run_cli(&["finish", spec]);
    assert_eq!(code, 2);
    assert!(err.contains("--sums"), "{err}");
    let (code, _, err) = run_cli(&["sql", spec, "--dialect", "oracle"]);
    assert_eq!(code, 2);
    assert!(err.contains("ansi, spark, postgres or bigquery"), "{err}");
}
