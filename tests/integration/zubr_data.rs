//! The reconstructed microdata of the 2019 ZUBR beneficiary survey (`data/zubr2019/`): the
//! committed CSV is exactly what `examples/zubr_generate.rs` writes, it has the sample's
//! structure, and it validates against the bundled questionnaire. The published figures are
//! checked through the report's own analysis in `zubr_report.rs`.

use survey_stats::data::{CsvOptions, read_csv};
use survey_stats::questionnaire::Questionnaire;

/// The generator itself, compiled into the test so that the byte-for-byte check runs
/// offline and without spawning cargo.
#[allow(dead_code)]
#[path = "../../examples/zubr_generate.rs"]
mod zubr_generate;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019");

#[test]
fn zubr_generator_reproduces_the_committed_csv() {
    let committed = std::fs::read_to_string(format!("{DIR}/responses.csv")).expect("responses.csv");
    assert!(
        zubr_generate::generate() == committed,
        "examples/zubr_generate.rs no longer writes data/zubr2019/responses.csv: rerun \
         `cargo run --example zubr_generate` and review the figures"
    );
}

/// 3 regions × 20 projects × 20 respondents, weights = region population / 400, every
/// column a question's, every value valid for it (codes, 0/1, exclusive "hard to answer",
/// at most 3 problems: the reader checks these against the questionnaire).
#[test]
fn zubr_csv_has_the_design_and_validates_against_the_questionnaire() {
    let questionnaire =
        Questionnaire::from_path(format!("{DIR}/questionnaire.json")).expect("questionnaire");
    let opts = CsvOptions {
        questionnaire: Some(&questionnaire),
        ..CsvOptions::default()
    };
    let data = read_csv(format!("{DIR}/responses.csv"), &opts).expect("valid data");
    assert_eq!(data.n_rows(), 1200);
    let col = |name: &str| -> Vec<u32> {
        let c = data.numeric(name).expect(name);
        (0..data.n_rows())
            .map(|r| c.get(r).expect("no missing values") as u32)
            .collect()
    };
    let (region, project, weight) = (col("region"), col("project"), col("weight"));
    let mut per_project = std::collections::BTreeMap::new();
    for r in 0..1200 {
        assert_eq!(project[r] / 100, region[r], "project ids carry the region");
        assert_eq!(weight[r], [4625, 3450, 3425][region[r] as usize - 1]);
        *per_project.entry(project[r]).or_insert(0) += 1;
    }
    assert_eq!(per_project.len(), 60);
    assert!(per_project.values().all(|&n| n == 20));
    // Every respondent answered both multiple-response questions (an option or 9).
    for q in ["q2_problems", "q7_why_win"] {
        let cols: Vec<Vec<u32>> = questionnaire
            .question(q)
            .expect(q)
            .columns()
            .iter()
            .map(|c| col(c))
            .collect();
        assert!((0..1200).all(|r| cols.iter().any(|c| c[r] == 1)), "{q}");
    }
    let mut claimed: Vec<String> = questionnaire.columns().map(String::from).collect();
    claimed.extend(["id", "project", "weight"].map(String::from));
    claimed.sort();
    let mut names = data.names().to_vec();
    names.sort();
    assert_eq!(names, claimed, "every answer column is a question's");
}
