//! Charts, the HTML page and the Excel workbook: well-formed (parsed here), carrying the
//! numbers of the JSON output, labels inside their boxes at Kazakh lengths.

use crate::common::{data_path, parse_xml as parse, run_cli, scratch};
use std::path::{Path, PathBuf};
use survey_stats::chart::{Chart, DivergingBars, DotPlot, RankedBars};
use survey_stats::questionnaire::Questionnaire;
use survey_stats::{Dataset, Survey};

fn spec() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/specs/zubr_charts.json")
        .display()
        .to_string()
}

fn zubr_questionnaire() -> Questionnaire {
    Questionnaire::from_path(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019/questionnaire.json"),
    )
    .unwrap()
}

/// Runs the charts spec with `--format FORMAT --out` a fresh file; the file's path.
fn run_to_file(format: &str, file: &str) -> PathBuf {
    let path = scratch("report", format).join(file);
    let (code, _, err) = run_cli(&[
        "estimate",
        &spec(),
        "--format",
        format,
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    path
}

/// The JSON output: `{"rows": [...], "tables": [...]}` (the spec has a banner table).
fn json_output() -> serde_json::Value {
    let (code, out, err) = run_cli(&["estimate", &spec(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn json_rows() -> Vec<serde_json::Value> {
    json_output()["rows"].as_array().unwrap().clone()
}

#[test]
fn html_page_is_well_formed_and_self_contained() {
    let page = run_to_file("html", "report.html");
    let text = std::fs::read_to_string(&page).unwrap();
    let doc = parse(&text);
    let count = |name: &str| doc.descendants().filter(|n| n.has_tag_name(name)).count();
    // Five estimates ask for a chart; six estimates and a banner give seven tables.
    assert_eq!(count("svg"), 5);
    assert_eq!(count("table"), 7);
    let lettered = json_output()["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap().clone())
        .filter(|c| c["letters"].as_array().is_some_and(|l| !l.is_empty()))
        .count();
    assert_eq!(count("sup"), lettered, "one <sup> per lettered banner cell");
    assert_eq!(count("script") + count("link") + count("img"), 0);
    assert!(
        doc.descendants()
            .all(|n| n.attribute("src").is_none() && n.attribute("href").is_none()),
        "nothing loaded from outside the page"
    );
    // A test has nothing to draw: said in the notes, not left out in silence.
    assert!(text.contains("<li>t: no chart, no estimate to draw</li>"));
    // The design in words, from the runner: 3 strata, 60 PSUs, df 57.
    assert!(text.contains("3 strata (region); 60 PSUs (project); 57 design degrees of freedom"));
    // The page to stdout is the same page.
    let (code, out, _) = run_cli(&["estimate", &spec(), "--format", "html"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), text.trim_end());
    // The ranked bars carry the JSON's shares, largest first.
    let mut shares: Vec<f64> = json_rows()
        .iter()
        .filter(|r| r["id"] == "q2")
        .map(|r| r["estimate"].as_f64().unwrap())
        .collect();
    shares.sort_by(|a, b| b.total_cmp(a));
    let svg = doc.descendants().find(|n| n.has_tag_name("svg")).unwrap();
    let bars: Vec<f64> = svg
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(bars.len(), shares.len());
    for (b, s) in bars.iter().zip(&shares) {
        assert!(
            (b / s - bars[0] / shares[0]).abs() < 0.05 / s,
            "bar {b} for share {s}"
        );
    }
}

/// The workbook's sheets hold the JSON output's numbers, exactly, as numbers.
#[cfg(feature = "xlsx")]
#[test]
fn xlsx_holds_the_json_numbers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let file = run_to_file("xlsx", "report.xlsx");
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "q2",
            "q5",
            "q5_by_region",
            "q5_mean",
            "F1",
            "t",
            "by_region"
        ]
    );
    let json = json_output();
    let rows = json["rows"].as_array().unwrap();
    // The banner: per banner column a value cell and a letters cell, lines in the order of
    // the JSON's rows with base lines before each block.
    let banner = book.worksheet_range("by_region").unwrap();
    let lines: Vec<Vec<Data>> = banner.rows().skip(2).map(|r| r.to_vec()).collect();
    let table = &json["tables"][0];
    let mut at = 0;
    for row in table["rows"].as_array().unwrap() {
        while lines[at][1].to_string().starts_with("base (") {
            at += 1;
        }
        for (j, cell) in row["cells"].as_array().unwrap().iter().enumerate() {
            let value = &lines[at][2 + 2 * j];
            let letters = &lines[at][3 + 2 * j];
            match cell.get("value").and_then(|v| v.as_f64()) {
                Some(v) => {
                    let Data::Float(got) = value else {
                        panic!("{value:?}")
                    };
                    assert!((got - v).abs() <= 1e-15 * v.abs(), "{got} vs {v}");
                }
                None => assert_eq!(*value, Data::Empty),
            }
            let want: String = cell["letters"].as_array().map_or(String::new(), |l| {
                l.iter().map(|x| x.as_str().unwrap()).collect()
            });
            let low = cell["low_base"].as_bool() == Some(true);
            let got = letters.to_string();
            assert_eq!(got.trim_start_matches('*'), want);
            assert_eq!(got.starts_with('*'), low);
        }
        at += 1;
    }
    let mut checked = 0;
    for name in names.iter().filter(|n| *n != "by_region") {
        let range = book.worksheet_range(name).unwrap();
        let grid: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let headers: Vec<String> = grid[1].iter().map(|c| c.to_string()).collect();
        let want: Vec<&serde_json::Value> =
            rows.iter().filter(|r| r["id"] == name.as_str()).collect();
        assert_eq!(grid.len() - 2, want.len(), "{name}: one row per result row");
        for (row, w) in grid[2..].iter().zip(want) {
            for field in [
                "estimate",
                "std_error",
                "ci_lower",
                "ci_upper",
                "n",
                "weighted_n",
                "p_value",
            ] {
                let Some(j) = headers.iter().position(|h| h == field) else {
                    continue;
                };
                let got = match &row[j] {
                    Data::Float(v) => Some(*v),
                    Data::Int(v) => Some(*v as f64),
                    Data::Empty => None,
                    other => panic!("{name}.{field}: {other:?} is not a number"),
                };
                let want = match field {
                    "estimate" if w.get("statistic").is_some() => w["statistic"].as_f64(),
                    _ => w.get(field).and_then(|v| v.as_f64()),
                };
                // serde_json's default float parsing (in this test) can be an ulp off.
                match (got, want) {
                    (Some(g), Some(w)) => assert!(
                        (g - w).abs() <= 1e-15 * w.abs(),
                        "{name}.{field}: {g} vs {w}"
                    ),
                    _ => assert_eq!(got, want, "{name}.{field}"),
                }
                checked += usize::from(got.is_some());
            }
        }
    }
    assert!(checked > 150, "{checked} numbers compared");
}

#[test]
fn cli_output_errors_name_the_problem() {
    let (code, _, err) = run_cli(&["estimate", &spec(), "--format", "xlsx"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format xlsx needs --out"), "{err}");
    let missing = scratch("report", "nodir").join("no/such/dir/r.html");
    let (code, _, err) = run_cli(&[
        "estimate",
        &spec(),
        "--format",
        "html",
        "--out",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("r.html: cannot write"), "{err}");
}

/// `(title, width)` of each `<rect>` carrying a tooltip.
fn rects(svg: &str) -> Vec<(String, f64)> {
    let doc = parse(svg);
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| {
            let title = n
                .children()
                .find(|c| c.has_tag_name("title"))?
                .text()?
                .to_string();
            Some((title, n.attribute("width")?.parse().ok()?))
        })
        .collect()
}

#[test]
fn bar_lengths_are_proportional_to_shares() {
    // Shares 3/4, 2/4, 1/4 of the four respondents who chose any option.
    let data = Dataset::builder()
        .multiple_response(
            "q",
            [1u8, 2, 3],
            vec![vec![1, 2], vec![1], vec![1, 3], vec![2], vec![]],
        )
        .build()
        .unwrap();
    let shares = Survey::srs(data).unwrap().multiple_response("q").unwrap();
    let chart = RankedBars::new().options(&shares).render();
    let bars = rects(chart.svg());
    assert_eq!(bars.len(), 3);
    let unit = bars[0].1 / 0.75;
    for ((title, w), share) in bars.iter().zip([0.75, 0.5, 0.25]) {
        assert!((w - unit * share).abs() < 0.02, "{title}: {w}");
        assert!(title.contains(&format!("{:.1}%", 100.0 * share)), "{title}");
    }

    // Diverging bars: every segment, the non-substantive one apart too, on one scale.
    let shares = [
        (1.0, "a", 0.05),
        (2.0, "b", 0.15),
        (3.0, "c", 0.2),
        (4.0, "d", 0.35),
        (5.0, "e", 0.2),
        (9.0, "hard", 0.05),
    ];
    let chart = DivergingBars::new([1.0, 2.0, 3.0, 4.0, 5.0])
        .row_shares("item", shares)
        .render();
    let segs: Vec<(String, f64)> = rects(chart.svg())
        .into_iter()
        .filter(|(t, _)| t.starts_with("item"))
        .collect();
    assert_eq!(segs.len(), 6);
    let unit = segs[0].1 / 0.05;
    for ((title, w), (_, _, share)) in segs.iter().zip(shares) {
        assert!((w - unit * share).abs() < 0.02, "{title}: {w} for {share}");
    }
    // Zero splits the neutral level: what lies left of it is 0.05 + 0.15 + 0.2/2.
    let doc = parse(chart.svg());
    let x = |title: &str| -> f64 {
        doc.descendants()
            .find(|n| n.has_tag_name("rect") && n.children().any(|c| c.text() == Some(title)))
            .and_then(|n| n.attribute("x")?.parse().ok())
            .unwrap()
    };
    let zero = x("item: c 20.0%") + unit * 0.1;
    assert!((zero - x("item: a 5.0%") - unit * 0.3).abs() < 0.05);
    assert!(
        x("item: hard 5.0%") > x("item: e 20.0%") + unit * 0.2,
        "drawn apart, right"
    );
}

fn all_fit(chart: &Chart, what: &str) {
    assert!(chart.labels_fit(), "{what}: a label overflows");
    parse(chart.svg());
}

#[test]
fn svg_files_are_well_formed() {
    let dir = scratch("report", "svg");
    let chart = RankedBars::new()
        .title("Ә <&> \"q\"")
        .bar("Қ", 0.4, Some((0.3, 0.5)))
        .render();
    let path = dir.join("chart.svg");
    chart.write_svg(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = parse(&text);
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let err = chart.write_svg(dir.join("no/such/dir/c.svg")).unwrap_err();
    assert!(err.to_string().contains("c.svg: cannot write"), "{err}");
}

#[test]
fn kazakh_labels_stay_inside_their_boxes() {
    let q = zubr_questionnaire();
    let mut labels: Vec<String> = Vec::new();
    for question in q.questions() {
        labels.extend(question.text("kk").map(String::from));
        for code in question.codes() {
            labels.extend(question.option_label(code, "kk").map(String::from));
        }
    }
    assert!(labels.len() > 30);
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest > 60,
        "the questionnaire's longest Kazakh label has {longest} letters"
    );
    // A word no line can hold, and a title longer than any chart is wide.
    labels
        .push("Мемлекеттікәлеуметтіктапсырысбойыншажобалардыңнәтижелерінеқанағаттанасызба".into());
    let title = labels.join(" ");
    for width in [240.0, 360.0, 480.0, 720.0, 1100.0] {
        let mut bars = RankedBars::new().title(&title).width(width);
        let mut dots = DotPlot::new().title(&title).width(width).percent();
        let mut div = DivergingBars::new([1.0, 2.0, 3.0, 4.0, 5.0])
            .title(&title)
            .width(width);
        for (k, l) in labels.iter().enumerate() {
            let share = (k % 10) as f64 / 10.0 + 0.01;
            bars = bars.bar(l, share, Some((share - 0.01, share + 0.02)));
            dots = dots.point_values(l, share, Some((share - 0.05, share + 0.05)));
            let codes: Vec<(f64, &str, f64)> = (1..=5)
                .map(|c| (c as f64, labels[(k + c) % labels.len()].as_str(), 0.18))
                .chain([(9.0, l.as_str(), 0.1)])
                .collect();
            div = div.row_shares(l, codes);
        }
        all_fit(&bars.render(), &format!("ranked bars at {width}px"));
        all_fit(&dots.render(), &format!("dot plot at {width}px"));
        all_fit(&div.render(), &format!("diverging bars at {width}px"));
    }
}

#[test]
fn odd_inputs_draw_valid_charts() {
    let nasty = "<b>&amp;\"quoted\" 'single' \u{1} — Қ</b>";
    let charts = [
        RankedBars::new().render(),
        DotPlot::new().title(nasty).render(),
        DivergingBars::new([]).render(),
        DivergingBars::new([1.0, 2.0])
            .row_shares(
                nasty,
                [
                    (1.0, nasty, f64::NAN),
                    (2.0, "", -0.5),
                    (7.0, "", f64::INFINITY),
                ],
            )
            .render(),
        RankedBars::new()
            .width(f64::NAN)
            .bar(nasty, f64::NAN, Some((0.1, 0.2)))
            .bar("x", 0.5, Some((f64::NEG_INFINITY, 1.0)))
            .render(),
        DotPlot::new()
            .width(0.0)
            .point_values("same", 3.0, Some((3.0, 3.0)))
            .point_values("neg", -2e9, None)
            .render(),
        DivergingBars::new((1..=11).map(f64::from))
            .row_shares("eleven", (1..=11).map(|c| (f64::from(c), "", 1.0 / 11.0)))
            .render(),
    ];
    for (k, c) in charts.iter().enumerate() {
        all_fit(c, &format!("chart {k}"));
        assert!(
            !c.svg().contains("NaN") && !c.svg().contains("inf"),
            "chart {k}: {}",
            c.svg()
        );
        assert!(c.width() >= 240.0 && c.height().is_finite());
    }
}

#[test]
fn report_of_a_run_escapes_and_parses() {
    let out: PathBuf = data_path("apistrat.csv");
    assert!(out.exists());
    let page = survey_stats::report::Report::new("a < b & \"c\"")
        .paragraph("x <script>alert(1)</script>")
        .list(["1 < 2"])
        .to_html();
    let doc = parse(&page);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("script"))
            .count(),
        0
    );
    assert!(page.contains("x &lt;script&gt;"));
}

/// A design with a stratum of one PSU: the page says how many and under which policy,
/// in the design paragraph and in the notes.
#[test]
fn lonely_psus_are_noted() {
    let dir = scratch("report", "lonely");
    let spec = dir.join("lonely.json");
    let data = data_path("lonely.csv");
    std::fs::write(
        &spec,
        format!(
            r#"{{"data": {:?}, "design": {{"weights": "pw", "strata": "stype", "clusters": ["dnum"], "nest": true, "lonely_psu": "adjust"}},
                "estimates": [{{"id": "m", "stat": "mean", "variable": "api00", "by": ["stype"], "chart": true}}]}}"#,
            data.display().to_string()
        ),
    )
    .unwrap();
    let (code, page, err) = run_cli(&["estimate", spec.to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    parse(&page);
    let strata_with_one = {
        // Count from the data: strata whose rows all share one dnum.
        let text = std::fs::read_to_string(&data).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let at = |n: &str| headers.iter().position(|h| h == n).unwrap();
        let (s, d) = (at("stype"), at("dnum"));
        let mut psus: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for r in reader.records() {
            let r = r.unwrap();
            psus.entry(r[s].to_string())
                .or_default()
                .insert(r[d].to_string());
        }
        psus.values().filter(|p| p.len() == 1).count()
    };
    let strata = match strata_with_one {
        0 => panic!("lonely.csv has a stratum with one PSU"),
        1 => "1 stratum".to_string(),
        n => format!("{n} strata"),
    };
    assert!(
        page.contains(&format!(
            "{strata} with a single PSU (lonely PSUs, treated as adjust)"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("Lonely PSUs: {strata} with a single PSU")));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any labels (any script, control characters, markup) and any numbers (NaN, ±∞,
    /// huge) draw a chart that parses as XML, holds no NaN and keeps every label in its box.
    #[test]
    fn any_input_draws_a_valid_chart(
        labels in proptest::collection::vec("\\PC{0,40}|[<>&\"' \u{1}-\u{8}]{0,5}", 1..8),
        values in proptest::collection::vec(proptest::num::f64::ANY, 1..8),
        width in 0.0f64..2000.0,
    ) {
        let mut dots = DotPlot::new().title(labels.join(" ")).width(width);
        let mut bars = RankedBars::new().width(width);
        let mut div = DivergingBars::new([1.0, 2.0, 3.0]).width(width);
        for (k, l) in labels.iter().enumerate() {
            let v = values[k % values.len()];
            let w = values[(k + 1) % values.len()];
            dots = dots.point_values(l, v, Some((v.min(w), v.max(w))));
            bars = bars.bar(l, v, Some((w, v)));
            div = div.row_shares(l, [(1.0, l.as_str(), v), (2.0, "", w), (9.0, l.as_str(), 0.1)]);
        }
        for chart in [dots.render(), bars.render(), div.render()] {
            proptest::prop_assert!(chart.labels_fit());
            proptest::prop_assert!(!chart.svg().contains("NaN") && !chart.svg().contains("inf"));
            parse(chart.svg());
        }
    }
}

/// A value near the end of f64's range, alone on its axis (found by the property test
/// above): the axis is padded within the range of f64, so the chart has no NaN position.
#[test]
fn a_value_near_the_largest_double_draws_a_valid_chart() {
    for v in [
        -1.7571406979181078e308,
        1.7571406979181078e308,
        f64::MAX,
        f64::MIN,
    ] {
        let dots = DotPlot::new()
            .width(0.0)
            .point_values("", v, Some((v, v)))
            .render();
        let bars = RankedBars::new()
            .width(0.0)
            .bar("", v, Some((v, v)))
            .render();
        for chart in [dots, bars] {
            assert!(chart.labels_fit(), "{v}");
            assert!(
                !chart.svg().contains("NaN") && !chart.svg().contains("inf"),
                "{v}"
            );
            parse(chart.svg());
        }
    }
}
