//! The 2019 report data as a banner table: every question by region and by interest, with
//! design-based significance letters (Holm-adjusted), printed as aligned text.
//!
//! `cargo run --example banner_zubr [-- --markdown]`

use survey_stats::{Adjust, DesignOptions, Survey};

fn main() -> Result<(), survey_stats::Error> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/responses.csv");
    let survey = Survey::from_csv(
        path,
        &DesignOptions {
            weights: Some("weight".into()),
            strata: Some("region".into()),
            clusters: vec!["project".into()],
            ..Default::default()
        },
    )?;
    let table = survey
        .banner(["region", "q3_interest"])
        .rows_single("q1_awareness")
        .rows_net("q5_satisfaction", "Top-2", [4, 5])
        .rows_likert("q5_satisfaction")
        .rows_multiple("q7_why_win")
        .exclude([9])
        .adjust(Adjust::Holm)
        .build()?;
    if std::env::args().any(|a| a == "--markdown") {
        print!("{}", table.to_table().to_markdown());
    } else {
        print!("{table}");
    }
    Ok(())
}
