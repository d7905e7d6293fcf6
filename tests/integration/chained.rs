//! Weighting steps in sequence, against R survey 4.1.1 (`tests/data/chained_R.R`):
//! post-stratification then calibration, post-stratification then raking, calibration then
//! trimming. R applies the steps' projections in order in the variance; so does the crate.

use crate::common::{assert_close, data_path, read_json};
use std::collections::BTreeMap;
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{self, CategorySelection, Domains, EstimateOptions};
use survey_stats::interval::ProportionMethod;
use survey_stats::weighting::{
    CalibrateOptions, RakeControl, calibrate_design, poststratify_design, rake_design, trim_design,
};

fn counts(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn check(name: &str, data: &Dataset, design: &Design) -> usize {
    let r = read_json("chained_R.json");
    let case = &r["cases"][name];
    let num = |k: &str| case[k].as_str().unwrap().parse::<f64>().unwrap();
    let whole = Domains::whole();
    let opts = EstimateOptions {
        method: ProportionMethod::Mean,
        ..Default::default()
    };
    let m = &estimate::mean(data, design, "api00", &whole, &opts).unwrap()[0];
    let t = &estimate::total(data, design, "enroll", &whole, &opts).unwrap()[0];
    let yes = CategorySelection::One("Yes".into());
    let p = &estimate::proportion(data, design, "awards", &yes, &whole, &opts).unwrap()[0];
    let pairs = [
        (m.estimate, "mean_api00"),
        (m.std_error, "mean_api00_se"),
        (t.estimate, "total_enroll"),
        (t.std_error, "total_enroll_se"),
        (p.estimate, "p_awards_yes"),
        (p.std_error, "p_awards_yes_se"),
    ];
    for (got, key) in pairs {
        assert_close(
            got.unwrap(),
            num(key),
            1e-9,
            1e-12,
            &format!("{name} {key}"),
        );
    }
    pairs.len()
}

#[test]
fn chained_weighting_steps_match_r() {
    let types = counts(&[("E", 4421.0), ("H", 755.0), ("M", 1018.0)]);
    let srs_data = read_csv(data_path("apisrs.csv"), &CsvOptions::default()).unwrap();
    let srs = Design::new(
        &srs_data,
        &DesignOptions {
            fpc: vec!["fpc".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let ps = poststratify_design(&srs_data, &srs, "stype", &types).unwrap();

    let api99 = counts(&[("api99", 3914069.0)]);
    let (cal, _) = calibrate_design(
        &srs_data,
        &ps,
        Some(6194.0),
        &BTreeMap::new(),
        &api99,
        CalibrateOptions::default(),
    )
    .unwrap();
    let mut n = check("ps_then_cal", &srs_data, &cal);

    let margins = [(
        "sch.wide".to_string(),
        counts(&[("No", 1072.0), ("Yes", 5122.0)]),
    )];
    let control = RakeControl {
        max_iter: 100,
        epsilon: 1e-12,
    };
    let (raked, _) = rake_design(&srs_data, &ps, &margins, control).unwrap();
    n += check("ps_then_rake", &srs_data, &raked);

    let clus_data = read_csv(data_path("apiclus1.csv"), &CsvOptions::default()).unwrap();
    let clus = Design::new(
        &clus_data,
        &DesignOptions {
            weights: Some("pw".into()),
            clusters: vec!["dnum".into()],
            fpc: vec!["fpc".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let categorical = BTreeMap::from([("stype".to_string(), types)]);
    let (cal, _) = calibrate_design(
        &clus_data,
        &clus,
        None,
        &categorical,
        &api99,
        CalibrateOptions::default(),
    )
    .unwrap();
    let trimmed = trim_design(&cal, 30.0, 36.0).unwrap();
    n += check("cal_then_trim", &clus_data, &trimmed);
    assert_eq!(n, 18);
}
