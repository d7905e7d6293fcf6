//! Speed never changes a number: the benchmark jobs on 100k synthetic rows give the same
//! results (relative 1e-12) on one thread or two, with the rows sorted by PSU, with the rows
//! grouped by `Design::new_grouped`, and on a raked design whether its calibration moments
//! are summed per raking cell or per row.

#[path = "../../examples/support/synth.rs"]
pub(crate) mod synth;

use crate::common::close;
use survey_stats::data::{Column, CsvOptions, Dataset, NumericColumn, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    CategorySelection, Domains, Estimate, EstimateOptions, MultipleBase, mean, multiple_response,
    proportion,
};
use survey_stats::weighting::{RakeControl, rake_design, trim_design};

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

fn options() -> DesignOptions {
    DesignOptions {
        weights: Some("weight".into()),
        strata: Some("region".into()),
        clusters: vec!["psu".into()],
        ..Default::default()
    }
}

fn design(data: &Dataset, threads: usize) -> Design {
    Design::new(data, &options()).unwrap().with_threads(threads)
}

/// J6: raked to the margins of region and q_single (the sample's weighted counts plus 10%).
fn raked(data: &Dataset, design: &Design) -> Design {
    let w = design.weights().as_slice();
    let margin = |name: &str| {
        let col = data.numeric(name).unwrap();
        let mut m = std::collections::BTreeMap::new();
        for (i, w) in w.iter().enumerate() {
            *m.entry(format!("{}", col.get(i).unwrap())).or_insert(0.0) += 1.1 * w;
        }
        (name.to_string(), m)
    };
    let control = RakeControl {
        max_iter: 50,
        epsilon: 1e-9,
    };
    rake_design(
        data,
        design,
        &[margin("region"), margin("q_single")],
        control,
    )
    .unwrap()
    .0
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
    assert_same_within(a, b, what, false);
}

/// Relative 1e-12; with `noise`, SEs that are rounding noise (a share the raking fixes has
/// SE ~1e-18) are compared at 1e-12 of the estimate and design effects at 1e-12.
fn assert_same_within(a: &[Estimate], b: &[Estimate], what: &str, noise: bool) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        let scale = if noise {
            1e-12 * x.estimate.unwrap().abs()
        } else {
            0.0
        };
        for (g, w, abs) in [
            (x.estimate, y.estimate, 0.0),
            (x.std_error, y.std_error, scale),
            (x.ci_lower, y.ci_lower, scale),
            (x.deff, y.deff, if noise { 1e-12 } else { 0.0 }),
        ] {
            let (g, w) = (g.unwrap(), w.unwrap());
            assert!(
                close(g, w, 1e-12, abs),
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

#[test]
fn grouping_rows_and_raking_per_cell_change_no_number() {
    let data = synth::generate(100_000).dataset();
    let plain = design(&data, 1);
    let single = jobs(&data, &plain);
    let mut grouped_data = data.clone();
    let grouped = Design::new_grouped(&mut grouped_data, &options())
        .unwrap()
        .with_threads(2);
    assert!(grouped.psu_of_row().windows(2).all(|p| p[0] <= p[1]));
    assert_same(
        &jobs(&grouped_data, &grouped),
        &single,
        "rows grouped by PSU",
    );

    // Raked: per-row calibration moments on the file's order and one thread, against
    // per-cell moments on grouped rows and two threads.
    let raked_plain = raked(&data, &plain);
    let per_row = trim_design(&raked_plain, 0.0, f64::MAX).unwrap();
    // Trimming makes new weights (equal ones here), which turns the per-cell sums off.
    assert_ne!(
        per_row.weights().as_slice().as_ptr(),
        raked_plain.weights().as_slice().as_ptr()
    );
    let want = jobs(&data, &per_row);
    assert_same_within(&jobs(&data, &raked_plain), &want, "raked, per cell", true);
    assert_same_within(
        &jobs(&grouped_data, &raked(&grouped_data, &grouped)),
        &want,
        "raked, grouped rows",
        true,
    );
}

/// The benchmark's end-to-end spec (`examples/specs/bench_10m.json`: raking, then J1–J5)
/// on 20,000 synthetic rows: the command line (raking moments per cell, both cores; rows
/// are grouped only for designs of more than `GROUPING_PAYS_FROM` units, which the test
/// above covers) reports what the library computes with one thread.
#[test]
fn benchmark_spec_runs_end_to_end() {
    let synth = synth::generate(20_000);
    let dir = std::env::temp_dir().join(format!("survey-stats-bench-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("survey.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    synth.write_csv(&mut f).unwrap();
    drop(f);
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/specs/bench_10m.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_survey-stats"))
        .args(["estimate", spec, "--data", csv.to_str().unwrap()])
        .args(["--format", "json", "--timings"])
        .output()
        .unwrap();
    let data = read_csv(&csv, &CsvOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for step in ["design", "adjust[0]", "estimates[4]"] {
        assert!(stderr.contains(&format!("{step}_seconds=")), "{stderr}");
    }
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 7 + 1 + 1 + 8 + 3 * 7);

    // The library on the same data as loaded: J2 (mean of q_likert without 9) after raking
    // (J1 and J3 are the raked margin itself, with SEs of rounding size).
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    let margins: Vec<(String, std::collections::BTreeMap<String, f64>)> = spec["adjust"][0]["rake"]
        ["margins"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::from_value(v.clone()).unwrap()))
        .collect();
    let control = RakeControl {
        max_iter: 50,
        epsilon: 1e-9,
    };
    let (raked, _) = rake_design(&data, &design(&data, 1), &margins, control).unwrap();
    let no9 = EstimateOptions {
        exclude: vec!["9".into()],
        ..Default::default()
    };
    let want = mean(&data, &raked, "q_likert", &Domains::whole(), &no9).unwrap();
    let got = rows.iter().find(|r| r["id"] == "J2").unwrap();
    for (key, w) in [
        ("estimate", want[0].estimate),
        ("std_error", want[0].std_error),
        ("ci_lower", want[0].ci_lower),
        ("ci_upper", want[0].ci_upper),
    ] {
        let (g, w) = (got[key].as_f64().unwrap(), w.unwrap());
        assert!(close(g, w, 1e-12, 0.0), "J2 {key}: {g} vs {w}");
    }
}

/// Rows of zero weight on a raked design: they carry no weight before or after raking; the
/// estimates equal those of the design without them, and the SEs agree to 1e-8 (R's ten
/// sweeps count such rows in each cell's mean, which slows the sweeps but not their limit;
/// R's own sweeps divide 0 by 0 on such rows and report NaN, `subset(design, w > 0)` does
/// not).
#[test]
fn raking_ignores_rows_of_zero_weight() {
    let data = synth::generate(20_000).dataset();
    let w = data.numeric("weight").unwrap();
    let zeroed: Vec<f64> = (0..data.n_rows())
        .map(|i| if i % 10 == 3 { 0.0 } else { w.get(i).unwrap() })
        .collect();
    let keep: Vec<usize> = (0..data.n_rows()).filter(|i| i % 10 != 3).collect();
    let mut with_zeros = data.clone();
    with_zeros
        .set_column(
            "weight",
            Column::Numeric(NumericColumn::from_values(zeroed)),
        )
        .unwrap();
    let without = reorder(&with_zeros, &keep);
    let a = raked(&with_zeros, &design(&with_zeros, 1));
    let b = raked(&without, &design(&without, 1));
    for (x, y) in jobs(&with_zeros, &a).iter().zip(&jobs(&without, &b)) {
        let (e, se) = (x.estimate.unwrap(), x.std_error.unwrap());
        assert!(close(e, y.estimate.unwrap(), 1e-12, 0.0), "{x:?}");
        // A raked margin's SE is zero up to the sweeps' residue.
        assert!(
            close(se, y.std_error.unwrap(), 1e-8, 1e-9 * e),
            "{x:?} vs {y:?}"
        );
    }
}

/// A share of one answer (or a net) read off the frequency table of the same question,
/// kept beside the design, is the share its own pass gives: the same numbers for one
/// answer, within 1e-12 for a net (its per-unit sums are added in another order). A design
/// with other weights, other exclusions or domains does not read another's table.
#[test]
fn shares_read_off_a_kept_frequency_table_are_their_own_passes() {
    // Two blocks of rows on two threads.
    let data = synth::generate(120_000).dataset();
    let whole = Domains::whole();
    let share = |design: &Design, selection: &CategorySelection, exclude: &[&str]| {
        let options = EstimateOptions {
            exclude: exclude.iter().map(|e| e.to_string()).collect(),
            method: survey_stats::ProportionMethod::Logit,
            ..Default::default()
        };
        proportion(&data, design, "q_single", selection, &whole, &options).unwrap()
    };
    let one = CategorySelection::One("2".into());
    let net = CategorySelection::Net {
        categories: vec!["1".into(), "3".into()],
        label: "1 or 3".into(),
    };
    // Without a table kept: each share's own pass.
    let own = |selection: &CategorySelection, exclude: &[&str]| {
        share(&design(&data, 2), selection, exclude)
    };
    let kept = design(&data, 2);
    for exclude in [&[][..], &["5"][..]] {
        share(&kept, &CategorySelection::All, exclude);
        let (read, fresh) = (share(&kept, &one, exclude), own(&one, exclude));
        assert_eq!(format!("{read:?}"), format!("{fresh:?}"));
        assert_same(&share(&kept, &net, exclude), &own(&net, exclude), "net");
    }
    // Other exclusions than the table's: the share's own pass, not the table's.
    share(&kept, &CategorySelection::All, &[]);
    let (read, fresh) = (share(&kept, &one, &["4"]), own(&one, &["4"]));
    assert_eq!(format!("{read:?}"), format!("{fresh:?}"));
    // Other weights (a design derived from this one shares its kept tables).
    let weights: Vec<f64> = kept
        .weights()
        .as_slice()
        .iter()
        .map(|w| w * 1.5 + 1.0)
        .collect();
    let heavier = kept.with_weights(survey_stats::design::Weights::new(weights).unwrap());
    share(&kept, &CategorySelection::All, &[]);
    let fresh = {
        let mut alone = design(&data, 2);
        alone = alone.with_weights(heavier.weights().clone());
        share(&alone, &one, &[])
    };
    assert_eq!(
        format!("{:?}", share(&heavier, &one, &[])),
        format!("{fresh:?}")
    );
    assert_ne!(
        share(&heavier, &one, &[])[0].estimate,
        share(&kept, &one, &[])[0].estimate
    );
    // A net naming an answer twice counts it once, as its own pass does.
    let twice = CategorySelection::Net {
        categories: vec!["2".into(), "2.0".into(), "3".into()],
        label: "2 or 3".into(),
    };
    assert_same(
        &share(&kept, &twice, &[]),
        &own(&twice, &[]),
        "net of a repeated answer",
    );
    // Replicate weights of the same design (same weights and units): their own pass.
    let method = survey_stats::design::ReplicateMethod::Bootstrap {
        replicates: 20,
        seed: 7,
    };
    let replicated = kept.replicate(method).unwrap();
    let fresh = design(&data, 2).replicate(method).unwrap();
    let read = share(&replicated, &one, &[]);
    assert_eq!(
        format!("{read:?}"),
        format!("{:?}", share(&fresh, &one, &[]))
    );
    assert!(read[0].std_error.unwrap() > 0.0);
    // Another thread count: its own additions, not the two threads' table.
    let one_thread = kept.clone().with_threads(1);
    assert_eq!(
        format!("{:?}", share(&one_thread, &one, &[])),
        format!("{:?}", share(&design(&data, 1), &one, &[]))
    );
}

/// A share of a column added to a clone of the dataset (the same identity) is read off that
/// column, not off a table kept for a column of the same name added to another clone.
#[test]
fn a_kept_table_is_of_its_own_column() {
    let data = synth::generate(30_000).dataset();
    let d = design(&data, 2);
    let answers = |shift: usize| {
        let v: Vec<Option<f64>> = (0..data.n_rows())
            .map(|i| Some(((i + shift) % 3) as f64))
            .collect();
        Column::Numeric(NumericColumn::from_options(v))
    };
    let (mut a, mut b) = (data.clone(), data.clone());
    a.set_column("extra", answers(0)).unwrap();
    b.set_column("extra", answers(1)).unwrap();
    let whole = Domains::whole();
    let opts = EstimateOptions::default();
    proportion(&a, &d, "extra", &CategorySelection::All, &whole, &opts).unwrap();
    let one = CategorySelection::One("0".into());
    let read = proportion(&b, &d, "extra", &one, &whole, &opts).unwrap();
    let own = proportion(&b, &design(&data, 2), "extra", &one, &whole, &opts).unwrap();
    assert_eq!(format!("{read:?}"), format!("{own:?}"));
}
