//! The report reproduction (`examples/zubr_2019.rs`): every published figure F1–F13 at the
//! report's precision, and the paired F3–F4 comparison against R.

#[path = "../../examples/zubr/analysis.rs"]
mod analysis;

use crate::common::{assert_close, read_json};

fn report() -> analysis::Report {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019");
    analysis::analyse(&dir).expect("the bundled analysis runs")
}

#[test]
fn every_published_figure_is_reproduced() {
    let report = report();
    assert_eq!(report.figures.len(), 13);
    for f in &report.figures {
        assert!(
            f.reproduced(),
            "{} published {} estimated {:?}",
            f.figure.id,
            f.figure.published,
            f.estimate.estimate
        );
        assert_eq!(f.by_region.len(), 3, "{}", f.figure.id);
    }
}

#[test]
fn the_f3_f4_ranking_is_within_sampling_error() {
    let report = report();
    let d = &report.f3_minus_f4;
    // R: svycontrast(svymean(~q2_problems_1 + q2_problems_2, des), c(1, -1)) and
    // 2 * pt(-|t|, degf(des)) (tests/data/zubr_R.R).
    let r = read_json("zubr_R.json");
    let num = |k: &str| r[k].as_str().and_then(|s| s.parse::<f64>().ok()).expect(k);
    assert_close(
        d.estimate.unwrap(),
        num("f3_minus_f4"),
        1e-9,
        1e-12,
        "F3 − F4",
    );
    assert_close(
        d.std_error.unwrap(),
        num("f3_minus_f4_se"),
        1e-9,
        1e-12,
        "SE",
    );
    assert_close(
        d.p_value.unwrap(),
        num("f3_minus_f4_p"),
        1e-9,
        1e-12,
        "p-value",
    );
    assert!(
        d.p_value.unwrap() > 0.05,
        "47% vs 45% is not a significant ranking"
    );
}

#[test]
fn f10_average_and_pooled_differ_and_match_r() {
    let report = report();
    let f10 = report
        .figures
        .iter()
        .find(|f| f.figure.id == "F10")
        .unwrap();
    let r = read_json("zubr_R.json");
    let num = |k: &str| r[k].as_str().and_then(|s| s.parse::<f64>().ok()).expect(k);
    assert_close(
        f10.estimate.estimate.unwrap(),
        num("f10_average"),
        1e-9,
        1e-12,
        "F10 average",
    );
    assert_close(
        f10.estimate.std_error.unwrap(),
        num("f10_average_se"),
        1e-9,
        1e-12,
        "F10 average SE",
    );
    assert_close(
        report.f10_pooled.estimate.unwrap(),
        num("f10_pooled"),
        1e-9,
        1e-12,
        "F10 pooled",
    );
    assert_close(
        report.f10_pooled.std_error.unwrap(),
        num("f10_pooled_se"),
        1e-9,
        1e-12,
        "F10 pooled SE",
    );
    let shares: Vec<f64> = f10.by_region.iter().map(|e| e.estimate.unwrap()).collect();
    assert!(
        shares[0] != shares[1] && shares[1] != shares[2],
        "regional shares differ: {shares:?}"
    );
    assert!(f10.estimate.estimate != report.f10_pooled.estimate);
}

/// Answers cluster within projects: the figures' design effects are those of a clustered
/// sample (mostly 1.2–3).
#[test]
fn design_effects_are_those_of_a_clustered_sample() {
    let report = report();
    let deffs: Vec<f64> = report
        .figures
        .iter()
        .filter_map(|f| f.estimate.deff)
        .collect();
    assert!(deffs.len() >= 12, "{deffs:?}");
    assert!(deffs.iter().all(|d| (1.0..4.0).contains(d)), "{deffs:?}");
    assert!(
        deffs.iter().filter(|d| (1.2..=3.0).contains(*d)).count() >= 10,
        "{deffs:?}"
    );
}

/// The page's banners (every figure by region) hold the figures' own regional estimates,
/// which the tests above check at the report's precision and against R; their letters
/// reach the page and the workbook unchanged.
#[test]
fn banners_by_region_hold_the_figures() {
    use survey_stats::banner::RowKind;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019");
    let report = report();
    let survey = analysis::survey(&dir, "en").unwrap();
    let banners = analysis::banners(&survey).unwrap();
    let (shares, likert) = (&banners[0].1, &banners[1].1);
    assert_eq!(shares.columns().len(), 4, "Total and the three regions");
    let mut checked = 0;
    for f in &report.figures {
        let (table, row) = match f.figure.measure {
            analysis::Measure::Share(..) => {
                let prefix = format!("{} ", f.figure.id);
                (
                    shares,
                    shares
                        .rows()
                        .iter()
                        .find(|r| r.label().starts_with(&prefix)),
                )
            }
            analysis::Measure::Option(q, column) | analysis::Measure::RegionAverage(q, column) => {
                let code: f64 = column.rsplit('_').next().unwrap().parse().unwrap();
                (
                    shares,
                    shares
                        .rows()
                        .iter()
                        .find(|r| r.question() == q && r.codes() == [code]),
                )
            }
            analysis::Measure::MeanScore(_) => (
                likert,
                likert
                    .rows()
                    .iter()
                    .find(|r| r.kind() == RowKind::MeanScore),
            ),
        };
        let row = row.unwrap_or_else(|| panic!("{}: no banner row", f.figure.id));
        assert_eq!(table.columns().len(), row.cells().len());
        for (k, e) in f.by_region.iter().enumerate() {
            let cell = row.cells()[k + 1].as_ref().unwrap();
            assert_close(cell.value(), e.estimate.unwrap(), 1e-12, 1e-12, f.figure.id);
            assert_close(
                cell.std_error().unwrap(),
                e.std_error.unwrap(),
                1e-9,
                1e-12,
                f.figure.id,
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 39);

    let page = survey_stats::report::Report::new("banners")
        .banner(banners[0].0, shares)
        .banner(banners[1].0, likert)
        .to_html();
    let doc = crate::common::parse_xml(&page);
    let sups: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("sup"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let letters: Vec<String> = [shares, likert]
        .iter()
        .flat_map(|b| b.rows())
        .flat_map(|r| r.cells().iter().flatten())
        .map(|c| c.letters().concat())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!letters.is_empty(), "some regions differ");
    assert_eq!(sups, letters);

    // The workbook: a value and a letters column per banner column.
    #[cfg(feature = "xlsx")]
    {
        use calamine::{Data, Reader, Xlsx};
        let bytes = survey_stats::report::Report::new("b")
            .banner("by region", shares)
            .to_xlsx()
            .unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("by region").unwrap();
        let grid: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let f1 = grid
            .iter()
            .find(|r| r[1].to_string().starts_with("F1 "))
            .unwrap();
        let row = shares
            .rows()
            .iter()
            .find(|r| r.label().starts_with("F1 "))
            .unwrap();
        for (j, cell) in row.cells().iter().enumerate() {
            let cell = cell.as_ref().unwrap();
            assert_eq!(f1[2 + 2 * j], Data::Float(cell.value()));
            let letters = cell.letters().concat();
            let want = if letters.is_empty() {
                Data::Empty
            } else {
                Data::String(letters)
            };
            assert_eq!(f1[3 + 2 * j], want);
        }
        let base = grid
            .iter()
            .find(|r| r[1] == Data::String("base (n)".into()))
            .unwrap();
        assert_eq!(base[2], Data::Float(1200.0));
    }
}

/// `data/zubr2019/responses.sav` (written by `data/zubr2019/make_sav.R` with haven from
/// the CSV and the questionnaire) gives the same figures as `responses.csv`.
#[cfg(feature = "sav")]
#[test]
fn the_sav_of_the_responses_gives_the_same_figures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019");
    let csv = report();
    let sav = analysis::analyse_file(&dir, &dir.join("responses.sav")).expect("the .sav runs");
    assert_eq!(csv.figures.len(), sav.figures.len());
    for (a, b) in csv.figures.iter().zip(&sav.figures) {
        let pairs =
            std::iter::once((&a.estimate, &b.estimate)).chain(a.by_region.iter().zip(&b.by_region));
        for (x, y) in pairs {
            for (u, v) in [(x.estimate, y.estimate), (x.std_error, y.std_error)] {
                assert_close(
                    v.expect("value"),
                    u.expect("value"),
                    1e-12,
                    0.0,
                    a.figure.id,
                );
            }
            assert_eq!(x.n, y.n, "{}", a.figure.id);
        }
    }
    assert_eq!((csv.n_rows, csv.n_psu), (sav.n_rows, sav.n_psu));
}
