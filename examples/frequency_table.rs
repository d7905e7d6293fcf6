//! A weighted frequency table from a questionnaire defined in code.
//!
//! ```text
//! cargo run --example frequency_table            # English labels
//! cargo run --example frequency_table -- kk      # Kazakh labels
//! ```
//! Reads `examples/data/awareness.csv` (40 made-up respondents in three regions, weighted by
//! region population), validates it against the questionnaire, and prints each answer's
//! weighted count and share with its design-based SE and 95% logit interval
//! (strata = region; each respondent their own sampling unit).

use survey_stats::data::{CsvOptions, read_csv};
use survey_stats::design::{Design, DesignOptions};
use survey_stats::estimate::{CategorySelection, Domains, EstimateOptions, count, proportion};
use survey_stats::questionnaire::{
    AnswerOption, Code, Labels, MissingCode, NonSubstantive, Question, QuestionKind, Questionnaire,
};
use survey_stats::table::Table;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = std::env::args().nth(1).unwrap_or_else(|| "en".to_string());
    let label = |en: &str, kk: &str| Labels::new().with("en", en).with("kk", kk);
    let options = [
        (1, label("Yes, I know", "Иә, білемін")),
        (2, label("I have heard something", "Бірдеңе естідім")),
        (3, label("No, I don't know", "Жоқ, білмеймін")),
        (9, label("Hard to answer", "Жауап беруге қиналамын")),
    ];
    let q1 = Question::new(
        "q1",
        label(
            "Do you know that NGOs carry out the state social order?",
            "ҮЕҰ мемлекеттік әлеуметтік тапсырысты орындайтынын білесіз бе?",
        ),
        QuestionKind::SingleChoice {
            options: options
                .iter()
                .map(|(c, l)| AnswerOption::new(*c, l.clone()))
                .collect(),
        },
    )
    .with_missing_code(MissingCode::new(9, NonSubstantive::DontKnow));
    let questionnaire = Questionnaire::new(vec![q1])?;

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/awareness.csv");
    let data = read_csv(
        path,
        &CsvOptions {
            questionnaire: Some(&questionnaire),
            ..CsvOptions::default()
        },
    )?;
    let design = Design::new(
        &data,
        &DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            ..Default::default()
        },
    )?;
    let opts = EstimateOptions::default();
    let whole = Domains::whole();
    let shares = proportion(&data, &design, "q1", &CategorySelection::All, &whole, &opts)?;
    let counts = count(&data, &design, "q1", &CategorySelection::All, &whole, &opts)?;

    let question = questionnaire.question("q1").ok_or("q1 is defined above")?;
    println!("{}", question.text(&lang).unwrap_or("q1"));
    println!("(hard to answer is in the base; n = {})\n", shares[0].n);
    let mut table = Table::new(
        ["answer", "weighted count", "%", "SE %", "95% CI %", "deff"]
            .map(String::from)
            .to_vec(),
    );
    let pct = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{:.1}", 100.0 * v));
    for (share, n) in shares.iter().zip(&counts) {
        let code: i64 = share.category.as_deref().unwrap_or("").parse()?;
        let answer = question
            .option_label(Code::new(code), &lang)
            .unwrap_or("?")
            .to_string();
        table.push(vec![
            answer,
            format!("{:.0}", n.estimate.unwrap_or(0.0)),
            pct(share.estimate),
            pct(share.std_error),
            format!("[{}, {}]", pct(share.ci_lower), pct(share.ci_upper)),
            share.deff.map_or(String::new(), |d| format!("{d:.2}")),
        ]);
    }
    print!("{}", table.to_text());
    Ok(())
}
