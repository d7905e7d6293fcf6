//! Fuzzing, bounded: random and mutated inputs for the CSV reader, the questionnaire, the
//! analysis spec and the runner. Whatever comes in, the answer is an error or a result
//! without NaN or infinity, never a panic. proptest shrinks a failing case and keeps it
//! in `tests/proptest-regressions/fuzz.txt`, so every case found stays a regression test.
//!
//! Cases per property: `FUZZ_CASES` (default 48, what CI runs, a few seconds); a longer run:
//! `FUZZ_CASES=5000 cargo test --release --all-features --test integration fuzz`. CI draws
//! them from a fixed seed (`PROPTEST_RNG_SEED` in `.ci/run`); without it each run draws new
//! ones.

use proptest::prelude::*;
use std::path::PathBuf;
use survey_stats::data::{CsvOptions, read_csv_from_reader};
use survey_stats::questionnaire::Questionnaire;
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::table::ResultRow;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(cases())
}

/// CSV-like bytes: separators, quotes, line ends, digits, signs, text, bytes that are not
/// UTF-8, and numbers at the edges of `f64`.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => Just(b",".to_vec()),
        3 => Just(b"\n".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        2 => Just(b"\"".to_vec()),
        4 => "[0-9]{1,3}".prop_map(String::into_bytes),
        1 => Just(b"-".to_vec()),
        1 => Just(b".".to_vec()),
        2 => "[a-z]{1,4}".prop_map(String::into_bytes),
        1 => Just(b"NA".to_vec()),
        1 => Just(b"NaN".to_vec()),
        1 => Just(b"inf".to_vec()),
        1 => Just(b"1e400".to_vec()),
        1 => Just(b"1e-320".to_vec()),
        1 => Just("қазақ".as_bytes().to_vec()),
        1 => Just(vec![0xff, 0xfe]),
        1 => Just(vec![0]),
        1 => Just(b" ".to_vec()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

/// Applies random edits (replace, delete, insert) to a text.
fn mutate(base: &'static str) -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0u8..3,
        prop::sample::select(vec![
            "", "0", "-1", "1e308", "-1e308", "1e-320", "null", "true", "[]", "{}", "\"\"",
            "\"x\"", "[9]", "99", "0.5", "2", "\"by\"", ",", "\"", "]", "}", "NaN",
        ]),
    );
    prop::collection::vec(edit, 1..4).prop_map(move |edits| {
        let mut s = base.to_string();
        for (at, kind, text) in edits {
            let cuts: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
            let i = cuts[at.index(cuts.len())];
            let j = cuts[(cuts.partition_point(|&c| c <= i) + 3).min(cuts.len() - 1)];
            match kind {
                0 => s.replace_range(i..j.max(i), text),
                1 => s.replace_range(i..j.max(i), ""),
                _ => s.insert_str(i, text),
            }
        }
        s
    })
}

const QUESTIONNAIRE: &str = include_str!("../data/questionnaire_example.json");

/// A spec over the data of [`DATA`], every field present somewhere, to mutate.
const SPEC: &str = r#"{
  "data": "data.csv",
  "missing": ["", "NA"],
  "design": {"weights": "w", "strata": "s", "clusters": ["c"], "lonely_psu": "adjust"},
  "adjust": [
    {"poststratify": {"variable": "g", "population": {"a": 30, "b": 50}}},
    {"rake": {"margins": {"g": {"a": 30, "b": 50}, "q": {"1": 10, "2": 20, "3": 10, "4": 20, "5": 10, "9": 10}}, "max_iter": 20, "tolerance": 1e-9}},
    {"trim": {"lower": 0.1, "upper": 40}}
  ],
  "estimates": [
    {"id": "m", "stat": "mean", "variable": "y", "by": ["g"], "interval": "t", "level": 0.95},
    {"id": "t", "stat": "total", "variable": "q", "exclude": [9]},
    {"id": "p", "stat": "proportion", "variable": "q", "exclude": [9], "method": "beta"},
    {"id": "n", "stat": "proportion", "variable": "q", "categories": [4, 5], "label": "top"},
    {"id": "c", "stat": "count", "variable": "g", "by": ["s"]},
    {"id": "r", "stat": "ratio", "numerator": "y", "denominator": "w"},
    {"id": "d", "stat": "difference", "variables": ["y", "q"], "df": "base"},
    {"id": "qq", "stat": "quantile", "variable": "y", "probs": [0.25, 0.5], "quantile_interval": "score"},
    {"id": "mr", "stat": "multiple_response", "variables": ["m1", "m2", "m3"], "base": "cases"},
    {"id": "x", "stat": "chisq", "variables": ["g", "q"], "test": "F"}
  ]
}"#;

/// [`SPEC`] and simpler variants of it (without weighting steps; weights only), each
/// also with one estimate alone, so that edits reach every estimator (a run stops at its
/// first error) and not only the weighting steps' checks.
fn base_specs() -> Vec<String> {
    let full: serde_json::Value = serde_json::from_str(SPEC).expect("the base spec");
    let mut no_adjust = full.clone();
    no_adjust["adjust"] = serde_json::json!([]);
    let mut weights_only = no_adjust.clone();
    weights_only["design"] = serde_json::json!({"weights": "w"});
    let mut out = Vec::new();
    for base in [full, no_adjust, weights_only] {
        let estimates = base["estimates"].as_array().cloned().unwrap_or_default();
        out.push(base.to_string());
        for e in estimates {
            let mut one = base.clone();
            one["estimates"] = serde_json::json!([e]);
            out.push(one.to_string());
        }
    }
    out
}

/// The data of the spec: strata, clusters, weights, a number, a Likert code with 9, a
/// text category and three 0/1 options.
const DATA: &str = "s,c,w,y,q,g,m1,m2,m3
1,1,10,3.5,1,a,1,0,0
1,1,10,4.0,2,b,0,1,0
1,2,12,2.5,5,a,1,1,0
1,2,12,,9,b,0,0,0
2,3,8,7.0,4,a,0,0,1
2,3,8,6.5,3,b,1,0,1
2,4,9,5.0,5,a,0,1,0
2,4,9,4.5,2,b,1,1,1
3,5,11,1.0,1,a,0,0,1
3,6,11,2.0,4,b,1,0,0
";

/// A scratch folder per process and case.
fn scratch() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    crate::common::scratch("fuzz", &N.fetch_add(1, Ordering::Relaxed).to_string())
}

/// Runs a spec text on a data text; checks that a result holds no NaN or infinity.
fn run(spec_text: &str, data: &str) -> Result<(), TestCaseError> {
    let dir = scratch();
    std::fs::write(dir.join("data.csv"), data).expect("write data");
    let outcome = AnalysisSpec::from_json(spec_text).map(|s| spec::run(&s, &dir, None));
    let _ = std::fs::remove_dir_all(&dir);
    if let Ok(Ok(out)) = outcome {
        for row in &out.rows {
            let values: Vec<Option<f64>> = match row {
                ResultRow::Estimate(e) => vec![
                    e.estimate,
                    e.std_error,
                    e.ci_lower,
                    e.ci_upper,
                    e.df,
                    e.p_value,
                    e.deff,
                    e.deff_replace,
                    Some(e.weighted_n),
                ],
                ResultRow::Test(t) => vec![t.statistic, t.p_value, t.ndf, t.ddf],
            };
            prop_assert!(
                values.iter().all(|v| v.is_none_or(f64::is_finite)),
                "a result holds a non-finite number: {row:?}"
            );
        }
    }
    Ok(())
}

/// Every path to a value in a JSON document, parents before children.
fn paths(v: &serde_json::Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        serde_json::Value::Object(m) => {
            for (k, c) in m {
                let mut p = at.clone();
                p.push(k.clone());
                paths(c, p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let mut p = at.clone();
                p.push(i.to_string());
                paths(c, p, out);
            }
        }
        _ => {}
    }
}

/// The spec with one to three of its values (anywhere in the tree) replaced by edge
/// values: valid JSON, strange content, so the run reaches validation and estimation.
fn spec_with_edge_values() -> impl Strategy<Value = String> {
    let value = prop::sample::select(vec![
        "0",
        "-1",
        "1e308",
        "-1e308",
        "1e-300",
        "0.5",
        "2",
        "1e15",
        "9",
        "99",
        "null",
        "true",
        "[]",
        "{}",
        "\"y\"",
        "\"q\"",
        "\"g\"",
        "\"w\"",
        "\"s\"",
        "\"c\"",
        "\"m1\"",
        "\"nope\"",
        "\"\"",
        "[\"g\", \"s\"]",
        "[\"y\"]",
        "[9, 99]",
        "[1]",
        "\"mean\"",
        "\"chisq\"",
        "\"quantile\"",
        "\"beta\"",
        "\"logit\"",
        "\"average\"",
        "\"fail\"",
        "\"base\"",
        "\"responses\"",
        "\"all\"",
        "\"saddlepoint\"",
    ]);
    let edits = prop::collection::vec((any::<prop::sample::Index>(), value), 1..4);
    (prop::sample::select(base_specs()), edits).prop_map(|(base, edits)| {
        let mut doc: serde_json::Value = serde_json::from_str(&base).expect("a base spec");
        for (at, text) in edits {
            let mut all = Vec::new();
            paths(&doc, Vec::new(), &mut all);
            let path = &all[at.index(all.len())];
            let pointer: String = path.iter().map(|p| format!("/{p}")).collect();
            if let Some(slot) = doc.pointer_mut(&pointer) {
                *slot = serde_json::from_str(text).expect("an edge value");
            }
        }
        doc.to_string()
    })
}

/// The data with random cells replaced by edge values.
fn data_with_edges() -> impl Strategy<Value = String> {
    let cell = prop::sample::select(vec![
        "", "NA", "0", "-1", "1e-200", "1e308", "9", "99", "2", "a", "z", "0.5", "1e15",
    ]);
    let edit = (
        any::<prop::sample::Index>(),
        cell,
        prop::bool::weighted(0.2),
    );
    prop::collection::vec(edit, 0..6).prop_map(|edits| {
        let mut rows: Vec<Vec<String>> = DATA
            .lines()
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        let (n, k) = (rows.len() - 1, rows[0].len());
        for (at, value, whole_column) in edits {
            let i = at.index(n * k);
            if whole_column {
                // Every row of one column: all missing, constant, …
                for row in rows.iter_mut().skip(1) {
                    row[i % k] = value.to_string();
                }
            } else {
                rows[1 + i / k][i % k] = value.to_string();
            }
        }
        rows.iter().map(|r| r.join(",") + "\n").collect()
    })
}

/// The binary fixtures the format readers are fuzzed from (`tests/data/formats_make.R`,
/// `formats_make.py`, `sav_by_hand.py`).
#[cfg(all(feature = "sav", feature = "dta", feature = "parquet"))]
const BINARY_FIXTURES: [&str; 5] = [
    "formats.sav",
    "formats.zsav",
    "formats.dta",
    "formats.parquet",
    "sav_1251.sav",
];

/// A fixture's bytes with random edits: bytes overwritten, runs deleted or inserted, the
/// tail cut; half the edits fall in the first kilobyte, where the headers and
/// dictionaries are.
#[cfg(all(feature = "sav", feature = "dta", feature = "parquet"))]
fn mutated_file() -> impl Strategy<Value = (String, Vec<u8>)> {
    let edit = (
        any::<prop::sample::Index>(),
        any::<bool>(),
        0u8..4,
        any::<u8>(),
        1usize..9,
    );
    (
        prop::sample::select(BINARY_FIXTURES.to_vec()),
        prop::collection::vec(edit, 1..6),
    )
        .prop_map(|(name, edits)| {
            let mut bytes = std::fs::read(crate::common::data_path(name)).expect("fixture");
            for (at, head, kind, byte, run) in edits {
                let span = if head {
                    bytes.len().min(1024)
                } else {
                    bytes.len()
                };
                if span == 0 {
                    break;
                }
                let i = at.index(span);
                let j = (i + run).min(bytes.len());
                match kind {
                    0 => bytes[i..j].iter_mut().for_each(|b| *b = byte),
                    1 => drop(bytes.drain(i..j)),
                    2 => bytes
                        .splice(i..i, std::iter::repeat_n(byte, run))
                        .for_each(drop),
                    _ => bytes.truncate(i),
                }
            }
            (name.to_string(), bytes)
        })
}

proptest! {
    #![proptest_config(config())]

    /// A damaged SPSS, Stata or Parquet file opens to an error or to data without NaN or
    /// infinity; never a panic.
    #[cfg(all(feature = "sav", feature = "dta", feature = "parquet"))]
    #[test]
    fn format_readers_never_panic((name, bytes) in mutated_file()) {
        let dir = scratch();
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).expect("write");
        let opened = survey_stats::Dataset::open(&path);
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(opened) = opened {
            for column in opened.data.names() {
                if let Ok(c) = opened.data.numeric(column) {
                    prop_assert!(
                        (0..c.len()).filter_map(|i| c.get(i)).all(f64::is_finite),
                        "{name}: column {column} holds a non-finite number"
                    );
                }
            }
        }
    }

    #[test]
    fn csv_reader_never_panics(bytes in csv_bytes()) {
        let _ = read_csv_from_reader(&bytes[..], "fuzz.csv", &CsvOptions::default());
    }

    #[test]
    fn questionnaire_never_panics(text in mutate(QUESTIONNAIRE)) {
        let _ = Questionnaire::from_json(&text);
    }

    #[test]
    fn mutated_spec_runs_or_says_why(text in mutate(SPEC)) {
        run(&text, DATA)?;
    }

    #[test]
    fn edge_values_in_the_spec_run_or_say_why(text in spec_with_edge_values()) {
        run(&text, DATA)?;
    }

    #[test]
    fn edge_values_in_the_data_run_or_say_why(
        spec in prop::sample::select(base_specs()),
        data in data_with_edges(),
    ) {
        run(&spec, &data)?;
    }
}

/// The spec being mutated runs on its data, so mutations reach the estimators.
#[test]
fn the_base_spec_runs() {
    let dir = scratch();
    std::fs::write(dir.join("data.csv"), DATA).expect("write data");
    let spec = AnalysisSpec::from_json(SPEC).expect("the base spec parses");
    let out = spec::run(&spec, &dir, None);
    let _ = std::fs::remove_dir_all(&dir);
    let out = out.expect("the base spec runs");
    assert!(out.rows.len() > 20);
}

/// Found by the fuzzer: text after the spec was ignored (`{…}[]` ran as `{…}`).
#[test]
fn text_after_the_spec_is_an_error() {
    let err = AnalysisSpec::from_json(&format!("{SPEC}[]")).unwrap_err();
    assert!(err.to_string().contains("trailing characters"), "{err}");
}

/// Found by the fuzzer: weights of 1e308 overflowed a quantile's weighted base into
/// infinity instead of the overflow error the other estimators give.
#[test]
fn a_quantile_whose_weights_overflow_is_an_error() {
    let data = DATA.replace(",10,", ",1e308,");
    let spec = r#"{"data": "data.csv", "design": {"weights": "w"},
        "estimates": [{"id": "q", "stat": "quantile", "variable": "y", "probs": [0.5]}]}"#;
    let dir = scratch();
    std::fs::write(dir.join("data.csv"), data).expect("write data");
    let out = spec::run(&AnalysisSpec::from_json(spec).expect("spec"), &dir, None);
    let _ = std::fs::remove_dir_all(&dir);
    let err = out.expect_err("an overflow error");
    assert!(err.to_string().contains("overflow"), "{err}");
}
