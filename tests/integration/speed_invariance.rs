//! Speed never changes a number: the benchmark jobs on 100k synthetic rows give the same
//! results (relative 1e-12) on one thread or two, and with the rows sorted by PSU.

#[path = "../../examples/support/synth.rs"]
mod synth;

use crate::common::close;
use survey_stats::data::{Column, Dataset, NumericColumn};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    CategorySelection, Domains, Estimate, EstimateOptions, MultipleBase, mean, multiple_response,
    proportion,
};

fn jobs(data: &Dataset, design: &Design) -> Vec<Estimate> {
    let whole = Domains::whole();
    let opts = EstimateOptions::default();
    let no9 = EstimateOptions {
        exclude: vec!["9".into()],
        ..Default::default()
    };
    let cols: Vec<String> = (1..=8).map(|j| format!("q_multi_{j}")).collect();
    let by = Domains::by(data, &["region".to_string()]).unwrap();
    let mut out = proportion(
        data,
        design,
        "q_single",
        &CategorySelection::All,
        &whole,
        &opts,
    )
    .unwrap();
    out.extend(mean(data, design, "q_likert", &whole, &no9).unwrap());
    out.extend(multiple_response(data, design, &cols, MultipleBase::All, &whole, &opts).unwrap());
    out.extend(
        proportion(
            data,
            design,
            "q_single",
            &CategorySelection::All,
            &by,
            &opts,
        )
        .unwrap(),
    );
    out.extend(mean(data, design, "q_num", &by, &opts).unwrap());
    out
}

fn design(data: &Dataset, threads: usize) -> Design {
    let options = DesignOptions {
        weights: Some("weight".into()),
        strata: Some("region".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    };
    Design::new(data, &options).unwrap().with_threads(threads)
}

/// The dataset with its rows in the order of `order`.
fn reorder(data: &Dataset, order: &[usize]) -> Dataset {
    let cols = data
        .names()
        .iter()
        .map(|name| {
            let c = data.numeric(name).unwrap();
            let v = order.iter().map(|&i| c.get(i)).collect();
            (
                name.clone(),
                Column::Numeric(NumericColumn::from_options(v)),
            )
        })
        .collect();
    Dataset::from_columns(cols).unwrap()
}

fn assert_same(a: &[Estimate], b: &[Estimate], what: &str) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        for (g, w) in [
            (x.estimate, y.estimate),
            (x.std_error, y.std_error),
            (x.ci_lower, y.ci_lower),
            (x.deff, y.deff),
        ] {
            let (g, w) = (g.unwrap(), w.unwrap());
            assert!(
                close(g, w, 1e-12, 0.0),
                "{what}: {g:e} vs {w:e} ({:?} {:?})",
                x.variable,
                x.category
            );
        }
        assert_eq!((x.n, x.df), (y.n, y.df), "{what}");
    }
}

#[test]
fn threads_and_row_order_change_no_number() {
    let data = synth::generate(100_000).dataset();
    let single = jobs(&data, &design(&data, 1));
    assert_same(&jobs(&data, &design(&data, 2)), &single, "two threads");
    let psu = data.numeric("psu").unwrap();
    let mut order: Vec<usize> = (0..data.n_rows()).collect();
    order.sort_by(|&a, &b| psu.get(a).unwrap().total_cmp(&psu.get(b).unwrap()));
    let sorted = reorder(&data, &order);
    assert_same(
        &jobs(&sorted, &design(&sorted, 2)),
        &single,
        "rows sorted by PSU",
    );
}
