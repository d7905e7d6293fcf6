//! Banner tables (`Survey::banner`) against R survey 4.1.1: `tests/data/banner_R.json`,
//! made by `tests/data/banner_R.R` — per row and banner variable, `svyby(..., covmat = TRUE)`
//! for the cells, `svycontrast` per pair with `2 * pt(-|t|, degf(design))`, `p.adjust`
//! (none, Bonferroni, Holm) and the letters at 95%. The designs: the 2019 report data
//! (strata = region, PSU = project, weights; banner region and q3_interest, which crosses
//! the PSUs) and apiclus2 (two stages with fpc; banner stype, a text column). Then the
//! edge cases: an empty column, a base of one, a low base, bad input.

use crate::common::{assert_close, data_path, read_json};
use serde_json::Value;
use survey_stats::banner::{Banner, BannerRow, RowKind};
use survey_stats::{Adjust, Dataset, DesignOptions, ErrorKind, Survey};

const REL: f64 = 1e-9;
const ABS: f64 = 1e-12;

fn zubr() -> Survey {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019/responses.csv");
    Survey::from_csv(
        path,
        &DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            clusters: vec!["project".into()],
            ..Default::default()
        },
    )
    .unwrap()
}

fn zubr_banner(adjust: Adjust) -> Banner {
    zubr_banner_at(adjust, 0.95)
}

fn zubr_banner_at(adjust: Adjust, level: f64) -> Banner {
    zubr()
        .banner(["region", "q3_interest"])
        .rows_single("q1_awareness")
        .rows_likert("q5_satisfaction")
        .rows_multiple("q7_why_win")
        .exclude([9])
        .adjust(adjust)
        .level(level)
        .min_base(2)
        .build()
        .unwrap()
}

fn apiclus2_banner(adjust: Adjust) -> Banner {
    let survey = Survey::from_csv(
        data_path("apiclus2.csv"),
        &DesignOptions {
            clusters: vec!["dnum".into(), "snum".into()],
            fpc: vec!["fpc1".into(), "fpc2".into()],
            ..Default::default()
        },
    )
    .unwrap();
    survey
        .banner(["stype"])
        .rows_mean("api00")
        .rows_mean("ell")
        .rows_single("awards")
        .adjust(adjust)
        .min_base(2)
        .build()
        .unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("a number: {v}"))
}

/// The banner row that R's record `label` describes.
fn find<'a>(table: &'a Banner, label: &str) -> &'a BannerRow {
    let pick = |q: &str, kind: RowKind, l: Option<&str>| {
        table
            .rows()
            .iter()
            .find(|r| r.question() == q && r.kind() == kind && l.is_none_or(|l| r.label() == l))
            .unwrap_or_else(|| panic!("row {label}"))
    };
    match label {
        "q1_awareness=9 (of all)" => pick("q1_awareness", RowKind::NonSubstantive, Some("9")),
        "q5 top box" => pick("q5_satisfaction", RowKind::TopBox, None),
        "q5 bottom box" => pick("q5_satisfaction", RowKind::BottomBox, None),
        "q5 mean score" => pick("q5_satisfaction", RowKind::MeanScore, None),
        "apiclus2 api00" => pick("api00", RowKind::Mean, None),
        "apiclus2 ell" => pick("ell", RowKind::Mean, None),
        "apiclus2 awards=No" => pick("awards", RowKind::Category, Some("No")),
        "apiclus2 awards=Yes" => pick("awards", RowKind::Category, Some("Yes")),
        l if l.starts_with("q1_awareness=") => {
            pick("q1_awareness", RowKind::Category, Some(&l[13..]))
        }
        l => pick(
            l.strip_suffix("")
                .unwrap_or(l)
                .trim_end_matches(char::is_numeric)
                .trim_end_matches('_'),
            RowKind::Option,
            Some(l),
        ),
    }
}

fn check_against_r(table: &Banner, adjust: Adjust, records: &[&Value]) {
    let method = match adjust {
        Adjust::None => "none",
        Adjust::Bonferroni => "bonferroni",
        Adjust::Holm => "holm",
    };
    assert_eq!(table.df(), Some(num(&records[0]["degf"])));
    for rec in records {
        let label = rec["label"].as_str().unwrap();
        let row = find(table, label);
        let at = |x: &str| format!("{label} {method} {x}");
        let total = row.cells()[0].as_ref().unwrap();
        assert_close(
            total.value(),
            num(&rec["total"]["value"]),
            REL,
            ABS,
            &at("Total value"),
        );
        assert_close(
            total.std_error().unwrap(),
            num(&rec["total"]["std_error"]),
            REL,
            ABS,
            &at("Total SE"),
        );
        assert_eq!(
            total.n(),
            num(&rec["total"]["n"]) as u64,
            "{}",
            at("Total n")
        );
        assert_close(
            total.weighted_n(),
            num(&rec["total"]["weighted_n"]),
            REL,
            ABS,
            &at("Total weighted n"),
        );
        let mut first = 1;
        for g in rec["groups"].as_array().unwrap() {
            let banner = g["banner"].as_str().unwrap();
            let levels = g["levels"].as_array().unwrap();
            for (i, level) in levels.iter().enumerate() {
                let c = first + i;
                let column = &table.columns()[c];
                assert_eq!(column.variable(), Some(banner));
                assert_eq!(column.value(), level.as_str(), "{}", at("column"));
                let cell = row.cells()[c].as_ref().unwrap();
                let at = |x: &str| at(&format!("{banner}={} {x}", level));
                assert_close(cell.value(), num(&g["value"][i]), REL, ABS, &at("value"));
                assert_close(
                    cell.std_error().unwrap(),
                    num(&g["std_error"][i]),
                    REL,
                    ABS,
                    &at("SE"),
                );
                assert_eq!(cell.n(), num(&g["n"][i]) as u64, "{}", at("n"));
                assert_close(
                    cell.weighted_n(),
                    num(&g["weighted_n"][i]),
                    REL,
                    ABS,
                    &at("weighted n"),
                );
                assert_eq!(
                    cell.letters().concat(),
                    g[method]["letters"][i].as_str().unwrap(),
                    "{}",
                    at("letters")
                );
            }
            for (x, pair) in g["pairs"].as_array().unwrap().iter().enumerate() {
                let (a, b) = (
                    first + num(&pair["a"]) as usize,
                    first + num(&pair["b"]) as usize,
                );
                let t = row
                    .tests()
                    .iter()
                    .find(|t| t.a() == a && t.b() == b)
                    .unwrap_or_else(|| panic!("{}", at(&format!("test {a}-{b}"))));
                let at = |x: &str| at(&format!("{a}−{b} {x}"));
                assert_close(
                    t.difference(),
                    num(&pair["difference"]),
                    REL,
                    ABS,
                    &at("difference"),
                );
                assert_close(t.std_error(), num(&pair["std_error"]), REL, ABS, &at("SE"));
                assert_close(
                    t.p_adjusted(),
                    num(&g[method]["p"][x]),
                    1e-8,
                    1e-14,
                    &at("adjusted p"),
                );
                assert_eq!(t.df(), Some(num(&rec["degf"])));
            }
            first += levels.len();
        }
    }
}

#[test]
fn banner_cells_tests_and_letters_match_r_on_the_2019_report_data() {
    let reference = read_json("banner_R.json");
    let rows = reference["rows"].as_array().unwrap();
    let zubr: Vec<&Value> = rows
        .iter()
        .filter(|r| !r["label"].as_str().unwrap().starts_with("apiclus2"))
        .collect();
    assert_eq!(zubr.len(), 12);
    for adjust in [Adjust::None, Adjust::Bonferroni, Adjust::Holm] {
        let table = zubr_banner(adjust);
        // Total, 3 regions, 3 levels of q3_interest.
        assert_eq!(table.columns().len(), 7);
        check_against_r(&table, adjust, &zubr);
    }
}

#[test]
fn banner_means_match_r_on_a_two_stage_design_with_a_text_banner() {
    let reference = read_json("banner_R.json");
    let rows = reference["rows"].as_array().unwrap();
    let api: Vec<&Value> = rows
        .iter()
        .filter(|r| r["label"].as_str().unwrap().starts_with("apiclus2"))
        .collect();
    assert_eq!(api.len(), 4); // two means, the two answers of a text question
    for adjust in [Adjust::None, Adjust::Bonferroni, Adjust::Holm] {
        let table = apiclus2_banner(adjust);
        assert_eq!(table.columns()[1].value(), Some("E"));
        check_against_r(&table, adjust, &api);
    }
}

#[test]
fn adjustments_change_letters_where_r_says_they_do() {
    // q5's bottom box by q3_interest: unadjusted, column E is above D and F; with
    // Bonferroni only above D; with Holm above both again (R: banner_R.json).
    let letters = |adjust| {
        let t = zubr_banner(adjust);
        let row = find(&t, "q5 bottom box").clone();
        row.cells()[5].as_ref().unwrap().letters().concat()
    };
    assert_eq!(letters(Adjust::None), "DF");
    assert_eq!(letters(Adjust::Bonferroni), "D");
    assert_eq!(letters(Adjust::Holm), "DF");
}

#[test]
fn non_substantive_answers_are_rows_apart_and_out_of_the_base() {
    let table = zubr_banner(Adjust::None);
    let q1: Vec<&BannerRow> = table
        .rows()
        .iter()
        .filter(|r| r.question() == "q1_awareness")
        .collect();
    assert_eq!(q1.len(), 4);
    // The three answers share a base without the 9s; their Total shares sum to one.
    let sum: f64 = q1[..3]
        .iter()
        .map(|r| r.cells()[0].as_ref().unwrap().value())
        .sum();
    assert_close(sum, 1.0, 0.0, 1e-12, "shares of q1 without 9");
    assert_eq!(q1[3].kind(), RowKind::NonSubstantive);
    assert_eq!(q1[3].cells()[0].as_ref().unwrap().n(), 1200);
    // 1,108: R's n for q1 without 9 (`banner_R.json`, row "q1_awareness=1", total).
    assert_eq!(q1[0].cells()[0].as_ref().unwrap().n(), 1200 - 92);
    assert!(
        table
            .notes()
            .iter()
            .any(|n| n.contains("code 9 left out of the base of") && n.contains("q1_awareness"))
    );
    let text = table.to_string();
    assert!(text.contains("9 (of all answers)"), "{text}");
}

/// g = 1: four respondents; g = 2: one; g = 3: two who answered only 9; g = 4 labelled, no
/// row.
fn small() -> Survey {
    let data = Dataset::builder()
        .column("g", vec![1u8, 1, 1, 1, 2, 3, 3])
        .column("q", vec![1u8, 1, 2, 2, 1, 9, 9])
        .column("y", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
        .labels("g", [(1, "north"), (2, "south"), (3, "east"), (4, "west")])
        .build()
        .unwrap();
    Survey::srs(data).unwrap()
}

/// The answers of q by g in [`small`], 9 left out, every cell tested.
fn small_single() -> Banner {
    small()
        .banner(["g"])
        .rows_single("q")
        .exclude([9])
        .min_base(1)
        .build()
        .unwrap()
}

#[test]
fn an_empty_column_has_no_cells_and_a_note() {
    let table = small_single();
    let row = table.rows().iter().find(|r| r.label() == "1").unwrap();
    assert!(row.cells()[3].is_none(), "east answered only 9");
    assert!(row.tests().iter().all(|t| t.a() != 3 && t.b() != 3));
    let note = table
        .notes()
        .iter()
        .find(|n| n.contains("no respondent"))
        .expect("a note");
    assert!(note.contains("g = 3 (east)"), "{note}");
    // The non-substantive row has east: both of its answers are 9.
    let nine = table
        .rows()
        .iter()
        .find(|r| r.kind() == RowKind::NonSubstantive)
        .unwrap();
    assert_eq!(nine.cells()[3].as_ref().unwrap().value(), 1.0);
    assert!(table.to_string().contains('–'));
    // West is labelled but nobody lives there: a column, lettered, with no cell anywhere.
    let west = &table.columns()[4];
    assert_eq!(
        (west.label(), west.value(), west.letter()),
        ("west", Some("4"), Some("D"))
    );
    assert!(table.rows().iter().all(|r| r.cells()[4].is_none()));
    assert!(note.contains("g = 4 (west)"), "{note}");
}

#[test]
fn a_base_of_one_has_a_value_no_se_no_letters() {
    let table = small_single();
    let row = table.rows().iter().find(|r| r.label() == "1").unwrap();
    let south = row.cells()[2].as_ref().unwrap();
    assert_eq!((south.value(), south.n()), (1.0, 1));
    assert_eq!(south.std_error(), None);
    assert!(south.letters().is_empty() && south.note().is_some());
    assert!(
        row.tests().is_empty(),
        "one testable column of g is no pair"
    );
    assert!(table.notes().iter().any(|n| n.contains("base of one")));
}

#[test]
fn a_low_base_is_flagged_and_not_tested() {
    let table = small()
        .banner(["g"])
        .rows_mean("y")
        .min_base(3)
        .build()
        .unwrap();
    let row = &table.rows()[0];
    let north = row.cells()[1].as_ref().unwrap();
    assert!(!north.low_base());
    let east = row.cells()[3].as_ref().unwrap();
    assert!(east.low_base() && east.letters().is_empty());
    assert!(row.tests().is_empty());
    assert!(table.to_table().to_csv().contains("6.50*"));
    assert!(table.notes().iter().any(|n| n.contains("base under 3")));
    // Under a minimum of 2 north and east are tested: one pair, the difference of means.
    let table = small()
        .banner(["g"])
        .rows_mean("y")
        .min_base(2)
        .build()
        .unwrap();
    let t = &table.rows()[0].tests()[0];
    assert_eq!((t.a(), t.b()), (1, 3));
    assert_eq!(t.difference(), 2.5 - 6.5);
}

#[test]
fn a_banner_without_banner_variables_is_the_total_alone() {
    let table = small()
        .banner(Vec::<String>::new())
        .rows_mean("y")
        .build()
        .unwrap();
    assert_eq!(table.columns().len(), 1);
    assert_eq!(table.cell(0, 0).unwrap().value(), 4.0);
    assert!(table.rows()[0].tests().is_empty());
}

#[test]
fn bad_input_is_an_error_in_the_users_terms() {
    let s = small();
    let err = |r: survey_stats::Result<Banner>| r.unwrap_err().to_string();
    assert!(err(s.banner(["nope"]).rows_mean("y").build()).contains("nope"));
    assert!(err(s.banner(["g"]).rows_mean("nope").build()).contains("nope"));
    assert!(err(s.banner(["g"]).build()).contains("rows_single"));
    assert!(err(s.banner(["g"]).rows_net("q", "x", [7]).build()).contains("code 7"));
    assert!(err(s.banner(["g"]).rows_single("q").exclude([8]).build()).contains("code 8"));
    assert!(err(s.banner(["g"]).rows_mean("y").level(1.5).build()).contains("level"));
    assert!(err(s.banner(["g"]).rows_multiple("q").build()).contains("multiple-response"));
    let e = s
        .banner(["g"])
        .rows_single("y")
        .level(0.0)
        .build()
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidSetting { .. }));
    // A multiple-response option holding 2, found by its column name.
    let data = Dataset::builder()
        .column("g", vec![1u8, 2])
        .column("m_1", vec![1u8, 2])
        .column("m_2", vec![0u8, 1])
        .build()
        .unwrap();
    let e = err(Survey::srs(data)
        .unwrap()
        .banner(["g"])
        .rows_multiple("m")
        .build());
    assert!(e.contains("m_1") && e.contains("not 0 or 1"), "{e}");
}

#[test]
fn the_table_renders_as_text_markdown_and_json() {
    let table = zubr_banner(Adjust::Holm);
    let md = table.to_table().to_markdown();
    assert!(
        md.starts_with(
            "| question | row | Total | 1 (A) | 2 (B) | 3 (C) | 1 (D) | 2 (E) | 9 (F) |"
        ),
        "{md}"
    );
    let json = serde_json::to_value(&table).unwrap();
    assert_eq!(json["columns"].as_array().unwrap().len(), 7);
    assert_eq!(json["adjust"], "holm");
    assert!(json["rows"][0]["cells"][1]["weighted_n"].is_number());
    assert!(!serde_json::to_string(&table).unwrap().contains("NaN"));
}

/// A spec with the 2019 data, its questionnaire, and one banner table.
fn zubr_spec(table: &str) -> std::path::PathBuf {
    let dir = crate::common::scratch("banner", "spec");
    let zubr = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019");
    let spec = format!(
        r#"{{"data": "{}", "questionnaire": "{}",
            "design": {{"weights": "weight", "strata": "region", "clusters": ["project"]}},
            "tables": [{table}]}}"#,
        zubr.join("responses.csv").display(),
        zubr.join("questionnaire.json").display()
    );
    let path = dir.join("spec.json");
    std::fs::write(&path, spec).unwrap();
    path
}

#[test]
fn the_spec_and_command_line_print_the_same_table_as_the_library() {
    let spec = zubr_spec(
        r#"{"id": "b1", "by": ["region", "q3_interest"],
            "rows": [{"single": "q1_awareness"}, {"likert": "q5_satisfaction"}, {"multiple": "q7_why_win"}],
            "p_adjust": "bonferroni", "min_base": 2}"#,
    );
    let spec = spec.to_str().unwrap();
    let (code, out, err) = crate::common::run_cli(&["estimate", spec, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 0);
    let t = &json["tables"][0];
    assert_eq!(t["id"], "b1");
    // Without "exclude", the questionnaire's non-substantive code 9 leaves the base, as in
    // the library's table with .exclude([9]); labels come from the questionnaire.
    let lib = zubr_banner(Adjust::Bonferroni);
    assert_eq!(t["rows"].as_array().unwrap().len(), lib.rows().len());
    assert_eq!(t["columns"][1]["label"], "Almaty city");
    for (r, row) in lib.rows().iter().enumerate() {
        assert_eq!(
            t["rows"][r]["kind"],
            serde_json::to_value(row.kind()).unwrap()
        );
        for (c, cell) in row.cells().iter().enumerate() {
            let got = &t["rows"][r]["cells"][c];
            let cell = cell.as_ref().unwrap();
            // serde_json's parser may round the last digit differently.
            assert_close(
                got["value"].as_f64().unwrap(),
                cell.value(),
                1e-15,
                0.0,
                "value",
            );
            assert_eq!(got["n"].as_u64().unwrap(), cell.n());
            assert_eq!(
                got["letters"],
                serde_json::to_value(cell.letters()).unwrap()
            );
        }
    }
    for format in ["table", "markdown", "csv"] {
        let (code, out, err) = crate::common::run_cli(&["estimate", spec, "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(out.contains("Almaty city (A)"), "{format}: {out}");
    }
    let (_, csv, _) = crate::common::run_cli(&["estimate", spec, "--format", "csv"]);
    assert!(
        csv.starts_with("# b1\nquestion,row,Total,Almaty city (A)"),
        "{csv}"
    );
}

#[test]
fn a_bad_table_in_the_spec_names_its_place() {
    let spec = zubr_spec(r#"{"id": "b1", "by": ["nope"], "rows": [{"mean": "q5_satisfaction"}]}"#);
    let (code, _, err) = crate::common::run_cli(&["estimate", spec.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("tables[0]") && err.contains("nope"), "{err}");
    let spec =
        zubr_spec(r#"{"id": "b1", "by": ["region"], "rows": [{"median": "q5_satisfaction"}]}"#);
    let (code, _, err) = crate::common::run_cli(&["estimate", spec.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tables[0].rows[0]") || err.contains("median"),
        "{err}"
    );
    let spec = zubr_spec(r#"{"id": "b1", "by": ["region"], "rows": []}"#);
    let (code, _, err) = crate::common::run_cli(&["estimate", spec.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("tables[0].rows"), "{err}");
}

#[test]
fn pair_tests_match_r_on_calibrated_and_replicate_designs() {
    // R: svycontrast(svyby(~api00, ~stype, design, svymean, covmat = TRUE), E − M) on the
    // designs of contrast_R.R: stratified with fpc, two-stage with fpc, post-stratified
    // (the calibrated variance), JK1 replicates (tests/data/contrast_R.json).
    let reference = read_json("contrast_R.json");
    for (name, case) in reference.as_object().unwrap() {
        let table = crate::ttest::survey(name)
            .banner(["stype"])
            .rows_mean("api00")
            .min_base(2)
            .build()
            .unwrap();
        let values: Vec<_> = table.columns().iter().map(|c| c.value()).collect();
        assert_eq!(values, [None, Some("E"), Some("H"), Some("M")], "{name}");
        let t = table.rows()[0]
            .tests()
            .iter()
            .find(|t| (t.a(), t.b()) == (1, 3))
            .unwrap_or_else(|| panic!("{name}: E − M tested"));
        let want = &case["e_minus_m"];
        assert_close(
            t.difference(),
            num(&want["estimate"]),
            REL,
            ABS,
            &format!("{name} E − M"),
        );
        assert_close(
            t.std_error(),
            num(&want["std_error"]),
            REL,
            ABS,
            &format!("{name} SE"),
        );
        assert_eq!(t.df(), Some(num(&case["degf"])), "{name}");
        assert_eq!(table.df(), Some(num(&case["degf"])), "{name}");
    }
}

#[test]
fn a_lower_level_keeps_every_letter_and_letters_never_point_both_ways() {
    let at = |level| zubr_banner_at(Adjust::None, level);
    let (strict, loose) = (at(0.95), at(0.8));
    let mut more = 0;
    for (s, l) in strict.rows().iter().zip(loose.rows()) {
        for (c, (a, b)) in s.cells().iter().zip(l.cells()).enumerate() {
            let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
            assert!(
                a.letters().iter().all(|x| b.letters().contains(x)),
                "{} column {c}",
                s.label()
            );
            more += b.letters().len() - a.letters().len();
            // A column lettered by this one does not letter it back.
            for x in b.letters() {
                let other = l
                    .cells()
                    .iter()
                    .zip(loose.columns())
                    .find(|(_, col)| col.letter() == Some(x))
                    .unwrap();
                let mine = loose.columns()[c].letter().unwrap();
                assert!(
                    !other
                        .0
                        .as_ref()
                        .unwrap()
                        .letters()
                        .iter()
                        .any(|y| y == mine)
                );
            }
        }
    }
    assert!(more > 0, "80% finds differences 95% does not");
}

mod generated {
    //! Any small stratified cluster sample, with missing answers, 9s, zero weights and
    //! thin banner categories: a banner is a table or an error, never a panic, and never
    //! holds a NaN; a letter always stands on a significant test.

    use proptest::prelude::*;
    use survey_stats::{Adjust, Dataset, Survey};

    fn code(max: u8) -> impl Strategy<Value = Option<u8>> {
        prop_oneof![1 => Just(None), 1 => Just(Some(9)), 6 => (1u8..=max).prop_map(Some)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn banners_never_panic_nor_hold_nan(
            rows in prop::collection::vec(
                (code(3), code(5), prop_oneof![1 => Just(0.0), 5 => 0.5f64..5.0], any::<bool>()),
                2..40,
            ),
            min_base in 0u64..4,
            holm in any::<bool>(),
        ) {
            let n = rows.len();
            let data = Dataset::builder()
                .column("h", (0..n).map(|i| (i % 2) as u8).collect::<Vec<_>>())
                .column("psu", (0..n).map(|i| (i % 6) as u8).collect::<Vec<_>>())
                .column("g", rows.iter().map(|r| r.0).collect::<Vec<_>>())
                .column("q", rows.iter().map(|r| r.1).collect::<Vec<_>>())
                .column("w", rows.iter().map(|r| r.2).collect::<Vec<_>>())
                .column("m_1", rows.iter().map(|r| u8::from(r.3)).collect::<Vec<_>>())
                .column("m_2", rows.iter().map(|r| u8::from(!r.3)).collect::<Vec<_>>())
                .build()
                .unwrap();
            let Ok(survey) = Survey::builder(data).weights("w").strata("h").clusters(["psu"]).build() else {
                return Ok(());
            };
            let built = survey
                .banner(["g"])
                .rows_single("q")
                .rows_net("q", "top", [1])
                .rows_likert("q")
                .rows_multiple("m")
                .rows_mean("q")
                .adjust(if holm { Adjust::Holm } else { Adjust::None })
                .min_base(min_base)
                .build();
            let Ok(table) = built else {
                // The errors these data can give: no row answered 1 (the net's code), or a
                // stratum of one PSU (the design's policy is to fail).
                let e = built.unwrap_err().to_string();
                prop_assert!(e.contains("code 1 does not occur") || e.contains("only one PSU"), "{e}");
                return Ok(());
            };
            let json = serde_json::to_string(&table).unwrap();
            prop_assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
            let _ = (table.to_string(), table.to_table().to_csv());
            for row in table.rows() {
                for (c, cell) in row.cells().iter().enumerate() {
                    let Some(cell) = cell else { continue };
                    prop_assert!(cell.value().is_finite() && cell.n() > 0);
                    for x in cell.letters() {
                        let b = table.columns().iter().position(|col| col.letter() == Some(x)).unwrap();
                        let t = row.tests().iter().find(|t| (t.a(), t.b()) == (c.min(b), c.max(b)));
                        prop_assert!(t.is_some_and(|t| t.significant()), "letter {x} without a test");
                    }
                }
            }
        }
    }
}

#[test]
fn the_spec_takes_columns_scales_and_excluded_codes_from_the_questionnaire() {
    // Region 4 is an option nobody in the data has; q is a descending four-point scale
    // (1 = very good: the lowest scores are the top) with 9 non-substantive.
    let dir = crate::common::scratch("banner", "questionnaire");
    std::fs::write(
        dir.join("d.csv"),
        "region,q\n1,1\n1,2\n1,9\n2,4\n2,3\n2,1\n3,2\n3,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("q.json"),
        r#"{"questions": [
          {"id": "region", "kind": "single_choice", "options": [
            {"code": 1, "label": {"en": "north"}}, {"code": 2, "label": {"en": "south"}},
            {"code": 3, "label": {"en": "east"}}, {"code": 4, "label": {"en": "west"}}]},
          {"id": "q", "kind": "likert", "direction": "descending", "levels": [
            {"code": 1, "score": 1.0, "label": {"en": "very good"}},
            {"code": 2, "score": 2.0, "label": {"en": "good"}},
            {"code": 3, "score": 3.0, "label": {"en": "bad"}},
            {"code": 4, "score": 4.0, "label": {"en": "very bad"}}],
           "missing_codes": [{"code": 9, "kind": "dont_know", "label": {"en": "hard to say"}}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.json"),
        r#"{"data": "d.csv", "questionnaire": "q.json",
            "tables": [{"id": "t", "by": ["region"], "rows": [{"likert": "q"}], "min_base": 1}]}"#,
    )
    .unwrap();
    let out = survey_stats::spec::run_file(&dir.join("spec.json"), None).unwrap();
    let t = &out.tables[0].banner;
    let labels: Vec<&str> = t.columns().iter().map(|c| c.label()).collect();
    assert_eq!(labels, ["Total", "north", "south", "east", "west"]);
    assert!(t.rows().iter().all(|r| r.cells()[4].is_none()));
    // The top box is the best two answers, 1 and 2; 9 leaves the base and is shown apart.
    let top = &t.rows()[0];
    assert_eq!(
        (top.kind(), top.codes()),
        (RowKind::TopBox, &[1.0, 2.0][..])
    );
    assert_eq!(top.cells()[0].as_ref().unwrap().value(), 5.0 / 7.0);
    assert_eq!(top.cells()[1].as_ref().unwrap().value(), 1.0); // north: 1, 2 (9 apart)
    let mean = &t.rows()[2];
    assert_eq!(mean.kind(), RowKind::MeanScore);
    assert_eq!(
        mean.cells()[2].as_ref().unwrap().value(),
        (4.0 + 3.0 + 1.0) / 3.0
    );
    let apart = &t.rows()[3];
    assert_eq!(
        (apart.kind(), apart.label()),
        (RowKind::NonSubstantive, "hard to say")
    );
    assert_eq!(apart.cells()[1].as_ref().unwrap().value(), 1.0 / 3.0);
}
