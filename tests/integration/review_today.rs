//! Hostile inputs to what was merged on 2026-12-07 (banner tables, the HTML report, finishing
//! from SQL sums): each test is a case that failed before its fix.

use crate::common::{parse_xml, run_cli, scratch};
use std::path::{Path, PathBuf};
use survey_stats::report::Report;
use survey_stats::spec::{AnalysisSpec, SpecError};
use survey_stats::sums::finish;
use survey_stats::table::Table;
use survey_stats::{Dataset, Survey};

/// A label with XML's non-characters U+FFFE and U+FFFF (and a control character): the page
/// is XHTML, so a label must not make it ill-formed.
#[test]
fn page_with_noncharacter_labels_is_well_formed() {
    let mut t = Table::new(vec!["region".into(), "share".into()]);
    t.push(vec!["a\u{FFFF}b\u{FFFE}c\u{1}<&\">".into(), "0.5".into()]);
    let page = Report::new("R\u{FFFF}")
        .table("caption\u{FFFE}", &t)
        .to_html();
    let doc = parse_xml(&page);
    let cell = doc
        .descendants()
        .find(|n| n.has_tag_name("td"))
        .and_then(|n| n.text())
        .unwrap();
    // The visible text survives (each bad character replaced by U+FFFD).
    assert_eq!(cell, "a\u{FFFD}b\u{FFFD}c\u{FFFD}<&\">");
}

/// `banner(["h", "h"])` gave every column of `h` twice, lettered twice (A B C D), testing
/// each column against itself's copy: an error naming the variable.
#[test]
fn banner_variable_listed_twice_is_an_error() {
    let data = Dataset::builder()
        .column("psu", vec![1u8, 1, 2, 2, 3, 3])
        .column("h", vec![1u8, 2, 1, 2, 1, 2])
        .column("q", vec![1u8, 2, 2, 1, 1, 1])
        .build()
        .unwrap();
    let survey = Survey::builder(data).clusters(["psu"]).build().unwrap();
    let err = survey
        .banner(["h", "h"])
        .rows_single("q")
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"h\"") && text.contains("twice"), "{text}");
    // Listed once, it has its two columns.
    let ok = survey.banner(["h"]).rows_single("q").build().unwrap();
    assert_eq!(ok.columns().len(), 3);
}

/// A folder with the spec of a mean and a share, and the sums of its 8 data rows (as the
/// query's result from SQLite).
fn sums_case(name: &str) -> (PathBuf, AnalysisSpec) {
    let dir = scratch("review_today", name);
    let spec = AnalysisSpec::from_json(
        r#"{"data": "d.csv", "design": {"weights": "w", "clusters": ["psu"], "strata": "st"},
            "estimates": [{"id": "m", "stat": "mean", "variable": "y"},
                          {"id": "p", "stat": "proportion", "variable": "g"}]}"#,
    )
    .unwrap();
    (dir, spec)
}

const HEADER: &str = "estimate,st,psu,g,in_base,positive,n_rows,sum_w,sum_wy1,sum_wyy1";
const MEAN_ROWS: &str = "m,1,1,,1,1,2,3,5,9
m,1,2,,1,1,2,4,15,57
m,2,3,,1,1,2,2,11,61
m,2,4,,1,1,2,3,22,162";
const SHARE_ROWS: &str = "p,1,1,a,,1,1,1,,
p,1,1,b,,1,1,2,,
p,1,2,a,,1,1,1,,
p,1,2,b,,1,1,3,,
p,2,3,a,,1,1,1,,
p,2,3,b,,1,1,1,,
p,2,4,a,,1,2,3,,";

fn finish_text(dir: &Path, spec: &AnalysisSpec, text: &str) -> Result<(), SpecError> {
    let path = dir.join("sums.csv");
    std::fs::write(&path, text).unwrap();
    finish(spec, dir, &path).map(|_| ())
}

/// The error of finishing the table `HEADER`, `mean_rows`, `share_rows`.
fn finish_error(name: &str, mean_rows: &str, share_rows: &str) -> String {
    let (dir, spec) = sums_case(name);
    let text = format!("{HEADER}\n{mean_rows}\n{share_rows}\n");
    finish_text(&dir, &spec, &text).unwrap_err().to_string()
}

/// The well-formed table finishes: the cases below differ from it in one place.
#[test]
fn sums_base_case_finishes() {
    let (dir, spec) = sums_case("base");
    finish_text(
        &dir,
        &spec,
        &format!("{HEADER}\n{MEAN_ROWS}\n{SHARE_ROWS}\n"),
    )
    .unwrap();
}

/// Chunks' results concatenated with their header lines (`cat a.csv b.csv`): the error
/// said the table had rows of an estimate "estimate" "from another spec"; it now names the
/// row that repeats the header.
#[test]
fn sums_with_a_repeated_header_line_names_it() {
    let (dir, spec) = sums_case("header");
    let text = format!("{HEADER}\n{MEAN_ROWS}\n{HEADER}\n{SHARE_ROWS}\n");
    let err = finish_text(&dir, &spec, &text).unwrap_err().to_string();
    assert!(
        err.contains("row 6") && err.contains("header"),
        "the repeated header's row: {err}"
    );
}

/// A negative `sum_w`, and the query's group of rows without a weight (`sum_w` and
/// `positive` NULL): the error named the rebuilt design's weight column and row (`weight
/// column "sum_w", data row 1`), not the sums file's.
#[test]
fn sums_with_a_negative_or_missing_weight_sum_name_the_file_row() {
    let negative = MEAN_ROWS.replacen("m,1,2,,1,1,2,4,", "m,1,2,,1,1,2,-4,", 1);
    let missing = format!("{MEAN_ROWS}\nm,2,4,,1,,1,,7,49");
    for (rows, row, what) in [
        (negative, "row 3", "negative"),
        (missing, "row 6", "without a weight"),
    ] {
        let err = finish_error("weight", &rows, SHARE_ROWS);
        assert!(
            err.contains("sums.csv") && err.contains(row) && err.contains(what),
            "{err}"
        );
    }
}

/// `Σw·y² < (Σw·y)²/Σw` cannot come from data (Cauchy–Schwarz): it was read as no spread
/// and the design effect silently changed (2.37 to 2.40).
#[test]
fn sums_with_impossible_squares_is_an_error() {
    let rows = MEAN_ROWS.replacen("m,1,1,,1,1,2,3,5,9", "m,1,1,,1,1,2,3,5,-9", 1);
    let err = finish_error("squares", &rows, SHARE_ROWS);
    assert!(err.contains("row 2") && err.contains("sum_wyy1"), "{err}");
    // Equal values (Σw·y² = (Σw·y)²/Σw up to rounding) are fine.
    let rows = MEAN_ROWS.replacen("m,1,1,,1,1,2,3,5,9", "m,1,1,,1,1,2,3,0.3,0.03", 1);
    let (dir, spec) = sums_case("squares_equal");
    finish_text(&dir, &spec, &format!("{HEADER}\n{rows}\n{SHARE_ROWS}\n")).unwrap();
}

/// `positive` says whether the rows' weights are positive: a group flagged 0 with a
/// positive `sum_w` (or 1 with 0) is not the query's result, and its rows would be counted
/// among the wrong ones.
#[test]
fn sums_with_positive_flag_contradicting_the_weights_is_an_error() {
    let rows = SHARE_ROWS.replacen("p,2,3,b,,1,1,1,,", "p,2,3,b,,0,1,1,,", 1);
    let err = finish_error("positive", MEAN_ROWS, &rows);
    assert!(err.contains("row 11") && err.contains("positive"), "{err}");
}

/// A banner mean whose weighted sums overflow: the error named the variable `""`.
#[test]
fn banner_overflow_names_the_variable() {
    let data = Dataset::builder()
        .column("psu", vec![1u8, 1, 2, 2, 3, 3])
        .column("h", vec![1u8, 2, 1, 2, 1, 2])
        .column("y", vec![1e308, 1e308, -1e308, 1e308, 1e308, 1e308])
        .build()
        .unwrap();
    let survey = Survey::builder(data).clusters(["psu"]).build().unwrap();
    let err = survey
        .banner(["h"])
        .rows_mean("y")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"y\"") && err.contains("overflow"), "{err}");
}

/// The workbook of labels with `<&">`, a control character, U+FFFF and a 40-character
/// Kazakh caption twice: Excel's own reader (calamine here) opens it, with the labels and
/// two distinct sheet names.
#[cfg(feature = "xlsx")]
#[test]
fn workbook_of_hostile_labels_opens() {
    use calamine::{Data, Reader, Xlsx};
    let mut t = Table::new(vec!["region".into(), "share".into()]);
    t.push(vec!["a<&\">\u{1}b\u{FFFF}".into(), "0.5".into()]);
    let caption = "Әр көрсеткіш өңірлер бойынша: бағалау [95%]";
    let bytes = Report::new("R")
        .table(caption, &t)
        .table(caption, &t)
        .to_xlsx()
        .unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 2);
    assert_ne!(names[0], names[1]);
    let range = book.worksheet_range(&names[1]).unwrap();
    let label = range.get_value((2, 0)).cloned();
    let Some(Data::String(label)) = label else {
        panic!("{label:?}")
    };
    assert!(label.starts_with("a<&\">"), "{label}");
    assert_eq!(range.get_value((2, 1)), Some(&Data::Float(0.5)));
}

/// `--format xlsx` without `--out` was refused only after the whole analysis ran (here:
/// after failing on the missing data file, which hid the usage error).
#[test]
fn xlsx_without_out_is_refused_before_the_analysis() {
    let dir = scratch("review_today", "xlsx_no_out");
    let spec = dir.join("spec.json");
    std::fs::write(
        &spec,
        r#"{"data": "absent.csv", "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run_cli(&["estimate", spec.to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--out") && !err.contains("absent.csv"),
        "{err}"
    );
}

/// Rows of a multiple response that chose (`in_base` 2) whose options' `Σw·y` add up to
/// less than their `Σw`: no data give that (each row chose an option), and it was finished
/// by counting the rest as choosing nothing (n 5 became 3, a's share 0.43 became 0.5).
#[test]
fn sums_of_choices_below_the_weight_is_an_error() {
    let dir = scratch("review_today", "choices");
    let spec = AnalysisSpec::from_json(
        r#"{"data": "mr.csv", "design": {"weights": "w", "clusters": ["psu"]},
            "estimates": [{"id": "mr", "stat": "multiple_response", "variables": ["a", "b"]}]}"#,
    )
    .unwrap();
    let header =
        "estimate,psu,in_base,positive,n_rows,sum_w,sum_wy1,sum_wyy1,sum_wy2,sum_wyy2,n_invalid";
    let rest = "mr,2,2,1,1,1,1,1,1,1,0\nmr,2,1,1,1,3,0,0,0,0,0\nmr,3,2,1,2,3,1,1,2,2,0";
    // Row 2 as the query gives it for psu 1 (a chosen with weight 1, b with weight 2) ...
    let good = format!("{header}\nmr,1,2,1,2,3,1,1,2,2,0\n{rest}\n");
    finish_text(&dir, &spec, &good).unwrap();
    // ... and with b's sum lowered.
    let bad = format!("{header}\nmr,1,2,1,2,3,1,1,1,1,0\n{rest}\n");
    let err = finish_text(&dir, &spec, &bad).unwrap_err().to_string();
    assert!(err.contains("row 2") && err.contains("in_base 2"), "{err}");
}

/// Zero weights are what the sums keep apart (`positive`): rows of weight 0 scattered, and
/// one PSU whose every weight is 0 (R's `degf` leaves it out). Every estimate a sums table
/// finishes — design effects from the positive rows' count, `df: base`, the `beta` and
/// `likelihood` intervals (which use the row count), domains, the chi-squared test, the
/// t-test, multiple responses — gives the in-memory rows (within relative 1e-9; 6e-15 seen).
#[test]
fn sums_with_zero_weights_match_memory() {
    let dir = scratch("review_today", "zero_weights");
    let mut csv = String::from("st,psu,w,y,g,h,o_a,o_b\n");
    for psu in 1..=9usize {
        let st = (psu - 1) / 3 + 1;
        for i in 0..6usize {
            let w = if psu == 4 || (i * 7 + psu) % 5 == 0 {
                0.0
            } else {
                [1.0, 2.0, 3.5][(i + psu) % 3]
            };
            let y = if (i * 3 + psu) % 11 == 0 {
                String::new()
            } else {
                (10.0 + ((i * 13 + psu * 7) % 17) as f64 * 0.37).to_string()
            };
            let g = ["a", "b"][(i + psu * 2) % 2];
            let h = ["x", "y", "z"][(i * 5 + psu) % 3];
            let (a, b) = ((i + psu) % 2, usize::from((i * psu) % 3 == 0));
            csv.push_str(&format!("{st},{psu},{w},{y},{g},{h},{a},{b}\n"));
        }
    }
    std::fs::write(dir.join("z.csv"), csv).unwrap();
    let spec = r#"{"data": "z.csv", "design": {"weights": "w", "clusters": ["psu"], "strata": "st"},
      "estimates": [{"id": "m", "stat": "mean", "variable": "y"},
        {"id": "mb", "stat": "mean", "variable": "y", "by": ["h"]},
        {"id": "t", "stat": "total", "variable": "y", "by": ["g"]},
        {"id": "p", "stat": "proportion", "variable": "g", "by": ["h"]},
        {"id": "pb", "stat": "proportion", "variable": "g", "method": "beta"},
        {"id": "pl", "stat": "proportion", "variable": "g", "method": "likelihood"},
        {"id": "mdf", "stat": "mean", "variable": "y", "df": "base"},
        {"id": "x", "stat": "chisq", "variables": ["g", "h"]},
        {"id": "tt", "stat": "ttest", "variable": "y", "group": "g"},
        {"id": "mr", "stat": "multiple_response", "variables": ["o_a", "o_b"], "by": ["h"]}]}"#;
    let (memory, finished) = crate::sums::both_ways(spec, &dir, 2);
    assert!(memory.rows.len() > 20);
    crate::sums::assert_same(&memory, &finished);
}

/// An estimate id with a quote and a backslash: Spark and BigQuery read backslash escapes
/// in strings (Spark also joins `'a''b'` into `ab`), so the ANSI `''` gave them another id
/// (or a syntax error); BigQuery reads them in backtick names too.
#[test]
fn sql_literals_and_names_escape_per_dialect() {
    use survey_stats::sums::{Dialect, sql_for};
    let spec = AnalysisSpec::from_json(
        r#"{"data": "d.csv", "design": {"weights": "w", "clusters": ["p\\s"]},
            "estimates": [{"id": "men's\\all", "stat": "mean", "variable": "y"}]}"#,
    )
    .unwrap();
    let sql = |d| sql_for(&spec, "t", d, None).unwrap();
    assert!(sql(Dialect::Ansi).contains(r"'men''s\all' AS"));
    assert!(sql(Dialect::Spark).contains(r"'men\'s\\all' AS"));
    let bq = sql(Dialect::BigQuery);
    assert!(bq.contains(r"'men\'s\\all' AS"), "{bq}");
    assert!(bq.contains(r"`p\\s`"), "{bq}");
}

/// Estimate ids that look like numbers (`"01"`, `"2.50"`): the sums table's `estimate`
/// column was read as numbers, and the table refused as "from another spec" (estimate "1").
#[test]
fn sums_of_numeric_looking_ids_finish() {
    let (dir, spec) = sums_case("numeric_ids");
    let json = serde_json::to_string(&spec).unwrap();
    let spec = AnalysisSpec::from_json(
        &json
            .replace(r#""id":"m""#, r#""id":"01""#)
            .replace(r#""id":"p""#, r#""id":"2.50""#),
    )
    .unwrap();
    let text = format!("{HEADER}\n{MEAN_ROWS}\n{SHARE_ROWS}\n")
        .replace("\nm,", "\n01,")
        .replace("\np,", "\n2.50,");
    let path = dir.join("sums.csv");
    std::fs::write(&path, text).unwrap();
    let out = finish(&spec, &dir, &path).unwrap();
    let json = serde_json::to_value(&out.rows).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["01", "2.50", "2.50"]);
}

/// Banner cells and letters' tests under the lonely-PSU policies `average` and `adjust`
/// (two strata of one PSU) and on JK1 replicates made from the design (today's merge
/// changed the replicate degrees of freedom of a pass), against R
/// (`tests/data/review_banner_R.R`: `svyby(..., covmat = TRUE)`, `svycontrast`, `degf`).
#[test]
fn banner_under_lonely_psus_and_replicates_matches_r() {
    let r = crate::common::read_json("review_banner_R.json");
    let dir = crate::common::data_path("");
    for (name, design) in [
        ("average", r#""strata": "st", "lonely_psu": "average""#),
        ("adjust", r#""strata": "st", "lonely_psu": "adjust""#),
        ("JK1", r#""create_replicates": {"type": "JK1"}"#),
    ] {
        let spec = AnalysisSpec::from_json(&format!(
            r#"{{"data": "review_banner.csv", "design": {{"weights": "w", "clusters": ["psu"], {design}}},
            "tables": [{{"id": "t", "by": ["g"], "rows": [{{"mean": "y"}}, {{"single": "q"}}], "min_base": 1}}]}}"#
        ))
        .unwrap();
        let out = survey_stats::spec::run(&spec, &dir, None).unwrap();
        let tables = serde_json::to_value(&out.tables).unwrap();
        let rows = tables[0]["rows"].as_array().unwrap();
        // Row 0: the mean of y; row 1: the share answering q = 1.
        for (row, var) in [(&rows[0], "y"), (&rows[1], "q1")] {
            let want = &r[name][var];
            let what = format!("{name} {var}");
            for (c, key) in ["total", "a", "b"].iter().enumerate() {
                let cell = &row["cells"][c];
                let (value, se) = (
                    want[key][0].as_f64().unwrap(),
                    want[key][1].as_f64().unwrap(),
                );
                crate::common::assert_close(
                    cell["value"].as_f64().unwrap(),
                    value,
                    1e-9,
                    1e-12,
                    &what,
                );
                crate::common::assert_close(
                    cell["std_error"].as_f64().unwrap(),
                    se,
                    1e-9,
                    1e-12,
                    &what,
                );
            }
            let test = &row["tests"][0];
            for (got, key) in [
                ("difference", "difference"),
                ("std_error", "se"),
                ("p_value", "p"),
            ] {
                crate::common::assert_close(
                    test[got].as_f64().unwrap(),
                    want[key].as_f64().unwrap(),
                    1e-9,
                    1e-12,
                    &format!("{what} {got}"),
                );
            }
        }
    }
}

/// An `in_base` other than the query's flags (0 or 1 for a mean): the rows were read as out
/// of the base, silently (the mean's n went from 8 to 6).
#[test]
fn sums_with_an_unknown_base_flag_is_an_error() {
    for flag in ["2", ""] {
        let rows = MEAN_ROWS.replacen("m,1,2,,1,", &format!("m,1,2,,{flag},"), 1);
        let err = finish_error("base_flag", &rows, SHARE_ROWS);
        assert!(err.contains("row 3") && err.contains("in_base"), "{err}");
    }
}

/// `--out` naming the data file (a slip: `--format csv --out responses.csv`) overwrote the
/// data with the results; now refused, the data unchanged.
#[test]
fn out_onto_an_input_file_is_refused() {
    let dir = scratch("review_today", "out_onto_input");
    let data = "psu,y\n1,1\n1,2\n2,4\n";
    std::fs::write(dir.join("d.csv"), data).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(
        &spec,
        r#"{"data": "d.csv", "design": {"clusters": ["psu"]},
            "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#,
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let to = |file: &str| {
        let out = dir.join(file);
        run_cli(&[
            "estimate",
            spec,
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    for target in ["d.csv", "spec.json"] {
        let (code, _, err) = to(target);
        assert_eq!(code, 2, "{target}");
        assert!(err.contains("input"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("d.csv")).unwrap(), data);
    // Another file is written.
    let (code, _, err) = to("out.csv");
    assert_eq!(code, 0, "{err}");
    let out = dir.join("out.csv");
    assert!(std::fs::read_to_string(out).unwrap().starts_with("id,"));
}
