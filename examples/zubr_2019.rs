//! The 2019 ZUBR survey of beneficiaries of state-funded NGO projects, reproduced.
//!
//! ```text
//! cargo run --release --example zubr_2019 [-- --lang kk] [--format table|markdown|csv|json] [--data data/zubr2019/responses.sav]
//! cargo run --release --example zubr_2019 -- --html report.html [--lang kk]
//! ```
//! `--html FILE` writes the reproduction as one self-contained page: the tables below, the
//! figures and the ranking of q2 as charts with their intervals, the satisfaction item as
//! diverging bars, and every figure by region as banner tables with design-based letters.
//! Loads the bundled questionnaire and (reconstructed) microdata of `data/zubr2019/`
//! through the library, declares the design (strata = region, PSU = project, weights), and
//! prints every published figure F1–F13 beside its estimate with 95% CI, design effect and
//! n, then what the report left out: margins of error, whether "first" and "second" hold
//! (F3 vs F4), pooled vs averaged F10, each figure by region, and the full F8 distribution.

#[path = "zubr/analysis.rs"]
mod analysis;

use analysis::{Report, analyse};
use survey_stats::chart::{DivergingBars, DotPlot, RankedBars};
use survey_stats::estimate::Estimate;
use survey_stats::questionnaire::Code;
use survey_stats::table::{Format, Table};

/// English or Kazakh text.
struct Lang(String);

impl Lang {
    fn t<'a>(&self, en: &'a str, kk: &'a str) -> &'a str {
        if self.0 == "kk" { kk } else { en }
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{:.1}", 100.0 * v))
}

fn value(x: Option<f64>, share: bool) -> String {
    match (x, share) {
        (Some(v), true) => format!("{:.1}%", 100.0 * v),
        (Some(v), false) => format!("{v:.2}"),
        (None, _) => "—".into(),
    }
}

fn ci(e: &Estimate, share: bool) -> String {
    match (e.ci_lower, e.ci_upper, share) {
        (Some(l), Some(u), true) => format!("[{:.1}, {:.1}]", 100.0 * l, 100.0 * u),
        (Some(l), Some(u), false) => format!("[{l:.2}, {u:.2}]"),
        _ => "—".into(),
    }
}

/// Half the width of the 95% interval: the margin of error a report would quote.
fn moe(e: &Estimate, share: bool) -> String {
    match (e.ci_lower, e.ci_upper) {
        (Some(l), Some(u)) if share => format!("±{:.1}", 50.0 * (u - l)),
        (Some(l), Some(u)) => format!("±{:.2}", (u - l) / 2.0),
        _ => "—".into(),
    }
}

fn deff(e: &Estimate) -> String {
    e.deff.map_or("—".into(), |d| format!("{d:.2}"))
}

fn p_value(e: &Estimate) -> String {
    e.p_value.map_or("—".into(), |p| format!("{p:.3}"))
}

fn region_names(report: &Report, lang: &Lang) -> Vec<String> {
    let q = report.questionnaire.question("region");
    (1..=3)
        .map(|c| {
            q.and_then(|q| q.option_label(Code::new(c), &lang.0))
                .map_or(format!("region {c}"), String::from)
        })
        .collect()
}

fn option_label(report: &Report, column: &str, lang: &Lang) -> String {
    report
        .questionnaire
        .question_for_column(column)
        .and_then(|q| {
            q.option_for_column(column)
                .and_then(|c| q.option_label(c, &lang.0))
        })
        .map_or(column.to_string(), String::from)
}

fn tables(report: &Report, lang: &Lang) -> Vec<(String, Table)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut out = Vec::new();

    // 1. The reproduction.
    let mut t = Table::new(s(&[
        lang.t("figure", "көрсеткіш"),
        lang.t("claim", "тұжырым"),
        lang.t("published", "жарияланған"),
        lang.t("estimate", "бағалау"),
        "95% CI",
        lang.t("margin", "қателік шегі"),
        "deff",
        "n",
        lang.t("reproduced", "сәйкес"),
    ]));
    for f in &report.figures {
        let share = f.figure.precision.is_share();
        let published = match f.figure.precision {
            analysis::Precision::TwoThirds => "2/3".to_string(),
            analysis::Precision::PercentOneDecimal => format!("{:.1}%", 100.0 * f.figure.published),
            analysis::Precision::Percent => format!("{:.0}%", 100.0 * f.figure.published),
            analysis::Precision::MeanOneDecimal => format!("{:.0}", f.figure.published),
        };
        t.push(vec![
            f.figure.id.into(),
            lang.t(f.figure.claim_en, f.figure.claim_kk).into(),
            published,
            value(f.estimate.estimate, share),
            ci(&f.estimate, share),
            moe(&f.estimate, share),
            deff(&f.estimate),
            f.estimate.n.to_string(),
            if f.reproduced() {
                lang.t("yes", "иә")
            } else {
                lang.t("NO", "ЖОҚ")
            }
            .into(),
        ]);
    }
    out.push((
        lang.t(
            "Published figures and their estimates from the microdata",
            "Жарияланған көрсеткіштер және микродеректерден алынған бағалаулар",
        )
        .to_string(),
        t,
    ));

    // 2. Is "first" really first? F3 vs F4, and q2 ranked.
    let mut t = Table::new(s(&[lang.t("option", "нұсқа"), "%", "95% CI", "deff"]));
    for e in &report.q2_ranked {
        let col = e.category.clone().unwrap_or_default();
        t.push(vec![
            option_label(report, &col, lang),
            pct(e.estimate),
            ci(e, true),
            deff(e),
        ]);
    }
    let d = &report.f3_minus_f4;
    t.push(vec![
        lang.t("F3 − F4 (paired difference)", "F3 − F4 (жұптық айырма)")
            .into(),
        pct(d.estimate),
        ci(d, true),
        format!("p = {}", p_value(d)),
    ]);
    out.push((lang.t("Main problems between NGOs and target groups, ranked (% of cases): is 47% vs 45% a ranking?", "ҮЕҰ мен мақсатты топтар арасындағы негізгі проблемалар (жағдайлардың %): 47% пен 45% рет бола ма?").to_string(),
        t,
    ));

    // 3. F10: averaged vs pooled.
    let f10 = report
        .figures
        .iter()
        .find(|f| f.figure.id == "F10")
        .expect("F10 is a figure");
    let mut t = Table::new(s(&[
        lang.t("estimate of F10", "F10 бағалауы"),
        "%",
        "SE",
        "95% CI",
    ]));
    for (name, e) in region_names(report, lang).iter().zip(&f10.by_region) {
        t.push(vec![
            name.clone(),
            pct(e.estimate),
            pct(e.std_error),
            ci(e, true),
        ]);
    }
    t.push(vec![
        lang.t(
            "average of the three regions (the report's \"on average\")",
            "үш өңірдің орташасы (баяндамадағы \"орта есеппен\")",
        )
        .into(),
        pct(f10.estimate.estimate),
        pct(f10.estimate.std_error),
        ci(&f10.estimate, true),
    ]);
    t.push(vec![
        lang.t(
            "pooled, population-weighted",
            "жиынтық, халық санымен өлшенген",
        )
        .into(),
        pct(report.f10_pooled.estimate),
        pct(report.f10_pooled.std_error),
        ci(&report.f10_pooled, true),
    ]);
    out.push((
        lang.t(
            "F10 \"NGOs are unprofessional\": averaged vs pooled",
            "F10 \"ҮЕҰ кәсіпқой емес\": орташа және жиынтық",
        )
        .to_string(),
        t,
    ));

    // 4. Every figure by region.
    let regions = region_names(report, lang);
    let mut headers = vec![lang.t("figure", "көрсеткіш").to_string()];
    headers.extend(regions.iter().cloned());
    headers.push(lang.t("all", "барлығы").into());
    let mut t = Table::new(headers);
    for f in &report.figures {
        let share = f.figure.precision.is_share();
        let mut row = vec![f.figure.id.to_string()];
        for e in &f.by_region {
            row.push(format!("{} {}", value(e.estimate, share), ci(e, share)));
        }
        row.push(format!(
            "{} {}",
            value(f.estimate.estimate, share),
            ci(&f.estimate, share)
        ));
        t.push(row);
    }
    out.push((
        lang.t(
            "Each figure by region (estimate and 95% CI)",
            "Әр көрсеткіш өңірлер бойынша (бағалау және 95% CI)",
        )
        .to_string(),
        t,
    ));

    // 5. F8: the whole distribution.
    let q5 = report.questionnaire.question("q5_satisfaction");
    let mut t = Table::new(s(&[
        lang.t("answer", "жауап"),
        lang.t("estimate", "бағалау"),
        "95% CI",
        "deff",
    ]));
    for e in &report.q5_distribution {
        let code: i64 = e
            .category
            .as_deref()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let label = q5
            .and_then(|q| q.option_label(Code::new(code), &lang.0))
            .unwrap_or("?");
        t.push(vec![
            format!("{code} {label}"),
            format!("{}%", pct(e.estimate)),
            ci(e, true),
            deff(e),
        ]);
    }
    for (e, (en, kk)) in report.q5_summary.iter().zip([
        ("mean score (1–5)", "орташа балл (1–5)"),
        ("top-2 box (4+5)", "жоғарғы екі (4+5)"),
        ("bottom-2 box (1+2)", "төменгі екі (1+2)"),
        ("net score (top − bottom)", "таза баға (жоғарғы − төменгі)"),
    ]) {
        let share = en != "mean score (1–5)";
        t.push(vec![
            lang.t(en, kk).into(),
            value(e.estimate, share),
            ci(e, share),
            deff(e),
        ]);
    }
    out.push((
        lang.t(
            "F8: satisfaction with the results, every level (hard to answer left out)",
            "F8: нәтижелерге қанағаттану, барлық деңгейлер (жауап беруге қиналғандарсыз)",
        )
        .to_string(),
        t,
    ));
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut lang = Lang("en".into());
    let mut format = Format::Table;
    let mut html = None;
    let mut data = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--lang" => lang = Lang(args.get(i + 1).cloned().ok_or("--lang needs en or kk")?),
            "--format" => format = args.get(i + 1).ok_or("--format needs a value")?.parse()?,
            "--html" => html = Some(args.get(i + 1).ok_or("--html needs a file")?.clone()),
            "--data" => data = Some(args.get(i + 1).ok_or("--data needs a file")?.clone()),
            other => return Err(format!("unknown argument {other}").into()),
        }
        i += 2;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zubr2019");
    let report = match &data {
        Some(file) => analysis::analyse_file(&dir, std::path::Path::new(file))?,
        None => analyse(&dir)?,
    };
    let tables = tables(&report, &lang);
    if let Some(path) = html {
        page(&report, &tables, &lang, &dir)?.write_html(&path)?;
        println!("wrote {path}");
        return Ok(());
    }
    if format == Format::Json {
        // The same content as data: full result rows (estimate, SE, CI, deff, n, …).
        let figures: Vec<serde_json::Value> = report
            .figures
            .iter()
            .map(|f| {
                serde_json::json!({
                    "figure": f.figure.id,
                    "claim": lang.t(f.figure.claim_en, f.figure.claim_kk),
                    "published": f.figure.published,
                    "reproduced": f.reproduced(),
                    "estimate": f.estimate,
                    "by_region": f.by_region,
                })
            })
            .collect();
        let f10 = report
            .figures
            .iter()
            .find(|f| f.figure.id == "F10")
            .map(|f| &f.estimate);
        let out = serde_json::json!({
            "figures": figures,
            "f3_minus_f4": report.f3_minus_f4,
            "q2_ranked": report.q2_ranked,
            "f10": {"average_of_regions": f10, "pooled": report.f10_pooled},
            "f8": {"distribution": report.q5_distribution, "summary": report.q5_summary},
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let heading = lang.t(
        "The 2019 ZUBR survey of beneficiaries of the state social order, reproduced",
        "ЗУБР 2019: мемлекеттік әлеуметтік тапсырыс бенефициарларының сауалнамасы, қайта есептелді",
    );
    let design = format!(
        "{} {} · {} {} · df {} · {}",
        report.n_rows,
        lang.t("respondents", "респондент"),
        report.n_psu,
        lang.t(
            "projects (PSUs) in 3 regions (strata)",
            "жоба (PSU), 3 өңір (страта)"
        ),
        report.df,
        lang.t(
            "microdata reconstructed to match the published figures",
            "микродеректер жарияланған көрсеткіштерге сай қайта құрылған"
        ),
    );
    match format {
        Format::Markdown => println!("# {heading}\n\n{design}\n"),
        Format::Csv => {}
        _ => println!("{heading}\n{design}\n"),
    }
    for (title, t) in &tables {
        match format {
            Format::Markdown => println!("## {title}\n\n{}", t.to_markdown()),
            Format::Csv => println!("# {title}\n{}", t.to_csv()),
            _ => println!("{title}\n{}", t.to_text()),
        }
    }
    Ok(())
}

/// The report page: the same tables, with charts after the figures, the ranking and the
/// satisfaction item, and the figures by region as banner tables.
fn page(
    report: &Report,
    tables: &[(String, Table)],
    lang: &Lang,
    dir: &std::path::Path,
) -> Result<survey_stats::report::Report, Box<dyn std::error::Error>> {
    let survey = analysis::survey(dir, &lang.0)?;
    let mut page = survey_stats::report::Report::new(lang.t(
        "The 2019 ZUBR survey of beneficiaries of the state social order, reproduced",
        "ЗУБР 2019: мемлекеттік әлеуметтік тапсырыс бенефициарларының сауалнамасы, қайта есептелді",
    ))
    .lang(lang.0.clone())
    .paragraph(format!(
        "{} {}; {} {}; {} {}. {}",
        report.n_rows,
        lang.t("respondents", "респондент"),
        report.n_psu,
        lang.t("projects as PSUs in 3 regions as strata", "жоба (PSU), 3 өңір (страта)"),
        lang.t("design degrees of freedom", "еркіндік дәрежесі"),
        report.df,
        lang.t(
            "Intervals are 95% t intervals under the design (Taylor linearization); the microdata were reconstructed to match the published figures.",
            "Аралықтар: дизайн бойынша 95% t аралықтары; микродеректер жарияланған көрсеткіштерге сай қайта құрылған.",
        ),
    ));
    // The figures, F3/F4, F8, F10, then every figure by region.
    for k in [0, 1, 4, 2, 3] {
        let Some((title, t)) = tables.get(k) else {
            continue;
        };
        if k == 3 {
            page = page.heading(lang.t(
                "Each figure by region: banner tables, letters from design-based tests",
                "Әр көрсеткіш өңірлер бойынша: дизайнға негізделген тесттердің әріптері",
            ));
        } else {
            page = page.heading(title.clone()).table("", t);
        }
        match k {
            0 => {
                let mut dots = DotPlot::new().percent().title(lang.t(
                    "The published shares (figures F1–F13 but F8) as estimated, with 95% intervals",
                    "Жарияланған үлестер (F8-ден басқа), 95% аралықтарымен",
                ));
                for f in report
                    .figures
                    .iter()
                    .filter(|f| f.figure.precision.is_share())
                {
                    let e = &f.estimate;
                    dots = dots.point_values(
                        &format!(
                            "{} {}",
                            f.figure.id,
                            lang.t(f.figure.claim_en, f.figure.claim_kk)
                        ),
                        e.estimate.unwrap_or(f64::NAN),
                        e.ci_lower.zip(e.ci_upper),
                    );
                }
                page = page.chart(dots.width(1000.0).render());
            }
            1 => {
                let mut bars = RankedBars::new().title(lang.t(
                    "F3/F4: main problems between NGOs and target groups (% of cases), 95% intervals",
                    "F3/F4: ҮЕҰ мен мақсатты топтар арасындағы негізгі проблемалар (жағдайлардың %)",
                ));
                for e in &report.q2_ranked {
                    let col = e.category.clone().unwrap_or_default();
                    bars = bars.bar(
                        &option_label(report, &col, lang),
                        e.estimate.unwrap_or(f64::NAN),
                        e.ci_lower.zip(e.ci_upper),
                    );
                }
                page = page.chart(bars.width(1000.0).render());
            }
            3 => {
                // Every figure by region: banner tables with design-based letters.
                for (caption, banner) in analysis::banners(&survey)? {
                    page = page.banner(caption, &banner);
                }
            }
            4 => {
                // The typed answers of the library: "hard to answer" stays in the base and
                // is drawn apart.
                let all = survey.frequencies("q5_satisfaction")?;
                let by_region = survey.by(["region"]).frequencies("q5_satisfaction")?;
                let chart = DivergingBars::new([1.0, 2.0, 3.0, 4.0, 5.0])
                    .title(lang.t(
                        "F8: satisfaction with the results, all and by region (hard to answer apart)",
                        "F8: нәтижелерге қанағаттану, барлығы және өңірлер бойынша",
                    ))
                    .row(lang.t("all", "барлығы"), &all)
                    .by_domain(&by_region)
                    .width(1000.0)
                    .render();
                page = page.chart(chart);
            }
            _ => {}
        }
    }
    Ok(page)
}
