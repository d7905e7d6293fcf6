//! R survey 4.1.1 behaviours the crate once missed, each against R's output
//! (`tests/data/parity_R.R` → `parity_R.json`).

use crate::common::{assert_close, data_path, read_json};
use serde_json::Value;
use std::collections::BTreeMap;
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{self, CategorySelection, DfRule, Domains, Estimate, EstimateOptions};
use survey_stats::interval::ProportionMethod;
use survey_stats::weighting::poststratify_design;

/// A number R wrote as a `%.17g` string.
fn num(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_f64())
        .unwrap_or_else(|| panic!("a number: {v}"))
}

fn load(name: &str) -> Dataset {
    read_csv(data_path(name), &CsvOptions::default()).expect("data")
}

/// `svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)`.
fn clus1(data: &Dataset) -> Design {
    let options = DesignOptions {
        weights: Some("pw".into()),
        clusters: vec!["dnum".into()],
        fpc: vec!["fpc".into()],
        ..Default::default()
    };
    Design::new(data, &options).expect("design")
}

/// `postStratify(design, ~stype, E 4421, H 755, M 1018)`.
fn poststratified(data: &Dataset, design: &Design) -> Design {
    let population: BTreeMap<String, f64> = [("E", 4421.0), ("H", 755.0), ("M", 1018.0)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    poststratify_design(data, design, "stype", &population).expect("postStratify")
}

/// The row of `rows` for the domain `by` (`null`: the whole population).
fn row_of<'a>(rows: &'a [Estimate], by: &Value) -> &'a Estimate {
    let want: Option<BTreeMap<String, String>> = by.as_object().map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("label").to_string()))
            .collect()
    });
    rows.iter()
        .find(|r| r.domain == want)
        .unwrap_or_else(|| panic!("no row for {by}"))
}

/// Item 1: `svyciprop(method = "beta")` uses `nrow()` of the design it is given: the domain's
/// rows (the base's under `df: base`) of an ordinary design, every row of a calibrated one.
#[test]
fn beta_interval_counts_the_rows_of_the_subset_design() {
    let reference = read_json("parity_R.json");
    let data = load("apiclus1.csv");
    let plain = clus1(&data);
    let ps = poststratified(&data, &plain);
    let mut checked = 0;
    for case in reference["beta"]["cases"].as_array().expect("cases") {
        let design = match case["design"].as_str() {
            Some("clus1") => &plain,
            _ => &ps,
        };
        let domains = match case["by"].as_object() {
            Some(by) => Domains::by(&data, &by.keys().collect::<Vec<_>>()).expect("by"),
            None => Domains::whole(),
        };
        let options = EstimateOptions {
            method: ProportionMethod::Beta,
            df: match case["df"].as_str() {
                Some("base") => DfRule::Base,
                _ => DfRule::Domain,
            },
            ..Default::default()
        };
        let variable = case["variable"].as_str().expect("variable");
        let category = CategorySelection::One(case["category"].as_str().expect("c").into());
        let rows = estimate::proportion(&data, design, variable, &category, &domains, &options)
            .expect("proportion");
        let row = row_of(&rows, &case["by"]);
        let what = format!("{case}");
        assert_eq!(row.df, Some(num(&case["degf"])), "{what} df");
        for (got, key) in [
            (row.estimate, "estimate"),
            (row.ci_lower, "ci_lower"),
            (row.ci_upper, "ci_upper"),
        ] {
            let want = num(&case[key]);
            if want.is_nan() {
                assert_eq!(got, None, "{what} {key}: R gives NaN");
            } else {
                assert_close(got.expect(key), want, 1e-9, 0.0, &format!("{what} {key}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * 16);
}

/// Item 2: `svychisq` scales the weighted table to every row of the design, also the rows
/// missing a variable, so the X² that `Chisq` and `saddlepoint` report is R's; the p-values
/// and the other statistics do not depend on that count.
#[test]
fn chisq_scales_the_table_to_every_row_of_the_design() {
    use survey_stats::data::{CategoricalColumn, Column};
    use survey_stats::hypothesis::{ChisqStatistic, independence};
    let reference = &read_json("parity_R.json")["chisq"];
    let mut data = load("apiclus1.csv");
    let acs46 = data.numeric("acs.46").expect("acs.46").clone();
    let k46: Vec<&str> = (0..data.n_rows())
        .map(|i| match acs46.get(i) {
            None => "",
            Some(v) if v >= 30.0 => "big",
            Some(_) => "small",
        })
        .collect();
    let column = Column::Categorical(CategoricalColumn::from_strings(&k46, &[""]));
    data.set_column("k46", column).expect("k46");
    let design = clus1(&data);
    for (name, statistic) in [
        ("F", ChisqStatistic::F),
        ("Chisq", ChisqStatistic::Chisq),
        ("saddlepoint", ChisqStatistic::Saddlepoint),
        ("Wald", ChisqStatistic::Wald),
        ("adjWald", ChisqStatistic::AdjWald),
    ] {
        let test = independence(&data, &design, "sch.wide", "k46", statistic).expect(name);
        let want = &reference["tests"][name];
        for (got, key) in [(test.statistic, "statistic"), (test.p_value, "p_value")] {
            assert_close(
                got.expect(key),
                num(&want[key]),
                1e-9,
                0.0,
                &format!("{name} {key}"),
            );
        }
        assert_eq!(test.n as f64, num(&reference["n_complete"]), "{name} n");
    }
}

/// `svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)`.
fn strat(data: &Dataset) -> Design {
    let options = DesignOptions {
        weights: Some("pw".into()),
        strata: Some("stype".into()),
        fpc: vec!["fpc".into()],
        ..Default::default()
    };
    Design::new(data, &options).expect("design")
}

/// Checks `got` against R's `%.17g` string (`NaN`: no value) at relative `rel`.
fn check(got: Option<f64>, want: &Value, rel: f64, what: &str) {
    let want = num(want);
    if want.is_nan() {
        assert_eq!(got, None, "{what}: R gives NaN");
    } else {
        assert_close(got.unwrap_or(f64::NAN), want, rel, 0.0, what);
    }
}

/// Item 3: `svyquantile(na.rm = TRUE)` drops the rows missing the variable before
/// `degf(design)`, so its degrees of freedom are the base's (96 where the whole design has
/// 197), and the beta interval uses them even with a given `df`.
#[test]
fn quantile_degrees_of_freedom_are_those_of_the_rows_with_the_variable() {
    use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
    let reference = read_json("parity_R.json");
    let strat_data = load("apistrat.csv");
    let clus1_data = load("apiclus1.csv");
    let (strat, clus1) = (strat(&strat_data), clus1(&clus1_data));
    let mut checked = 0;
    for case in reference["quantile_na_rm"]["cases"]
        .as_array()
        .expect("cases")
    {
        let (data, design) = match case["design"].as_str() {
            Some("strat") => (&strat_data, &strat),
            _ => (&clus1_data, &clus1),
        };
        let domains = match case["by"].as_object() {
            Some(by) => Domains::by(data, &by.keys().collect::<Vec<_>>()).expect("by"),
            None => Domains::whole(),
        };
        let options = EstimateOptions {
            df: case["df_arg"]
                .as_f64()
                .map_or(DfRule::Domain, DfRule::Fixed),
            ..Default::default()
        };
        let interval = match case["interval"].as_str() {
            Some("beta") => QuantileInterval::Beta,
            _ => QuantileInterval::Mean,
        };
        let prob = case["prob"].as_f64().expect("prob");
        let variable = case["variable"].as_str().expect("variable");
        let rows = estimate::quantiles(
            data,
            design,
            variable,
            &[prob],
            QuantileRule::Math,
            interval,
            &domains,
            &options,
        )
        .expect("quantile");
        let row = row_of(&rows, &case["by"]);
        let what = format!("{case}");
        if case["df_arg"].is_string() {
            assert_eq!(row.df, Some(num(&case["df"])), "{what} df");
        }
        for (got, key) in [
            (row.estimate, "estimate"),
            (row.ci_lower, "ci_lower"),
            (row.ci_upper, "ci_upper"),
            (row.std_error, "se"),
        ] {
            check(got, &case[key], 1e-12, &format!("{what} {key}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 14);
}

/// Item 4: under `fail`, R's `svydesign` accepts a lonely PSU and its variance fails only for
/// an estimate with rows in that stratum (or, at stage 2, in that PSU): the other domains
/// are estimated as R's `subset` designs are; the domain in it gets its estimate without an
/// SE, and the whole population fails as in R.
#[test]
fn lonely_psu_under_fail_spares_the_domains_outside_it() {
    use survey_stats::design::DesignError;
    use survey_stats::estimate::EstimateError;
    use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
    let reference = &read_json("parity_R.json")["lonely_fail"];
    let designs = [
        (
            "lonely",
            load("lonely.csv"),
            DesignOptions {
                weights: Some("pw".into()),
                strata: Some("stype".into()),
                clusters: vec!["dnum".into()],
                nest: true,
                ..Default::default()
            },
        ),
        (
            "lonely_stage2",
            load("lonely_stage2.csv"),
            DesignOptions {
                clusters: vec!["dnum".into(), "snum".into()],
                fpc: vec!["fpc1".into(), "fpc2".into()],
                ..Default::default()
            },
        ),
    ];
    let mut checked = 0;
    for (name, data, options) in &designs {
        let design = Design::new(data, options).expect("R's svydesign accepts it");
        let whole = estimate::mean(
            data,
            &design,
            "api00",
            &Domains::whole(),
            &Default::default(),
        );
        assert!(
            matches!(
                whole,
                Err(EstimateError::Design(DesignError::LonelyPsu { .. }))
            ),
            "{name}: R fails for the whole population: {}",
            reference["whole_design_error"]
        );
        let by = Domains::by(data, &["stype"]).expect("by");
        let options = EstimateOptions::default();
        let means = estimate::mean(data, &design, "api00", &by, &options).expect("means");
        let medians = estimate::quantiles(
            data,
            &design,
            "api00",
            &[0.5],
            QuantileRule::Math,
            QuantileInterval::Mean,
            &by,
            &options,
        )
        .expect("medians");
        for case in reference["cases"].as_array().expect("cases") {
            if case["design"] != *name {
                continue;
            }
            let domain = serde_json::json!({ "stype": case["stype"] });
            let (mean, median) = (row_of(&means, &domain), row_of(&medians, &domain));
            let what = format!("{name} {domain}");
            check(
                mean.estimate,
                &case["estimate"],
                1e-12,
                &format!("{what} mean"),
            );
            if let Some(error) = case["r_error"].as_str() {
                assert_eq!(mean.std_error, None, "{what}: R fails with {error}");
                assert!(
                    mean.note.as_deref().unwrap_or("").contains("only one PSU"),
                    "{what}"
                );
                assert_eq!((median.ci_lower, median.ci_upper), (None, None), "{what}");
                assert!(median.note.is_some(), "{what}");
                checked += 1;
                continue;
            }
            assert_eq!(mean.df, Some(num(&case["df"])), "{what} df");
            for (got, key) in [
                (mean.std_error, "se"),
                (mean.ci_lower, "ci_lower"),
                (mean.ci_upper, "ci_upper"),
                (median.estimate, "median"),
                (median.ci_lower, "median_ci_lower"),
                (median.ci_upper, "median_ci_upper"),
            ] {
                check(got, &case[key], 1e-9, &format!("{what} {key}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

/// Item 6: under `average`, a domain made only of a lonely stratum has no variance (R's
/// `nstrat/nokstrat` is 1/0: SE NaN): no SE and a note, not an SE of 0.
#[test]
fn lonely_psu_average_of_no_strata_is_no_standard_error() {
    use survey_stats::design::LonelyPsu;
    use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
    let reference = &read_json("parity_R.json")["lonely_average"];
    let data = load("lonely.csv");
    let options = DesignOptions {
        weights: Some("pw".into()),
        strata: Some("stype".into()),
        clusters: vec!["dnum".into()],
        nest: true,
        lonely_psu: LonelyPsu::Average,
        ..Default::default()
    };
    let design = Design::new(&data, &options).expect("design");
    let by = Domains::by(&data, &["stype"]).expect("by");
    let options = EstimateOptions::default();
    let means = estimate::mean(&data, &design, "api00", &by, &options).expect("means");
    let medians = estimate::quantiles(
        &data,
        &design,
        "api00",
        &[0.5],
        QuantileRule::Math,
        QuantileInterval::Mean,
        &by,
        &options,
    )
    .expect("medians");
    for case in reference["cases"].as_array().expect("cases") {
        let domain = serde_json::json!({ "stype": case["stype"] });
        let (mean, median) = (row_of(&means, &domain), row_of(&medians, &domain));
        for (got, key) in [
            (mean.estimate, "estimate"),
            (mean.std_error, "se"),
            (median.estimate, "median"),
            (median.ci_lower, "median_ci_lower"),
            (median.ci_upper, "median_ci_upper"),
        ] {
            check(got, &case[key], 1e-9, &format!("{domain} {key}"));
        }
        if mean.std_error.is_none() {
            assert!(mean.note.is_some() && mean.ci_lower.is_none(), "{domain}");
        }
    }
}

/// Item 5: the saddlepoint p-value repeats a term ⌊d₀·ν⌋ times; d₀·ν = 2·6 = 12 here in
/// exact arithmetic (equal weights: Δ is a multiple of I), R gets 12, and a value a few ulps
/// below must not drop a term (p 0.92597 instead of R's 0.91960).
#[test]
fn saddlepoint_whole_degrees_of_freedom_do_not_depend_on_rounding() {
    use survey_stats::hypothesis::{ChisqStatistic, independence};
    let reference = &read_json("parity_R.json")["saddlepoint"];
    let data = load("saddlepoint_tie.csv");
    let options = DesignOptions {
        weights: Some("w".into()),
        ..Default::default()
    };
    let design = Design::new(&data, &options).expect("design");
    let test = independence(&data, &design, "a", "b", ChisqStatistic::Saddlepoint).expect("test");
    assert_close(
        test.ddf.expect("ddf"),
        num(&reference["ddf"]),
        1e-12,
        0.0,
        "ddf",
    );
    let want = [("statistic", test.statistic), ("p_value", test.p_value)];
    for (key, got) in want {
        assert_close(got.expect(key), num(&reference[key]), 1e-9, 0.0, key);
    }
    let f = independence(&data, &design, "a", "b", ChisqStatistic::F).expect("F");
    assert_close(f.ndf.expect("ndf"), num(&reference["d0"]), 1e-12, 0.0, "d0");
    let f_p = f.p_value.expect("p");
    assert_close(f_p, num(&reference["f_p_value"]), 1e-9, 0.0, "F p");
}

/// Item 7: at a probability equal to a cumulative share R's `qs` sees a tie (`wlow == 0`:
/// school takes the midpoint, math the lower value) because both `cumsum(w)` and `sum(w)`
/// are accumulated in R's long double; the correctly rounded sums can miss it by an ulp
/// (school gave 476, the next value, where R gives 477, the midpoint of 476 and 478).
#[test]
fn quantile_rules_see_rs_ties_at_cumulative_shares() {
    use survey_stats::estimate::quantile::{QuantileRule, quantile};
    let reference = &read_json("parity_R.json")["school"];
    let numbers = |v: &Value| -> Vec<f64> {
        match v {
            Value::String(list) => list
                .split(' ')
                .map(|x| x.parse().expect("number"))
                .collect(),
            Value::Array(items) => items.iter().map(num).collect(),
            _ => panic!("a list: {v}"),
        }
    };
    let found = &reference["found"];
    let many = &reference["many"];
    let cases = [
        ("found", numbers(&found["x"]), numbers(&found["w"]), found),
        (
            "many",
            numbers(&many["x"]),
            numbers(&many["k"]).iter().map(|k| k / 10000.0).collect(),
            many,
        ),
    ];
    let mut checked = 0;
    for (name, x, w, case) in &cases {
        let p = numbers(&case["p"]);
        for (rule, key) in [
            (QuantileRule::School, "school"),
            (QuantileRule::Math, "math"),
            (QuantileRule::Hf7, "hf7"),
        ] {
            for (&p, want) in p.iter().zip(numbers(&case[key])) {
                let got = quantile(x, w, p, rule).expect("quantile");
                assert_eq!(got, want, "{name} {key} at p = {p:e}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * (12 + 31));
}

/// Item 8: `svyquantile(interval.type = "quantile")` on a replicate design: the replicates'
/// quantiles give the SE and `q̂ ∓ t·SE` the interval (R's `repCI`), whole and per domain.
#[test]
fn replicate_quantile_interval_is_rs_rep_ci() {
    use survey_stats::design::{ReplicateOptions, ReplicateType};
    use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
    let reference = &read_json("parity_R.json")["rep_quantile"];
    let mut checked = 0;
    for (name, meta) in reference["designs"].as_object().expect("designs") {
        let data = load(&format!("rep_{name}.csv"));
        let options = ReplicateOptions {
            columns: vec![],
            prefix: Some("rw".into()),
            combined_weights: true,
            kind: match meta["type"].as_str() {
                Some("JK1") => ReplicateType::JK1,
                _ => ReplicateType::BRR,
            },
            rho: None,
            scale: Some(num(&meta["scale"])),
            rscales: Some(
                meta["rscales"]
                    .as_array()
                    .expect("rscales")
                    .iter()
                    .map(num)
                    .collect(),
            ),
            mse: meta["mse"].as_bool().expect("mse"),
        };
        let design = Design::with_replicate_columns(&data, "fullw", &options).expect("design");
        for case in reference["cases"].as_array().expect("cases") {
            if case["design"] != *name {
                continue;
            }
            let domains = match case["by"].as_object() {
                Some(by) => Domains::by(&data, &by.keys().collect::<Vec<_>>()).expect("by"),
                None => Domains::whole(),
            };
            let rule = match case["rule"].as_str() {
                Some("hf7") => QuantileRule::Hf7,
                _ => QuantileRule::Math,
            };
            let prob = case["prob"].as_f64().expect("prob");
            let rows = estimate::quantiles(
                &data,
                &design,
                "api00",
                &[prob],
                rule,
                QuantileInterval::Quantile,
                &domains,
                &EstimateOptions::default(),
            )
            .expect("quantile");
            let row = row_of(&rows, &case["by"]);
            let what = format!("{case}");
            assert_eq!(row.df, Some(num(&case["df"])), "{what} df");
            for (got, key) in [
                (row.estimate, "estimate"),
                (row.ci_lower, "ci_lower"),
                (row.ci_upper, "ci_upper"),
                (row.std_error, "se"),
            ] {
                check(got, &case[key], 1e-12, &format!("{what} {key}"));
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 36);
    // On a design without replicates there are no replicates' quantiles.
    let strat_data = load("apistrat.csv");
    let taylor = estimate::quantiles(
        &strat_data,
        &strat(&strat_data),
        "api00",
        &[0.5],
        QuantileRule::Math,
        QuantileInterval::Quantile,
        &Domains::whole(),
        &EstimateOptions::default(),
    );
    assert!(taylor.is_err());
}
