//! `svyquantile` against R survey 4.1.1 (reference values in `tests/data/reference.json`,
//! see `tests/data/SOURCES.md`), plus invariants of the quantile rules.
//!
//! The design engine is played by a small one-stage linearisation written here: the share of
//! rows with `x <= t` and its SE, as R's `svymean(x <= t, design)`:
//!
//! ```text
//! z_k = w_k (y_k − ŷ)/Σw,  y_k = 1[x_k <= t];  z_hi = PSU totals
//! V = Σ_h (1 − f_h)·n_h/(n_h − 1)·Σ_i (z_hi − z̄_h)²,  f_h = n_h/N_h (0 without fpc)
//! ```

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::Value;
use survey_stats::estimate::quantile::{
    QuantileError, QuantileEstimate, QuantileInterval, QuantileRule, QuantileSettings, quantile,
    quantile_with_interval,
};

use survey_stats::data::{self as engine_data, Column, CsvOptions, Dataset, NumericColumn};
use survey_stats::design::{Design as EngineDesign, DesignOptions};
use survey_stats::estimate::{self, DfRule, Domains, EstimateOptions, IntervalKind};
use survey_stats::interval::dist;

use crate::common::assert_close;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

/// Columns of a CSV written by R's `write.csv` (quoted strings, no embedded quotes needed).
fn read_csv(file: &str) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(format!("{DATA}{file}")).expect("test data file");
    let mut lines = text.lines();
    let split = |line: &str| -> Vec<String> {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        for ch in line.chars() {
            match ch {
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                _ => field.push(ch),
            }
        }
        fields.push(field);
        fields
    };
    let header = split(lines.next().expect("header"));
    let mut columns: BTreeMap<String, Vec<String>> =
        header.iter().map(|h| (h.clone(), Vec::new())).collect();
    for line in lines.filter(|l| !l.is_empty()) {
        for (name, value) in header.iter().zip(split(line)) {
            columns.get_mut(name).expect("column").push(value);
        }
    }
    columns
}

fn numbers(columns: &BTreeMap<String, Vec<String>>, name: &str) -> Vec<f64> {
    columns[name]
        .iter()
        .map(|v| v.parse().expect("number"))
        .collect()
}

/// A one-stage design: strata, PSUs, optional population sizes (PSUs per stratum).
struct Design {
    x: Vec<f64>,
    w: Vec<f64>,
    strata: Vec<String>,
    psu: Vec<String>,
    pop_size: Option<Vec<f64>>,
    degf: f64,
}

impl Design {
    fn load(id: &str) -> Design {
        let (file, stratified, clustered, fpc) = match id {
            "srs_fpc" => ("apisrs.csv", false, false, true),
            "strat_fpc" => ("apistrat.csv", true, false, true),
            "strat_nofpc" => ("apistrat.csv", true, false, false),
            "clus1_fpc" => ("apiclus1.csv", false, true, true),
            _ => panic!("unknown design {id}"),
        };
        let c = read_csv(file);
        let x = numbers(&c, "api00");
        let n = x.len();
        let fpc_col = numbers(&c, "fpc");
        // srs_fpc has no weights argument: R weighs each row 1/(n/N) = N/n.
        let w = if id == "srs_fpc" {
            fpc_col
                .iter()
                .map(|big_n| 1.0 / (n as f64 / big_n))
                .collect()
        } else {
            numbers(&c, "pw")
        };
        let strata = if stratified {
            c["stype"].clone()
        } else {
            vec![String::new(); n]
        };
        let psu = if clustered {
            c["dnum"].clone()
        } else {
            (0..n).map(|i| i.to_string()).collect()
        };
        let mut design = Design {
            x,
            w,
            strata,
            psu,
            pop_size: fpc.then_some(fpc_col),
            degf: 0.0,
        };
        let groups = design.psu_groups();
        design.degf = (groups.values().map(|g| g.len()).sum::<usize>() - groups.len()) as f64;
        design
    }

    /// stratum -> PSU -> rows.
    fn psu_groups(&self) -> BTreeMap<&str, BTreeMap<&str, Vec<usize>>> {
        let mut g: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
        for k in 0..self.x.len() {
            g.entry(&self.strata[k])
                .or_default()
                .entry(&self.psu[k])
                .or_default()
                .push(k);
        }
        g
    }

    /// `svymean(x <= t, design)`: share and linearisation SE.
    fn cdf(&self, t: f64) -> (f64, f64) {
        let total: f64 = self.w.iter().sum();
        let y: Vec<f64> = self
            .x
            .iter()
            .map(|&v| f64::from(u8::from(v <= t)))
            .collect();
        let share = self.w.iter().zip(&y).map(|(w, y)| w * y).sum::<f64>() / total;
        let z: Vec<f64> = self
            .w
            .iter()
            .zip(&y)
            .map(|(w, y)| w * (y - share) / total)
            .collect();
        let mut variance = 0.0;
        for psus in self.psu_groups().values() {
            let n_h = psus.len() as f64;
            let totals: Vec<f64> = psus
                .values()
                .map(|rows| rows.iter().map(|&k| z[k]).sum())
                .collect();
            let mean = totals.iter().sum::<f64>() / n_h;
            let ss: f64 = totals.iter().map(|t| (t - mean).powi(2)).sum();
            let first_row = psus.values().next().expect("psu")[0];
            let fpc = self
                .pop_size
                .as_ref()
                .map_or(1.0, |pop| 1.0 - n_h / pop[first_row]);
            variance += fpc * n_h / (n_h - 1.0) * ss;
        }
        (share, variance.sqrt())
    }

    fn estimate(
        &self,
        p: f64,
        settings: &QuantileSettings,
    ) -> Result<QuantileEstimate, QuantileError> {
        let mut cdf = |t: f64| -> Result<(f64, f64), QuantileError> { Ok(self.cdf(t)) };
        quantile_with_interval(&self.x, &self.w, p, settings, &mut cdf)
    }
}

fn parse_rule(name: &str) -> QuantileRule {
    serde_json::from_value(Value::String(name.to_owned())).expect("rule")
}

fn parse_interval(name: &str) -> QuantileInterval {
    serde_json::from_value(Value::String(name.to_owned())).expect("interval")
}

#[test]
fn svyquantile_matches_r_survey() {
    let text = std::fs::read_to_string(format!("{DATA}reference.json")).expect("reference.json");
    let reference: Value = serde_json::from_str(&text).expect("json");
    let designs = ["srs_fpc", "strat_fpc", "strat_nofpc", "clus1_fpc"];
    let loaded: BTreeMap<&str, Design> = designs.iter().map(|&d| (d, Design::load(d))).collect();
    let mut checked = 0;
    for record in reference["results"].as_array().expect("results") {
        let design_id = record["design"].as_str().expect("design");
        if record["estimator"] != "svyquantile" || !designs.contains(&design_id) {
            continue;
        }
        let design = &loaded[design_id];
        let options = &record["options"];
        let df = options["df"].as_f64().expect("df");
        assert_eq!(df, design.degf, "degf of {design_id}");
        let level = 1.0 - options["alpha"].as_f64().expect("alpha");
        let settings = QuantileSettings::new(df)
            .with_rule(parse_rule(options["qrule"].as_str().expect("qrule")))
            .with_interval(parse_interval(
                options["interval_type"].as_str().expect("interval_type"),
            ))
            .with_level(level);
        let p = options["quantile"].as_f64().expect("quantile");
        let id = record["id"].as_str().expect("id");
        let got = design
            .estimate(p, &settings)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let values = [
            ("estimate", Some(got.estimate)),
            ("ci_lower", got.ci_lower),
            ("ci_upper", got.ci_upper),
            ("se", got.std_error),
        ];
        for (name, value) in values {
            let want = record["values"][name].as_f64().expect("reference value");
            let tolerance = &record["tolerance"][name];
            let rel = tolerance["rel"].as_f64().unwrap_or(1e-6);
            let abs = tolerance["abs"].as_f64().unwrap_or(1e-9);
            let value = value.unwrap_or_else(|| panic!("{id} {name}: no value"));
            assert_close(value, want, rel, abs, &format!("{id} {name}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 21 * 4, "values checked");
}

/// The score interval's bounds match R exactly here (R's uniroot is reproduced step by
/// step), although the reference file only promises rel 0.05 for them.
#[test]
fn score_interval_matches_r_exactly() {
    let text = std::fs::read_to_string(format!("{DATA}reference.json")).expect("reference.json");
    let reference: Value = serde_json::from_str(&text).expect("json");
    for design_id in ["srs_fpc", "strat_fpc", "strat_nofpc", "clus1_fpc"] {
        let design = Design::load(design_id);
        for p in ["0.25", "0.5", "0.75"] {
            let id = format!("{design_id}/svyquantile/api00/{p}/math/score");
            let record = reference["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["id"] == id.as_str())
                .expect("record");
            let settings =
                QuantileSettings::new(design.degf).with_interval(QuantileInterval::Score);
            let got = design
                .estimate(p.parse().expect("p"), &settings)
                .expect("score interval");
            for (name, value) in [
                ("ci_lower", got.ci_lower),
                ("ci_upper", got.ci_upper),
                ("se", got.std_error),
            ] {
                let want = record["values"][name].as_f64().expect("value");
                assert_close(
                    value.expect("bound"),
                    want,
                    1e-6,
                    1e-9,
                    &format!("{id} {name}"),
                );
            }
        }
    }
}

/// A number of the R scripts' JSON: a string with 17 digits or "Inf", or a JSON number.
fn number(v: &Value) -> f64 {
    match v.as_str() {
        Some("Inf") => f64::INFINITY,
        Some(s) => s.parse().expect("number"),
        None => v.as_f64().expect("number"),
    }
}

/// Checks every record of `section` in `file` (rule, interval, alpha, df, prob and R's
/// estimate, bounds and SE) on `strat_fpc`; returns how many values were compared.
fn check_strat_fpc_records(file: &str, section: &str) -> usize {
    let text = std::fs::read_to_string(format!("{DATA}{file}")).expect("R reference");
    let reference: Value = serde_json::from_str(&text).expect("json");
    let design = Design::load("strat_fpc");
    let mut checked = 0;
    for r in reference[section].as_array().expect("records") {
        let mut settings = QuantileSettings::new(number(&r["df"]))
            .with_rule(parse_rule(r["rule"].as_str().expect("rule")))
            .with_interval(parse_interval(r["interval"].as_str().expect("interval")))
            .with_level(1.0 - number(&r["alpha"]));
        settings.design_df = design.degf;
        let p = number(&r["prob"]);
        let what = format!("{settings:?} p={p}");
        let got = design
            .estimate(p, &settings)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        for (name, value) in [
            ("estimate", Some(got.estimate)),
            ("ci_lower", got.ci_lower),
            ("ci_upper", got.ci_upper),
            ("se", got.std_error),
        ] {
            let value = value.unwrap_or_else(|| panic!("{what} {name}: no value"));
            assert_close(
                value,
                number(&r[name]),
                1e-6,
                1e-9,
                &format!("{what} {name}"),
            );
            checked += 1;
        }
    }
    checked
}

/// Every rule and the remaining settings, against R (`tests/data/quantile_rules_R.json`).
#[test]
fn all_rules_and_settings_match_r_survey() {
    assert_eq!(
        check_strat_fpc_records("quantile_rules_R.json", "records"),
        59 * 4,
        "values checked"
    );
}

/// Degrees of freedom of 10⁷ and 1.5·10⁷ (a simple random sample of 15M rows has the latter;
/// statrs' t quantile was 7% off at the first and did not return at the second) and ∞, every
/// interval type, against R (`tests/data/numerics_R.json`).
#[test]
fn huge_degrees_of_freedom_match_r_survey() {
    assert_eq!(
        check_strat_fpc_records("numerics_R.json", "svyquantile"),
        30 * 4,
        "values checked"
    );
}

/// A share's SE of about 1e-18 (PSUs that differ only by rounding) gives the `beta` interval
/// shapes of about 10³⁵, where statrs' `inv_beta_reg` did not return and R's `qbeta` answers
/// NaN or 1: the interval now ends, and its share bounds are the beta quantiles, which lie
/// within a few ulps of the share `F̂` (its standard deviation is 1e-18, a fiftieth of an
/// ulp): the bounds are the rule's values at `F̂` give or take 4 ulps. (At a tie, as here,
/// `F̂ + 1 ulp` is the next value; the Wald bound `F̂ + 1e-17` rounds to `F̂`.) At an SE of
/// exactly 0 it is the limit `[F̂, F̂]`, the Wald interval.
#[test]
fn beta_interval_with_a_share_se_of_about_zero_is_its_limit() -> Result<(), QuantileError> {
    let x: Vec<f64> = (0..30).map(|i| f64::from(i % 5 + 1)).collect();
    let w = vec![1.0; 30];
    let share = |t: f64| x.iter().filter(|&&v| v <= t).count() as f64 / 30.0;
    let settings = QuantileSettings::new(3.0);
    let beta = settings.with_interval(QuantileInterval::Beta);
    for p in [0.3, 0.5] {
        let mut tiny = |t: f64| -> Result<(f64, f64), QuantileError> { Ok((share(t), 3e-18)) };
        let got = quantile_with_interval(&x, &w, p, &beta, &mut tiny)?;
        let f = share(got.estimate);
        let rule = |prob: f64| quantile(&x, &w, prob, QuantileRule::Math);
        let ulps = 4.0 * f64::EPSILON * f;
        let (lower, upper) = (got.ci_lower.expect("lower"), got.ci_upper.expect("upper"));
        assert!(
            rule(f - ulps)? <= lower && lower <= rule(f)?,
            "p={p}: {got:?}"
        );
        assert!(
            rule(f)? <= upper && upper <= rule(f + ulps)?,
            "p={p}: {got:?}"
        );
        // An SE of exactly 0: the limit, as the Wald interval.
        let mut flat = |t: f64| -> Result<(f64, f64), QuantileError> { Ok((share(t), 0.0)) };
        let got = quantile_with_interval(&x, &w, p, &beta, &mut flat)?;
        let wald = quantile_with_interval(&x, &w, p, &settings, &mut flat)?;
        assert_eq!((got.ci_lower, got.ci_upper), (wald.ci_lower, wald.ci_upper));
        assert_eq!(got.ci_lower, Some(got.estimate));
    }
    Ok(())
}

/// Through the design engine (`estimate::quantiles` on `strat_fpc` with R's `df = 1.5e7`):
/// every interval type ends; the Woodruff `mean` and the score intervals match R; and with
/// this many degrees of freedom each interval is its normal limit (`IntervalKind::Normal`,
/// same design degrees of freedom): the same bounds, and SEs in the ratio of the critical
/// values, `SE_t · qt(0.975, 1.5e7) = SE_z · qnorm(0.975)`.
#[test]
fn design_engine_at_huge_degrees_of_freedom_is_the_normal_limit() {
    let data =
        engine_data::read_csv(format!("{DATA}apistrat.csv"), &CsvOptions::default()).expect("data");
    let options = DesignOptions {
        weights: Some("pw".into()),
        strata: Some("stype".into()),
        fpc: vec!["fpc".into()],
        ..Default::default()
    };
    let design = estimate_design(&data, &options);
    let text = std::fs::read_to_string(format!("{DATA}numerics_R.json")).expect("R reference");
    let reference: Value = serde_json::from_str(&text).expect("json");
    let df = 1.5e7;
    let t = dist::t_quantile(0.975, df).expect("t");
    let z = dist::normal_quantile(0.975).expect("z");
    let probs = [0.1, 0.5];
    let mut checked = 0;
    for interval in [
        QuantileInterval::Mean,
        QuantileInterval::Beta,
        QuantileInterval::Xlogit,
        QuantileInterval::Asin,
        QuantileInterval::Score,
    ] {
        let run = |kind: IntervalKind| {
            let options = EstimateOptions {
                df: DfRule::Fixed(df),
                interval: kind,
                ..Default::default()
            };
            let (rule, whole) = (QuantileRule::Math, Domains::whole());
            estimate::quantiles(
                &data, &design, "api00", &probs, rule, interval, &whole, &options,
            )
            .expect("quantiles")
        };
        let (with_t, normal) = (run(IntervalKind::T), run(IntervalKind::Normal));
        for ((a, b), p) in with_t.iter().zip(&normal).zip(probs) {
            let what = format!("{interval:?} p={p}");
            assert_eq!((a.ci_lower, a.ci_upper), (b.ci_lower, b.ci_upper), "{what}");
            let (se_t, se_z) = (a.std_error.expect("se"), b.std_error.expect("se"));
            assert_close(se_t * t, se_z * z, 1e-14, 0.0, &what);
            // R's beta interval takes degf(design) for its effective sample size, not df.
            if interval == QuantileInterval::Beta {
                continue;
            }
            let name = serde_json::to_value(interval).expect("name");
            let r = reference["svyquantile"]
                .as_array()
                .expect("records")
                .iter()
                .find(|r| {
                    r["interval"] == name && number(&r["df"]) == df && number(&r["prob"]) == p
                })
                .expect("R record");
            for (value, key) in [
                (a.ci_lower, "ci_lower"),
                (a.ci_upper, "ci_upper"),
                (a.std_error, "se"),
            ] {
                assert_close(
                    value.expect("value"),
                    number(&r[key]),
                    1e-6,
                    1e-9,
                    &format!("{what} {key}"),
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 2 * 3);
}

/// A stratified cluster design whose PSUs differ only in the order of their rows, so that a
/// share's SE is about 0 (R: 3e-18, where R's `beta` interval for p = 0.3 is [3, 3] around
/// the estimate 2): the `beta` interval ends, next to the estimate, as the `mean` interval.
#[test]
fn design_engine_beta_interval_with_a_share_se_of_about_zero() {
    let weights = [0.1, 0.7, 0.2, 0.3, 0.6];
    let (mut st, mut psu, mut y, mut w) = (vec![], vec![], vec![], vec![]);
    for unit in 0..6 {
        for k in 0..5 {
            let k_in_order = if unit % 2 == 0 { k } else { 4 - k };
            st.push(f64::from(unit / 2 + 1));
            psu.push(f64::from(unit + 1));
            y.push(f64::from(k_in_order as u8 + 1));
            w.push(weights[k_in_order]);
        }
    }
    let column = |v: Vec<f64>| Column::Numeric(NumericColumn::from_values(v));
    let data = Dataset::from_columns(vec![
        ("st".into(), column(st)),
        ("psu".into(), column(psu)),
        ("y".into(), column(y)),
        ("w".into(), column(w)),
    ])
    .expect("data");
    let options = DesignOptions {
        weights: Some("w".into()),
        strata: Some("st".into()),
        clusters: vec!["psu".into()],
        nest: true,
        ..Default::default()
    };
    let design = estimate_design(&data, &options);
    let run = |interval| {
        let (rule, whole, options) = (
            QuantileRule::Math,
            Domains::whole(),
            EstimateOptions::default(),
        );
        estimate::quantiles(
            &data,
            &design,
            "y",
            &[0.3, 0.5],
            rule,
            interval,
            &whole,
            &options,
        )
        .expect("quantiles")
    };
    for (beta, mean) in run(QuantileInterval::Beta)
        .iter()
        .zip(run(QuantileInterval::Mean))
    {
        assert_eq!(
            (beta.ci_lower, beta.ci_upper),
            (mean.ci_lower, mean.ci_upper)
        );
        assert_eq!(beta.ci_lower, beta.estimate);
    }
}

fn estimate_design(data: &Dataset, options: &DesignOptions) -> EngineDesign {
    EngineDesign::new(data, options).expect("design")
}

/// A domain (`awards == "Yes"` in `strat_fpc`), against R
/// (`tests/data/quantile_domain_R.json`): the callback estimates over the domain with the
/// full design; `x`/`w` are the rows R holds — the domain's rows only (`subset()` of an
/// ordinary design) or all rows with weight 0 outside (`drop = FALSE`, as R does for
/// calibrated and PPS designs), which changes the score interval.
#[test]
fn domains_match_r_survey() {
    let text =
        std::fs::read_to_string(format!("{DATA}quantile_domain_R.json")).expect("domain json");
    let reference: Value = serde_json::from_str(&text).expect("json");
    let mut design = Design::load("strat_fpc");
    let awards = read_csv("apistrat.csv")["awards"].clone();
    let in_domain: Vec<bool> = awards.iter().map(|a| a == "Yes").collect();
    for (w, &inside) in design.w.iter_mut().zip(&in_domain) {
        if !inside {
            *w = 0.0;
        }
    }
    let (dom_x, dom_w): (Vec<f64>, Vec<f64>) = design
        .x
        .iter()
        .zip(&design.w)
        .zip(&in_domain)
        .filter(|(_, inside)| **inside)
        .map(|((x, w), _)| (*x, *w))
        .unzip();
    let mut checked = 0;
    for r in reference["records"].as_array().expect("records") {
        let (x, w) = match r["variant"].as_str().expect("variant") {
            "dropped" => (&dom_x, &dom_w),
            _ => (&design.x, &design.w),
        };
        assert_eq!(x.len() as f64, r["nrow"].as_f64().expect("nrow"));
        let degf = r["degf"].as_f64().expect("degf");
        let settings = QuantileSettings::new(degf)
            .with_interval(parse_interval(r["interval"].as_str().expect("interval")));
        let p = r["prob"].as_f64().expect("prob");
        let what = format!("{} {:?} p={p}", r["variant"], settings.interval);
        let mut cdf = |t: f64| -> Result<(f64, f64), QuantileError> { Ok(design.cdf(t)) };
        let got = quantile_with_interval(x, w, p, &settings, &mut cdf)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        for (name, value) in [
            ("estimate", Some(got.estimate)),
            ("ci_lower", got.ci_lower),
            ("ci_upper", got.ci_upper),
            ("se", got.std_error),
        ] {
            let value = value.unwrap_or_else(|| panic!("{what} {name}: no value"));
            assert_close(
                value,
                number(&r[name]),
                1e-6,
                1e-9,
                &format!("{what} {name}"),
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 30 * 4, "values checked");
}

#[test]
fn srs_math_quantiles_are_exact_ties() {
    // With 200 equal weights the 50th cumulative weight is exactly 0.25·Σw in R (long-double
    // cumsum), so math takes x₍₅₀₎ and school the midpoint of x₍₅₀₎ and x₍₅₁₎.
    let design = Design::load("srs_fpc");
    let math = quantile(&design.x, &design.w, 0.5, QuantileRule::Math).expect("math");
    let school = quantile(&design.x, &design.w, 0.5, QuantileRule::School).expect("school");
    assert_eq!((math, school), (658.0, 659.0));
}

#[test]
fn zero_weight_rows_are_ignored_by_rules_and_woodruff() {
    let design = Design::load("strat_fpc");
    let mut x = design.x.clone();
    let mut w = design.w.clone();
    x.extend([0.0, 10_000.0, 650.0]);
    w.extend([0.0; 3]);
    for rule in [
        QuantileRule::Math,
        QuantileRule::Hf7,
        QuantileRule::ShahVaish,
        QuantileRule::Hf3,
    ] {
        for p in [0.1, 0.5, 0.9] {
            assert_eq!(
                quantile(&x, &w, p, rule).expect("padded"),
                quantile(&design.x, &design.w, p, rule).expect("plain"),
                "{rule:?} at {p}"
            );
        }
    }
    let mut cdf = |t: f64| -> Result<(f64, f64), QuantileError> { Ok(design.cdf(t)) };
    let settings = QuantileSettings::new(design.degf).with_rule(QuantileRule::Hf7);
    let padded = quantile_with_interval(&x, &w, 0.5, &settings, &mut cdf).expect("padded");
    assert_eq!(padded, design.estimate(0.5, &settings).expect("plain"));
}

#[test]
fn invalid_input_is_an_error() {
    let x = [1.0, 2.0, 3.0];
    assert_eq!(
        quantile(&x, &[1.0, 1.0], 0.5, QuantileRule::Math),
        Err(QuantileError::LengthMismatch {
            values: 3,
            weights: 2
        })
    );
    assert_eq!(
        quantile(&x, &[0.0; 3], 0.5, QuantileRule::Math),
        Err(QuantileError::NoPositiveWeight)
    );
    assert_eq!(
        quantile(&x, &[1.0, -1.0, 1.0], 0.5, QuantileRule::Math),
        Err(QuantileError::InvalidWeight {
            row: 1,
            weight: -1.0
        })
    );
    assert_eq!(
        quantile(&[1.0, f64::NAN], &[1.0, 1.0], 0.5, QuantileRule::Math).map_err(|e| e.to_string()),
        Err("value NaN at row 1 (0-based) is not finite".to_owned())
    );
    assert_eq!(
        quantile(&x, &[1.0; 3], 1.5, QuantileRule::Math),
        Err(QuantileError::InvalidProbability { prob: 1.5 })
    );
    assert_eq!(
        quantile(&[4.0], &[2.0], 0.5, QuantileRule::Hf7),
        Err(QuantileError::TooFewValues {
            rule: QuantileRule::Hf7,
            found: 1
        })
    );
    assert_eq!(quantile(&[4.0], &[2.0], 0.5, QuantileRule::Math), Ok(4.0));
    let mut bad_cdf = |_t: f64| -> Result<(f64, f64), QuantileError> { Ok((1.5, 0.1)) };
    assert!(matches!(
        quantile_with_interval(
            &x,
            &[1.0; 3],
            0.5,
            &QuantileSettings::new(2.0),
            &mut bad_cdf
        ),
        Err(QuantileError::InvalidCdf { .. })
    ));
    let mut cdf = |_t: f64| -> Result<(f64, f64), QuantileError> { Ok((0.5, 0.1)) };
    assert!(matches!(
        quantile_with_interval(&x, &[1.0; 3], 0.5, &QuantileSettings::new(0.0), &mut cdf),
        Err(QuantileError::InvalidDegreesOfFreedom { .. })
    ));
    assert!(matches!(
        quantile_with_interval(
            &x,
            &[1.0; 3],
            0.5,
            &QuantileSettings::new(2.0).with_level(1.0),
            &mut cdf
        ),
        Err(QuantileError::InvalidLevel { .. })
    ));
}

#[test]
fn shahvaish_depends_on_weight_scale() {
    // R: survey:::qrule_shahvaish(0:3, w, 0.3) for w = rep(1, 4), rep(4, 4), rep(1/4, 4)
    let x = [0.0, 1.0, 2.0, 3.0];
    let got: Vec<f64> = [1.0, 4.0, 0.25]
        .iter()
        .map(|&s| quantile(&x, &[s; 4], 0.3, QuantileRule::ShahVaish).expect("shahvaish"))
        .collect();
    assert_eq!(got, vec![0.0, 2.0, 0.0]);
}

/// R's `quantile(type = 7)` of unweighted data.
fn type7(values: &[f64], p: f64) -> f64 {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

const ALL_RULES: [QuantileRule; 12] = [
    QuantileRule::Math,
    QuantileRule::School,
    QuantileRule::ShahVaish,
    QuantileRule::Hf1,
    QuantileRule::Hf2,
    QuantileRule::Hf3,
    QuantileRule::Hf4,
    QuantileRule::Hf5,
    QuantileRule::Hf6,
    QuantileRule::Hf7,
    QuantileRule::Hf8,
    QuantileRule::Hf9,
];

proptest! {
    #[test]
    fn equal_weights_hf7_is_type7(
        x in prop::collection::vec(-1e3f64..1e3, 2..40),
        p in 0.0f64..=1.0,
    ) {
        let w = vec![1.0; x.len()];
        let got = quantile(&x, &w, p, QuantileRule::Hf7).expect("hf7");
        let want = type7(&x, p);
        prop_assert!((got - want).abs() <= 1e-9 * (1.0 + want.abs()), "{got} vs {want}");
    }

    #[test]
    fn integer_weights_are_order_and_power_of_two_scale_free(
        values in prop::collection::btree_set(0i32..1000, 2..40),
        weights in prop::collection::vec(1u8..20, 40),
        p in 0.0f64..1.0,
        shift in 0usize..40,
        scale_exp in -8i32..8,
    ) {
        // distinct values: with tied values R's hf5/hf8/hf9 depend on the rows' order
        let x: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        let w: Vec<f64> = weights[..x.len()].iter().map(|&v| f64::from(v)).collect();
        let k = shift % x.len();
        let mut xr = x.clone();
        let mut wr = w.clone();
        xr.rotate_left(k);
        wr.rotate_left(k);
        let scale = 2f64.powi(scale_exp);
        let ws: Vec<f64> = wr.iter().map(|v| v * scale).collect();
        for rule in ALL_RULES {
            let base = quantile(&x, &w, p, rule);
            prop_assert_eq!(&base, &quantile(&xr, &wr, p, rule), "{:?} rotated", rule);
            // R's shahvaish subtracts the raw w/2 from the normalised cumulative weights,
            // so it depends on the weights' scale (see shahvaish_depends_on_weight_scale)
            if rule != QuantileRule::ShahVaish {
                prop_assert_eq!(&base, &quantile(&xr, &ws, p, rule), "{:?} scaled", rule);
            }
        }
    }

    #[test]
    fn math_rule_returns_a_data_value_and_is_monotone(
        rows in prop::collection::vec((-100f64..100.0, 0.01f64..10.0), 1..40),
        p1 in 0.0f64..=1.0,
        p2 in 0.0f64..=1.0,
    ) {
        let x: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let w: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let (lo, hi) = if p1 <= p2 { (p1, p2) } else { (p2, p1) };
        let q_lo = quantile(&x, &w, lo, QuantileRule::Math).expect("math");
        let q_hi = quantile(&x, &w, hi, QuantileRule::Math).expect("math");
        prop_assert!(x.contains(&q_lo));
        // monotone once p passes the smallest value's weight share (below it R returns x₍₂₎)
        let max_share = w.iter().copied().fold(0.0, f64::max) / w.iter().sum::<f64>();
        if lo > max_share {
            prop_assert!(q_lo <= q_hi);
        }
    }
}
