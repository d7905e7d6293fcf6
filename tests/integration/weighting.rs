//! Weighting adjustments against R survey 4.1.1, row by row, plus invariants and errors.
//!
//! Sources (see `tests/data/SOURCES.md`): `adjusted_weights_apisrs.csv` and
//! `adjusted_weights_apiclus1.csv` (shared oracle: `postStratify`, `rake` default and tight,
//! linear `calibrate`), `reference.json` (`designs.*.achieved_margins`), and
//! `weighting_R.json` (written here by `weighting_R.R`: postStratify, rake, calibrate with
//! calfun linear/raking/logit with and without bounds, trimWeights on apiclus1/apistrat).

use std::collections::HashSet;

use proptest::prelude::*;
use serde_json::Value;
use survey_stats::data::{Column, CsvOptions, Dataset, read_csv};
use survey_stats::weighting::{
    CalibrateOptions, Distance, Margin, RakeControl, WeightSummary, WeightingError, calibrate,
    dummies, poststratify, poststratify_partial, rake, row_major, trim,
};

use crate::common::{assert_close, data_path, read_json};

/// Row-by-row tolerance for adjusted weights (relative).
const REL: f64 = 1e-9;

fn load(file: &str) -> Dataset {
    let options = CsvOptions {
        text_columns: HashSet::from(["cds".to_string()]),
        ..CsvOptions::default()
    };
    read_csv(data_path(file), &options).expect("test data file")
}

fn numeric(ds: &Dataset, name: &str) -> Vec<f64> {
    let col = ds.numeric(name).expect("numeric column");
    (0..col.len())
        .map(|i| col.get(i).expect("no missing value"))
        .collect()
}

/// Codes of a categorical column in the order of `levels` (R's factor levels).
fn codes(ds: &Dataset, name: &str, levels: &[&str]) -> Vec<u32> {
    let f = ds.factor(name).expect("column");
    let labels = f.labels();
    let map: Vec<u32> = labels
        .iter()
        .map(|l| levels.iter().position(|x| x == l).expect("known level") as u32)
        .collect();
    f.codes().iter().map(|&c| map[c as usize]).collect()
}

/// A number of `weighting_R.json`: written as a string holding R's exact shortest decimal,
/// parsed here with Rust's correctly rounding parser (serde_json's default float parsing can
/// be one unit in the last place off).
fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().expect("number string"),
        other => other.as_f64().expect("number"),
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

fn assert_rows(got: &[f64], want: &[f64], rel: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: number of rows");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_close(*g, *w, rel, 0.0, &format!("{what}, row {}", i + 1));
    }
}

const STYPE: [&str; 3] = ["E", "H", "M"];
const STYPE_POP: [f64; 3] = [4421.0, 755.0, 1018.0];
const SCHWIDE: [&str; 2] = ["No", "Yes"];
const SCHWIDE_POP: [f64; 2] = [1072.0, 5122.0];

struct Srs {
    base: Vec<f64>,
    stype: Vec<u32>,
    sch_wide: Vec<u32>,
    adjusted: Dataset,
}

fn srs() -> Srs {
    let ds = load("apisrs.csv");
    let adjusted = load("adjusted_weights_apisrs.csv");
    Srs {
        base: numeric(&adjusted, "base_weight"),
        stype: codes(&ds, "stype", &STYPE),
        sch_wide: codes(&ds, "sch.wide", &SCHWIDE),
        adjusted,
    }
}

#[test]
fn poststratify_matches_r_apisrs() {
    let s = srs();
    let w = poststratify(&s.base, &s.stype, &STYPE_POP).unwrap();
    assert_rows(
        &w,
        &numeric(&s.adjusted, "srs_poststrat"),
        REL,
        "srs_poststrat",
    );
}

/// `reference.json`'s `designs.<id>.achieved_margins`, in margin order stype, sch.wide.
fn achieved_margins(id: &str) -> Option<Vec<Vec<f64>>> {
    let reference = read_json("reference.json");
    let m = reference["designs"][id].get("achieved_margins")?;
    Some(vec![
        STYPE
            .iter()
            .map(|l| m["stype"][l].as_f64().unwrap())
            .collect(),
        SCHWIDE
            .iter()
            .map(|l| m["sch.wide"][l].as_f64().unwrap())
            .collect(),
    ])
}

#[test]
fn rake_matches_r_apisrs_default_and_tight() {
    let s = srs();
    let margins = [
        Margin {
            cell: &s.stype,
            population: &STYPE_POP,
        },
        Margin {
            cell: &s.sch_wide,
            population: &SCHWIDE_POP,
        },
    ];
    for (id, control) in [
        ("srs_rake", RakeControl::default()),
        (
            "srs_rake_tight",
            RakeControl {
                max_iter: 1000,
                epsilon: 1e-12,
            },
        ),
    ] {
        let out = rake(&s.base, &margins, control).unwrap();
        assert!(out.converged, "{id}: R reports no warning");
        assert_rows(&out.weights, &numeric(&s.adjusted, id), REL, id);
        if let Some(want) = achieved_margins(id) {
            for (m, (got, want)) in out.achieved.iter().zip(&want).enumerate() {
                assert_rows(got, want, REL, &format!("{id} achieved margin {m}"));
            }
        }
        assert_eq!(out.sweep_factors.len(), 2);
        assert_eq!(out.sweep_weights(1, &s.base), out.weights);
    }
    // The default stops with the stype margin off by about 0.05 (R's epsilon = 1 is absolute).
    let out = rake(&s.base, &margins, RakeControl::default()).unwrap();
    assert!((out.achieved[0][0] - 4421.0).abs() > 0.01);
}

#[test]
fn calibrate_linear_matches_r_apiclus1() {
    let ds = load("apiclus1.csv");
    let adjusted = load("adjusted_weights_apiclus1.csv");
    let base = numeric(&adjusted, "base_weight");
    let x = model_matrix(&ds, &["stype", "api99"]);
    let totals = [6194.0, 755.0, 1018.0, 3914069.0];
    let out = calibrate(&base, &x, 4, &totals, CalibrateOptions::default()).unwrap();
    assert_rows(
        &out.weights,
        &numeric(&adjusted, "clus1_calib_linear"),
        REL,
        "clus1_calib_linear",
    );
    assert_eq!(out.iterations, 1);
}

/// R's `model.matrix(~t1 + t2 + …)`: intercept, treatment dummies of text columns (levels
/// sorted, first dropped), numeric columns as they are.
fn model_matrix(ds: &Dataset, terms: &[&str]) -> Vec<f64> {
    let n = ds.n_rows();
    let mut cols: Vec<Vec<f64>> = vec![vec![1.0; n]];
    for t in terms {
        match ds.column(t).expect("column") {
            Column::Categorical(c) => {
                cols.extend(dummies(c.codes(), c.levels().len(), true).unwrap());
            }
            Column::Numeric(_) => cols.push(numeric(ds, t)),
        }
    }
    let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    row_major(&refs).unwrap()
}

fn r_cases() -> Vec<Value> {
    read_json("weighting_R.json")["cases"]
        .as_array()
        .expect("cases")
        .clone()
}

fn margin_codes(ds: &Dataset, m: &Value) -> (Vec<u32>, Vec<f64>) {
    let levels: Vec<&str> = m["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    (
        codes(ds, m["variable"].as_str().unwrap(), &levels),
        floats(&m["population"]),
    )
}

#[test]
fn r_generated_cases_match_row_by_row() {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for case in r_cases() {
        let id = case["id"].as_str().unwrap();
        let dataset = case["dataset"].as_str().unwrap();
        let ds = load(&format!("{dataset}.csv"));
        let input = floats(&case["input_weights"]);
        if case["kind"] != "trim" {
            // R's design weights are 1/(1/pw): equal to pw up to one unit in the last place.
            assert_rows(
                &input,
                &numeric(&ds, "pw"),
                4.0 * f64::EPSILON,
                &format!("{id}: input = pw"),
            );
        }
        let kind = case["kind"].as_str().unwrap();
        match kind {
            "poststratify" => {
                let (cell, pop) = margin_codes(&ds, &case["margins"][0]);
                let w = poststratify(&input, &cell, &pop).unwrap();
                assert_rows(&w, &floats(&case["weights"]), REL, id);
            }
            "rake" => {
                let parts: Vec<(Vec<u32>, Vec<f64>)> = case["margins"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| margin_codes(&ds, m))
                    .collect();
                let margins: Vec<Margin<'_>> = parts
                    .iter()
                    .map(|(c, p)| Margin {
                        cell: c,
                        population: p,
                    })
                    .collect();
                let control = RakeControl {
                    max_iter: case["max_iter"].as_u64().unwrap() as usize,
                    epsilon: num(&case["epsilon"]),
                };
                let out = rake(&input, &margins, control).unwrap();
                assert_rows(&out.weights, &floats(&case["weights"]), REL, id);
                assert_eq!(out.converged, case["converged"].as_bool().unwrap(), "{id}");
                assert_eq!(
                    out.iterations as u64,
                    case["iterations"].as_u64().unwrap(),
                    "{id}"
                );
                for (m, got) in out.achieved.iter().enumerate() {
                    assert_rows(
                        got,
                        &floats(&case["achieved"][m]),
                        REL,
                        &format!("{id} margin {m}"),
                    );
                }
            }
            "calibrate" => {
                let terms: Vec<&str> = case["terms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                let x = model_matrix(&ds, &terms);
                let totals = floats(&case["totals"]);
                let method = match case["method"].as_str().unwrap() {
                    "linear" => Distance::Linear,
                    "raking" => Distance::Raking,
                    "logit" => Distance::Logit,
                    other => panic!("unknown calfun {other}"),
                };
                let bounds = case["bounds"].as_array().map(|b| (num(&b[0]), num(&b[1])));
                let options = CalibrateOptions {
                    method,
                    bounds,
                    max_iter: case["max_iter"].as_u64().unwrap() as usize,
                    epsilon: num(&case["epsilon"]),
                };
                let result = calibrate(&input, &x, totals.len(), &totals, options);
                if case["converged"].as_bool().unwrap() {
                    let out = result.unwrap_or_else(|e| panic!("{id}: {e}"));
                    assert_rows(&out.weights, &floats(&case["weights"]), REL, id);
                    assert_rows(&out.g, &floats(&case["g"]), REL, &format!("{id} g"));
                    assert_eq!(
                        out.iterations as u64,
                        case["iterations"].as_u64().unwrap(),
                        "{id}"
                    );
                } else if id.ends_with("linear/0.7-1.4") {
                    // R iterates 50 times and fails; g ≤ 1.4 cannot lift the high schools'
                    // weight 473.9 to 755, which the bounds check reports up front.
                    match result {
                        Err(WeightingError::InfeasibleBounds {
                            column: 1, total, ..
                        }) => assert_eq!(total, 755.0),
                        other => panic!("{id}: expected InfeasibleBounds, got {other:?}"),
                    }
                } else {
                    match result {
                        Err(WeightingError::NotConverged {
                            iterations,
                            achieved,
                        }) => {
                            assert_eq!(iterations, options.max_iter, "{id}");
                            assert_close(achieved, num(&case["achieved"]), 1e-6, 0.0, id);
                        }
                        other => panic!("{id}: expected NotConverged, got {other:?}"),
                    }
                }
            }
            "trim" => {
                let w = trim(
                    &input,
                    num(&case["lower"]),
                    num(&case["upper"]),
                    case["strict"].as_bool().unwrap(),
                )
                .unwrap();
                assert_rows(&w, &floats(&case["weights"]), REL, id);
            }
            other => panic!("unknown kind {other}"),
        }
        *counts.entry(kind.to_string()).or_default() += 1;
    }
    let expected = [
        ("calibrate", 13),
        ("poststratify", 2),
        ("rake", 4),
        ("trim", 6),
    ];
    for (kind, n) in expected {
        assert_eq!(counts.get(kind).copied(), Some(n), "cases of kind {kind}");
    }
}

#[test]
fn trim_input_of_r_cases_is_the_linear_calibration() {
    // The apiclus1 trimming cases start from the linear calibration: chain the two.
    let ds = load("apiclus1.csv");
    let x = model_matrix(&ds, &["stype", "api99"]);
    let cal = calibrate(
        &numeric(&ds, "pw"),
        &x,
        4,
        &[6194.0, 755.0, 1018.0, 3914069.0],
        CalibrateOptions::default(),
    )
    .unwrap();
    for case in r_cases()
        .iter()
        .filter(|c| c["kind"] == "trim" && c["dataset"] == "apiclus1")
    {
        assert_rows(
            &cal.weights,
            &floats(&case["input_weights"]),
            REL,
            "trim input",
        );
    }
}

#[test]
fn weight_summary_of_apistrat() {
    // pw: 100 × 44.21, 50 × 15.1, 50 × 20.36 (float32 values).
    let ds = load("apistrat.csv");
    let w = numeric(&ds, "pw");
    let s = WeightSummary::of(&w).unwrap();
    let sum: f64 = w.iter().sum();
    let sum_sq: f64 = w.iter().map(|x| x * x).sum();
    assert_eq!(s.n, 200);
    assert_close(s.sum, sum, 1e-15, 0.0, "sum");
    assert_close(s.mean, sum / 200.0, 1e-15, 0.0, "mean");
    assert_close(s.min, 15.100000381469727, 0.0, 0.0, "min");
    assert_close(s.max, 44.209999084472656, 0.0, 0.0, "max");
    assert_close(
        s.design_effect,
        200.0 * sum_sq / (sum * sum),
        1e-14,
        0.0,
        "deff",
    );
    assert_close(s.effective_n, sum * sum / sum_sq, 1e-14, 0.0, "effective n");
    assert_close(s.design_effect, 1.0 + s.cv * s.cv, 1e-14, 0.0, "1 + cv²");
    assert_close(
        s.effective_n * s.design_effect,
        200.0,
        1e-14,
        0.0,
        "n_eff · deff = n",
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn poststratify_errors() {
    let w = [1.0, 2.0, 3.0];
    // a sample category without population figure: absent, or zero
    assert_eq!(
        poststratify(&w, &[0, 1, 2], &[5.0, 5.0]),
        Err(WeightingError::CategoryWithoutPopulation {
            margin: 0,
            code: 2,
            row: 3,
            sample_weight: 3.0
        })
    );
    assert_eq!(
        poststratify(&w, &[0, 1, 1], &[5.0, 0.0]),
        Err(WeightingError::CategoryWithoutPopulation {
            margin: 0,
            code: 1,
            row: 2,
            sample_weight: 5.0
        })
    );
    // a population category absent from the sample: R stops unless partial = TRUE
    assert_eq!(
        poststratify(&w, &[0, 0, 1], &[5.0, 5.0, 2.0]),
        Err(WeightingError::CategoryNotInSample {
            margin: 0,
            code: 2,
            population: 2.0
        })
    );
    let partial = poststratify_partial(&w, &[0, 0, 1], &[6.0, 5.0, 2.0]).unwrap();
    assert_eq!(partial.weights, vec![2.0, 4.0, 5.0]);
    assert_eq!(partial.ignored, vec![2]);
    // present only with zero weight counts as absent
    assert_eq!(
        poststratify(&[1.0, 0.0], &[0, 1], &[5.0, 5.0]),
        Err(WeightingError::CategoryNotInSample {
            margin: 0,
            code: 1,
            population: 5.0
        })
    );
    // a cell in neither is ignored
    assert_eq!(
        poststratify(&[1.0, 0.0], &[0, 1], &[5.0, 0.0]),
        Ok(vec![5.0, 0.0])
    );
    assert_eq!(
        poststratify(&w, &[0, u32::MAX, 1], &[5.0, 5.0]),
        Err(WeightingError::MissingCategory { margin: 0, row: 2 })
    );
    assert_eq!(
        poststratify(&w, &[0, 1], &[5.0, 5.0]),
        Err(WeightingError::LengthMismatch {
            what: "cell codes",
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        poststratify(&w, &[0, 1, 1], &[5.0, -1.0]),
        Err(WeightingError::InvalidPopulation {
            margin: 0,
            code: 1,
            value: -1.0
        })
    );
    for bad in [f64::NAN, f64::INFINITY, -1.0] {
        match poststratify(&[1.0, bad], &[0, 0], &[5.0]) {
            Err(WeightingError::InvalidWeight { row: 2, .. }) => {}
            other => panic!("weight {bad}: {other:?}"),
        }
    }
    assert_eq!(
        poststratify(&[], &[], &[5.0]),
        Err(WeightingError::Empty { what: "weights" })
    );
}

#[test]
fn rake_errors() {
    let w = [1.0; 4];
    let a = [0, 0, 1, 1];
    let b = [0, 1, 0, 1];
    assert_eq!(
        rake(
            &w,
            &[
                Margin {
                    cell: &a,
                    population: &[6.0, 4.0]
                },
                Margin {
                    cell: &b,
                    population: &[5.0, 5.1]
                }
            ],
            RakeControl::default()
        ),
        Err(WeightingError::MarginTotalsDisagree {
            margin: 1,
            total: 10.1,
            first_total: 10.0
        })
    );
    // within a relative 1e-6 is accepted
    assert!(
        rake(
            &w,
            &[
                Margin {
                    cell: &a,
                    population: &[6.0, 4.0]
                },
                Margin {
                    cell: &b,
                    population: &[5.0, 5.000001]
                }
            ],
            RakeControl::default()
        )
        .is_ok()
    );
    assert_eq!(
        rake(
            &w,
            &[
                Margin {
                    cell: &a,
                    population: &[6.0, 4.0]
                },
                Margin {
                    cell: &b,
                    population: &[10.0]
                }
            ],
            RakeControl::default()
        ),
        Err(WeightingError::CategoryWithoutPopulation {
            margin: 1,
            code: 1,
            row: 2,
            sample_weight: 2.0
        })
    );
    assert_eq!(
        rake(
            &w,
            &[
                Margin {
                    cell: &a,
                    population: &[6.0, 4.0]
                },
                Margin {
                    cell: &b,
                    population: &[4.0, 4.0, 2.0]
                }
            ],
            RakeControl::default()
        ),
        Err(WeightingError::CategoryNotInSample {
            margin: 1,
            code: 2,
            population: 2.0
        })
    );
    assert_eq!(
        rake(
            &w,
            &[Margin {
                cell: &a[..3],
                population: &[6.0, 4.0]
            }],
            RakeControl::default()
        ),
        Err(WeightingError::LengthMismatch {
            what: "cell codes",
            expected: 4,
            found: 3
        })
    );
    assert_eq!(
        rake(&w, &[], RakeControl::default()),
        Err(WeightingError::Empty { what: "margins" })
    );
    assert!(matches!(
        rake(
            &w,
            &[Margin {
                cell: &a,
                population: &[6.0, 4.0]
            }],
            RakeControl {
                max_iter: 10,
                epsilon: 0.0
            }
        ),
        Err(WeightingError::InvalidControl {
            parameter: "epsilon",
            ..
        })
    ));
    // not converging is no error: R warns
    let out = rake(
        &[1.0, 1.0, 1.0, 1.0, 1.0],
        &[
            Margin {
                cell: &[0, 0, 1, 1, 1],
                population: &[6.0, 4.0],
            },
            Margin {
                cell: &[0, 1, 0, 1, 1],
                population: &[1.0, 9.0],
            },
        ],
        RakeControl {
            max_iter: 2,
            epsilon: 1e-12,
        },
    )
    .unwrap();
    assert!(!out.converged);
    assert_eq!(out.iterations, 2);
}

fn clus1_calibration_inputs() -> (Vec<f64>, Vec<f64>) {
    let ds = load("apiclus1.csv");
    (numeric(&ds, "pw"), model_matrix(&ds, &["stype", "api99"]))
}

const CLUS1_TOTALS: [f64; 4] = [6194.0, 755.0, 1018.0, 3914069.0];

#[test]
fn calibrate_errors() {
    let (w, x) = clus1_calibration_inputs();
    let opts = |method, bounds| CalibrateOptions {
        method,
        bounds,
        ..CalibrateOptions::default()
    };
    // R: "Failed to converge: eps=0.000269397657025973 in 11 iterations" (weighting_R.json;
    // R counts one more than the steps taken)
    let short = CalibrateOptions {
        max_iter: 10,
        ..opts(Distance::Raking, Some((0.5, 1.6)))
    };
    match calibrate(&w, &x, 4, &CLUS1_TOTALS, short) {
        Err(WeightingError::NotConverged {
            iterations: 10,
            achieved,
        }) => assert_close(achieved, 0.000269397657025973, 1e-6, 0.0, "achieved"),
        other => panic!("{other:?}"),
    }
    // R: "Failed to converge: eps=0.121162529597207 in 51 iterations"; here the bounds check
    // sees that g ≤ 1.4 cannot lift the high schools' weight to 755.
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &CLUS1_TOTALS,
            opts(Distance::Linear, Some((0.7, 1.4)))
        ),
        Err(WeightingError::InfeasibleBounds { column: 1, .. })
    ));
    // g ≤ 0.5 cannot reach the population size 6194 from Σw = 6194
    assert_eq!(
        calibrate(
            &w,
            &x,
            4,
            &CLUS1_TOTALS,
            opts(Distance::Logit, Some((0.2, 0.5)))
        ),
        Err(WeightingError::InvalidBounds {
            lower: 0.2,
            upper: 0.5,
            reason: "logit calibration needs finite bounds with lower < 1 < upper"
        })
    );
    match calibrate(
        &w,
        &x,
        4,
        &CLUS1_TOTALS,
        opts(Distance::Linear, Some((0.2, 0.5))),
    ) {
        Err(WeightingError::InfeasibleBounds {
            column: 0,
            total,
            reachable_max,
            ..
        }) => {
            assert_eq!(total, 6194.0);
            assert!(reachable_max < 3100.0);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        calibrate(&w, &x, 4, &CLUS1_TOTALS, opts(Distance::Logit, None)),
        Err(WeightingError::InvalidBounds { .. })
    ));
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &CLUS1_TOTALS,
            opts(Distance::Linear, Some((1.5, 0.5)))
        ),
        Err(WeightingError::InvalidBounds { .. })
    ));
    // raking keeps g > 0: a negative total of a positive column is out of reach
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &[6194.0, -1.0, 1018.0, 3914069.0],
            opts(Distance::Raking, None)
        ),
        Err(WeightingError::InfeasibleBounds { column: 1, .. })
    ));
    // dependent columns: intercept twice
    let x2 = row_major(&[&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]]).unwrap();
    assert_eq!(
        calibrate(
            &[1.0, 1.0, 1.0],
            &x2,
            2,
            &[4.0, 4.0],
            CalibrateOptions::default()
        ),
        Err(WeightingError::Singular {
            rank: 1,
            columns: 2
        })
    );
    // a column zero in the sample with a non-zero total; a zero column with total zero is dropped
    let x3 = row_major(&[&[1.0, 1.0], &[0.0, 0.0]]).unwrap();
    assert_eq!(
        calibrate(
            &[1.0, 1.0],
            &x3,
            2,
            &[4.0, 1.0],
            CalibrateOptions::default()
        ),
        Err(WeightingError::ZeroColumn {
            column: 1,
            total: 1.0
        })
    );
    assert_eq!(
        calibrate(
            &[1.0, 1.0],
            &x3,
            2,
            &[4.0, 0.0],
            CalibrateOptions::default()
        )
        .unwrap()
        .weights,
        vec![2.0, 2.0]
    );
    assert_eq!(
        calibrate(&w, &x[1..], 4, &CLUS1_TOTALS, CalibrateOptions::default()),
        Err(WeightingError::LengthMismatch {
            what: "auxiliary matrix x (n·p)",
            expected: 732,
            found: 731
        })
    );
    assert_eq!(
        calibrate(&w, &x, 4, &CLUS1_TOTALS[..3], CalibrateOptions::default()),
        Err(WeightingError::LengthMismatch {
            what: "totals",
            expected: 4,
            found: 3
        })
    );
    let mut x_nan = x.clone();
    x_nan[4 * 5 + 3] = f64::NAN;
    assert!(matches!(
        calibrate(&w, &x_nan, 4, &CLUS1_TOTALS, CalibrateOptions::default()),
        Err(WeightingError::InvalidAuxiliary {
            row: 6,
            column: 3,
            ..
        })
    ));
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &[6194.0, f64::INFINITY, 1018.0, 3914069.0],
            CalibrateOptions::default()
        ),
        Err(WeightingError::InvalidTotal { column: 1, .. })
    ));
    let mut w_bad = w.clone();
    w_bad[9] = -3.0;
    assert_eq!(
        calibrate(&w_bad, &x, 4, &CLUS1_TOTALS, CalibrateOptions::default()),
        Err(WeightingError::InvalidWeight {
            row: 10,
            value: -3.0
        })
    );
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &CLUS1_TOTALS,
            CalibrateOptions {
                max_iter: 0,
                ..CalibrateOptions::default()
            }
        ),
        Err(WeightingError::InvalidControl {
            parameter: "max_iter",
            ..
        })
    ));
    assert!(matches!(
        calibrate(
            &w,
            &x,
            4,
            &CLUS1_TOTALS,
            CalibrateOptions {
                epsilon: f64::NAN,
                ..CalibrateOptions::default()
            }
        ),
        Err(WeightingError::InvalidControl {
            parameter: "epsilon",
            ..
        })
    ));
    assert_eq!(
        calibrate(&w, &[], 0, &[], CalibrateOptions::default()),
        Err(WeightingError::Empty {
            what: "auxiliary columns"
        })
    );
}

#[test]
fn trim_and_summary_errors() {
    let w = [10.0, 20.0, 30.0];
    assert_eq!(
        trim(&w, 25.0, 40.0, true),
        Err(WeightingError::InfeasibleTrim {
            lower: 25.0,
            upper: 40.0,
            total: 60.0,
            n: 3
        })
    );
    assert_eq!(
        trim(&w, 0.0, 15.0, true),
        Err(WeightingError::InfeasibleTrim {
            lower: 0.0,
            upper: 15.0,
            total: 60.0,
            n: 3
        })
    );
    assert_eq!(
        trim(&w, 12.0, 18.0, false),
        Err(WeightingError::NothingLeftToTrim {
            lower: 12.0,
            upper: 18.0
        })
    );
    assert!(matches!(
        trim(&w, 30.0, 20.0, false),
        Err(WeightingError::InvalidBounds { .. })
    ));
    assert!(matches!(
        trim(&[1.0, f64::NAN], 0.0, 2.0, false),
        Err(WeightingError::InvalidWeight { row: 2, .. })
    ));
    // nothing outside: unchanged
    assert_eq!(trim(&w, 10.0, 30.0, true), Ok(w.to_vec()));
    assert_eq!(
        WeightSummary::of(&[]),
        Err(WeightingError::Empty { what: "weights" })
    );
    assert_eq!(
        WeightSummary::of(&[0.0, 0.0]),
        Err(WeightingError::ZeroTotalWeight)
    );
    assert_eq!(
        dummies(&[0, 3], 3, true),
        Err(WeightingError::CodeOutOfRange {
            margin: 0,
            row: 2,
            code: 3,
            n_levels: 3
        })
    );
    assert_eq!(
        dummies(&[0, u32::MAX], 3, false),
        Err(WeightingError::MissingCategory { margin: 0, row: 2 })
    );
    assert_eq!(
        row_major(&[&[1.0, 2.0], &[1.0]]),
        Err(WeightingError::LengthMismatch {
            what: "column",
            expected: 2,
            found: 1
        })
    );
}

#[test]
fn error_messages_name_the_context() {
    let e = poststratify(&[1.0, 2.0, 3.0], &[0, 1, 2], &[5.0, 5.0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "margin 0: category 2 has sample weight 3 (first at data row 3) but no population figure"
    );
    let e = WeightingError::NotConverged {
        iterations: 50,
        achieved: 0.12,
    };
    assert_eq!(
        e.to_string(),
        "calibration did not converge in 50 iterations: the largest relative miss of the totals is 0.12"
    );
}

// ---------------------------------------------------------------- invariants

/// Weights, codes of margins a and b, population counts of a and b (same total).
type TwoMargins = (Vec<f64>, Vec<u32>, Vec<u32>, Vec<f64>, Vec<f64>);

/// Rows covering every category (and every cross-cell), then random extra rows.
fn cells_strategy() -> impl Strategy<Value = TwoMargins> {
    (2usize..5, 2usize..4, 0usize..40)
        .prop_flat_map(|(ka, kb, extra)| {
            let n = ka * kb + extra;
            (
                prop::collection::vec(0.2f64..5.0, n),
                prop::collection::vec(0u32..ka as u32, extra),
                prop::collection::vec(0u32..kb as u32, extra),
                prop::collection::vec(1.0f64..10.0, ka),
                prop::collection::vec(1.0f64..10.0, kb),
                Just((ka, kb)),
            )
        })
        .prop_map(|(w, ea, eb, pa, pb, (ka, kb))| {
            let mut a: Vec<u32> = (0..ka * kb).map(|i| (i % ka) as u32).collect();
            let mut b: Vec<u32> = (0..ka * kb).map(|i| (i / ka) as u32).collect();
            a.extend(ea);
            b.extend(eb);
            // Margin b rescaled to margin a's total.
            let ta: f64 = pa.iter().map(|p| p * 100.0).sum();
            let tb: f64 = pb.iter().sum();
            let pa: Vec<f64> = pa.iter().map(|p| p * 100.0).collect();
            let pb: Vec<f64> = pb.iter().map(|p| p * ta / tb).collect();
            (w, a, b, pa, pb)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn raking_meets_its_margins((w, a, b, pa, pb) in cells_strategy()) {
        let out = rake(&w, &[Margin { cell: &a, population: &pa }, Margin { cell: &b, population: &pb }],
                       RakeControl { max_iter: 2000, epsilon: 1e-12 }).unwrap();
        prop_assert!(out.converged);
        let total: f64 = pa.iter().sum();
        for (got, want) in out.achieved[0].iter().zip(&pa).chain(out.achieved[1].iter().zip(&pb)) {
            prop_assert!((got - want).abs() <= 1e-8 * total, "{} vs {}", got, want);
        }
        prop_assert!(out.weights.iter().all(|x| x.is_finite() && *x > 0.0));
    }

    #[test]
    fn poststratified_cells_add_up_to_their_population((w, a, _b, pa, _pb) in cells_strategy()) {
        let out = poststratify(&w, &a, &pa).unwrap();
        for (c, want) in pa.iter().enumerate() {
            let got: f64 = out.iter().zip(&a).filter(|&(_, &cc)| cc as usize == c).map(|(x, _)| x).sum();
            prop_assert!((got - want).abs() <= 1e-12 * want, "cell {}: {} vs {}", c, got, want);
        }
        // scaling the input weights changes nothing
        let scaled: Vec<f64> = w.iter().map(|x| x * 7.0).collect();
        let again = poststratify(&scaled, &a, &pa).unwrap();
        for (x, y) in out.iter().zip(&again) {
            prop_assert!((x - y).abs() <= 1e-12 * x);
        }
    }

    #[test]
    fn bounded_calibration_keeps_g_in_bounds(
        w in prop::collection::vec(0.5f64..3.0, 30..80),
        seed in prop::collection::vec(0.0f64..10.0, 80),
        f0 in 0.9f64..1.1,
        f1 in 0.9f64..1.1,
        method in prop_oneof![Just(Distance::Linear), Just(Distance::Raking), Just(Distance::Logit)],
    ) {
        let n = w.len();
        let z = &seed[..n];
        let x = row_major(&[&vec![1.0; n], z]).unwrap();
        let sample = [w.iter().sum::<f64>(), w.iter().zip(z).map(|(a, b)| a * b).sum::<f64>()];
        let totals = [sample[0] * f0, sample[1] * f1];
        let (lo, hi) = (0.5, 2.0);
        let options = CalibrateOptions { method, bounds: Some((lo, hi)), ..CalibrateOptions::default() };
        match calibrate(&w, &x, 2, &totals, options) {
            Ok(out) => {
                for g in &out.g {
                    prop_assert!(*g >= lo - 1e-12 && *g <= hi + 1e-12, "g = {}", g);
                }
                let got = [out.weights.iter().sum::<f64>(), out.weights.iter().zip(z).map(|(a, b)| a * b).sum::<f64>()];
                for j in 0..2 {
                    prop_assert!((got[j] - totals[j]).abs() / (1.0 + totals[j].abs()) < 1e-7);
                }
            }
            // Totals out of reach of the bounds are reported, never NaN weights.
            Err(WeightingError::NotConverged { achieved, .. }) => prop_assert!(achieved.is_finite()),
            Err(WeightingError::InfeasibleBounds { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }

    #[test]
    fn trimming_stays_in_bounds_and_keeps_the_total(
        w in prop::collection::vec(0.0f64..100.0, 2..60),
        lo_q in 0.0f64..1.0,
        hi_q in 0.0f64..1.0,
    ) {
        let n = w.len() as f64;
        let total: f64 = w.iter().sum();
        let mean = total / n;
        let min = w.iter().copied().fold(f64::INFINITY, f64::min);
        let max = w.iter().copied().fold(0.0, f64::max);
        let lower = min + lo_q * (mean - min);
        let upper = mean + hi_q * (max - mean);
        let out = match trim(&w, lower, upper, true) {
            Ok(out) => out,
            // Every weight outside: nothing can take the trimmed amount (R loses it).
            Err(WeightingError::NothingLeftToTrim { .. }) => {
                prop_assert!(w.iter().all(|&x| x < lower || x > upper));
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        for x in &out {
            prop_assert!(*x >= lower && *x <= upper, "{} outside [{}, {}]", x, lower, upper);
        }
        let got: f64 = out.iter().sum();
        prop_assert!((got - total).abs() <= 1e-9 * total.max(1.0), "{} vs {}", got, total);
        // One round: trimmed weights sit at a bound and the total is kept (when any is left).
        if let Ok(once) = trim(&w, lower, upper, false) {
            for (before, after) in w.iter().zip(&once) {
                if *before > upper { prop_assert_eq!(*after, upper); }
                if *before < lower { prop_assert_eq!(*after, lower); }
            }
            let got: f64 = once.iter().sum();
            prop_assert!((got - total).abs() <= 1e-9 * total.max(1.0));
        }
    }
}

/// Raking checks each margin in turn, categories then total, as R does: a total that
/// disagrees on margin 1 is reported before a category error on margin 2.
#[test]
fn rake_reports_margins_in_order() {
    let w = [1.0; 4];
    let (a, b, c) = ([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 0, 2]);
    let margins = [
        Margin {
            cell: &a,
            population: &[2.0, 2.0],
        },
        Margin {
            cell: &b,
            population: &[1.0, 1.0],
        },
        Margin {
            cell: &c,
            population: &[2.0, 2.0],
        },
    ];
    match rake(&w, &margins, RakeControl::default()) {
        Err(WeightingError::MarginTotalsDisagree { margin: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    // With margin 1 agreeing, margin 2's category without a population figure.
    let margins = [margins[0], margins[2]];
    match rake(&w, &margins, RakeControl::default()) {
        Err(WeightingError::CategoryWithoutPopulation {
            margin: 1, row: 4, ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// On a design whose rows were grouped by PSU, a weighting error names the row as loaded.
#[test]
fn weighting_errors_name_rows_as_loaded_after_grouping() {
    use std::collections::BTreeMap;
    use survey_stats::data::read_csv_from_reader;
    use survey_stats::design::{Design, DesignOptions};
    use survey_stats::weighting::{AdjustError, rake_design};
    let csv = "psu,a,b\n2,x,u\n1,,u\n2,x,v\n1,x,v\n";
    let mut data = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default()).unwrap();
    let options = DesignOptions {
        clusters: vec!["psu".into()],
        ..Default::default()
    };
    let design = Design::new_grouped(&mut data, &options).unwrap();
    assert_eq!(
        design.source_row(2),
        1,
        "the row missing a moved from row 2 to row 3"
    );
    let margin = |pairs: [(&str, f64); 2]| -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let margins = [
        ("a".to_string(), margin([("x", 3.0), ("y", 1.0)])),
        ("b".to_string(), margin([("u", 2.0), ("v", 2.0)])),
    ];
    match rake_design(&data, &design, &margins, RakeControl::default()) {
        Err(AdjustError::MissingValue { row: 2, .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// Raking a replicate design rakes the full-sample weights and each replicate's weights
/// alike: each column is what `rake` makes of it (R's `rake` on a `svyrep.design`).
#[test]
fn raking_a_replicate_design_rakes_every_replicate() {
    use std::collections::BTreeMap;
    use survey_stats::data::read_csv_from_reader;
    use survey_stats::design::{Design, DesignOptions, ReplicateMethod};
    use survey_stats::weighting::rake_design;
    let mut csv = String::from("psu,w,a,b\n");
    for i in 0..40 {
        let (a, b) = (["x", "y", "z"][i % 3], ["u", "v"][(i / 3) % 2]);
        csv.push_str(&format!("{},{},{a},{b}\n", i % 8, 1.0 + (i % 5) as f64));
    }
    let data = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default()).unwrap();
    let options = DesignOptions {
        weights: Some("w".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    };
    let design = Design::new(&data, &options)
        .unwrap()
        .replicate(ReplicateMethod::JK1)
        .unwrap();
    let pop = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let margins = [
        (
            "a".to_string(),
            pop(&[("x", 50.0), ("y", 30.0), ("z", 20.0)]),
        ),
        ("b".to_string(), pop(&[("u", 45.0), ("v", 55.0)])),
    ];
    let control = RakeControl {
        max_iter: 100,
        epsilon: 1e-10,
    };
    let (raked, _) = rake_design(&data, &design, &margins, control).unwrap();
    let codes = |v: &str, labels: &[&str]| -> Vec<u32> {
        (0..40)
            .map(|i| match v {
                "a" => labels.iter().position(|&l| l == ["x", "y", "z"][i % 3]),
                _ => labels.iter().position(|&l| l == ["u", "v"][(i / 3) % 2]),
            })
            .map(|p| p.unwrap() as u32)
            .collect()
    };
    let (a, b) = (codes("a", &["x", "y", "z"]), codes("b", &["u", "v"]));
    let rake_column = |w: &[f64]| {
        rake(
            w,
            &[
                Margin {
                    cell: &a,
                    population: &[50.0, 30.0, 20.0],
                },
                Margin {
                    cell: &b,
                    population: &[45.0, 55.0],
                },
            ],
            control,
        )
        .unwrap()
        .weights
    };
    let close = |x: &[f64], y: &[f64]| {
        x.iter()
            .zip(y)
            .all(|(p, q)| (p - q).abs() <= 1e-12 * p.abs().max(1.0))
    };
    assert!(close(
        raked.weights().as_slice(),
        &rake_column(design.weights().as_slice())
    ));
    let r = design.n_replicates();
    assert_eq!(r, 8);
    for j in 0..r {
        let column: Vec<f64> = (0..40)
            .map(|i| design.replicate_weights()[i * r + j])
            .collect();
        let new: Vec<f64> = (0..40)
            .map(|i| raked.replicate_weights()[i * r + j])
            .collect();
        assert!(close(&new, &rake_column(&column)), "replicate {j}");
    }
}
