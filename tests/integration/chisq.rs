//! `svychisq` against R survey 4.1.1 (tests/data/reference.json, 4 designs × 5 statistics),
//! with inputs from tests/data/chisq_inputs.json (see tests/data/SOURCES.md).

use serde_json::Value;
use survey_stats::hypothesis::{ChisqStatistic, TableMoments, TestError, svychisq};

use crate::common::{assert_close, read_json, tolerance};

const DESIGNS: [&str; 4] = ["srs_fpc", "strat_fpc", "strat_nofpc", "clus1_fpc"];
const STATISTICS: [(&str, ChisqStatistic); 5] = [
    ("F", ChisqStatistic::F),
    ("Chisq", ChisqStatistic::Chisq),
    ("Wald", ChisqStatistic::Wald),
    ("adjWald", ChisqStatistic::AdjWald),
    ("saddlepoint", ChisqStatistic::Saddlepoint),
];
fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

struct Inputs {
    n_rows: usize,
    n_cols: usize,
    p: Vec<f64>,
    vcov: Vec<f64>,
    vcov_totals: Vec<f64>,
    n_obs: f64,
    design_df: f64,
    total_weight: f64,
}

impl Inputs {
    fn from_json(v: &Value) -> Self {
        Self {
            n_rows: v["n_rows"].as_u64().expect("n_rows") as usize,
            n_cols: v["n_cols"].as_u64().expect("n_cols") as usize,
            p: floats(&v["cell_proportions"]),
            vcov: floats(&v["vcov"]),
            vcov_totals: floats(&v["cell_total_vcov"]),
            n_obs: v["n_obs"].as_f64().expect("n_obs"),
            design_df: v["design_df"].as_f64().expect("design_df"),
            total_weight: v["total_weight"].as_f64().expect("total_weight"),
        }
    }

    fn moments(&self) -> TableMoments<'_> {
        TableMoments {
            n_rows: self.n_rows,
            n_cols: self.n_cols,
            cell_proportions: &self.p,
            vcov: &self.vcov,
            cell_total_vcov: Some(&self.vcov_totals),
            n_obs: self.n_obs,
            design_df: self.design_df,
            total_weight: self.total_weight,
        }
    }
}
#[test]
fn svychisq_matches_r_survey() {
    let reference = read_json("reference.json");
    let inputs = read_json("chisq_inputs.json");
    let records = reference["results"].as_array().expect("results");
    let mut checked = 0;
    for design in DESIGNS {
        let data = Inputs::from_json(&inputs["designs"][design]);
        for (name, statistic) in STATISTICS {
            let id = format!("{design}/svychisq/sch.wide+stype/{name}");
            let record = records
                .iter()
                .find(|r| r["id"] == id.as_str())
                .unwrap_or_else(|| panic!("no record {id}"));
            let got = svychisq(&data.moments(), statistic).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(got.method, statistic);
            let values = &record["values"];
            let mut check = |value: &str, got: f64| {
                let (rel, abs) = tolerance(record, value);
                let want = values[value].as_f64().expect(value);
                assert_close(got, want, rel, abs, &format!("{id} {value}"));
                checked += 1;
            };
            check("statistic", got.statistic);
            check("p_value", got.p_value);
            match name {
                "F" | "Wald" | "adjWald" => {
                    check("ndf", got.ndf);
                    check("ddf", got.ddf.expect("ddf"));
                }
                "Chisq" => {
                    check("df", got.ndf);
                    assert_eq!(got.ddf, None, "{id}");
                }
                _ => {}
            }
            if matches!(name, "Wald" | "adjWald") {
                assert_eq!(got.ndf, values["ndf"].as_f64().expect("ndf"), "{id}");
                assert_eq!(got.ddf, values["ddf"].as_f64(), "{id}");
            }
        }
    }
    // 4 designs × (F 4 + Chisq 3 + Wald 4 + adjWald 4 + saddlepoint 2) values.
    assert_eq!(checked, 4 * 17);
}

#[test]
fn pearson_based_statistics_agree_with_each_other() {
    let inputs = read_json("chisq_inputs.json");
    let data = Inputs::from_json(&inputs["designs"]["clus1_fpc"]);
    let m = data.moments();
    let f = svychisq(&m, ChisqStatistic::F).expect("F");
    let chisq = svychisq(&m, ChisqStatistic::Chisq).expect("Chisq");
    let deffs = f.design_effects.clone().expect("design effects");
    let trace: f64 = deffs.iter().sum();
    let trace_sq: f64 = deffs.iter().map(|d| d * d).sum();
    assert_close(
        f.statistic * trace,
        chisq.statistic,
        1e-12,
        0.0,
        "F·tr(Δ) = X²",
    );
    assert_close(
        f.ndf,
        trace * trace / trace_sq,
        1e-12,
        0.0,
        "d0 from eigenvalues",
    );
    assert_eq!(chisq.pearson_statistic, chisq.statistic);
    assert!(deffs.windows(2).all(|w| w[0] >= w[1]), "sorted: {deffs:?}");
}

#[test]
fn wald_requires_total_covariance() {
    let inputs = read_json("chisq_inputs.json");
    let data = Inputs::from_json(&inputs["designs"]["srs_fpc"]);
    let mut m = data.moments();
    m.cell_total_vcov = None;
    for statistic in [ChisqStatistic::Wald, ChisqStatistic::AdjWald] {
        assert_eq!(
            svychisq(&m, statistic),
            Err(TestError::MissingTotalVcov { statistic })
        );
    }
    assert!(svychisq(&m, ChisqStatistic::F).is_ok());
}

#[test]
fn invalid_inputs_are_errors() {
    let inputs = read_json("chisq_inputs.json");
    let data = Inputs::from_json(&inputs["designs"]["strat_fpc"]);
    let base = data.moments();

    let mut m = base;
    m.n_cols = 1;
    assert!(matches!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::TooFewCategories { .. })
    ));

    let mut m = base;
    m.vcov = &data.vcov[..35];
    assert!(matches!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::LengthMismatch { what: "vcov", .. })
    ));

    let mut bad = data.p.clone();
    bad[2] = f64::NAN;
    let mut m = base;
    m.cell_proportions = &bad;
    assert_eq!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::NonFinite {
            what: "cell_proportions",
            index: 2
        })
    );

    let doubled: Vec<f64> = data.p.iter().map(|p| 2.0 * p).collect();
    let mut m = base;
    m.cell_proportions = &doubled;
    assert!(matches!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::ProportionsDoNotSumToOne { .. })
    ));

    // Row 0 (sch.wide = No) empty.
    let empty_row = [0.0, 0.5, 0.0, 0.25, 0.0, 0.25];
    let mut m = base;
    m.cell_proportions = &empty_row;
    assert_eq!(
        svychisq(&m, ChisqStatistic::Chisq),
        Err(TestError::EmptyMargin {
            margin: "row",
            index: 0
        })
    );

    let mut m = base;
    m.design_df = 0.0;
    assert!(matches!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::InvalidParameter {
            what: "design_df",
            ..
        })
    ));

    let mut m = base;
    m.design_df = 1.0;
    assert_eq!(
        svychisq(&m, ChisqStatistic::AdjWald),
        Err(TestError::NonPositiveDf { ddf: 0.0 })
    );

    let zeros = vec![0.0; 36];
    let mut m = base;
    m.vcov = &zeros;
    assert!(matches!(
        svychisq(&m, ChisqStatistic::F),
        Err(TestError::NonFiniteResult { .. })
    ));
}

mod invariants {
    use proptest::prelude::*;
    use survey_stats::hypothesis::{ChisqStatistic, TableMoments, svychisq};

    use crate::common::assert_close;

    /// A random `r × c` table: shares, a positive semi-definite covariance
    /// `s·(diag(p) − ppᵀ)/n + G·Gᵀ/n²`, and a permutation of the rows.
    #[derive(Debug, Clone)]
    struct Table {
        r: usize,
        c: usize,
        p: Vec<f64>,
        vcov: Vec<f64>,
        row_order: Vec<usize>,
    }

    fn table() -> impl Strategy<Value = Table> {
        (2usize..=4, 2usize..=4)
            .prop_flat_map(|(r, c)| {
                let cells = r * c;
                (
                    Just((r, c)),
                    prop::collection::vec(0.05f64..1.0, cells),
                    prop::collection::vec(-1.0f64..1.0, cells * cells),
                    0.5f64..3.0,
                    Just((0..r).collect::<Vec<usize>>()).prop_shuffle(),
                )
            })
            .prop_map(|((r, c), raw, g, s, row_order)| {
                let cells = r * c;
                let sum: f64 = raw.iter().sum();
                let p: Vec<f64> = raw.iter().map(|v| v / sum).collect();
                let n = 500.0;
                let mut vcov = vec![0.0; cells * cells];
                for a in 0..cells {
                    for b in 0..cells {
                        let multinomial = if a == b { p[a] } else { 0.0 } - p[a] * p[b];
                        let extra: f64 = (0..cells)
                            .map(|k| g[a * cells + k] * g[b * cells + k])
                            .sum();
                        vcov[a * cells + b] = s * multinomial / n + extra / (n * n);
                    }
                }
                Table {
                    r,
                    c,
                    p,
                    vcov,
                    row_order,
                }
            })
    }

    /// Moves cell `(i, j)` to `(order[i], j)`, or to `(j, i)` when transposing.
    fn relabel(t: &Table, transpose: bool) -> (usize, usize, Vec<f64>, Vec<f64>) {
        let (r, c) = (t.r, t.c);
        let cells = r * c;
        let target = |a: usize| {
            let (i, j) = (a % r, a / r);
            if transpose {
                j + c * i
            } else {
                t.row_order[i] + r * j
            }
        };
        let mut p = vec![0.0; cells];
        let mut v = vec![0.0; cells * cells];
        for a in 0..cells {
            p[target(a)] = t.p[a];
            for b in 0..cells {
                v[target(a) * cells + target(b)] = t.vcov[a * cells + b];
            }
        }
        if transpose {
            (c, r, p, v)
        } else {
            (r, c, p, v)
        }
    }

    const ALL: [ChisqStatistic; 5] = [
        ChisqStatistic::F,
        ChisqStatistic::Chisq,
        ChisqStatistic::Wald,
        ChisqStatistic::AdjWald,
        ChisqStatistic::Saddlepoint,
    ];

    fn run(r: usize, c: usize, p: &[f64], vcov: &[f64], statistic: ChisqStatistic) -> (f64, f64) {
        let total = 1234.5;
        let vt: Vec<f64> = vcov.iter().map(|v| v * total * total).collect();
        let m = TableMoments {
            n_rows: r,
            n_cols: c,
            cell_proportions: p,
            vcov,
            cell_total_vcov: Some(&vt),
            n_obs: 500.0,
            design_df: 60.0,
            total_weight: total,
        };
        let t = svychisq(&m, statistic).expect("valid table");
        (t.statistic, t.p_value)
    }

    proptest! {
        /// Relabelling rows or swapping rows and columns changes no statistic.
        #[test]
        fn relabelling_changes_nothing(t in table()) {
            for statistic in ALL {
                let (s0, p0) = run(t.r, t.c, &t.p, &t.vcov, statistic);
                for transpose in [false, true] {
                    let (r, c, p, v) = relabel(&t, transpose);
                    let (s1, p1) = run(r, c, &p, &v, statistic);
                    assert_close(s1, s0, 1e-9, 1e-12, &format!("{statistic:?} statistic"));
                    // The saddlepoint is a root found to uniroot's tolerance, as in R.
                    let rel = if statistic == ChisqStatistic::Saddlepoint { 1e-4 } else { 1e-7 };
                    assert_close(p1, p0, rel, 1e-12, &format!("{statistic:?} p-value"));
                }
            }
        }

        /// With the multinomial covariance every design effect is 1: the first-order
        /// correction is Pearson's test and F = X²/k.
        #[test]
        fn multinomial_covariance_gives_pearson(t in table()) {
            let cells = t.r * t.c;
            let n = 500.0;
            let mut v = vec![0.0; cells * cells];
            for a in 0..cells {
                for b in 0..cells {
                    v[a * cells + b] = (if a == b { t.p[a] } else { 0.0 } - t.p[a] * t.p[b]) / n;
                }
            }
            let k = ((t.r - 1) * (t.c - 1)) as f64;
            let (x2, _) = run(t.r, t.c, &t.p, &v, ChisqStatistic::Chisq);
            let (f, _) = run(t.r, t.c, &t.p, &v, ChisqStatistic::F);
            assert_close(f, x2 / k, 1e-10, 0.0, "F = X²/k");
        }
    }
}
