//! The file formats: the same table written by R's haven (`.sav`, `.zsav`, `.dta`) and by
//! pyarrow (`.parquet`) from `tests/data/formats.csv` (scripts `tests/data/formats_make.R`
//! and `formats_make.py`), read back cell for cell and estimated through the spec runner
//! and the library to the CSV's figures (relative 1e-12) and R survey 4.1.1's
//! (`tests/data/formats_R.json`); the SPSS labels as a questionnaire; bad files as errors.
#![cfg(all(feature = "sav", feature = "dta", feature = "parquet"))]

use crate::common::{assert_close, data_path, read_json, run_cli, scratch};
use survey_stats::data::{Column, DataError, Format};
use survey_stats::questionnaire::{Code, NonSubstantive, QuestionKind, Questionnaire};
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::table::ResultRow;
use survey_stats::{Dataset, DesignOptions, ErrorKind, Survey};

const FILES: [&str; 5] = [
    "formats.csv",
    "formats.sav",
    "formats.zsav",
    "formats.dta",
    "formats.parquet",
];

/// Days from 1970-01-01 to 2019-05-01 (the date of case 30, whose `id % 30` is 0).
const MAY_1_2019: f64 = 18017.0;

fn r_value(name: &str, field: &str) -> f64 {
    read_json("formats_R.json")[name][field]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("R value")
}

#[test]
fn every_format_holds_the_csv_cells() {
    let csv = Dataset::open(data_path("formats.csv")).expect("csv").data;
    for file in &FILES[1..] {
        let opened = Dataset::open(data_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let data = &opened.data;
        assert_eq!(data.n_rows(), 144, "{file}");
        for name in [
            "id", "region", "cluster", "w", "o1", "o2", "o3", "o4", "dk", "q5", "income",
        ] {
            let (a, b) = (
                csv.numeric(name).expect(name),
                data.numeric(name).expect(name),
            );
            for i in 0..144 {
                assert_eq!(a.get(i), b.get(i), "{file}: {name}, row {i}");
            }
        }
        // System-missing / null income where the CSV is empty (ids 10, 20, ...).
        assert_eq!(
            data.numeric("income").expect("income").count_missing(),
            14,
            "{file}"
        );
        let Column::Categorical(city) = data.column("city").expect("city") else {
            panic!("{file}: city is not text");
        };
        assert_eq!(city.levels(), ["Almaty", "Astana", "Shymkent"], "{file}");
        assert_eq!(city.get(143), Some("Shymkent"), "{file}");
        // Dates as days since 1970-01-01: case 30 is 2019-05-01, case 31 the day after.
        let visit = data.numeric("visit").expect("visit is a number");
        assert_eq!(visit.get(29), Some(MAY_1_2019), "{file}");
        assert_eq!(visit.get(30), Some(MAY_1_2019 + 1.0), "{file}");
    }
}

fn spec_json(data: &str, q5_exclude: bool) -> String {
    let exclude = if q5_exclude {
        r#", "exclude": [9]"#
    } else {
        ""
    };
    format!(
        r#"{{
  "data": {data:?},
  "design": {{"weights": "w", "strata": "region", "clusters": ["cluster"]}},
  "estimates": [
    {{"id": "q5", "stat": "mean", "variable": "q5"{exclude}}},
    {{"id": "q5_by", "stat": "mean", "variable": "q5", "by": ["city"]{exclude}}},
    {{"id": "q5_share", "stat": "proportion", "variable": "q5"{exclude}}},
    {{"id": "income", "stat": "mean", "variable": "income", "na_rm": true}},
    {{"id": "income_total", "stat": "total", "variable": "income", "na_rm": true, "by": ["region"]}}
  ]
}}"#
    )
}

fn run_spec(data: &str, q5_exclude: bool) -> Vec<survey_stats::estimate::Estimate> {
    let spec = AnalysisSpec::from_json(&spec_json(
        &data_path(data).display().to_string(),
        q5_exclude,
    ))
    .expect("spec");
    let out = spec::run(&spec, &data_path(""), None).unwrap_or_else(|e| panic!("{data}: {e}"));
    out.rows
        .into_iter()
        .map(|r| match r {
            ResultRow::Estimate(e) => *e,
            ResultRow::Test(_) => panic!("no tests asked for"),
        })
        .collect()
}

#[test]
fn spec_estimates_agree_across_formats_and_with_r() {
    let csv = run_spec("formats.csv", true);
    assert_close(
        csv[0].estimate.expect("q5"),
        r_value("q5_mean", "estimate"),
        1e-12,
        0.0,
        "q5 mean",
    );
    assert_close(
        csv[0].std_error.expect("se"),
        r_value("q5_mean", "se"),
        1e-12,
        0.0,
        "q5 se",
    );
    let income = csv.iter().find(|e| e.id == "income").expect("income");
    assert_close(
        income.estimate.expect("inc"),
        r_value("income_mean", "estimate"),
        1e-12,
        0.0,
        "income",
    );
    assert_close(
        income.std_error.expect("se"),
        r_value("income_mean", "se"),
        1e-12,
        0.0,
        "income se",
    );
    for file in &FILES[1..] {
        // SPSS's user-missing 9 leaves the base by itself; Stata and Parquet need the exclude.
        let user_missing = file.ends_with("sav");
        let rows = run_spec(file, !user_missing);
        assert_eq!(rows.len(), csv.len(), "{file}");
        for (a, b) in csv.iter().zip(&rows) {
            let what = format!("{file}: {} {:?} {:?}", a.id, a.domain, a.category);
            assert_eq!(
                (&a.id, &a.domain, &a.category),
                (&b.id, &b.domain, &b.category),
                "{what}"
            );
            assert_eq!((a.n, a.n_missing), (b.n, b.n_missing), "{what}");
            for (x, y) in [(a.estimate, b.estimate), (a.std_error, b.std_error)] {
                assert_close(y.expect("value"), x.expect("value"), 1e-12, 0.0, &what);
            }
        }
        // The value labels of the file label the output rows.
        let good = rows
            .iter()
            .find(|e| e.id == "q5_share" && e.category.as_deref() == Some("4"));
        let label = good.and_then(|e| e.category_label.as_deref());
        if file.ends_with(".parquet") {
            assert_eq!(label, None, "{file}: Parquet carries no labels");
        } else {
            assert_eq!(label, Some("Good"), "{file}");
        }
    }
}

#[test]
fn user_missing_leaves_the_base_as_exclude_does() {
    let with_exclude = run_spec("formats.csv", true);
    let user_missing = run_spec("formats.sav", false);
    let shares = |rows: &[survey_stats::estimate::Estimate]| -> Vec<(Option<String>, u64, f64)> {
        rows.iter()
            .filter(|e| e.id == "q5_share")
            .map(|e| (e.category.clone(), e.n, e.weighted_n))
            .collect()
    };
    let (a, b) = (shares(&with_exclude), shares(&user_missing));
    assert_eq!(a.len(), 5, "five substantive codes, 9 left out");
    assert_eq!(a, b);
}

#[test]
fn library_opens_every_format_to_the_r_figures() {
    let design = DesignOptions {
        weights: Some("w".into()),
        strata: Some("region".into()),
        clusters: vec!["cluster".into()],
        ..Default::default()
    };
    for file in FILES {
        let survey =
            Survey::open(data_path(file), &design).unwrap_or_else(|e| panic!("{file}: {e}"));
        let m = survey.exclude([9]).mean("q5").expect("q5");
        assert_close(m.value, r_value("q5_mean", "estimate"), 1e-12, 0.0, file);
        assert_close(m.std_error, r_value("q5_mean", "se"), 1e-12, 0.0, file);
    }
    let sav = Survey::open(data_path("formats.sav"), &design).expect("sav");
    assert_eq!(sav.data().label("q5", 9.0), Some("Hard to answer"));
    assert_eq!(sav.data().label("region", 2.0), Some("Centre"));
}

#[test]
fn sav_labels_become_the_questionnaire() {
    for file in ["formats.sav", "formats.zsav"] {
        let q = Dataset::open(data_path(file))
            .expect(file)
            .questionnaire
            .expect("labels");
        let q5 = q.question("q5").expect("q5");
        assert_eq!(q5.text("en"), Some("Satisfaction with the project"));
        assert!(matches!(&q5.kind, QuestionKind::SingleChoice { options } if options.len() == 6));
        assert_eq!(q5.option_label(Code::new(4), "en"), Some("Good"));
        assert_eq!(
            q5.non_substantive_kind(Code::new(9)),
            Some(NonSubstantive::DontKnow)
        );
        assert_eq!(q5.substantive_codes().len(), 5);
        let region = q.question("region").expect("region");
        assert_eq!(region.option_label(Code::new(3), "en"), Some("South"));
        let income = q.question("income").expect("income has a variable label");
        assert_eq!(income.text("en"), Some("Monthly income"));
        assert!(matches!(income.kind, QuestionKind::Numeric { .. }));
        assert!(q.question("city").is_none(), "text columns carry no codes");
        assert!(q.question("cluster").is_none(), "no label, no question");
    }
    let dta = Dataset::open(data_path("formats.dta"))
        .expect("dta")
        .questionnaire
        .expect("labels");
    let q5 = dta.question("q5").expect("q5");
    assert_eq!(q5.option_label(Code::new(9), "en"), Some("Hard to answer"));
    assert!(
        q5.is_substantive(Code::new(9)),
        "Stata has no user-missing codes"
    );
    assert!(
        Dataset::open(data_path("formats.parquet"))
            .expect("pq")
            .questionnaire
            .is_none()
    );
}

#[test]
fn explicit_format_and_projection() {
    let dir = scratch("formats", "explicit");
    let odd = dir.join("survey.bin");
    std::fs::copy(data_path("formats.parquet"), &odd).expect("copy");
    let err = Dataset::open(&odd).expect_err("no extension");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Data(DataError::UnsupportedFormat { .. })
        ),
        "{err}"
    );
    let opened = Dataset::open_as(&odd, Format::Parquet).expect("as parquet");
    assert_eq!(opened.data.n_rows(), 144);
    for file in FILES {
        let options = survey_stats::data::OpenOptions::new().columns(["q5", "w", "nope"]);
        let data = Dataset::open_with(data_path(file), &options)
            .expect(file)
            .data;
        assert_eq!(data.names(), ["w", "q5"], "{file}");
    }
}

#[test]
fn cli_prints_the_questionnaire_and_reads_it_back() {
    let sav = data_path("formats.sav").display().to_string();
    let (code, out, err) = run_cli(&["questionnaire", &sav]);
    assert_eq!(code, 0, "{err}");
    let printed = Questionnaire::from_json(&out).expect("the loader reads what is printed");
    let inferred = Dataset::open(&sav)
        .expect("sav")
        .questionnaire
        .expect("labels");
    assert_eq!(printed, inferred);
    // The printed questionnaire given explicitly gives the figures of the inferred one.
    let dir = scratch("formats", "cli");
    std::fs::write(dir.join("q.json"), &out).expect("write");
    let spec = spec_json(&sav, false).replacen('{', r#"{"questionnaire": "q.json","#, 1);
    std::fs::write(dir.join("spec.json"), spec).expect("write");
    let spec_path = dir.join("spec.json").display().to_string();
    let (code, a, err) = run_cli(&["estimate", &spec_path, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let csv = data_path("formats.csv").display().to_string();
    let (code, b, err) = run_cli(&["estimate", &spec_path, "--data", &csv, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        a, b,
        "the explicit questionnaire's 9 leaves the CSV's base too"
    );
    let pq = data_path("formats.parquet").display().to_string();
    let (code, c, err) = run_cli(&["estimate", &spec_path, "--data", &pq, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(a, c);
}

/// The bytes of a fixture with `edit` applied, written to a scratch file named `name`.
fn broken(name: &str, from: &str, edit: impl FnOnce(&mut Vec<u8>)) -> std::path::PathBuf {
    let mut bytes = std::fs::read(data_path(from)).expect("fixture");
    edit(&mut bytes);
    let path = scratch("formats", name).join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn bad_file_error(path: &std::path::Path) -> String {
    let Err(err) = Dataset::open(path) else {
        panic!("{}: a broken file read without error", path.display());
    };
    assert!(
        matches!(err.kind(), ErrorKind::Data(DataError::BadFile { .. })),
        "{}: {err:?}",
        path.display()
    );
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    message
}

#[test]
fn broken_files_are_errors() {
    for from in [
        "formats.sav",
        "formats.zsav",
        "formats.dta",
        "formats.parquet",
    ] {
        let ext = from.rsplit('.').next().expect("ext");
        let cut = broken(&format!("cut.{ext}"), from, |b| b.truncate(b.len() / 2));
        bad_file_error(&cut);
        // Parquet's reader looks at the magic that ends the file.
        let magic = broken(&format!("magic.{ext}"), from, |b| {
            let at = if ext == "parquet" { b.len() - 4 } else { 0 };
            b[at..at + 4].copy_from_slice(b"XXXX");
        });
        bad_file_error(&magic);
        let empty = broken(&format!("empty.{ext}"), from, Vec::clear);
        bad_file_error(&empty);
    }
    // A zsav block that does not inflate: the compressed bytes just before the trailer
    // overwritten.
    let zsav = broken("block.zsav", "formats.zsav", |b| {
        let n = b.len();
        for x in &mut b[n - 400..n - 200] {
            *x = 0x55;
        }
    });
    let message = bad_file_error(&zsav);
    assert!(message.contains("SPSS"), "{message}");
}

/// `tests/data/sav_by_hand.py` writes these files byte by byte (R's haven reads the
/// Windows-1251 one to the same labels).
#[test]
fn windows_1251_sav_with_multiple_response_sets() {
    let opened = Dataset::open(data_path("sav_1251.sav")).expect("cp1251 sav");
    let data = &opened.data;
    assert_eq!(data.n_rows(), 6);
    let Column::Categorical(city) = data.column("city").expect("city") else {
        panic!("city is text");
    };
    assert_eq!(city.levels(), ["Алматы", "Астана", "Шымкент"]);
    assert_eq!(city.get(3), Some("Шымкент"));
    let q1 = data.numeric("q1").expect("q1");
    assert_eq!(
        (q1.get(2), q1.get(4)),
        (Some(9.0), None),
        "user-missing stays, sysmis is missing"
    );
    let q = opened.questionnaire.expect("labels");
    assert_eq!(q.title().get("en"), Some("Тест"));
    let q1 = q.question("q1").expect("q1");
    assert_eq!(q1.text("en"), Some("Довольны ли вы?"));
    assert_eq!(
        q1.option_label(Code::new(9), "en"),
        Some("Затрудняюсь ответить")
    );
    assert!(!q1.is_substantive(Code::new(9)));
    let opts = q.question("opts").expect("the dichotomy set");
    assert_eq!(opts.text("en"), Some("Источники информации"));
    assert_eq!(opts.columns(), ["o1", "o2", "o3"]);
    assert_eq!(opts.option_label(Code::new(2), "en"), Some("Телевидение"));
    assert!(matches!(opts.kind, QuestionKind::MultipleResponse { .. }));
    let choices = q.question("choices").expect("the category set");
    assert_eq!(choices.columns(), ["c1", "c2"]);
    assert_eq!(choices.option_label(Code::new(3), "en"), Some("Интернет"));
    assert!(
        q.question("o1").is_none() && q.question("c1").is_none(),
        "members are the set's"
    );
    // The set's name stands for its variables when columns are chosen.
    let options = survey_stats::data::OpenOptions::new().columns(["opts"]);
    let only = Dataset::open_with(data_path("sav_1251.sav"), &options).expect("projected");
    assert_eq!(only.data.names(), ["o1", "o2", "o3"]);
    assert!(
        only.questionnaire
            .expect("labels")
            .question("opts")
            .is_some()
    );
}

#[test]
fn inconsistent_sav_dictionaries_are_errors() {
    let message = bad_file_error(&data_path("sav_bad_label_index.sav"));
    assert!(message.contains("SPSS"), "{message}");
    let message = bad_file_error(&data_path("sav_bad_mr_set.sav"));
    assert!(message.to_lowercase().contains("o9"), "{message}");
}

/// KZ-1048 is no encoding `ambers` knows (it would read Windows-1252): the reader decodes
/// it; an encoding nobody knows is refused rather than guessed.
#[test]
fn kz1048_sav_decodes_and_an_unknown_encoding_is_an_error() {
    let opened = Dataset::open(data_path("sav_kz1048.sav")).expect("KZ-1048 sav");
    let Column::Categorical(city) = opened.data.column("city").expect("city") else {
        panic!("city is text");
    };
    assert_eq!(city.levels(), ["Астана", "Шымкент", "Өскемен"]);
    let q = opened.questionnaire.expect("labels");
    let region = q.question("region").expect("region");
    assert_eq!(region.text("en"), Some("Өңір"));
    assert_eq!(region.option_label(Code::new(1), "en"), Some("Солтүстік"));
    assert_eq!(region.option_label(Code::new(2), "en"), Some("Оңтүстік"));
    let message = bad_file_error(&data_path("sav_bad_encoding.sav"));
    assert!(message.contains("x-no-such-encoding"), "{message}");
}

/// A questionnaire given explicitly checks a binary file's values as it checks a CSV's,
/// naming the row as the CSV of the same data would (case 3 holds q5 = 9: row 4).
#[test]
fn an_explicit_questionnaire_checks_every_format() {
    let q = Questionnaire::from_json(
        r#"{"questions": [{"id": "q5", "kind": "single_choice",
            "options": [{"code": 1}, {"code": 2}, {"code": 3}, {"code": 4}, {"code": 5}]}]}"#,
    )
    .expect("questionnaire");
    let options = survey_stats::data::OpenOptions::new().questionnaire(&q);
    for file in FILES {
        let err = Dataset::open_with(data_path(file), &options).expect_err(file);
        let ErrorKind::Data(DataError::UnknownCode { row, value, .. }) = err.kind() else {
            panic!("{file}: {err}");
        };
        assert_eq!((*row, *value), (4, 9.0), "{file}");
    }
}
