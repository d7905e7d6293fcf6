//! Design-based GLMs against R `survey` 4.1.1 `svyglm` (`tests/data/glm_R.R`), and their
//! invariants.
//!
//! R was run with `control = glm.control(epsilon = 1e-15)`: its default `epsilon = 1e-8`
//! can stop IRLS a step before convergence, and the crate iterates to convergence; at
//! `1e-12` R's binomial fit on `apiclus2` still stops one step early (the upper end of the
//! `stypeM` interval differs by 1e-6 relative), at `1e-15` it agrees with the crate.

use crate::common::{assert_close, data_path, read_json};
use proptest::prelude::*;
use survey_stats::data::{CsvOptions, read_csv};
use survey_stats::design::{LonelyPsu, ReplicateMethod};
use survey_stats::{Dataset, Family, Model, Survey};

fn csv(name: &str) -> Dataset {
    read_csv(data_path(name), &CsvOptions::default()).unwrap()
}

fn design(name: &str) -> Survey {
    match name {
        "strat" => Survey::builder(csv("apistrat.csv"))
            .weights("pw")
            .strata("stype")
            .fpc(["fpc"])
            .build()
            .unwrap(),
        "clus2" => Survey::builder(csv("apiclus2.csv"))
            .weights("pw")
            .clusters(["dnum", "snum"])
            .fpc(["fpc1", "fpc2"])
            .build()
            .unwrap(),
        "post" | "jk1" => {
            let clus1 = Survey::builder(csv("apiclus1.csv"))
                .weights("pw")
                .clusters(["dnum"])
                .fpc(["fpc"])
                .build()
                .unwrap();
            if name == "post" {
                clus1
                    .poststratify("stype", [("E", 4421.0), ("H", 755.0), ("M", 1018.0)])
                    .unwrap()
            } else {
                clus1.replicate(ReplicateMethod::JK1).unwrap()
            }
        }
        "lonely_adjust" | "lonely_average" => Survey::builder(csv("lonely.csv"))
            .weights("pw")
            .strata("stype")
            .clusters(["dnum"])
            .nest(true)
            .lonely_psu(if name == "lonely_adjust" {
                LonelyPsu::Adjust
            } else {
                LonelyPsu::Average
            })
            .build()
            .unwrap(),
        other => panic!("unknown design {other}"),
    }
}

fn model(name: &str) -> Model {
    match name {
        "gaussian" => Model::gaussian("api00").terms(["ell", "meals", "stype"]),
        "interaction" => Model::gaussian("api00").terms(["ell", "stype", "ell:stype"]),
        "binomial" => Model::binomial("sch.wide")
            .success("Yes")
            .terms(["ell", "meals", "stype"]),
        "poisson" => Model::poisson("enroll").terms(["ell", "stype"]),
        "numfactor" => Model::gaussian("api00")
            .terms(["acs.k3", "meals"])
            .categorical(["acs.k3"]),
        "binomial2" => Model::binomial("sch.wide")
            .success("Yes")
            .terms(["ell", "meals"]),
        "missing" => Model::gaussian("api00").terms(["acs.k3", "meals"]),
        "factors" => Model::gaussian("api00").terms(["stype", "yr.rnd", "stype:yr.rnd"]),
        other => panic!("unknown model {other}"),
    }
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn svyglm_matches_r() {
    let cases = read_json("glm_R.json");
    let mut checked = 0;
    for case in cases.as_array().unwrap() {
        let (d, m) = (
            case["design"].as_str().unwrap(),
            case["model"].as_str().unwrap(),
        );
        let survey = design(d);
        let (fit, what) = match case["domain"].as_str() {
            None => (survey.glm(&model(m)).unwrap(), format!("{d}/{m}")),
            // R: the model without stype on subset(D, stype == s), as svyby fits it.
            Some(dom) => {
                let terms: &[&str] = if m == "poisson" {
                    &["ell"]
                } else {
                    &["ell", "meals"]
                };
                let reduced = Model::new(
                    if m == "poisson" {
                        Family::Poisson
                    } else {
                        Family::Gaussian
                    },
                    if m == "poisson" { "enroll" } else { "api00" },
                )
                .terms(terms);
                let fits = survey.by(["stype"]).glm(&reduced).unwrap();
                (
                    fits.get(dom).unwrap().clone(),
                    format!("{d}/{m}/stype={dom}"),
                )
            }
        };
        assert_close(fit.df, num(&case["df"]), 0.0, 0.0, &format!("{what} df"));
        let terms: Vec<&str> = case["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        // R's summary leaves aliased coefficients out; here they are rows without a value.
        for c in &fit.coefficients {
            if !terms.contains(&c.term.as_str()) {
                assert!(
                    c.estimate.is_none() && c.note.is_some(),
                    "{what}: {}",
                    c.term
                );
            }
        }
        assert_eq!(
            fit.coefficients
                .iter()
                .filter(|c| c.estimate.is_some())
                .count(),
            terms.len(),
            "{what}: terms"
        );
        for (i, t) in terms.iter().enumerate() {
            let c = fit.get(t).unwrap_or_else(|| panic!("{what}: no term {t}"));
            let w = |k: &str| num(&case[k][i]);
            let at = |k: &str| format!("{what} {} {k}", c.term);
            assert_close(
                c.estimate.unwrap(),
                w("estimate"),
                1e-9,
                0.0,
                &at("estimate"),
            );
            assert_close(
                c.std_error.unwrap(),
                w("std_error"),
                1e-9,
                0.0,
                &at("std_error"),
            );
            assert_close(c.statistic.unwrap(), w("statistic"), 1e-9, 0.0, &at("t"));
            // p-values as small as 1e-182 magnify the t statistic's last digits ~30-fold.
            assert_close(c.p_value.unwrap(), w("p_value"), 1e-6, 0.0, &at("p"));
            // An end near 0 is the difference of two larger numbers: absolute 1e-9·SE.
            let (lo, hi) = c.interval.unwrap();
            let abs = 1e-9 * w("std_error");
            assert_close(lo, w("lower"), 1e-9, abs, &at("lower"));
            assert_close(hi, w("upper"), 1e-9, abs, &at("upper"));
            assert_eq!(c.df, fit.df);
            checked += 1;
        }
    }
    assert_eq!(checked, 193, "coefficients checked (43 fits)");
}

#[test]
fn aliased_column_is_unavailable_with_a_note() {
    let survey = design("strat");
    // `api00` twice through an interaction with a constant: a collinear column.
    let data = survey.data().clone();
    let mut d = data;
    d.set_column(
        "ell2",
        survey_stats::data::Column::Numeric(survey_stats::data::NumericColumn::from_options(
            (0..200)
                .map(|i| {
                    survey
                        .data()
                        .numeric("ell")
                        .unwrap()
                        .get(i)
                        .map(|x| 2.0 * x)
                })
                .collect(),
        )),
    )
    .unwrap();
    let s = Survey::builder(d)
        .weights("pw")
        .strata("stype")
        .fpc(["fpc"])
        .build()
        .unwrap();
    let with = s.glm(&model("gaussian").terms(["ell2"])).unwrap();
    let alone = s.glm(&model("gaussian")).unwrap();
    let aliased = with.get("ell2").unwrap();
    assert!(aliased.estimate.is_none() && aliased.note.is_some());
    let (a, b) = (with.get("ell").unwrap(), alone.get("ell").unwrap());
    assert_close(a.estimate.unwrap(), b.estimate.unwrap(), 1e-10, 0.0, "ell");
    assert_close(
        a.std_error.unwrap(),
        b.std_error.unwrap(),
        1e-9,
        0.0,
        "ell se",
    );
    // R's df.residual counts the coefficients that are not NA.
    assert_eq!(with.df, alone.df);
}

#[test]
fn separation_is_an_error() {
    let data = Dataset::builder()
        .column("x", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        .column("y", vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
        .build()
        .unwrap();
    let err = Survey::srs(data)
        .unwrap()
        .glm(&Model::binomial("y").terms(["x"]))
        .unwrap_err();
    assert!(err.to_string().contains("separat"), "{err}");
}

#[test]
fn responses_the_family_cannot_take_are_errors() {
    let survey = design("strat");
    let err = survey.glm(&Model::binomial("stype")).unwrap_err();
    assert!(err.to_string().contains("success category"), "{err}");
    let err = survey.glm(&Model::binomial("api00")).unwrap_err();
    assert!(err.to_string().contains("[0, 1]"), "{err}");
    let err = survey
        .glm(&Model::binomial("sch.wide").success("Maybe"))
        .unwrap_err();
    assert!(err.to_string().contains("does not occur"), "{err}");
    let err = survey
        .glm(&Model::gaussian("api00").terms(["nope"]))
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn the_estimators_level_sets_the_intervals() {
    let survey = design("strat");
    let m = model("gaussian");
    let at90 = survey.estimates().level(0.9).glm(&m).unwrap();
    let same = survey.glm(&m.clone().level(0.9)).unwrap();
    assert_eq!(at90, same);
    let c = &at90.coefficients[1];
    let (lo, hi) = c.interval.unwrap();
    let wide = survey.glm(&m).unwrap().coefficients[1].interval.unwrap();
    assert!(hi - lo < wide.1 - wide.0);
}

#[test]
fn quasi_separation_is_an_error() {
    // lonely.csv has one high school, not sch.wide: its coefficient runs off to -∞, and R
    // stops anywhere near -34 without a warning.
    let err = design("lonely_adjust").glm(&model("binomial")).unwrap_err();
    assert!(err.to_string().contains("separat"), "{err}");
}

#[test]
fn constant_column_and_empty_level_do_not_panic() {
    let data = Dataset::builder()
        .column("c", vec![1.0; 6])
        .column("g", vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
        .column(
            "y",
            vec![Some(1.0), Some(2.0), Some(4.0), Some(3.0), None, None],
        )
        .build()
        .unwrap();
    let s = Survey::srs(data).unwrap();
    let fit = s
        .glm(&Model::gaussian("y").terms(["c", "g"]).categorical(["g"]))
        .unwrap();
    assert!(fit.get("c").unwrap().estimate.is_none());
    assert!(fit.get("g3").unwrap().estimate.is_none());
    // By hand: rows with y are g1 (1, 2) and g2 (4, 3): intercept = mean of g1 = 1.5,
    // g2 = mean of g2 − mean of g1 = 3.5 − 1.5.
    let intercept = fit.get("(Intercept)").unwrap().estimate.unwrap();
    let g2 = fit.get("g2").unwrap().estimate.unwrap();
    assert!((intercept - 1.5).abs() < 1e-12 && (g2 - 2.0).abs() < 1e-12);
    assert!(fit.to_string().contains("g3"));
}

fn small() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<u8>)> {
    (8usize..30).prop_flat_map(|n| {
        (
            prop::collection::vec(0.5f64..5.0, n),
            prop::collection::vec(-3.0f64..3.0, n),
            prop::collection::vec(-10.0f64..10.0, n),
            prop::collection::vec(0u8..2, n),
        )
    })
}

fn survey_of(w: &[f64], x: &[f64], y: &[f64], b: &[u8]) -> Survey {
    let n = w.len();
    survey_in(
        w,
        &(0..n).map(|i| (i % 2) as f64).collect::<Vec<_>>(),
        x,
        y,
        b,
    )
}

fn survey_in(w: &[f64], h: &[f64], x: &[f64], y: &[f64], b: &[u8]) -> Survey {
    let data = Dataset::builder()
        .column("w", w.to_vec())
        .column("h", h.to_vec())
        .column("x", x.to_vec())
        .column("y", y.to_vec())
        .column("b", b.iter().map(|&v| f64::from(v)).collect::<Vec<_>>())
        .column("c", y.iter().map(|v| v.abs().floor()).collect::<Vec<_>>())
        .build()
        .unwrap();
    Survey::builder(data)
        .weights("w")
        .strata("h")
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn scaling_weights_and_permuting_rows_change_nothing((w, x, y, b) in small(), c in 0.01f64..100.0, rot in 0usize..8) {
        let n = w.len();
        let r = rot % n;
        let h: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
        let perm = |v: &[f64]| -> Vec<f64> { (0..n).map(|i| v[(i + r) % n]).collect() };
        let bp: Vec<u8> = (0..n).map(|i| b[(i + r) % n]).collect();
        let scaled: Vec<f64> = w.iter().map(|v| v * c).collect();
        for m in [
            Model::gaussian("y").terms(["x"]),
            Model::binomial("b").terms(["x"]),
            Model::poisson("c").terms(["x"]),
        ] {
            let base = survey_of(&w, &x, &y, &b).glm(&m);
            let s = survey_of(&scaled, &x, &y, &b).glm(&m);
            let p = survey_in(&perm(&w), &perm(&h), &perm(&x), &perm(&y), &bp).glm(&m);
            // A random binomial sample may be separated: then every version says so.
            let Ok(base) = base else {
                prop_assert!(s.is_err() && p.is_err());
                continue;
            };
            for other in [&s.unwrap(), &p.unwrap()] {
                for (a, o) in base.coefficients.iter().zip(&other.coefficients) {
                    assert_close(o.estimate.unwrap(), a.estimate.unwrap(), 1e-9, 1e-12, "estimate");
                    // The SE, as R's, takes the working weights of the last IRLS step; which
                    // step is last can move with rounding, and the SE by up to ~1e-8 with it.
                    assert_close(o.std_error.unwrap(), a.std_error.unwrap(), 1e-6, 1e-12, "std_error");
                }
            }
        }
    }

    #[test]
    fn intercept_only_models_are_the_mean_and_the_proportion((w, x, y, b) in small()) {
        let s = survey_of(&w, &x, &y, &b);
        let fit = s.glm(&Model::gaussian("y")).unwrap();
        let mean = s.mean("y").unwrap();
        let c = &fit.coefficients[0];
        assert_close(c.estimate.unwrap(), mean.value, 1e-9, 1e-12, "mean");
        assert_close(c.std_error.unwrap(), mean.std_error, 1e-8, 1e-12, "mean se");
        let ones = b.iter().filter(|&&v| v == 1).count();
        prop_assume!(ones > 0 && ones < b.len());
        let fit = s.glm(&Model::binomial("b")).unwrap();
        let eta = fit.coefficients[0].estimate.unwrap();
        let p = s.mean("b").unwrap();
        assert_close(1.0 / (1.0 + (-eta).exp()), p.value, 1e-9, 1e-12, "proportion");
    }
}

#[test]
fn spec_glm_rows_carry_terms_and_match_r() {
    use survey_stats::spec::{self, AnalysisSpec};
    use survey_stats::table::ResultRow;
    let text = r#"{
        "data": "apistrat.csv",
        "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
        "estimates": [
            {"id": "m", "stat": "glm", "response": "sch.wide", "category": "Yes",
             "family": "binomial", "terms": ["ell", "meals", "stype"]},
            {"id": "g", "stat": "glm", "response": "api00", "terms": ["ell", "meals", "stype"]},
            {"id": "b", "stat": "glm", "response": "api00", "terms": ["ell"], "by": ["stype"]}
        ]
    }"#;
    let out = spec::run(
        &AnalysisSpec::from_json(text).unwrap(),
        &data_path(""),
        None,
    )
    .unwrap();
    // By domain: as the library's `by`, two rows (intercept, ell) per stratum.
    let by: Vec<_> = out
        .rows
        .iter()
        .filter_map(|r| match r {
            ResultRow::Estimate(e) if e.id == "b" => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(by.len(), 6);
    let lib = design("strat")
        .by(["stype"])
        .glm(&Model::gaussian("api00").terms(["ell"]))
        .unwrap();
    for row in &by {
        let dom = row.domain.as_ref().unwrap()["stype"].as_str();
        let c = lib
            .get(dom)
            .unwrap()
            .get(row.term.as_deref().unwrap())
            .unwrap();
        assert_eq!(row.estimate, c.estimate);
        assert_eq!(row.std_error, c.std_error);
        assert_eq!(row.df, Some(c.df));
    }
    let cases = read_json("glm_R.json");
    for (id, model) in [("m", "binomial"), ("g", "gaussian")] {
        let case = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["design"] == "strat" && c["model"] == model)
            .unwrap();
        let rows: Vec<_> = out
            .rows
            .iter()
            .filter_map(|r| match r {
                ResultRow::Estimate(e) if e.id == id => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(rows.len(), case["terms"].as_array().unwrap().len());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.term.as_deref(), case["terms"][i].as_str());
            let w = |k: &str| num(&case[k][i]);
            assert_close(row.estimate.unwrap(), w("estimate"), 1e-9, 0.0, "estimate");
            assert_close(
                row.std_error.unwrap(),
                w("std_error"),
                1e-9,
                0.0,
                "std_error",
            );
            assert_close(
                row.ci_upper.unwrap(),
                w("upper"),
                1e-9,
                1e-9 * w("std_error"),
                "upper",
            );
            assert_close(row.p_value.unwrap(), w("p_value"), 1e-6, 0.0, "p");
            assert_eq!(row.df, Some(num(&case["df"])));
        }
        // apistrat's weights sum to the population, 6194 schools (the CSV's weights carry
        // single-precision digits: 6193.99996).
        assert_close(rows[0].weighted_n, 6194.0, 1e-7, 0.0, "weighted_n");
        let json = serde_json::to_value(rows[0]).unwrap();
        assert_eq!(json["term"], "(Intercept)");
        assert_eq!(json["stat"], "glm");
    }
}

#[test]
fn replicate_refits_hold_aliased_columns_out() {
    // R's svyglm on a replicate design stops here ("Infinite/NA values in estimate"): in
    // apiclus1 no high or middle school is year-round. The crate refits each replicate
    // without the aliased columns (no R value to compare with: only the shape is checked).
    let fit = design("jk1").glm(&model("factors")).unwrap();
    let aliased: Vec<&str> = fit
        .coefficients
        .iter()
        .filter(|c| c.estimate.is_none())
        .map(|c| c.term.as_str())
        .collect();
    assert_eq!(aliased, ["stypeH:yr.rndYes", "stypeM:yr.rndYes"]);
    assert!(
        fit.coefficients
            .iter()
            .all(|c| c.estimate.is_none() || c.std_error.is_some())
    );
    assert_eq!(fit.df, 14.0 + 1.0 - 4.0);
}
