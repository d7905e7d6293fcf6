//! The proportional-odds model against R's `svyolr` (`tests/data/olr_R.R`, refitted there
//! with `reltol = 1e-15` so that R's optimum is converged).

use crate::common::{assert_close, data_path};
use survey_stats::data::{Column, CsvOptions, NumericColumn, read_csv};
use survey_stats::{Dataset, Olr, ReplicateMethod, Survey};

/// `(parameter, estimate, std_error)` of one case of `olr_R.txt`.
fn reference(case: &str) -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(data_path("olr_R.txt")).expect("olr_R.txt");
    text.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == case)
        .map(|f| {
            (
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

fn check(case: &str, fit: &Olr) {
    let want = reference(case);
    assert_eq!(
        want.len(),
        fit.coefficients.len() + fit.thresholds.len(),
        "{case}: parameters"
    );
    for (name, est, se) in want {
        let got = fit
            .get(&name)
            .unwrap_or_else(|| panic!("{case}: no {name}"));
        assert_close(got.estimate, est, 1e-6, 1e-12, &format!("{case} {name}"));
        assert_close(got.std_error, se, 1e-6, 1e-12, &format!("{case} SE {name}"));
        assert_close(got.t, est / se, 1e-6, 1e-12, &format!("{case} t {name}"));
    }
}

fn face() -> Survey {
    let data = read_csv(data_path("library_face.csv"), &CsvOptions::default()).expect("csv");
    Survey::builder(data)
        .weights("w")
        .strata("region")
        .clusters(["psu"])
        .build()
        .expect("design")
}

const TERMS: [&str; 3] = ["factor(sex)", "factor(agegrp)", "x"];

/// R: `svyolr(factor(q1) ~ factor(sex) + factor(agegrp) + x, svydesign(id=~psu,
/// strata=~region, weights=~w))` with 9 ("hard to answer") set to NA.
#[test]
fn likert_item_with_hard_to_answer_left_out() {
    let fit = face().exclude([9]).olr("q1", TERMS).expect("fit");
    check("face", &fit);
    assert_eq!(fit.n_missing, 52);
    assert_eq!(fit.thresholds.len(), 4);
    assert_eq!(fit.df, 24.0 - 4.0 - 4.0);
}

/// The same model after post-stratification on sex (R: `postStratify`, then `subset(q1 !=
/// 9)`): calibration residuals in the variance.
#[test]
fn likert_item_post_stratified() {
    let ps = face()
        .poststratify("sex", [(1, 120000.0), (2, 130000.0)])
        .expect("poststratify");
    check("face_ps", &ps.exclude([9]).olr("q1", TERMS).expect("fit"));
}

/// The JKn replicate version of the face design (R: `as.svrepdesign(des, type = "JKn")`):
/// the model refitted under each replicate's weights, the spread as `svrVar` (R's
/// `svyolr.svyrep.design`, its refits converged in `olr_R.R`).
#[test]
fn likert_item_on_replicate_weights() {
    let jkn = face().replicate(ReplicateMethod::JKn).expect("JKn");
    let fit = jkn.exclude([9]).olr("q1", TERMS).expect("fit");
    check("face_jkn", &fit);
    assert_eq!(fit.df, 20.0 - 4.0);
}

/// R: `svyolr(factor(apicat) ~ ell + meals + stype, svydesign(id=~1, strata=~stype,
/// weights=~pw, fpc=~fpc, data=apistrat))`, `apicat` the cut of api00 at 550, 650, 750.
#[test]
fn apistrat_ordered_cut_of_api00() {
    let mut data = read_csv(data_path("apistrat.csv"), &CsvOptions::default()).expect("csv");
    let api = data.numeric("api00").expect("api00").values().to_vec();
    let cut = api
        .iter()
        .map(|&a| match a {
            a if a <= 550.0 => 1.0,
            a if a <= 650.0 => 2.0,
            a if a <= 750.0 => 3.0,
            _ => 4.0,
        })
        .collect();
    data.set_column("apicat", Column::Numeric(NumericColumn::from_values(cut)))
        .expect("column");
    let survey = Survey::builder(data)
        .weights("pw")
        .strata("stype")
        .fpc(["fpc"])
        .build()
        .expect("design");
    let fit = survey
        .olr("apicat", ["ell", "meals", "stype"])
        .expect("fit");
    check("apistrat", &fit);
    assert_eq!(fit.thresholds[2].name, "3|4");
    assert!(fit.to_string().contains("stypeH"));
}

/// Fewer than three categories, domains and absent columns are errors, not answers.
#[test]
fn what_cannot_be_fitted_is_an_error() {
    let data = Dataset::builder()
        .column("y", vec![1u8, 2, 1, 2, 9])
        .column("x", vec![1.0, 2.0, 3.0, 4.0, 5.0])
        .build()
        .unwrap();
    let survey = Survey::srs(data).unwrap();
    let err = survey.exclude([9]).olr("y", ["x"]).unwrap_err();
    assert!(err.to_string().contains("3 or more"), "{err}");
    assert!(survey.by(["x"]).olr("y", ["x"]).is_err());
    assert!(survey.olr("y", ["nope"]).is_err());
}

/// The spec's `olr`: one row per slope and threshold, named in `term`, matching R.
#[test]
fn the_spec_runs_olr_with_terms_named() {
    use survey_stats::spec::{AnalysisSpec, run};
    use survey_stats::table::ResultRow;
    let spec = AnalysisSpec::from_json(
        r#"{"data": "library_face.csv",
            "design": {"weights": "w", "strata": "region", "clusters": ["psu"]},
            "estimates": [{"id": "m", "stat": "olr", "response": "q1", "exclude": [9],
                           "terms": ["factor(sex)", "factor(agegrp)", "x"]}]}"#,
    )
    .expect("spec");
    let out = run(&spec, &data_path(""), None).expect("run");
    let want = reference("face");
    assert_eq!(out.rows.len(), want.len());
    for (row, (name, est, se)) in out.rows.iter().zip(&want) {
        let ResultRow::Estimate(e) = row else {
            panic!("an estimate row")
        };
        assert_eq!(e.term.as_deref(), Some(name.as_str()));
        assert_close(e.estimate.unwrap(), *est, 1e-6, 1e-12, name);
        assert_close(e.std_error.unwrap(), *se, 1e-6, 1e-12, name);
        assert_eq!(e.df, Some(16.0));
        assert_eq!(e.n_missing, 52);
    }
    let json = serde_json::to_value(&out.rows).unwrap();
    assert_eq!(json[0]["term"], "factor(sex)2");
    assert_eq!(json[4]["term"], "1|2");
    assert_eq!(json[0]["stat"], "olr");
    let missing = AnalysisSpec::from_json(
        r#"{"data": "x.csv", "estimates": [{"id": "m", "stat": "olr", "terms": ["x"]}]}"#,
    );
    assert!(missing.is_err_and(|e| e.to_string().contains("response")));
}

/// Invariant: scaling every weight by a constant changes neither the estimates nor the
/// standard errors (R's `svyolr` too: the likelihood, the Hessian and the scores scale
/// alike).
#[test]
fn scaling_the_weights_changes_nothing() {
    let mut data = read_csv(data_path("library_face.csv"), &CsvOptions::default()).expect("csv");
    let w: Vec<f64> = data
        .numeric("w")
        .unwrap()
        .values()
        .iter()
        .map(|w| w * 1e3)
        .collect();
    data.set_column("w", Column::Numeric(NumericColumn::from_values(w)))
        .unwrap();
    let scaled = Survey::builder(data)
        .weights("w")
        .strata("region")
        .clusters(["psu"])
        .build()
        .unwrap();
    let a = face().exclude([9]).olr("q1", TERMS).unwrap();
    let b = scaled.exclude([9]).olr("q1", TERMS).unwrap();
    for (x, y) in a
        .coefficients
        .iter()
        .chain(&a.thresholds)
        .zip(b.coefficients.iter().chain(&b.thresholds))
    {
        assert_close(y.estimate, x.estimate, 1e-9, 1e-12, &x.name);
        assert_close(y.std_error, x.std_error, 1e-7, 0.0, &x.name);
    }
    assert_close(b.deviance, a.deviance, 1e-9, 0.0, "deviance");
}

/// A category held only by rows left out (here, missing the term) is no category of the
/// fit: the thresholds run over the categories the fit's rows hold.
#[test]
fn categories_only_of_rows_left_out_are_dropped() {
    let data = Dataset::builder()
        .column("y", vec![1u8, 1, 2, 1, 2, 3, 2, 3, 3, 1, 2, 3, 4])
        .column(
            "x",
            vec![
                Some(1.0),
                Some(2.0),
                Some(2.5),
                Some(3.0),
                Some(1.5),
                Some(4.0),
                Some(5.0),
                Some(3.5),
                Some(6.0),
                Some(4.5),
                Some(2.0),
                Some(5.5),
                None,
            ],
        )
        .build()
        .unwrap();
    let fit = Survey::srs(data).unwrap().olr("y", ["x"]).unwrap();
    let names: Vec<&str> = fit.thresholds.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["1|2", "2|3"]);
    assert_eq!((fit.n, fit.n_missing), (12, 1));
    assert!(fit.coefficients[0].estimate > 0.0);
}
