//! The analysis of the 2019 ZUBR beneficiary survey: every figure of the published summary
//! (F1–F13, listed with their published values in `data/zubr2019/README.md`) re-estimated
//! from the bundled microdata under the design (strata = region, PSU = project, weights),
//! and what the report left out.
//!
//! Shared by `examples/zubr_2019.rs` (which prints it) and the integration test that checks
//! every figure against its published value.

#![allow(dead_code)]

use std::path::Path;
use survey_stats::data::{Dataset, OpenOptions};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{
    CategorySelection, Domains, Estimate, EstimateOptions, LikertScale, MultipleBase,
    domain_contrast, likert_summary, mean, multiple_response, option_difference, proportion,
};
use survey_stats::interval::ProportionMethod;
use survey_stats::questionnaire::Questionnaire;
use survey_stats::{Adjust, Banner, Survey};

/// How precisely the report published a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Precision {
    /// A whole percent: reproduced when the estimate rounds to it.
    Percent,
    /// A percent with one decimal.
    PercentOneDecimal,
    /// "Two thirds": the estimate lies in [66.5%, 67.0%).
    TwoThirds,
    /// A mean score rounded to one decimal.
    MeanOneDecimal,
}

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// Share of a single-choice question's codes, "hard to answer" in the base.
    Share(&'static str, &'static [f64]),
    /// Share of respondents choosing a multiple-response option (% of cases).
    Option(&'static str, &'static str),
    /// Mean score of a rating question without "hard to answer".
    MeanScore(&'static str),
    /// The plain average of the three regions' shares of an option ("on average").
    RegionAverage(&'static str, &'static str),
}

/// A published figure.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// F1 … F13.
    pub id: &'static str,
    /// The claim, in English.
    pub claim_en: &'static str,
    /// The claim, in Kazakh (the report's wording, shortened).
    pub claim_kk: &'static str,
    /// The published value (a share in [0, 1], or a mean score).
    pub published: f64,
    /// How it was published.
    pub precision: Precision,
    /// What it measures.
    pub measure: Measure,
}

const Q2: &str = "q2_problems";
const Q7: &str = "q7_why_win";

/// The report's figures, as `FIGURES.md` lists them.
pub const FIGURES: [Figure; 13] = [
    Figure {
        id: "F1",
        claim_en: "know or have heard that NGOs carry out the state social order",
        claim_kk: "МӘТ-ты ҮЕҰ іске асыратынын қандай да бір дәрежеде біледі/естіді",
        published: 0.77,
        precision: Precision::Percent,
        measure: Measure::Share("q1_awareness", &[1.0, 2.0]),
    },
    Figure {
        id: "F2",
        claim_en: "do not know NGOs or found it hard to answer",
        claim_kk: "ҮЕҰ-ды білмейді немесе жауап беруге қиналды",
        published: 0.23,
        precision: Precision::Percent,
        measure: Measure::Share("q1_awareness", &[3.0, 9.0]),
    },
    Figure {
        id: "F3",
        claim_en: "low awareness of citizens about NGOs' work is a main problem (1st)",
        claim_kk: "азаматтардың ҮЕҰ қызметі туралы төмен хабардар болуы (1-орын)",
        published: 0.47,
        precision: Precision::Percent,
        measure: Measure::Option(Q2, "q2_problems_1"),
    },
    Figure {
        id: "F4",
        claim_en: "the population does not understand the point of NGOs' work (2nd)",
        claim_kk: "халықтың ҮЕҰ қызметінің мәнін түсінбеуі (2-орын)",
        published: 0.45,
        precision: Precision::Percent,
        measure: Measure::Option(Q2, "q2_problems_2"),
    },
    Figure {
        id: "F5",
        claim_en: "took a personal interest in the event (two thirds)",
        claim_kk: "іс-шараға жеке қызығушылық танытты (2/3 бөлігі)",
        published: 2.0 / 3.0,
        precision: Precision::TwoThirds,
        measure: Measure::Share("q3_interest", &[1.0]),
    },
    Figure {
        id: "F6",
        claim_en: "nothing changed in their life after taking part",
        claim_kk: "қатысқаннан кейін өмірінде ештеңе өзгермеген",
        published: 0.08,
        precision: Precision::Percent,
        measure: Measure::Share("q4_change", &[3.0]),
    },
    Figure {
        id: "F7",
        claim_en: "found the question on change hard to answer",
        claim_kk: "осы сұраққа жауап беруге қиналған",
        published: 0.14,
        precision: Precision::Percent,
        measure: Measure::Share("q4_change", &[9.0]),
    },
    Figure {
        id: "F8",
        claim_en: "mean satisfaction with the results (5-point scale)",
        claim_kk: "қатысу қорытындыларына қанағаттанудың орташа бағасы (5 балдық шкала)",
        published: 4.0,
        precision: Precision::MeanOneDecimal,
        measure: Measure::MeanScore("q5_satisfaction"),
    },
    Figure {
        id: "F9",
        claim_en: "the state social order is formed from people's real needs",
        claim_kk: "МӘТ көптеген адамдардың нақты қажеттіліктері негізінде қалыптасады",
        published: 0.645,
        precision: Precision::PercentOneDecimal,
        measure: Measure::Share("q6_real_needs", &[1.0]),
    },
    Figure {
        id: "F10",
        claim_en: "NGOs are unprofessional/incompetent (least chosen; on average)",
        claim_kk: "ҮЕҰ-дың кәсіпқойсыздығы/біліксіздігі (орта есеппен)",
        published: 0.04,
        precision: Precision::Percent,
        measure: Measure::RegionAverage(Q2, "q2_problems_6"),
    },
    Figure {
        id: "F11",
        claim_en: "NGOs win projects by illegal means: corruption, connections",
        claim_kk: "ҮЕҰ жобаларды заңсыз тетіктермен ұтады: сыбайлас жемқорлық, байланыстар",
        published: 0.24,
        precision: Precision::Percent,
        measure: Measure::Option(Q7, "q7_why_win_3"),
    },
    Figure {
        id: "F12",
        claim_en: "long experience and meeting qualification requirements matter",
        claim_kk: "ұйымның үлкен жұмыс тәжірибесі және біліктілік талаптарына сәйкестігі",
        published: 0.514,
        precision: Precision::PercentOneDecimal,
        measure: Measure::Option(Q7, "q7_why_win_1"),
    },
    Figure {
        id: "F13",
        claim_en: "all submitted applications are of high quality",
        claim_kk: "берілген өтінімдердің барлығы жоғары сапада",
        published: 0.38,
        precision: Precision::Percent,
        measure: Measure::Option(Q7, "q7_why_win_2"),
    },
];

impl Precision {
    /// Whether `estimate` reproduces `published` at this precision.
    pub fn reproduces(self, estimate: f64, published: f64) -> bool {
        match self {
            Precision::Percent => (100.0 * estimate).round() == (100.0 * published).round(),
            Precision::PercentOneDecimal => {
                (1000.0 * estimate).round() == (1000.0 * published).round()
            }
            Precision::TwoThirds => (0.665..0.670).contains(&estimate),
            Precision::MeanOneDecimal => (10.0 * estimate).round() == (10.0 * published).round(),
        }
    }

    /// Whether the figure is a share (printed in percent) rather than a mean.
    pub fn is_share(self) -> bool {
        self != Precision::MeanOneDecimal
    }
}

/// One figure re-estimated: the whole-sample row and one row per region.
#[derive(Debug, Clone)]
pub struct FigureResult {
    /// The figure.
    pub figure: Figure,
    /// The estimate the report's figure corresponds to.
    pub estimate: Estimate,
    /// The same by region (for F10: the regional shares it averages).
    pub by_region: Vec<Estimate>,
}

impl FigureResult {
    /// Whether the estimate reproduces the published value.
    pub fn reproduced(&self) -> bool {
        self.estimate
            .estimate
            .is_some_and(|e| self.figure.precision.reproduces(e, self.figure.published))
    }
}

/// Everything the report example prints.
#[derive(Debug, Clone)]
pub struct Report {
    /// The questionnaire (labels in Kazakh and English).
    pub questionnaire: Questionnaire,
    /// F1–F13.
    pub figures: Vec<FigureResult>,
    /// F3 − F4: the paired difference of the two top-ranked options among the same
    /// respondents, with CI and p-value.
    pub f3_minus_f4: Estimate,
    /// Every option of q2 ranked, with SEs (% of cases).
    pub q2_ranked: Vec<Estimate>,
    /// F10 pooled (population-weighted) share.
    pub f10_pooled: Estimate,
    /// F8's distribution over the five levels (hard to answer out of the base).
    pub q5_distribution: Vec<Estimate>,
    /// F8's mean score, top-2 box, bottom-2 box and net score.
    pub q5_summary: Vec<Estimate>,
    /// Rows and weighted total of the sample.
    pub n_rows: usize,
    /// Number of projects (PSUs) and the design degrees of freedom.
    pub n_psu: usize,
    /// Design degrees of freedom.
    pub df: f64,
}

/// The questionnaire and the responses in `data` (any format the crate reads), checked
/// against it.
fn load(dir: &Path, data: &Path) -> Result<(Questionnaire, Dataset), Box<dyn std::error::Error>> {
    let questionnaire = Questionnaire::from_path(dir.join("questionnaire.json"))?;
    let data = Dataset::open_with(data, &OpenOptions::new().questionnaire(&questionnaire))?.data;
    Ok((questionnaire, data))
}

/// The design: strata = region, PSU = project, weights.
fn design_options() -> DesignOptions {
    DesignOptions {
        weights: Some("weight".into()),
        strata: Some("region".into()),
        clusters: vec!["project".into()],
        ..Default::default()
    }
}

/// Loads `questionnaire.json` and `responses.csv` from `dir` and runs the whole analysis.
///
/// # Errors
/// Any error of reading, validating or estimating, boxed.
pub fn analyse(dir: &Path) -> Result<Report, Box<dyn std::error::Error>> {
    analyse_file(dir, &dir.join("responses.csv"))
}

/// [`analyse`] on the responses in `data` (any format the crate reads, e.g. the
/// `responses.sav` that `make_sav.R` writes), checked against `questionnaire.json`.
///
/// # Errors
/// As [`analyse`].
pub fn analyse_file(dir: &Path, data: &Path) -> Result<Report, Box<dyn std::error::Error>> {
    let (questionnaire, data) = load(dir, data)?;
    let design = Design::new(&data, &design_options())?;
    let whole = Domains::whole();
    let regions = Domains::by(&data, &["region".to_string()])?;
    let opts = EstimateOptions::default();
    let columns = |q: &str| -> Vec<String> {
        questionnaire
            .question(q)
            .map(|q| q.columns())
            .unwrap_or_default()
    };

    let mut figures = Vec::new();
    for figure in FIGURES {
        let (estimate, by_region) =
            estimate_figure(&data, &design, &figure, &whole, &regions, &opts, &columns)?;
        figures.push(FigureResult {
            figure,
            estimate,
            by_region,
        });
    }

    let q2 = columns(Q2);
    let at = |c: &str| q2.iter().position(|x| x == c).unwrap_or(0);
    let f3_minus_f4 = option_difference(
        &data,
        &design,
        &q2,
        at("q2_problems_1"),
        at("q2_problems_2"),
        MultipleBase::Cases,
        &whole,
        &opts,
    )?
    .remove(0);
    let mut q2_ranked = multiple_response(&data, &design, &q2, MultipleBase::Cases, &whole, &opts)?;
    q2_ranked.sort_by(|a, b| {
        b.estimate
            .unwrap_or(0.0)
            .total_cmp(&a.estimate.unwrap_or(0.0))
    });
    let f10_pooled = mean(&data, &design, "q2_problems_6", &whole, &opts)?.remove(0);

    let no9 = EstimateOptions {
        exclude: vec!["9".into()],
        ..Default::default()
    };
    let q5_distribution = proportion(
        &data,
        &design,
        "q5_satisfaction",
        &CategorySelection::All,
        &whole,
        &no9,
    )?;
    let scale = questionnaire
        .question("q5_satisfaction")
        .and_then(|q| LikertScale::from_question(q, 2))
        .unwrap_or_else(LikertScale::five_point);
    let q5_summary = likert_summary(&data, &design, "q5_satisfaction", &scale, &whole, &opts)?;

    Ok(Report {
        figures,
        f3_minus_f4,
        q2_ranked,
        f10_pooled,
        q5_distribution,
        q5_summary,
        n_rows: data.n_rows(),
        n_psu: design.n_psu(),
        df: design.degrees_of_freedom(),
        questionnaire,
    })
}

#[allow(clippy::too_many_arguments)]
fn estimate_figure(
    data: &Dataset,
    design: &Design,
    figure: &Figure,
    whole: &Domains,
    regions: &Domains,
    opts: &EstimateOptions,
    columns: &dyn Fn(&str) -> Vec<String>,
) -> Result<(Estimate, Vec<Estimate>), Box<dyn std::error::Error>> {
    let first = |mut v: Vec<Estimate>| v.remove(0);
    Ok(match figure.measure {
        Measure::Share(variable, codes) => {
            let selection = CategorySelection::Net {
                categories: codes.iter().map(|c| c.to_string()).collect(),
                label: figure.id.to_string(),
            };
            // "Hard to answer" stays in the base: the report's shares add to 100%.
            (
                first(proportion(data, design, variable, &selection, whole, opts)?),
                proportion(data, design, variable, &selection, regions, opts)?,
            )
        }
        Measure::Option(question, column) => {
            let cols = columns(question);
            let pick = |rows: Vec<Estimate>| -> Vec<Estimate> {
                rows.into_iter()
                    .filter(|r| r.category.as_deref() == Some(column))
                    .collect()
            };
            (
                first(pick(multiple_response(
                    data,
                    design,
                    &cols,
                    MultipleBase::Cases,
                    whole,
                    opts,
                )?)),
                pick(multiple_response(
                    data,
                    design,
                    &cols,
                    MultipleBase::Cases,
                    regions,
                    opts,
                )?),
            )
        }
        Measure::MeanScore(variable) => {
            let no9 = EstimateOptions {
                exclude: vec!["9".into()],
                ..opts.clone()
            };
            (
                first(mean(data, design, variable, whole, &no9)?),
                mean(data, design, variable, regions, &no9)?,
            )
        }
        Measure::RegionAverage(_, column) => {
            let k = regions.len();
            let avg = domain_contrast(
                data,
                design,
                column,
                None,
                regions,
                &vec![1.0 / k as f64; k],
                opts,
            )?;
            let wald = EstimateOptions {
                method: ProportionMethod::Mean,
                ..opts.clone()
            };
            (avg, mean(data, design, column, regions, &wald)?)
        }
    })
}

/// The same data and design as a [`Survey`] (the library's front door), for the banner
/// tables and the typed answers the report page draws.
///
/// # Errors
/// Any error of reading or validating the data or building the design, boxed.
pub fn survey(dir: &Path, lang: &str) -> Result<Survey, Box<dyn std::error::Error>> {
    let (questionnaire, csv) = load(dir, &dir.join("responses.csv"))?;
    // The CSV reader keeps the questionnaire's option columns as plain 0/1 columns; the
    // builder declares each multiple-response question and the answer labels.
    let mut data = Dataset::builder();
    let multiple = [Q2, Q7];
    for name in csv.names() {
        if multiple.iter().any(|q| name.starts_with(&format!("{q}_"))) {
            continue;
        }
        let column = csv.numeric(name)?;
        let values: Vec<Option<f64>> = (0..csv.n_rows()).map(|i| column.get(i)).collect();
        data = data.column(name, values);
        if let Some(q) = questionnaire.question(name) {
            let labels: Vec<(i64, String)> = q
                .codes()
                .into_iter()
                .filter_map(|c| Some((c.get(), q.option_label(c, lang)?.to_string())))
                .collect();
            data = data.labels(name, labels);
        }
    }
    for id in multiple {
        let q = questionnaire
            .question(id)
            .ok_or("the questionnaire lacks a question")?;
        let mut codes = Vec::new();
        let mut chosen = vec![Vec::new(); csv.n_rows()];
        for column in q.columns() {
            let code = q
                .option_for_column(&column)
                .ok_or("an option column without a code")?;
            codes.push(code.get());
            let values = csv.numeric(&column)?;
            for (i, list) in chosen.iter_mut().enumerate() {
                if values.get(i) == Some(1.0) {
                    list.push(code.get());
                }
            }
        }
        data = data.multiple_response(id, codes.clone(), chosen);
        let labels: Vec<(i64, String)> = codes
            .iter()
            .filter_map(|&c| {
                Some((
                    c,
                    q.option_label(survey_stats::questionnaire::Code::new(c), lang)?
                        .to_string(),
                ))
            })
            .collect();
        data = data.labels(id, labels);
    }
    Ok(Survey::new(data.build()?, &design_options())?)
}

/// Every figure by region as banner tables with design-based letters (95%, Holm within
/// each row): the shares with "hard to answer" in their base and the multiple-response
/// options in one, the satisfaction item (F8, "hard to answer" apart) in another.
///
/// # Errors
/// Any error of the banner, boxed.
pub fn banners(survey: &Survey) -> Result<Vec<(&'static str, Banner)>, Box<dyn std::error::Error>> {
    let mut shares = survey.banner(["region"]);
    for f in FIGURES {
        if let Measure::Share(variable, codes) = f.measure {
            shares = shares.rows_net(
                variable,
                format!("{} {}", f.id, f.claim_en),
                codes.iter().copied(),
            );
        }
    }
    let shares = shares
        .rows_multiple(Q2)
        .rows_multiple(Q7)
        .adjust(Adjust::Holm)
        .build()?;
    let satisfaction = survey
        .banner(["region"])
        .rows_likert("q5_satisfaction")
        .exclude([9])
        .adjust(Adjust::Holm)
        .build()?;
    Ok(vec![
        (
            "F1, F2, F5–F7, F9 (shares) and F3, F4, F10–F13 (options of q2 and q7) by region",
            shares,
        ),
        (
            "F8: satisfaction (q5) by region, hard to answer apart",
            satisfaction,
        ),
    ])
}
