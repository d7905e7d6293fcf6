//! Invariants of the estimators, over generated stratified cluster samples (proptest).

use crate::common::close;
use proptest::prelude::*;
use survey_stats::data::{Column, Dataset, NumericColumn};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    self, CategorySelection, Domains, Estimate, EstimateOptions, MeanPartial, Stat,
};
use survey_stats::interval::{ConfidenceLevel, ProportionMethod};

/// A generated sample: strata, clusters nested in strata, weights, a numeric and a coded
/// variable.
#[derive(Debug, Clone)]
struct Sample {
    stratum: Vec<f64>,
    cluster: Vec<f64>,
    weight: Vec<f64>,
    y: Vec<f64>,
    code: Vec<f64>,
}

fn sample() -> impl Strategy<Value = Sample> {
    // 2–3 strata × 2–4 clusters × 1–5 rows.
    (2usize..=3, 2usize..=4, 1usize..=5)
        .prop_flat_map(|(h, c, m)| {
            let n = h * c * m;
            (
                Just((h, c, m)),
                prop::collection::vec(0.5f64..20.0, n),
                prop::collection::vec(-50.0f64..150.0, n),
                prop::collection::vec(1u8..=4, n),
            )
        })
        .prop_map(|((h, c, m), weight, y, code)| {
            let n = h * c * m;
            Sample {
                stratum: (0..n).map(|i| (i / (c * m)) as f64).collect(),
                cluster: (0..n).map(|i| (i / m) as f64).collect(),
                weight,
                y,
                code: code.into_iter().map(f64::from).collect(),
            }
        })
}

impl Sample {
    fn dataset(&self) -> Dataset {
        let col = |v: &Vec<f64>| Column::Numeric(NumericColumn::from_values(v.clone()));
        Dataset::from_columns(vec![
            ("h".into(), col(&self.stratum)),
            ("psu".into(), col(&self.cluster)),
            ("w".into(), col(&self.weight)),
            ("y".into(), col(&self.y)),
            ("q".into(), col(&self.code)),
        ])
        .expect("dataset")
    }

    fn scaled(&self, c: f64) -> Sample {
        Sample {
            weight: self.weight.iter().map(|w| w * c).collect(),
            ..self.clone()
        }
    }

    fn permuted(&self, seed: u64) -> Sample {
        let n = self.y.len();
        let mut order: Vec<usize> = (0..n).collect();
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        for i in (1..n).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        let pick = |v: &Vec<f64>| order.iter().map(|&i| v[i]).collect();
        Sample {
            stratum: pick(&self.stratum),
            cluster: pick(&self.cluster),
            weight: pick(&self.weight),
            y: pick(&self.y),
            code: pick(&self.code),
        }
    }
}

fn design(ds: &Dataset) -> Design {
    Design::new(
        ds,
        &DesignOptions {
            weights: Some("w".into()),
            strata: Some("h".into()),
            clusters: vec!["psu".into()],
            ..Default::default()
        },
    )
    .expect("design")
}

/// Mean of y, proportions of q, by domain q <= 2 or not, all with the logit interval.
fn estimates(s: &Sample) -> Vec<Estimate> {
    let ds = s.dataset();
    let d = design(&ds);
    let opts = EstimateOptions::default();
    let whole = Domains::whole();
    let mut out = estimate::mean(&ds, &d, "y", &whole, &opts).expect("mean");
    out.extend(
        estimate::proportion(&ds, &d, "q", &CategorySelection::All, &whole, &opts).expect("p"),
    );
    out.extend(
        estimate::total(&ds, &d, "y", &Domains::by(&ds, &["h"]).expect("by"), &opts).expect("t"),
    );
    out
}

fn same(a: Option<f64>, b: Option<f64>, rel: f64) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => close(x, y, rel, 1e-9),
        (None, None) => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Scaling every weight changes no mean, proportion, SE or CI (totals scale).
    #[test]
    fn scaling_weights_changes_no_mean_or_proportion(s in sample(), c in 0.01f64..100.0) {
        let (a, b) = (estimates(&s), estimates(&s.scaled(c)));
        for (x, y) in a.iter().zip(&b) {
            let k = if x.stat == Stat::Total { c } else { 1.0 };
            prop_assert!(same(x.estimate.map(|v| v * k), y.estimate, 1e-9), "{x:?} vs {y:?}");
            prop_assert!(same(x.std_error.map(|v| v * k), y.std_error, 1e-7), "{x:?} vs {y:?}");
            prop_assert!(same(x.ci_lower.map(|v| v * k), y.ci_lower, 1e-7), "{x:?} vs {y:?}");
            prop_assert!(same(x.ci_upper.map(|v| v * k), y.ci_upper, 1e-7), "{x:?} vs {y:?}");
        }
    }

    /// The order of the rows changes nothing.
    #[test]
    fn permuting_rows_changes_nothing(s in sample(), seed in any::<u64>()) {
        let (a, b) = (estimates(&s), estimates(&s.permuted(seed)));
        for (x, y) in a.iter().zip(&b) {
            prop_assert!(same(x.estimate, y.estimate, 1e-9));
            prop_assert!(same(x.std_error, y.std_error, 1e-7));
            prop_assert!(same(x.deff, y.deff, 1e-7));
            prop_assert_eq!(x.n, y.n);
        }
    }

    /// The proportions of a variable sum to one.
    #[test]
    fn proportions_sum_to_one(s in sample()) {
        let p = estimates(&s);
        let sum: f64 = p.iter().filter(|e| e.stat == Stat::Proportion).filter_map(|e| e.estimate).sum();
        prop_assert!((sum - 1.0).abs() < 1e-12);
    }

    /// A CI contains its estimate and widens with the level, for every proportion method.
    #[test]
    fn intervals_contain_the_estimate_and_widen(s in sample(), l1 in 0.5f64..0.9, dl in 0.01f64..0.09) {
        let ds = s.dataset();
        let d = design(&ds);
        for method in [ProportionMethod::Logit, ProportionMethod::Mean, ProportionMethod::Asin,
                       ProportionMethod::Beta, ProportionMethod::Likelihood, ProportionMethod::Xlogit] {
            let at = |level: f64| {
                let o = EstimateOptions { level: ConfidenceLevel::new(level).expect("level"), method, ..Default::default() };
                estimate::proportion(&ds, &d, "q", &CategorySelection::All, &Domains::whole(), &o).expect("p")
            };
            for (narrow, wide) in at(l1).iter().zip(&at(l1 + dl)) {
                let (Some(e), Some(lo), Some(hi)) = (narrow.estimate, narrow.ci_lower, narrow.ci_upper) else { continue };
                if narrow.std_error == Some(0.0) { continue; }
                prop_assert!(lo <= e + 1e-12 && e <= hi + 1e-12, "{method:?}: {lo} {e} {hi}");
                let (Some(wlo), Some(whi)) = (wide.ci_lower, wide.ci_upper) else { continue };
                prop_assert!(wlo <= lo + 1e-12 && whi >= hi - 1e-12, "{method:?}: [{lo},{hi}] vs [{wlo},{whi}]");
            }
        }
        let m = |level: f64| estimate::mean(&ds, &d, "y", &Domains::whole(),
            &EstimateOptions { level: ConfidenceLevel::new(level).expect("level"), ..Default::default() }).expect("mean");
        let (a, b) = (&m(l1)[0], &m(l1 + dl)[0]);
        prop_assert!(a.ci_lower <= a.estimate && a.estimate <= a.ci_upper);
        prop_assert!(b.ci_lower <= a.ci_lower && b.ci_upper >= a.ci_upper);
    }

    /// Equal weights, no strata, no clusters: the SE of a proportion is the SRS one,
    /// √(p(1 − p)/(n − 1)) (with replacement, R's svymean).
    #[test]
    fn srs_proportion_se(codes in prop::collection::vec(1u8..=3, 2..60), w in 0.1f64..50.0) {
        let n = codes.len();
        let ds = Dataset::from_columns(vec![
            ("w".into(), Column::Numeric(NumericColumn::from_values(vec![w; n]))),
            ("q".into(), Column::Numeric(NumericColumn::from_values(codes.iter().map(|&c| f64::from(c)).collect()))),
        ]).expect("dataset");
        let d = Design::new(&ds, &DesignOptions { weights: Some("w".into()), ..Default::default() }).expect("design");
        let rows = estimate::proportion(&ds, &d, "q", &CategorySelection::All, &Domains::whole(), &EstimateOptions::default()).expect("p");
        for r in rows {
            let p = r.estimate.expect("p");
            let srs = (p * (1.0 - p) / (n as f64 - 1.0)).sqrt();
            prop_assert!(close(r.std_error.expect("se"), srs, 1e-9, 1e-12));
        }
    }

    /// Partial results of two halves of the rows, merged, equal the result on the whole.
    #[test]
    fn merging_halves_equals_the_whole(s in sample(), cut in 0.0f64..1.0) {
        let ds = s.dataset();
        let d = design(&ds);
        let n = ds.n_rows();
        let k = ((n as f64) * cut) as usize;
        let by = Domains::by(&ds, &["q"]).expect("by");
        let opts = EstimateOptions::default();
        let mut a = MeanPartial::of_rows(&ds, &d, "y", &by, &opts, 0..k).expect("a");
        a.merge(&MeanPartial::of_rows(&ds, &d, "y", &by, &opts, k..n).expect("b"));
        let merged = a.finish(&d, &by, &opts, Stat::Mean).expect("merged");
        let whole = estimate::mean(&ds, &d, "y", &by, &opts).expect("whole");
        for (x, y) in merged.iter().zip(&whole) {
            prop_assert!(same(x.estimate, y.estimate, 1e-12));
            prop_assert!(same(x.std_error, y.std_error, 1e-10));
            prop_assert_eq!(x.n, y.n);
            prop_assert_eq!(x.df, y.df);
        }
    }

    /// One category (and a net) of a numeric column, estimated without coding the column,
    /// equals its row among all categories (and the sum of its parts' indicator).
    #[test]
    fn one_category_equals_its_row_among_all(s in sample(), code in 1u8..=4) {
        let ds = s.dataset();
        let d = design(&ds);
        let opts = EstimateOptions::default();
        let by = Domains::by(&ds, &["h"]).expect("by");
        let all = estimate::proportion(&ds, &d, "q", &CategorySelection::All, &by, &opts).expect("all");
        let one = estimate::proportion(&ds, &d, "q", &CategorySelection::One(code.to_string()), &by, &opts);
        let Ok(one) = one else { return Ok(()) }; // the code may not occur
        for row in &one {
            if let Some(twin) = all.iter().find(|r| r.domain == row.domain && r.category == row.category) {
                prop_assert!(same(row.estimate, twin.estimate, 1e-12));
                prop_assert!(same(row.std_error, twin.std_error, 1e-10));
                prop_assert!(same(row.ci_lower, twin.ci_lower, 1e-10));
                prop_assert!(same(row.deff, twin.deff, 1e-10));
            }
        }
    }
}
