//! The mistakes the old flat API let through are now errors that name the culprit, or
//! cannot be written at all.
//!
//! Impossible by construction (no test can be written, so none is):
//! - Pairing a `Survey`'s design with other rows: a `Survey` owns its data and design and
//!   gives out neither mutably, so its estimators always see the rows the design was built
//!   on. The checks below are for the flat API (`survey_stats::estimate`,
//!   `survey_stats::design::Design`), which still takes the two separately.
//! - Replacing a column of a `Survey`'s data (`Survey::data` returns `&Dataset`, and
//!   `Dataset::set_column` needs `&mut`).
//! - Giving `Dataset::builder().column` a type it cannot hold (a `Vec<bool>`, a
//!   `Vec<char>`, nested vectors): `IntoColumn` is implemented only for numbers, text and
//!   their `Option`s, so that does not compile.

use serde::Serialize;
use survey_stats::data::{Column, DataError, NumericColumn};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{self, Domains, EstimateOptions};
use survey_stats::{Dataset, ErrorKind, ReplicateOptions, ReplicateType, Survey};

/// Row `i` (0-based) of a small stratified cluster sample: 4 strata, 2 PSUs each, the rows
/// of a PSU interleaved with the others' (so grouping by PSU reorders them).
struct Sample {
    region: Vec<u8>,
    psu: Vec<u8>,
    w: Vec<f64>,
    q1: Vec<u8>,
    y: Vec<f64>,
}

fn sample(n: usize) -> Sample {
    let mut s = Sample {
        region: vec![],
        psu: vec![],
        w: vec![],
        q1: vec![],
        y: vec![],
    };
    for i in 0..n {
        let psu = (i % 8) as u8 + 1;
        s.psu.push(psu);
        s.region.push((psu - 1) / 2 + 1);
        s.w.push(10.0 + (i % 5) as f64);
        s.q1.push(if i % 11 == 3 {
            9
        } else {
            (i * 7 % 5) as u8 + 1
        });
        s.y.push(((i * 37) % 23) as f64 + 0.5 * psu as f64);
    }
    s
}

fn build(s: Sample) -> Dataset {
    Dataset::builder()
        .column("region", s.region)
        .column("psu", s.psu)
        .column("w", s.w)
        .column("q1", s.q1)
        .column("y", s.y)
        .build()
        .expect("the sample builds")
}

fn data(n: usize) -> Dataset {
    build(sample(n))
}

/// The same rows as `data(n)`, rotated by `k`: row `i` is row `(i + k) % n`.
fn rotated(n: usize, k: usize) -> Dataset {
    fn rot<T: Clone>(v: Vec<T>, k: usize) -> Vec<T> {
        let mut v = v;
        v.rotate_left(k);
        v
    }
    let s = sample(n);
    build(Sample {
        region: rot(s.region, k),
        psu: rot(s.psu, k),
        w: rot(s.w, k),
        q1: rot(s.q1, k),
        y: rot(s.y, k),
    })
}

fn options() -> DesignOptions {
    DesignOptions {
        weights: Some("w".into()),
        strata: Some("region".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    }
}

fn flat_mean(data: &Dataset, design: &Design, variable: &str) -> estimate::Result<f64> {
    let rows = estimate::mean(
        data,
        design,
        variable,
        &Domains::whole(),
        &EstimateOptions::default(),
    )?;
    Ok(rows[0].estimate.expect("a value"))
}

fn survey(n: usize) -> Survey {
    Survey::builder(data(n))
        .weights("w")
        .strata("region")
        .clusters(["psu"])
        .build()
        .expect("the survey builds")
}

/// 1. A design used with rows it was not built on: the same rows rotated, 15 fewer, 15
///    more. Each is an error (never a panic, never a silent wrong number).
#[test]
fn design_with_other_rows_is_an_error() {
    let n = 40;
    let ds = data(n);
    let design = Design::new(&ds, &options()).expect("design");
    assert!(flat_mean(&ds, &design, "y").is_ok());
    // A clone holds the same rows: still fine.
    assert!(flat_mean(&ds.clone(), &design, "y").is_ok());

    let err = flat_mean(&rotated(n, 7), &design, "y").unwrap_err();
    assert!(err.to_string().contains("other rows"), "{err}");

    for (other, rows) in [(data(n - 15), n - 15), (data(n + 15), n + 15)] {
        let err = flat_mean(&other, &design, "y").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("other rows"), "{msg}");
        assert!(
            msg.contains(&format!("{n} rows in the design, {rows} in the data")),
            "{msg}"
        );
    }
}

/// 2. `Design::new_grouped` reorders the rows of the dataset it is given: a clone made
///    before is the old order, and using it is an error.
#[test]
fn clone_from_before_grouping_is_an_error() {
    let mut grouped = data(40);
    let before = grouped.clone();
    let design = Design::new_grouped(&mut grouped, &options()).expect("design");
    assert_ne!(
        grouped.numeric("y").unwrap().values(),
        before.numeric("y").unwrap().values(),
        "the sample's PSUs are interleaved, so grouping must reorder the rows"
    );
    let m = flat_mean(&grouped, &design, "y").expect("the grouped rows");
    let plain = Design::new(&before, &options()).expect("design");
    let m0 = flat_mean(&before, &plain, "y").expect("the rows as built");
    assert!((m - m0).abs() <= 1e-12 * m0.abs());
    let err = flat_mean(&before, &design, "y").unwrap_err();
    assert!(err.to_string().contains("other rows"), "{err}");
}

/// 3. Excluding a code the variable does not have (a typo: 99 for 9) is an error naming
///    the code and the codes that occur.
#[test]
fn excluding_a_code_that_does_not_occur_is_an_error() {
    let s = survey(40);
    assert!(s.exclude([9]).mean("q1").is_ok());
    let err = s.exclude([99]).mean("q1").unwrap_err();
    let msg = err.to_string();
    match err.kind() {
        ErrorKind::UnknownCode {
            variable,
            code,
            known,
        } => {
            assert_eq!(variable, "q1");
            assert_eq!(code, "99");
            assert_eq!(known, "1, 2, 3, 4, 5, 9");
        }
        other => panic!("expected UnknownCode, got {other:?}"),
    }
    assert!(
        msg.contains("99") && msg.contains("1, 2, 3, 4, 5, 9"),
        "{msg}"
    );
    // The same in domains and in the net of a share.
    let err = s.by(["region"]).exclude([99]).mean("q1").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnknownCode { .. }), "{err}");
    let err = s.estimates().share("q1", [4, 99]);
    assert!(
        matches!(
            err.as_ref().map_err(|e| e.kind()),
            Err(ErrorKind::UnknownCode { .. })
        ),
        "{err:?}"
    );
}

/// 4. `Domains::by` takes the column names as `&str` (it used to need `String`s).
#[test]
fn domains_by_str_names() {
    let ds = data(40);
    let d = Domains::by(&ds, &["region"]).expect("domains");
    assert_eq!(d.len(), 4);
    let d = Domains::by(&ds, &["region", "psu"]).expect("domains");
    assert_eq!(d.len(), 8);
}

/// 5. Replacing a column the design may have used gives the dataset a new identity: the
///    design no longer applies. Adding a column keeps it.
#[test]
fn replacing_a_column_after_the_design_is_an_error() {
    let mut ds = data(40);
    let design = Design::new(&ds, &options()).expect("design");
    let z: Vec<f64> = (0..40).map(|i| f64::from(i) * 0.5).collect();
    ds.set_column("z", Column::Numeric(NumericColumn::from_values(z)))
        .expect("a new column");
    assert!(
        flat_mean(&ds, &design, "z").is_ok(),
        "adding a column keeps the design usable"
    );
    assert!(flat_mean(&ds, &design, "y").is_ok());

    let doubled: Vec<f64> = ds
        .numeric("w")
        .unwrap()
        .values()
        .iter()
        .map(|w| 2.0 * w)
        .collect();
    ds.set_column("w", Column::Numeric(NumericColumn::from_values(doubled)))
        .expect("a replaced column");
    let err = flat_mean(&ds, &design, "y").unwrap_err();
    assert!(err.to_string().contains("other rows"), "{err}");
    // A design built anew on the changed data is fine.
    let again = Design::new(&ds, &options()).expect("design");
    assert!(flat_mean(&ds, &again, "y").is_ok());
}

/// 6. Values a column cannot hold exactly are errors naming the column and element.
#[test]
fn values_a_column_cannot_hold_are_errors() {
    let err = Dataset::builder()
        .column("q1", vec![1u8, 2, 3])
        .column("income", vec![1.0, 2.0, f64::NAN])
        .build()
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, DataError::InvalidInput { column, index: 2, .. } if column == "income"),
        "{err:?}"
    );
    assert!(
        msg.contains("\"income\"") && msg.contains("element 2"),
        "{msg}"
    );

    let err = Dataset::builder()
        .column("w", vec![1.0, f64::INFINITY])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("\"w\", element 1"), "{err}");

    // Integers up to 2^53 are exact; beyond, two ids could merge.
    let exact = Dataset::builder().column("id", vec![1u64, 1 << 53]).build();
    assert!(exact.is_ok());
    let beyond = (1u64 << 53) + 1;
    let err = Dataset::builder()
        .column("id", vec![1u64, 2, beyond])
        .build()
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\"id\"") && msg.contains("element 2") && msg.contains(&beyond.to_string()),
        "{msg}"
    );
    let err = Dataset::builder()
        .column("id", vec![u64::MAX])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("2^53"), "{err}");
    let err = Dataset::builder()
        .column("id", vec![-(1i64 << 60)])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("element 0"), "{err}");

    // A multiple-response code not among the options.
    let err = Dataset::builder()
        .multiple_response("q5", [1u8, 2, 3], vec![vec![1u8], vec![], vec![2, 7]])
        .build()
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, DataError::InvalidInput { column, index: 2, value, .. } if column == "q5" && value == "7"),
        "{err:?}"
    );
    assert!(msg.contains("7") && msg.contains("[1, 2, 3]"), "{msg}");
}

/// 7. Rows as serde structs: numbers, `Option`s, text and multiple-response lists become
///    the expected columns; a field holding a number in one row and text in another is an
///    error naming the field and the row.
#[test]
fn rows_from_serde_structs() {
    #[derive(Serialize)]
    struct Answer {
        region: &'static str,
        psu: u16,
        w: f64,
        q1: Option<u8>,
        q5: Vec<u8>,
    }
    let rows = vec![
        Answer {
            region: "north",
            psu: 1,
            w: 10.0,
            q1: Some(4),
            q5: vec![1, 3],
        },
        Answer {
            region: "north",
            psu: 2,
            w: 12.0,
            q1: None,
            q5: vec![],
        },
        Answer {
            region: "south",
            psu: 3,
            w: 8.0,
            q1: Some(9),
            q5: vec![3],
        },
        Answer {
            region: "south",
            psu: 4,
            w: 9.5,
            q1: Some(2),
            q5: vec![4, 1],
        },
    ];
    let data = Dataset::from_rows(&rows).expect("rows");
    assert_eq!(data.n_rows(), 4);
    // The columns (their order is `from_rows_keeps_field_order`'s concern).
    let mut names: Vec<&str> = data.names().iter().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["psu", "q1", "q5_1", "q5_3", "q5_4", "region", "w"]);
    match data.column("region").unwrap() {
        Column::Categorical(c) => {
            let levels: Vec<&str> = c.levels().iter().map(String::as_str).collect();
            assert_eq!(levels, ["north", "south"]);
        }
        other => panic!("region should be text, got {other:?}"),
    }
    assert_eq!(data.numeric("psu").unwrap().values(), &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(data.numeric("w").unwrap().values(), &[10.0, 12.0, 8.0, 9.5]);
    let q1 = data.numeric("q1").unwrap();
    assert_eq!(
        (0..4).map(|i| q1.get(i)).collect::<Vec<_>>(),
        [Some(4.0), None, Some(9.0), Some(2.0)]
    );
    assert_eq!(
        data.numeric("q5_1").unwrap().values(),
        &[1.0, 0.0, 0.0, 1.0]
    );
    assert_eq!(
        data.numeric("q5_3").unwrap().values(),
        &[1.0, 0.0, 1.0, 0.0]
    );
    assert_eq!(
        data.numeric("q5_4").unwrap().values(),
        &[0.0, 0.0, 0.0, 1.0]
    );
    let set: Vec<(f64, &str)> = data
        .multiple_response_columns("q5")
        .expect("q5 is a multiple-response question")
        .iter()
        .map(|(c, n)| (*c, n.as_str()))
        .collect();
    assert_eq!(set, [(1.0, "q5_1"), (3.0, "q5_3"), (4.0, "q5_4")]);
    // And it is a survey's data like any other: % of cases among the 3 who chose.
    let s = Survey::builder(data).weights("w").build().expect("survey");
    let mr = s.estimates().multiple_response("q5").expect("shares");
    let share1 = mr.get(1.0).expect("option 1").share.value;
    assert!(
        (share1 - (10.0 + 9.5) / (10.0 + 8.0 + 9.5)).abs() < 1e-12,
        "{share1}"
    );

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Cell {
        Number(f64),
        Text(&'static str),
    }
    #[derive(Serialize)]
    struct Mixed {
        q1: u8,
        age: Cell,
    }
    let rows = vec![
        Mixed {
            q1: 1,
            age: Cell::Number(30.0),
        },
        Mixed {
            q1: 2,
            age: Cell::Number(41.0),
        },
        Mixed {
            q1: 3,
            age: Cell::Text("forty"),
        },
    ];
    let err = Dataset::from_rows(&rows).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, DataError::InvalidInput { column, index: 2, .. } if column == "age"),
        "{err:?}"
    );
    assert!(
        msg.contains("\"age\"") && msg.contains("element 2") && msg.contains("forty"),
        "{msg}"
    );
}

/// 8. A replicate design carries its design in the replicate weights: strata (or
///    clusters, fpc) beside them are an error, not silently ignored.
#[test]
fn replicate_design_with_strata_is_an_error() {
    let s = sample(40);
    let reps: Vec<Vec<f64>> = (0..3)
        .map(|r| {
            s.w.iter()
                .zip(&s.psu)
                .map(|(w, &p)| {
                    if usize::from(p) % 3 == r {
                        0.0
                    } else {
                        1.5 * w
                    }
                })
                .collect()
        })
        .collect();
    let mut b = Dataset::builder()
        .column("region", s.region)
        .column("psu", s.psu)
        .column("w", s.w)
        .column("y", s.y);
    for (r, col) in reps.into_iter().enumerate() {
        b = b.column(format!("repw{}", r + 1), col);
    }
    let data = b.build().expect("data");
    let replicates = ReplicateOptions {
        columns: vec![],
        prefix: Some("repw".into()),
        combined_weights: true,
        kind: ReplicateType::JK1,
        rho: None,
        scale: None,
        rscales: None,
        mse: false,
    };
    // Without strata the same options build.
    let ok = Survey::builder(data.clone())
        .weights("w")
        .replicates(replicates.clone())
        .build()
        .expect("replicate design");
    assert!(ok.mean("y").is_ok());

    for builder in [
        Survey::builder(data.clone()).weights("w").strata("region"),
        Survey::builder(data.clone()).weights("w").clusters(["psu"]),
    ] {
        let err = builder.replicates(replicates.clone()).build().unwrap_err();
        match err.kind() {
            ErrorKind::InvalidSetting { setting, .. } => assert_eq!(setting, "replicates"),
            other => panic!("expected InvalidSetting, got {other:?}"),
        }
        assert!(err.to_string().contains("strata"), "{err}");
    }
}

/// 9. A confidence level outside (0, 1) is an error, by domain as on the whole.
#[test]
fn confidence_level_out_of_range_is_an_error() {
    let s = survey(40);
    assert!(s.by(["region"]).level(0.9).mean("q1").is_ok());
    let err = s.by(["region"]).level(1.5).mean("q1").unwrap_err();
    match err.kind() {
        ErrorKind::InvalidSetting { setting, value, .. } => {
            assert_eq!(setting, "level");
            assert_eq!(value, "1.5");
        }
        other => panic!("expected InvalidSetting, got {other:?}"),
    }
    let err = s.estimates().level(0.0).mean("q1").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidSetting { .. }),
        "{err}"
    );
}

/// `Dataset::from_rows` should keep the struct's field order, as a CSV keeps the file's
/// column order (`Dataset::names` is documented as "in file order", and
/// `src/data/build.rs::from_rows` says "Field names in first-seen order"). It sorts them
/// alphabetically instead: each row goes through `serde_json::to_value`, whose `Map` is a
/// `BTreeMap` (serde_json is built without its `preserve_order` feature). Besides the
/// surprise, it matters where order is meaning: `ReplicateOptions::prefix` takes the
/// replicate columns "in file order", so rows with fields `repw1 … repw10` give the
/// replicates as repw1, repw10, repw2, …, paired with the wrong `rscales`.
#[test]
fn from_rows_keeps_field_order() {
    #[derive(Serialize)]
    struct Row {
        region: u8,
        psu: u8,
        w: f64,
        repw1: f64,
        repw2: f64,
        repw10: f64,
    }
    let rows = vec![
        Row {
            region: 1,
            psu: 1,
            w: 2.0,
            repw1: 0.0,
            repw2: 4.0,
            repw10: 2.0,
        },
        Row {
            region: 1,
            psu: 2,
            w: 2.0,
            repw1: 4.0,
            repw2: 0.0,
            repw10: 2.0,
        },
    ];
    let data = Dataset::from_rows(&rows).expect("rows");
    assert_eq!(
        data.names(),
        &["region", "psu", "w", "repw1", "repw2", "repw10"]
    );
}

/// Replicate options a library caller gives are checked as the spec's are: a scale that
/// is not positive, a negative rscale, Fay's rho outside (0, 1).
#[test]
fn replicate_options_out_of_range_are_errors() {
    use survey_stats::design::{Design, ReplicateOptions, ReplicateType};
    let data = Dataset::builder()
        .column("w", vec![1.0, 1.0, 1.0])
        .column("r1", vec![0.0, 1.5, 1.5])
        .column("r2", vec![1.5, 0.0, 1.5])
        .column("r3", vec![1.5, 1.5, 0.0])
        .build()
        .unwrap();
    let base = ReplicateOptions {
        columns: vec![],
        prefix: Some("r".into()),
        combined_weights: true,
        kind: ReplicateType::JK1,
        rho: None,
        scale: None,
        rscales: None,
        mse: false,
    };
    assert!(Design::with_replicate_columns(&data, "w", &base).is_ok());
    for (opts, needle) in [
        (
            ReplicateOptions {
                scale: Some(0.0),
                ..base.clone()
            },
            "scale",
        ),
        (
            ReplicateOptions {
                scale: Some(-1.0),
                ..base.clone()
            },
            "scale",
        ),
        (
            ReplicateOptions {
                rscales: Some(vec![1.0, -1.0, 1.0]),
                ..base.clone()
            },
            "rscales",
        ),
        (
            ReplicateOptions {
                kind: ReplicateType::Fay,
                rho: Some(1.5),
                ..base.clone()
            },
            "rho",
        ),
    ] {
        let err = Design::with_replicate_columns(&data, "w", &opts).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
}
