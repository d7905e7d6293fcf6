//! The five tasks of a researcher whose answers are already in Rust values, each one
//! short call chain on a [`Survey`]. Shared by `examples/library_tasks.rs` (which prints
//! them) and the integration tests (which check every number against R).

use survey_stats::{
    ByDomain, Dataset, Estimate, Frequencies, LikertSummary, MultipleResponse, Result, Survey,
    Total,
};

/// Answers of a two-stage sample as a program holds them: one vector per question,
/// codes as small integers, the multiple-response question as each respondent's list of
/// chosen options.
pub struct Answers {
    pub region: Vec<u8>,
    pub psu: Vec<u16>,
    pub weight: Vec<f64>,
    pub sex: Vec<u8>,
    pub q1: Vec<u8>,
    pub q5: Vec<Vec<u8>>,
    pub income: Vec<f64>,
}

/// The survey: stratified by region, PSUs sampled with replacement, weights given.
pub fn survey(a: Answers) -> Result<Survey> {
    let data = Dataset::builder()
        .column("region", a.region)
        .column("psu", a.psu)
        .column("w", a.weight)
        .column("sex", a.sex)
        .column("q1", a.q1)
        .labels(
            "q1",
            [
                (1, "very bad"),
                (2, "bad"),
                (3, "so-so"),
                (4, "good"),
                (5, "very good"),
                (9, "hard to answer"),
            ],
        )
        .multiple_response("q5", [1, 2, 3, 4, 5], a.q5)
        .column("income", a.income)
        .build()?;
    Survey::builder(data)
        .weights("w")
        .strata("region")
        .clusters(["psu"])
        .build()
}

/// Task 1: the frequency table of a Likert item without "hard to answer", and its
/// summary (mean score, top-2 box) by region.
pub fn likert_by_region(s: &Survey) -> Result<(Frequencies, ByDomain<LikertSummary>)> {
    let table = s.exclude([9]).frequencies("q1")?;
    let by_region = s.by(["region"]).likert("q1")?;
    Ok((table, by_region))
}

/// Task 2: the shares of a multiple-response question among those who chose any option.
pub fn multiple_response(s: &Survey) -> Result<MultipleResponse> {
    s.estimates().multiple_response("q5")
}

/// Task 3: a custom estimator, the mean income of region 1 over that of region 2.
pub fn ratio_of_region_means(s: &Survey) -> Result<Estimate> {
    let mean_of = |r: u8| {
        [
            Total::of("income").within("region", r),
            Total::count().within("region", r),
        ]
    };
    let totals = mean_of(1).into_iter().chain(mean_of(2));
    s.estimates()
        .function_of_totals(totals, |t| (t[0] / t[1]) / (t[2] / t[3]))
}

/// Task 4: a custom estimator, the coefficient of variation of income in the population,
/// √(E[y²] − E[y]²) / E[y].
pub fn income_cv(s: &Survey) -> Result<Estimate> {
    let totals = [
        Total::count(),
        Total::of("income"),
        Total::of("income").squared(),
    ];
    s.estimates().function_of_totals(totals, |t| {
        let (m1, m2) = (t[1] / t[0], t[2] / t[0]);
        (m2 - m1 * m1).sqrt() / m1
    })
}

/// Task 5: the same on a design post-stratified to the population by sex.
pub fn post_stratified(s: &Survey) -> Result<(Estimate, Estimate)> {
    let ps = s.poststratify("sex", [(1, 30345.0), (2, 32723.0)])?;
    Ok((ratio_of_region_means(&ps)?, income_cv(&ps)?))
}
