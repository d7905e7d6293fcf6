//! The reconstructed microdata of the 2019 ZUBR beneficiary survey (`data/zubr2019/`):
//! every published figure F1–F13 of `FIGURES.md` reproduces at the report's precision under
//! the design-weighted estimator (strata = region, PSU = project, weights = population/400),
//! the design effects are those of a clustered sample, and the committed CSV is exactly
//! what `examples/zubr_generate.rs` writes.
//!
//! `cargo test --test integration zubr -- --nocapture` prints the table of figures.

use survey_stats::data::{CsvOptions, Dataset, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    CategorySelection, Domains, Estimate, EstimateOptions, difference, mean, proportion,
};

/// The generator itself, compiled into the test so that the byte-for-byte check runs
/// offline and without spawning cargo.
#[allow(dead_code)]
#[path = "../../examples/zubr_generate.rs"]
mod zubr_generate;

const CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/responses.csv");

fn load() -> (Dataset, Design) {
    let data = read_csv(CSV, &CsvOptions::default()).expect("data/zubr2019/responses.csv");
    let design = Design::new(
        &data,
        &DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            clusters: vec!["project".into()],
            ..Default::default()
        },
    )
    .expect("design");
    (data, design)
}

fn estimate_of(rows: Vec<Estimate>) -> Estimate {
    assert_eq!(rows.len(), 1, "one row expected");
    rows.into_iter().next().expect("one row")
}

/// Share of the category `category` of `column`, over all respondents.
fn share(data: &Dataset, design: &Design, column: &str, category: &str) -> Estimate {
    estimate_of(
        proportion(
            data,
            design,
            column,
            &CategorySelection::One(category.into()),
            &Domains::whole(),
            &EstimateOptions::default(),
        )
        .expect(column),
    )
}

/// Share of a net of categories of `column`, over all respondents.
fn net(data: &Dataset, design: &Design, column: &str, codes: &[&str], label: &str) -> Estimate {
    estimate_of(
        proportion(
            data,
            design,
            column,
            &CategorySelection::Net {
                categories: codes.iter().map(|c| c.to_string()).collect(),
                label: label.into(),
            },
            &Domains::whole(),
            &EstimateOptions::default(),
        )
        .expect(column),
    )
}

/// Share of option `1` of a 0/1 column in each region.
fn regional_shares(data: &Dataset, design: &Design, column: &str) -> Vec<f64> {
    let rows = proportion(
        data,
        design,
        column,
        &CategorySelection::One("1".into()),
        &Domains::by(data, &["region".into()]).expect("region"),
        &EstimateOptions::default(),
    )
    .expect(column);
    assert_eq!(rows.len(), 3, "three regions");
    rows.iter().map(|r| r.estimate.expect("share")).collect()
}

/// How a published figure is matched.
#[derive(Clone, Copy)]
enum Precision {
    /// An integer percent: the estimate rounds to it.
    Percent(f64),
    /// A percent with one decimal.
    Percent1(f64),
    /// A share in `[lo, hi)`.
    Range(f64, f64),
    /// A mean, at one decimal.
    Mean1(f64),
}

impl Precision {
    fn holds(self, x: f64) -> bool {
        match self {
            Precision::Percent(v) => (100.0 * x).round() == v,
            Precision::Percent1(v) => (1000.0 * x).round() == 10.0 * v,
            Precision::Range(lo, hi) => lo <= x && x < hi,
            Precision::Mean1(v) => (10.0 * x).round() == 10.0 * v,
        }
    }

    fn published(self) -> String {
        match self {
            Precision::Percent(v) => format!("{v}%"),
            Precision::Percent1(v) => format!("{v:.1}%"),
            Precision::Range(..) => "2/3".into(),
            Precision::Mean1(v) => format!("{v}"),
        }
    }
}

/// A figure: id, what it is, published value, the data's value and its design effect.
struct Figure {
    id: &'static str,
    what: &'static str,
    precision: Precision,
    value: f64,
    deff: f64,
}

impl Figure {
    fn new(id: &'static str, what: &'static str, precision: Precision, e: &Estimate) -> Self {
        Figure {
            id,
            what,
            precision,
            value: e.estimate.expect("estimate"),
            deff: e.deff.expect("deff"),
        }
    }

    fn shown(&self) -> String {
        match self.precision {
            Precision::Mean1(_) => format!("{:.3}", self.value),
            _ => format!("{:.2}%", 100.0 * self.value),
        }
    }
}

/// F1–F13 estimated from the data. F10 is the mean of the three regions' shares of option
/// 6; its design effect is that of the pooled share.
fn figures(data: &Dataset, design: &Design) -> Vec<Figure> {
    use Precision::*;
    let q5 = estimate_of(
        mean(
            data,
            design,
            "q5_satisfaction",
            &Domains::whole(),
            &EstimateOptions {
                exclude: vec!["9".into()],
                ..Default::default()
            },
        )
        .expect("q5"),
    );
    let regional = regional_shares(data, design, "q2_problems_6");
    let mut f10 = Figure::new(
        "F10",
        "q2 option 6, unprofessional (mean of regions)",
        Percent(4.0),
        &share(data, design, "q2_problems_6", "1"),
    );
    f10.value = regional.iter().sum::<f64>() / 3.0;
    vec![
        Figure::new(
            "F1",
            "q1 know or have heard (1+2)",
            Percent(77.0),
            &net(data, design, "q1_awareness", &["1", "2"], "know_or_heard"),
        ),
        Figure::new(
            "F2",
            "q1 don't know or hard to answer (3+9)",
            Percent(23.0),
            &net(data, design, "q1_awareness", &["3", "9"], "not_know"),
        ),
        Figure::new(
            "F3",
            "q2 option 1, low awareness",
            Percent(47.0),
            &share(data, design, "q2_problems_1", "1"),
        ),
        Figure::new(
            "F4",
            "q2 option 2, point not understood",
            Percent(45.0),
            &share(data, design, "q2_problems_2", "1"),
        ),
        Figure::new(
            "F5",
            "q3 personal interest (yes)",
            Range(0.665, 0.670),
            &share(data, design, "q3_interest", "1"),
        ),
        Figure::new(
            "F6",
            "q4 nothing changed (3)",
            Percent(8.0),
            &share(data, design, "q4_change", "3"),
        ),
        Figure::new(
            "F7",
            "q4 hard to answer (9)",
            Percent(14.0),
            &share(data, design, "q4_change", "9"),
        ),
        Figure::new("F8", "q5 mean satisfaction, 9 excluded", Mean1(4.0), &q5),
        Figure::new(
            "F9",
            "q6 real needs (yes)",
            Percent1(64.5),
            &share(data, design, "q6_real_needs", "1"),
        ),
        f10,
        Figure::new(
            "F11",
            "q7 option 3, corruption and connections",
            Percent(24.0),
            &share(data, design, "q7_why_win_3", "1"),
        ),
        Figure::new(
            "F12",
            "q7 option 1, experience and qualification",
            Percent1(51.4),
            &share(data, design, "q7_why_win_1", "1"),
        ),
        Figure::new(
            "F13",
            "q7 option 2, high-quality applications",
            Percent(38.0),
            &share(data, design, "q7_why_win_2", "1"),
        ),
    ]
}

#[test]
fn zubr_generator_reproduces_the_committed_csv() {
    let committed = std::fs::read_to_string(CSV).expect("data/zubr2019/responses.csv");
    let generated = zubr_generate::generate();
    assert!(
        generated == committed,
        "examples/zubr_generate.rs no longer writes data/zubr2019/responses.csv: rerun \
         `cargo run --example zubr_generate` and review the figures"
    );
}

#[test]
fn zubr_csv_follows_the_codebook() {
    let (data, _) = load();
    let header = std::fs::read_to_string(CSV).expect("csv");
    assert_eq!(header.lines().next(), Some(zubr_generate::HEADER));
    assert_eq!(data.n_rows(), 1200);
    let col = |name: &str| -> Vec<u32> {
        let c = data.numeric(name).expect(name);
        (0..data.n_rows())
            .map(|r| c.get(r).expect("no missing values") as u32)
            .collect()
    };
    let (id, region, project, weight) = (col("id"), col("region"), col("project"), col("weight"));
    for r in 0..1200 {
        assert_eq!(id[r] as usize, r + 1);
        assert_eq!(project[r] / 100, region[r], "project ids carry the region");
        assert!((1..=20).contains(&(project[r] % 100)));
        assert_eq!(weight[r], [4625, 3450, 3425][region[r] as usize - 1]);
    }
    let single: [(&str, &[u32]); 5] = [
        ("q1_awareness", &[1, 2, 3, 9]),
        ("q3_interest", &[1, 2, 9]),
        ("q4_change", &[1, 2, 3, 9]),
        ("q5_satisfaction", &[1, 2, 3, 4, 5, 9]),
        ("q6_real_needs", &[1, 2, 9]),
    ];
    for (name, codes) in single {
        assert!(col(name).iter().all(|v| codes.contains(v)), "{name}");
    }
    let multiple: [(&str, &[u32], usize); 2] = [
        ("q2_problems", &[1, 2, 3, 4, 5, 6], 3),
        ("q7_why_win", &[1, 2, 3, 4], 4),
    ];
    for (stem, options, max) in multiple {
        let cols: Vec<Vec<u32>> = options
            .iter()
            .map(|o| col(&format!("{stem}_{o}")))
            .collect();
        let dk = col(&format!("{stem}_9"));
        for r in 0..1200 {
            let n: u32 = cols.iter().map(|c| c[r]).sum();
            assert!(
                cols.iter().all(|c| c[r] <= 1) && dk[r] <= 1,
                "{stem} row {r}: 0/1"
            );
            if dk[r] == 1 {
                assert_eq!(n, 0, "{stem} row {r}: hard to answer is exclusive");
            } else {
                assert!(n >= 1 && n as usize <= max, "{stem} row {r}: {n} options");
            }
        }
    }
    // 20 respondents in each of 20 projects per region.
    let mut per_project = std::collections::BTreeMap::new();
    for &p in &project {
        *per_project.entry(p).or_insert(0) += 1;
    }
    assert_eq!(per_project.len(), 60);
    assert!(per_project.values().all(|&n| n == 20));
}

/// The questionnaire (read as plain JSON: the questionnaire module is checked elsewhere)
/// claims every answer column of the CSV, and every value is one of its codes.
#[test]
fn zubr_questionnaire_describes_the_csv() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/zubr2019/questionnaire.json"
    );
    let text = std::fs::read_to_string(path).expect("data/zubr2019/questionnaire.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let (data, _) = load();
    let mut claimed = vec!["id".to_string(), "project".into(), "weight".into()];
    for q in json["questions"].as_array().expect("questions") {
        let id = q["id"].as_str().expect("id");
        for lang in ["en", "kk"] {
            assert!(q["text"][lang].is_string(), "{id}: text in {lang}");
        }
        let codes: Vec<f64> = ["options", "levels", "missing_codes"]
            .iter()
            .flat_map(|k| q[*k].as_array().cloned().unwrap_or_default())
            .map(|o| o["code"].as_f64().expect("code"))
            .collect();
        let columns: Vec<String> = match q["storage"]["columns"].as_array() {
            Some(cols) => cols
                .iter()
                .map(|c| c.as_str().expect("column").into())
                .collect(),
            None => vec![id.to_string()],
        };
        let binary = columns.len() > 1;
        for column in columns {
            let values = data.numeric(&column).expect("column in the CSV");
            for r in 0..data.n_rows() {
                let v = values.get(r).expect("no missing values");
                let ok = if binary {
                    v == 0.0 || v == 1.0
                } else {
                    codes.contains(&v)
                };
                assert!(ok, "{column} row {}: {v} is not a code of {id}", r + 1);
            }
            claimed.push(column);
        }
    }
    let mut names = data.names().to_vec();
    names.sort();
    claimed.sort();
    assert_eq!(names, claimed, "every answer column is a question's");
}

#[test]
fn zubr_published_figures_reproduce() {
    let (data, design) = load();
    let figures = figures(&data, &design);
    println!("| figure | item | published | data | deff |");
    println!("|--------|------|-----------|------|------|");
    for f in &figures {
        println!(
            "| {} | {} | {} | {} | {:.2} |",
            f.id,
            f.what,
            f.precision.published(),
            f.shown(),
            f.deff
        );
    }
    for f in &figures {
        assert!(
            f.precision.holds(f.value),
            "{} ({}): published {}, data give {}",
            f.id,
            f.what,
            f.precision.published(),
            f.shown()
        );
    }
    // "Hard to answer" is in the base: F1 + F2 = 100%.
    assert!((figures[0].value + figures[1].value - 1.0).abs() < 1e-12);
}

#[test]
fn zubr_design_effects_are_those_of_a_clustered_sample() {
    let (data, design) = load();
    let figures = figures(&data, &design);
    let in_range = figures
        .iter()
        .filter(|f| (1.2..=3.0).contains(&f.deff))
        .count();
    assert!(
        in_range >= 9,
        "only {in_range} of 13 design effects in [1.2, 3]"
    );
    for f in &figures {
        assert!((1.0..=4.0).contains(&f.deff), "{}: deff {}", f.id, f.deff);
    }
}

#[test]
fn zubr_f10_is_a_mean_of_differing_regional_shares() {
    let (data, design) = load();
    let regional = regional_shares(&data, &design, "q2_problems_6");
    for i in 0..3 {
        for j in i + 1..3 {
            assert!(
                (regional[i] - regional[j]).abs() >= 0.005,
                "regions {} and {} give {} and {}",
                i + 1,
                j + 1,
                regional[i],
                regional[j]
            );
        }
    }
    let average = regional.iter().sum::<f64>() / 3.0;
    assert_eq!((100.0 * average).round(), 4.0);
    let pooled = share(&data, &design, "q2_problems_6", "1")
        .estimate
        .expect("share");
    assert!(
        (pooled - average).abs() >= 0.001,
        "pooled {pooled} vs average {average}"
    );
}

#[test]
fn zubr_f3_f4_ranking_is_within_sampling_error() {
    let (data, design) = load();
    let shares: Vec<f64> = (1..=6)
        .map(|o| {
            share(&data, &design, &format!("q2_problems_{o}"), "1")
                .estimate
                .expect("share")
        })
        .collect();
    // Option 1 first, option 2 second, every other option lower.
    assert!(shares[0] > shares[1]);
    assert!(shares[2..].iter().all(|&s| s < shares[1]));
    // Option 6 least chosen (F10).
    assert!(shares[..5].iter().all(|&s| s > shares[5]));
    // Paired difference on the same respondents: not significant.
    let d = estimate_of(
        difference(
            &data,
            &design,
            "q2_problems_1",
            "q2_problems_2",
            &Domains::whole(),
            &EstimateOptions::default(),
        )
        .expect("difference"),
    );
    let t = d.estimate.expect("difference") / d.std_error.expect("SE");
    println!(
        "F3 − F4 = {:.4} (SE {:.4}, t = {t:.2}, df {:?})",
        d.estimate.unwrap_or_default(),
        d.std_error.unwrap_or_default(),
        d.df
    );
    assert!(t > 0.0 && t < 1.96, "t = {t}");
}
