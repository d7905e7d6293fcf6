//! Multiple-response shares (cases, all, responses), paired option differences, domain
//! contrasts and Likert summaries against R survey 4.1.1 (`tests/data/mr_likert_R.R` on
//! `tests/data/mr_likert.csv`: 3 strata × 6 clusters × 8 weighted rows).

use crate::common::{assert_close, data_path, read_json};
use std::collections::HashMap;
use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    CategorySelection, Domains, Estimate, EstimateOptions, LikertScale, MultipleBase,
    domain_contrast, likert_summary, multiple_response, option_difference, proportion,
};

fn reference() -> HashMap<String, serde_json::Value> {
    read_json("mr_likert_R.json")["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| (v["id"].as_str().expect("id").to_string(), v.clone()))
        .collect()
}

fn setup() -> (Dataset, Design) {
    let data = read_csv(data_path("mr_likert.csv"), &CsvOptions::default()).expect("data");
    let design = Design::new(
        &data,
        &DesignOptions {
            weights: Some("w".into()),
            strata: Some("region".into()),
            clusters: vec!["cluster".into()],
            ..Default::default()
        },
    )
    .expect("design");
    (data, design)
}

/// Compares estimate, SE and (when R gave one) deff with R at relative 1e-9.
fn check(r: &HashMap<String, serde_json::Value>, id: &str, got: &Estimate) -> usize {
    let want = &r[id];
    let num = |k: &str| want[k].as_str().map(|s| s.parse::<f64>().expect("number"));
    assert_close(
        got.estimate.expect("estimate"),
        num("estimate").unwrap(),
        1e-9,
        1e-12,
        &format!("{id} estimate"),
    );
    assert_close(
        got.std_error.expect("se"),
        num("se").unwrap(),
        1e-9,
        1e-12,
        &format!("{id} se"),
    );
    let mut n = 2;
    if let Some(d) = num("deff") {
        assert_close(
            got.deff.expect("deff"),
            d,
            1e-9,
            1e-12,
            &format!("{id} deff"),
        );
        n += 1;
    }
    n
}

const OPTIONS: [&str; 5] = ["o1", "o2", "o3", "o4", "dk"];

#[test]
fn multiple_response_matches_r() {
    let r = reference();
    let (data, design) = setup();
    let cols: Vec<String> = OPTIONS.iter().map(|s| s.to_string()).collect();
    let opts = EstimateOptions::default();
    let whole = Domains::whole();
    let mut checked = 0;
    for (base, name) in [
        (MultipleBase::All, "all"),
        (MultipleBase::Cases, "cases"),
        (MultipleBase::Responses, "responses"),
    ] {
        let rows = multiple_response(&data, &design, &cols, base, &whole, &opts).expect("shares");
        for (row, option) in rows.iter().zip(OPTIONS) {
            checked += check(&r, &format!("{name}/{option}"), row);
        }
        if base == MultipleBase::Responses {
            let sum: f64 = rows.iter().filter_map(|e| e.estimate).sum();
            assert!((sum - 1.0).abs() < 1e-12, "shares of responses sum to 1");
        }
    }
    let d = option_difference(
        &data,
        &design,
        &cols,
        0,
        1,
        MultipleBase::Cases,
        &whole,
        &opts,
    )
    .expect("diff");
    checked += check(&r, "cases/o1-o2", &d[0]);
    let d = option_difference(
        &data,
        &design,
        &cols,
        0,
        2,
        MultipleBase::All,
        &whole,
        &opts,
    )
    .expect("diff");
    checked += check(&r, "all/o1-o3", &d[0]);
    assert!(d[0].p_value.is_some());
    let by = Domains::by(&data, &["region".to_string()]).expect("by");
    let rows = multiple_response(&data, &design, &cols, MultipleBase::Cases, &by, &opts)
        .expect("by region");
    for region in 1..=3 {
        let row = rows
            .iter()
            .find(|e| {
                e.category.as_deref() == Some("o1")
                    && e.domain
                        .as_ref()
                        .is_some_and(|d| d["region"] == region.to_string())
            })
            .expect("row");
        checked += check(&r, &format!("cases/o1/region={region}"), row);
    }
    assert_eq!(checked, 5 * 3 * 2 + 5 * 2 + 2 * 2 + 3 * 2);
}

#[test]
fn domain_contrasts_match_r() {
    let r = reference();
    let (mut data, design) = setup();
    // R's `subset(des, anychoice)`: o1 with rows that chose nothing left out of the base.
    let any: Vec<Option<f64>> = (0..data.n_rows())
        .map(|i| {
            let chosen: f64 = OPTIONS
                .iter()
                .map(|o| data.numeric(o).unwrap().get(i).unwrap())
                .sum();
            (chosen > 0.0).then(|| data.numeric("o1").unwrap().get(i).unwrap())
        })
        .collect();
    data.set_column(
        "o1_cases",
        survey_stats::data::Column::Numeric(survey_stats::data::NumericColumn::from_options(any)),
    )
    .expect("column");
    let by = Domains::by(&data, &["region".to_string()]).expect("by");
    let opts = EstimateOptions::default();
    let third = 1.0 / 3.0;
    let avg = domain_contrast(
        &data,
        &design,
        "o1_cases",
        None,
        &by,
        &[third, third, third],
        &opts,
    )
    .expect("avg");
    check(&r, "cases/o1/average_of_regions", &avg);
    let dif = domain_contrast(
        &data,
        &design,
        "o1_cases",
        None,
        &by,
        &[1.0, -1.0, 0.0],
        &opts,
    )
    .expect("dif");
    check(&r, "cases/o1/region1-region2", &dif);
}

#[test]
fn likert_summary_matches_r() {
    let r = reference();
    let (data, design) = setup();
    let opts = EstimateOptions::default();
    let whole = Domains::whole();
    let rows = likert_summary(
        &data,
        &design,
        "q5",
        &LikertScale::five_point(),
        &whole,
        &opts,
    )
    .expect("likert");
    for (row, id) in rows
        .iter()
        .zip(["likert/mean", "likert/top2", "likert/bottom2", "likert/net"])
    {
        check(&r, id, row);
    }
    let no9 = EstimateOptions {
        exclude: vec!["9".into()],
        ..Default::default()
    };
    let dist =
        proportion(&data, &design, "q5", &CategorySelection::All, &whole, &no9).expect("dist");
    assert_eq!(dist.len(), 5);
    for (k, row) in dist.iter().enumerate() {
        check(&r, &format!("likert/level={}", k + 1), row);
    }
}
