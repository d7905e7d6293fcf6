//! Every record of `tests/data/reference.json` (R survey 4.1.1 on the California API
//! samples) recomputed through the library and compared value by value. A new record of a
//! known estimator is tested without new code.

use crate::common::{close, data_path, read_json, tolerance};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions, LonelyPsu};
use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
use survey_stats::estimate::{
    self, CategorySelection, Domains, Estimate, EstimateOptions, IntervalKind,
};
use survey_stats::hypothesis::{ChisqStatistic, independence};
use survey_stats::interval::{ConfidenceLevel, ProportionMethod};
use survey_stats::weighting::{self, CalibrateOptions, RakeControl};

/// A design of the oracle with its data.
struct Case {
    data: Dataset,
    design: Design,
}

fn load(design_id: &str, grouped: bool) -> Option<Case> {
    let opts =
        |w: Option<&str>, strata: Option<&str>, clusters: &[&str], fpc: &[&str]| DesignOptions {
            weights: w.map(String::from),
            strata: strata.map(String::from),
            clusters: clusters.iter().map(|s| s.to_string()).collect(),
            fpc: fpc.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
    let lonely = |policy: LonelyPsu| DesignOptions {
        nest: true,
        lonely_psu: policy,
        ..opts(Some("pw"), Some("stype"), &["dnum"], &[])
    };
    let (file, options) = match design_id {
        "srs_fpc" => ("apisrs.csv", opts(None, None, &[], &["fpc"])),
        "strat_fpc" => (
            "apistrat.csv",
            opts(Some("pw"), Some("stype"), &[], &["fpc"]),
        ),
        "strat_nofpc" => ("apistrat.csv", opts(Some("pw"), Some("stype"), &[], &[])),
        "clus1_fpc" => ("apiclus1.csv", opts(Some("pw"), None, &["dnum"], &["fpc"])),
        // extra_reference.json (tests/data/extra_designs_R.R)
        "clus2_fpc" => (
            "apiclus2.csv",
            opts(None, None, &["dnum", "snum"], &["fpc1", "fpc2"]),
        ),
        "clus2_pw" => (
            "apiclus2.csv",
            opts(Some("pw"), None, &["dnum", "snum"], &[]),
        ),
        "strat_clus_nest" => (
            "apistrat.csv",
            DesignOptions {
                nest: true,
                ..opts(Some("pw"), Some("stype"), &["dnum"], &[])
            },
        ),
        "lonely_remove" => ("lonely.csv", lonely(LonelyPsu::Remove)),
        "lonely_certainty" => ("lonely.csv", lonely(LonelyPsu::Certainty)),
        "lonely_adjust" => ("lonely.csv", lonely(LonelyPsu::Adjust)),
        "lonely_average" => ("lonely.csv", lonely(LonelyPsu::Average)),
        // Weighted designs: the base design, then R's adjustment (population from apipop).
        "srs_poststrat" | "srs_rake" | "srs_rake_tight" => {
            ("apisrs.csv", opts(None, None, &[], &["fpc"]))
        }
        "clus1_calib_linear" => ("apiclus1.csv", opts(Some("pw"), None, &["dnum"], &["fpc"])),
        _ => return None,
    };
    let mut data = read_csv(data_path(file), &CsvOptions::default()).expect("oracle data");
    let design = if grouped {
        Design::new_grouped(&mut data, &options)
    } else {
        Design::new(&data, &options)
    }
    .expect("oracle design");
    let counts = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let stype = counts(&[("E", 4421.0), ("H", 755.0), ("M", 1018.0)]);
    let margins = [
        ("stype".to_string(), stype.clone()),
        (
            "sch.wide".to_string(),
            counts(&[("No", 1072.0), ("Yes", 5122.0)]),
        ),
    ];
    let design = match design_id {
        "srs_poststrat" => {
            weighting::poststratify_design(&data, &design, "stype", &stype).expect("postStratify")
        }
        "srs_rake" => {
            weighting::rake_design(&data, &design, &margins, RakeControl::default())
                .expect("rake")
                .0
        }
        "srs_rake_tight" => {
            let tight = RakeControl {
                max_iter: 1000,
                epsilon: 1e-12,
            };
            weighting::rake_design(&data, &design, &margins, tight)
                .expect("rake")
                .0
        }
        "clus1_calib_linear" => {
            let categorical = BTreeMap::from([("stype".to_string(), stype)]);
            let numeric = counts(&[("api99", 3914069.0)]);
            weighting::calibrate_design(
                &data,
                &design,
                None,
                &categorical,
                &numeric,
                CalibrateOptions::default(),
            )
            .expect("calibrate")
            .0
        }
        _ => design,
    };
    Some(Case { data, design })
}

fn method_of(name: &str) -> ProportionMethod {
    serde_json::from_value(Value::String(name.to_string())).expect("a svyciprop method")
}

fn one(
    rows: Vec<Estimate>,
    domain: Option<&BTreeMap<String, String>>,
    category: Option<&str>,
) -> Estimate {
    rows.into_iter()
        .find(|r| {
            r.domain.as_ref() == domain && (category.is_none() || r.category.as_deref() == category)
        })
        .expect("the estimate's row")
}

fn put(out: &mut HashMap<String, f64>, name: &str, v: Option<f64>) {
    if let Some(v) = v {
        out.insert(name.to_string(), v);
    }
}

/// Computes the values of one record; `None` when its estimator is not supported yet.
fn compute(case: &Case, rec: &Value) -> Option<HashMap<String, f64>> {
    let (data, design) = (&case.data, &case.design);
    let estimator = rec["estimator"].as_str()?;
    let variable = rec["variable"].as_str().unwrap_or_default();
    let level = rec["level"].as_str();
    let domain: Option<BTreeMap<String, String>> = rec
        .get("domain")
        .and_then(|d| serde_json::from_value(d.clone()).ok());
    let options = &rec["options"];
    let mut out = HashMap::new();
    let whole = Domains::whole();
    let normal = EstimateOptions {
        interval: IntervalKind::Normal,
        method: ProportionMethod::Mean,
        ..Default::default()
    };
    let t = EstimateOptions {
        method: ProportionMethod::Mean,
        ..Default::default()
    };
    match estimator {
        "degf" => put(&mut out, "degf", Some(design.degrees_of_freedom())),
        "svymean" | "svytotal" if rec["id"].as_str()?.ends_with("/vcov") => {
            let m = |v: &str| {
                one(
                    estimate::mean(data, design, v, &whole, &t).unwrap(),
                    None,
                    None,
                )
            };
            let (a, b) = (m("api00"), m("api99"));
            let d = one(
                estimate::difference(data, design, "api00", "api99", &whole, &t).unwrap(),
                None,
                None,
            );
            let (va, vb, vd) = (
                a.std_error?.powi(2),
                b.std_error?.powi(2),
                d.std_error?.powi(2),
            );
            put(&mut out, "mean_api00", a.estimate);
            put(&mut out, "mean_api99", b.estimate);
            put(&mut out, "var_api00", Some(va));
            put(&mut out, "var_api99", Some(vb));
            put(&mut out, "cov_api00_api99", Some((va + vb - vd) / 2.0));
        }
        "svymean" | "svytotal" => {
            let run = |o: &EstimateOptions| -> Estimate {
                match (estimator, level) {
                    ("svymean", None) => one(
                        estimate::mean(data, design, variable, &whole, o).unwrap(),
                        None,
                        None,
                    ),
                    (_, None) => one(
                        estimate::total(data, design, variable, &whole, o).unwrap(),
                        None,
                        None,
                    ),
                    ("svymean", Some(l)) => one(
                        estimate::proportion(
                            data,
                            design,
                            variable,
                            &CategorySelection::All,
                            &whole,
                            o,
                        )
                        .unwrap(),
                        None,
                        Some(l),
                    ),
                    (_, Some(l)) => one(
                        estimate::count(data, design, variable, &CategorySelection::All, &whole, o)
                            .unwrap(),
                        None,
                        Some(l),
                    ),
                }
            };
            let (n, tt) = (run(&normal), run(&t));
            put(&mut out, "estimate", tt.estimate);
            put(&mut out, "se", tt.std_error);
            put(&mut out, "variance", tt.std_error.map(|s| s * s));
            put(&mut out, "ci95_normal_lower", n.ci_lower);
            put(&mut out, "ci95_normal_upper", n.ci_upper);
            put(&mut out, "ci95_t_lower", tt.ci_lower);
            put(&mut out, "ci95_t_upper", tt.ci_upper);
            put(&mut out, "deff", tt.deff);
            put(&mut out, "deff_replace", tt.deff_replace);
            put(&mut out, "n_nonmissing", Some(tt.n as f64));
        }
        "svyciprop" => {
            let o = EstimateOptions {
                method: method_of(options["method"].as_str()?),
                level: ConfidenceLevel::new(options["conf_level"].as_f64()?).ok()?,
                ..Default::default()
            };
            let sel = CategorySelection::One(level?.to_string());
            let r = one(
                estimate::proportion(data, design, variable, &sel, &whole, &o).unwrap(),
                None,
                None,
            );
            put(&mut out, "estimate", r.estimate);
            put(&mut out, "se", r.std_error);
            put(&mut out, "ci_lower", r.ci_lower);
            put(&mut out, "ci_upper", r.ci_upper);
            put(&mut out, "ci_lower_exact_root", r.ci_lower);
            put(&mut out, "ci_upper_exact_root", r.ci_upper);
            put(&mut out, "df", r.df);
        }
        "svyby" => {
            let dom = domain.as_ref()?;
            let by: Vec<String> = dom.keys().cloned().collect();
            let domains = Domains::by(data, &by).unwrap();
            let r = match (options["FUN"].as_str(), level) {
                (Some("svymean"), None) => one(
                    estimate::mean(data, design, variable, &domains, &t).unwrap(),
                    Some(dom),
                    None,
                ),
                (Some("svytotal"), None) => one(
                    estimate::total(data, design, variable, &domains, &t).unwrap(),
                    Some(dom),
                    None,
                ),
                (Some("svymean"), Some(l)) => one(
                    estimate::proportion(
                        data,
                        design,
                        variable,
                        &CategorySelection::All,
                        &domains,
                        &t,
                    )
                    .unwrap(),
                    Some(dom),
                    Some(l),
                ),
                (_, Some(l)) => {
                    let o = EstimateOptions {
                        method: method_of(options["method"].as_str()?),
                        level: ConfidenceLevel::new(options["conf_level"].as_f64()?).ok()?,
                        ..Default::default()
                    };
                    let sel = CategorySelection::One(l.to_string());
                    one(
                        estimate::proportion(data, design, variable, &sel, &domains, &o).unwrap(),
                        Some(dom),
                        None,
                    )
                }
                _ => return None,
            };
            put(&mut out, "estimate", r.estimate);
            put(&mut out, "se", r.std_error);
            put(&mut out, "deff", r.deff);
            put(&mut out, "domain_degf", r.df);
            put(&mut out, "df", r.df);
            put(&mut out, "ci_lower", r.ci_lower);
            put(&mut out, "ci_upper", r.ci_upper);
        }
        "svytable" => {
            let l = level?;
            let r = if let Some(cells) = l.strip_prefix("sch.wide=") {
                let (sw, st) = cells.split_once(",stype=")?;
                let dom = BTreeMap::from([("stype".to_string(), st.to_string())]);
                let domains = Domains::by(data, &["stype".to_string()]).unwrap();
                let sel = CategorySelection::One(sw.to_string());
                one(
                    estimate::count(data, design, "sch.wide", &sel, &domains, &t).unwrap(),
                    Some(&dom),
                    None,
                )
            } else {
                let sel = CategorySelection::One(l.to_string());
                one(
                    estimate::count(data, design, variable, &sel, &whole, &t).unwrap(),
                    None,
                    None,
                )
            };
            put(&mut out, "weighted_count", r.estimate);
        }
        "svycontrast" => {
            let (a, b) = variable.split_once('-')?;
            let r = one(
                estimate::difference(data, design, a, b, &whole, &t).unwrap(),
                None,
                None,
            );
            put(&mut out, "estimate", r.estimate);
            put(&mut out, "se", r.std_error);
        }
        "svyratio" => {
            let (a, b) = variable.split_once('/')?;
            let r = one(
                estimate::ratio(data, design, a, b, &whole, &t).unwrap(),
                None,
                None,
            );
            put(&mut out, "estimate", r.estimate);
            put(&mut out, "se", r.std_error);
        }
        "svyquantile" => {
            let rule: QuantileRule = serde_json::from_value(options["qrule"].clone()).ok()?;
            let itype: QuantileInterval =
                serde_json::from_value(options["interval_type"].clone()).ok()?;
            let p = options["quantile"].as_f64()?;
            let r =
                estimate::quantiles(data, design, variable, &[p], rule, itype, &whole, &t).unwrap();
            put(&mut out, "estimate", r[0].estimate);
            put(&mut out, "ci_lower", r[0].ci_lower);
            put(&mut out, "ci_upper", r[0].ci_upper);
            put(&mut out, "se", r[0].std_error);
        }
        "svychisq" => {
            let (a, b) = variable.split_once(',')?;
            let stat: ChisqStatistic = serde_json::from_value(options["statistic"].clone()).ok()?;
            let r = independence(data, design, a, b, stat).unwrap();
            put(&mut out, "statistic", r.statistic);
            put(&mut out, "p_value", r.p_value);
            put(&mut out, "ndf", r.ndf);
            put(&mut out, "ddf", r.ddf);
            put(&mut out, "df", r.ndf);
        }
        _ => return None,
    }
    Some(out)
}
#[test]
fn every_reference_value() {
    let (records, checked) = check_file("reference.json", false);
    assert!(
        records == 792 && checked == 3880,
        "{records} records, {checked} values"
    );
}

/// Speed never changes a number: every reference value again, with the rows of each design
/// grouped by PSU (`Design::new_grouped`), including the two-stage, lonely-PSU and
/// weighted designs.
#[test]
fn every_reference_value_on_grouped_rows() {
    assert_eq!(check_file("reference.json", true), (792, 3880));
    assert_eq!(check_file("extra_reference.json", true), (91, 300));
}

/// Two-stage clusters with fpc at both stages, nest = TRUE and every lonely-PSU policy:
/// designs R's oracle lacks, computed by `tests/data/extra_designs_R.R`.
#[test]
fn every_value_of_the_extra_designs() {
    let (records, checked) = check_file("extra_reference.json", false);
    // 301 values, one of them null (R: NaN for a domain made only of a lonely stratum).
    assert!(
        records == 91 && checked == 300,
        "{records} records, {checked} values"
    );
}

/// Checks every record of a reference file whose design and estimator are supported;
/// returns the records and values checked.
fn check_file(name: &str, grouped: bool) -> (usize, usize) {
    let reference = read_json(name);
    let mut cases: HashMap<String, Option<Case>> = HashMap::new();
    let (mut checked, mut records, mut skipped) =
        (0usize, 0usize, BTreeMap::<String, usize>::new());
    let mut failures = Vec::new();
    for rec in reference["results"].as_array().expect("results") {
        let design_id = rec["design"].as_str().expect("design");
        let case = cases
            .entry(design_id.to_string())
            .or_insert_with(|| load(design_id, grouped));
        let Some(case) = case else { continue };
        let key = format!("{design_id}/{}", rec["estimator"].as_str().unwrap_or(""));
        let Some(got) = compute(case, rec) else {
            *skipped.entry(key).or_default() += 1;
            continue;
        };
        records += 1;
        for (name, want) in rec["values"].as_object().expect("values") {
            let Some(want) = want.as_f64() else { continue };
            let (rel, abs) = tolerance(rec, name);
            match got.get(name) {
                Some(&g) if close(g, want, rel, abs) => checked += 1,
                Some(&g) => failures.push(format!("{} {name}: got {g:e} want {want:e}", rec["id"])),
                None => failures.push(format!("{} {name}: not computed", rec["id"])),
            }
        }
    }
    eprintln!("{name}: {records} records, {checked} values matched; not yet covered: {skipped:?}");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (records, checked)
}
