//! A tutorial: from answers held in Rust values to a report.
//!
//! This tutorial walks through a survey analysis in the order one does it: put the answers
//! into a [`Dataset`], say how the sample was drawn, ask for estimates, read and print the
//! answers, adjust the weights, write an estimator of one's own, and handle errors. Every
//! example is a test: it runs on a tiny survey whose numbers can be checked by hand, or on
//! the California schools sample that ships with the crate (`tests/data/apistrat.csv`,
//! R's `apistrat`), where the expected numbers are R's.
//!
//! Readers who know R's `survey` package will find every R call and its equivalent in
//! [`r_to_survey_stats`].
//!
//! # Contents
//!
//! 1. [Setup](#setup)
//! 2. [Answers in Rust vectors](#answers-in-rust-vectors)
//! 3. [Rows as serde structs](#rows-as-serde-structs)
//! 4. [Declaring the design](#declaring-the-design)
//! 5. [Replicate weights](#replicate-weights)
//! 6. [A first estimate, checked by hand](#a-first-estimate-checked-by-hand)
//! 7. [Reading an answer](#reading-an-answer)
//! 8. [Frequency tables and "hard to answer"](#frequency-tables-and-hard-to-answer)
//! 9. [Shares and nets: the top-2 box](#shares-and-nets-the-top-2-box)
//! 10. [Rating items: the Likert summary](#rating-items-the-likert-summary)
//! 11. [Multiple-response questions](#multiple-response-questions)
//! 12. [Domains: estimates by group](#domains-estimates-by-group)
//! 13. [Printing answers](#printing-answers)
//! 14. [Settings: level, normal intervals, share methods, degrees of freedom](#settings-level-normal-intervals-share-methods-degrees-of-freedom)
//! 15. [Weighting: post-stratification, raking, calibration, trimming](#weighting-post-stratification-raking-calibration-trimming)
//! 16. [A custom estimator: a ratio of two domain means](#a-custom-estimator-a-ratio-of-two-domain-means)
//! 17. [Errors](#errors)
//! 18. [When to use the JSON spec and the command line](#when-to-use-the-json-spec-and-the-command-line)
//!
//! # Setup
//!
//! Add the crate to `Cargo.toml` (and `serde`, with its `derive` feature, if the answers
//! come as structs):
//!
//! ```text
//! [dependencies]
//! survey-stats = "0.1"
//! serde = { version = "1", features = ["derive"] }
//! ```
//!
//! Everything a program needs is at the crate's root: [`Dataset`] holds the data,
//! [`Survey`] holds the data and the design together, its methods return typed answers
//! ([`Estimate`], [`Frequencies`], [`LikertSummary`], [`MultipleResponse`], or a
//! [`ByDomain`] of any of them), and every failure is one [`Error`].
//!
//! The examples return `Result<(), survey_stats::Error>`, so `?` works on every call; in a
//! program, `fn main() -> Result<(), survey_stats::Error>` (or `Box<dyn std::error::Error>`,
//! or `anyhow::Result`) does the same.
//!
//! # Answers in Rust vectors
//!
//! A questionnaire's answers are usually held one vector per question: codes as small
//! integers, weights as `f64`, `Option` where a value may be missing, and for a question
//! with several answers, each respondent's list of chosen options. This is the survey the
//! tutorial uses: eight respondents in two regions (the strata), two sampled areas per
//! region (the primary sampling units, PSUs), with sampling weights.
//!
//! ```
//! use survey_stats::Dataset;
//!
//! let region: Vec<u8> = vec![1, 1, 1, 1, 2, 2, 2, 2];
//! let psu: Vec<u16> = vec![11, 11, 12, 12, 21, 21, 22, 22];
//! let weight: Vec<f64> = vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0];
//! let sex: Vec<u8> = vec![1, 2, 1, 2, 1, 2, 1, 2];
//! // "How satisfied are you?" 1 = very bad … 5 = very good, 9 = hard to answer.
//! let q1: Vec<u8> = vec![5, 4, 2, 9, 4, 3, 5, 1];
//! // "Which services do you use?" (several answers): 1 = buses, 2 = trams, 3 = bicycles.
//! let q5: Vec<Vec<u8>> = vec![
//!     vec![1, 3], vec![2], vec![], vec![1], vec![1, 2], vec![3], vec![1], vec![2, 3],
//! ];
//! // Monthly income; None where the respondent did not say.
//! let income: Vec<Option<f64>> = vec![
//!     Some(100.0), Some(80.0), None, Some(60.0), Some(120.0), Some(90.0), Some(70.0), None,
//! ];
//!
//! let data = Dataset::builder()
//!     .column("region", region)
//!     .labels("region", [(1, "north"), (2, "south")])
//!     .column("psu", psu)
//!     .column("w", weight)
//!     .column("sex", sex)
//!     .column("q1", q1)
//!     .labels("q1", [(1, "very bad"), (2, "bad"), (3, "so-so"), (4, "good"), (5, "very good"), (9, "hard to answer")])
//!     .multiple_response("q5", [1u8, 2, 3], q5)
//!     .column("income", income)
//!     .build()?;
//!
//! assert_eq!(data.n_rows(), 8);
//! // A multiple-response question becomes one 0/1 column per option, named q5_1, q5_2, q5_3.
//! assert_eq!(data.numeric("q5_1")?.values(), &[1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0]);
//! assert_eq!(data.numeric("income")?.get(2), None);
//! assert_eq!(data.label("q1", 9.0), Some("hard to answer"));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! A column can be a `Vec`, slice or array of any primitive number, of `Option`s of them,
//! or of text (see [`IntoColumn`]). Numbers are stored as `f64`; a value that `f64` cannot
//! hold exactly (a NaN, an integer beyond 2^53) is an error naming the column and the
//! element, never a silent change. Labels are optional: they show in printed tables and
//! domain names.
//!
//! # Rows as serde structs
//!
//! When the answers arrive one respondent at a time (from a web form, a database, a JSON
//! file), [`Dataset::from_rows`] takes any rows that serialise with serde: numbers (and
//! booleans, as 0/1) become numeric columns, text becomes categories, `None` is missing,
//! and a list of codes is a multiple-response question.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//!
//! #[derive(serde::Serialize)]
//! struct Respondent {
//!     region: u8,
//!     psu: u16,
//!     w: f64,
//!     sex: &'static str,
//!     q1: u8,
//!     q5: Vec<u8>,
//!     income: Option<f64>,
//! }
//! let r = |region, psu, w, sex, q1, q5: &[u8], income| Respondent { region, psu, w, sex, q1, q5: q5.to_vec(), income };
//! let rows = vec![
//!     r(1, 11, 10.0, "f", 5, &[1, 3], Some(100.0)),
//!     r(1, 11, 10.0, "m", 4, &[2], Some(80.0)),
//!     r(1, 12, 20.0, "f", 2, &[], None),
//!     r(1, 12, 20.0, "m", 9, &[1], Some(60.0)),
//!     r(2, 21, 15.0, "f", 4, &[1, 2], Some(120.0)),
//!     r(2, 21, 15.0, "m", 3, &[3], Some(90.0)),
//!     r(2, 22, 5.0, "f", 5, &[1], Some(70.0)),
//!     r(2, 22, 5.0, "m", 1, &[2, 3], None),
//! ];
//! let data = Dataset::from_rows(&rows)?;
//! assert_eq!(data.numeric("q5_3")?.values(), &[1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0]);
//!
//! let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! // The same survey as built from vectors: the same answers.
//! assert_eq!(survey.exclude([9]).mean("q1")?.value, 265.0 / 80.0);
//! let women = survey.by(["sex"]).exclude([9]).mean("q1")?;
//! assert_eq!(women.get("f").unwrap().value, (50.0 + 40.0 + 60.0 + 25.0) / 50.0);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! (Text categories are looked up by their text, `get("f")`; codes by their number.)
//! CSV files are read with [`Survey::from_csv`], or with [`crate::data::read_csv`] into a
//! `Dataset`.
//!
//! # Declaring the design
//!
//! A [`Survey`] is the data together with the design they were drawn under, R's
//! `svydesign`. [`Survey::builder`] names the design's columns:
//!
//! | R's `svydesign` | [`SurveyBuilder`] | meaning |
//! | --- | --- | --- |
//! | `weights = ~w` | `.weights("w")` | sampling weights |
//! | `strata = ~region` | `.strata("region")` | strata |
//! | `ids = ~psu + ssu` | `.clusters(["psu", "ssu"])` | cluster ids, one per stage |
//! | `fpc = ~N1 + N2` | `.fpc(["N1", "N2"])` | population sizes (or sampling fractions), one per stage |
//! | `nest = TRUE` | `.nest(true)` | cluster ids repeat across strata |
//! | `options(survey.lonely.psu = …)` | `.lonely_psu(LonelyPsu::Adjust)` | strata with one PSU |
//!
//! Without any of them, each row is its own PSU with weight 1 ([`Survey::srs`]). The
//! design is checked when it is built: a weight that is missing or negative, a cluster
//! found in two strata, an fpc smaller than the sample, a stratum with a single PSU under
//! the default [`LonelyPsu::Fail`] are errors naming the column, row or stratum at fault.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .build()?;
//! // R: svydesign(ids = ~psu, strata = ~region, weights = ~w, data = data)
//! let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! assert_eq!(survey.design().n_strata(), 2);
//! assert_eq!(survey.design().n_psu(), 4);
//! assert_eq!(survey.design().degrees_of_freedom(), 2.0); // R's degf: 4 PSUs − 2 strata
//!
//! // A simple random sample without replacement of 4 out of 40: the fpc column holds the
//! // population size; without weights, each row weighs 40 / 4.
//! let srs = Dataset::builder()
//!     .column("y", vec![1.0, 2.0, 3.0, 6.0])
//!     .column("N", vec![40u8; 4])
//!     .build()?;
//! let srs = Survey::builder(srs).fpc(["N"]).build()?;
//! let m = srs.mean("y")?;
//! assert_eq!(m.value, 3.0);
//! // SE = √((1 − n/N)·s²/n), with s² = 14/3.
//! assert!((m.std_error - ((1.0 - 4.0 / 40.0) * (14.0 / 3.0) / 4.0f64).sqrt()).abs() < 1e-12);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! The same from a CSV file: [`Survey::from_csv`] reads it (numbers as numbers, text as
//! categories, `""` and `NA` missing) and takes the design as [`DesignOptions`], the
//! analysis spec's `design` object.
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! // R: svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()),
//!     strata: Some("stype".into()),
//!     fpc: vec!["fpc".into()],
//!     ..Default::default()
//! })?;
//! assert_eq!(survey.design().degrees_of_freedom(), 197.0);
//! assert!((survey.mean("api00")?.value - 662.2873631593208).abs() < 1e-9); // R's svymean
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! Large designs (more than 100,000 units) have their rows grouped by unit inside the
//! survey, which makes every estimate faster; [`Survey::data`] and [`Survey::design`] give
//! the two as the survey holds them, and errors still name the rows as given.
//!
//! # Replicate weights
//!
//! Public-use files often come with replicate weights instead of strata and clusters (R's
//! `svrepdesign`). Name the full-sample weights and the replicate columns, by list or by
//! prefix, with [`ReplicateOptions`]:
//!
//! ```
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::{ReplicateOptions, ReplicateType, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rep_fay_pairs.csv");
//! let data = read_csv(path, &CsvOptions::default())?;
//! // R: svrepdesign(data = d, repweights = "rw[0-9]+", weights = ~fullw, type = "Fay", rho = 0.3)
//! let survey = Survey::builder(data)
//!     .weights("fullw")
//!     .replicates(ReplicateOptions {
//!         columns: vec![],
//!         prefix: Some("rw".into()),
//!         combined_weights: true,
//!         kind: ReplicateType::Fay,
//!         rho: Some(0.3),
//!         scale: None,
//!         rscales: None,
//!         mse: false,
//!     })
//!     .build()?;
//! let m = survey.mean("api00")?;
//! assert!((m.value - 644.63687150837995).abs() < 1e-9); // R
//! assert!((m.std_error - 21.264617614970085).abs() < 1e-9); // R
//! assert_eq!(m.df, Some(7.0)); // R's degf: the rank of the replicate weights − 1
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! A design can also be turned into replicates (R's `as.svrepdesign`) with
//! [`Survey::replicate`]: the stratified jackknife of a stratified sample gives the
//! linearization SE back.
//!
//! ```
//! use survey_stats::{DesignOptions, ReplicateMethod, Survey};
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! # let survey = Survey::from_csv(path, &DesignOptions {
//! #     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()],
//! #     ..Default::default()
//! # })?;
//! let jkn = survey.replicate(ReplicateMethod::JKn)?;
//! assert!((jkn.mean("api00")?.std_error - 9.40894080278458).abs() < 1e-7);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A first estimate, checked by hand
//!
//! With two PSUs per stratum, the variance of a total has a formula one can check on
//! paper: R's `n_h/(n_h − 1)·Σ(t_i − t̄_h)²` becomes `(t_1 − t_2)²` per stratum, where
//! `t_i` is the weighted total of PSU `i`.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("income", vec![Some(100.0), Some(80.0), None, Some(60.0), Some(120.0), Some(90.0), Some(70.0), None])
//! #     .build()?;
//! let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//!
//! // R: svytotal(~income, design, na.rm = TRUE)
//! let total = survey.total("income")?;
//! // PSU totals: 11: 10·100 + 10·80 = 1800; 12: 20·60 = 1200 (one income is missing);
//! // 21: 15·120 + 15·90 = 3150; 22: 5·70 = 350.
//! assert_eq!(total.value, 1800.0 + 1200.0 + 3150.0 + 350.0);
//! let variance = (1800.0f64 - 1200.0).powi(2) + (3150.0f64 - 350.0).powi(2);
//! assert!((total.std_error - variance.sqrt()).abs() < 1e-9);
//! assert_eq!(total.n, 6); // rows with an income
//! assert_eq!(total.n_missing, 2); // left out of the base, kept in the design
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! Rows missing the variable leave the base but stay in the design (R's `na.rm = TRUE`),
//! so the degrees of freedom and the PSUs of each stratum do not change.
//!
//! # Reading an answer
//!
//! An [`Estimate`] carries the point estimate and everything about its precision:
//!
//! | field | meaning | R |
//! | --- | --- | --- |
//! | `value` | the estimate | `coef(m)` |
//! | `std_error` | its standard error | `SE(m)` |
//! | `interval` | `Some(Interval { lower, upper, level })`, t with `df` by default | `confint(m, df = degf(des))` |
//! | `df` | degrees of freedom; `None` for a normal interval | `degf(des)` |
//! | `design_effect` | against simple random sampling without replacement | `deff = TRUE` |
//! | `design_effect_replace` | against sampling with replacement | `deff = "replace"` |
//! | `n`, `n_missing`, `weighted_n` | rows in the base, rows left out, sum of the base's weights | |
//! | `note` | a caveat, when there is one | |
//!
//! and [`Estimate::cv`] is the coefficient of variation (R's `cv`).
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! # let survey = Survey::from_csv(path, &DesignOptions {
//! #     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()],
//! #     ..Default::default()
//! # })?;
//! // R: svymean(~api00, design, deff = TRUE); confint(m, df = degf(design))
//! let m = survey.mean("api00")?;
//! assert!((m.value - 662.2873631593208).abs() < 1e-9);
//! assert!((m.std_error - 9.40894080278458).abs() < 1e-9);
//! let ci = m.interval.unwrap();
//! assert!((ci.lower - 643.7321882720862).abs() < 1e-8);
//! assert!((ci.upper - 680.8425380465553).abs() < 1e-8);
//! assert_eq!(ci.level, 0.95);
//! assert_eq!(m.df, Some(197.0));
//! assert!((m.design_effect.unwrap() - 1.2044572685377168).abs() < 1e-9);
//! assert!((m.design_effect_replace.unwrap() - 1.1655661714535261).abs() < 1e-9);
//! assert!((m.cv().unwrap() - 9.40894080278458 / 662.2873631593208).abs() < 1e-12);
//! assert_eq!((m.n, m.n_missing), (200, 0));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Frequency tables and "hard to answer"
//!
//! [`Survey::frequencies`] gives each category's weighted count (R's `svytotal` of the
//! indicator) and share (R's `svymean`, with a `svyciprop` interval), in code order, from
//! one pass. Questionnaires often have codes that are not answers, such as 9 = "hard to
//! answer": [`Survey::exclude`] leaves them out of the base. The rows stay in the design,
//! so the variance is that of a domain, as R's `subset`.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .labels("q1", [(1, "very bad"), (2, "bad"), (3, "so-so"), (4, "good"), (5, "very good"), (9, "hard to answer")])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let q1 = survey.exclude([9]).frequencies("q1")?;
//! assert_eq!(q1.base(), 7); // the respondent who answered 9 is out
//! assert_eq!(q1.categories.len(), 5);
//! // The base weighs 100 − 20 = 80; "good" (4) weighs 10 + 15.
//! let good = q1.get(4).unwrap();
//! assert_eq!(good.label.as_deref(), Some("good"));
//! assert_eq!(good.count.value, 25.0);
//! assert_eq!(good.share.value, 25.0 / 80.0);
//! let shares: Vec<f64> = q1.categories.iter().map(|c| c.share.value).collect();
//! assert_eq!(shares, [5.0 / 80.0, 20.0 / 80.0, 15.0 / 80.0, 25.0 / 80.0, 15.0 / 80.0]);
//!
//! // Without the exclusion, 9 is a category like the others, and the base weighs 100.
//! let all = survey.frequencies("q1")?;
//! assert_eq!(all.get(9).unwrap().share.value, 0.2);
//! assert_eq!(all.get(4).unwrap().share.value, 0.25);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! `exclude` applies to every estimator (`survey.exclude([9]).mean("q1")` is the mean
//! score without "hard to answer"). Each excluded code must occur in the variable: a typo
//! is an error that lists the codes present (see [Errors](#errors)).
//!
//! # Shares and nets: the top-2 box
//!
//! The share of a set of codes, such as the "top-2 box" (4 or 5 on a five-point scale), is
//! [`Estimator::share`] (R's `svyciprop(~I(q1 %in% c(4, 5)), design)`, logit interval):
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! // 4 or 5: 10 + 10 + 15 + 5 = 40 out of a base of 80 without "hard to answer" …
//! let top2 = survey.exclude([9]).share("q1", [4, 5])?;
//! assert_eq!(top2.value, 0.5);
//! let ci = top2.interval.unwrap();
//! assert!(ci.lower < 0.5 && 0.5 < ci.upper);
//! // … or out of all 100 when "hard to answer" counts in the base.
//! assert_eq!(survey.estimates().share("q1", [4, 5])?.value, 0.4);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Rating items: the Likert summary
//!
//! [`Estimator::likert`] summarises a five-point rating item in one pass: the mean score,
//! the top-2 box (4 + 5), the bottom-2 box (1 + 2) and the net score (top − bottom, with
//! the p-value of its test against zero). Codes that are not points of the scale, such as
//! 9, leave the base by themselves. [`Estimator::likert_with`] takes other scales
//! ([`crate::estimate::LikertScale`]).
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let q1 = survey.estimates().likert("q1")?;
//! // Σw·score = 50 + 40 + 40 + 60 + 45 + 25 + 5 = 265 over the base's 80.
//! assert_eq!(q1.mean.value, 265.0 / 80.0);
//! assert_eq!(q1.top_box.value, 40.0 / 80.0);
//! assert_eq!(q1.bottom_box.value, 25.0 / 80.0); // codes 1 and 2: 5 + 20
//! assert!((q1.net.value - 15.0 / 80.0).abs() < 1e-15);
//! assert!(q1.net.p_value.is_some());
//! assert_eq!((q1.mean.n, q1.mean.n_missing), (7, 1));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! The mean score's SE can be checked by hand as the total's was. Each row of the base
//! contributes `w·(y − ȳ)/80`, with `ȳ = 265/80`; the PSU sums of `w·(y − ȳ)` are 23.75
//! and −26.25 in the north, 5.625 and −3.125 in the south, so
//! `Var = ((23.75 + 26.25)² + (5.625 + 3.125)²)/80²`:
//!
//! ```
//! # use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let m = survey.exclude([9]).mean("q1")?;
//! let variance = (50.0f64.powi(2) + 8.75f64.powi(2)) / 6400.0;
//! assert!((m.std_error - variance.sqrt()).abs() < 1e-12);
//! assert_eq!(survey.estimates().likert("q1")?.mean.std_error, m.std_error);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Multiple-response questions
//!
//! A question added with [`DatasetBuilder::multiple_response`] (or a list field of
//! [`Dataset::from_rows`]) is estimated by its name: [`Estimator::multiple_response`] gives
//! each option's share among the respondents who chose at least one option (SPSS's "% of
//! cases"; R: `svymean` of the 0/1 columns on that subset).
//! [`Estimator::multiple_response_on`] takes the other bases
//! ([`crate::estimate::MultipleBase`]).
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .multiple_response("q5", [1u8, 2, 3], vec![vec![1u8, 3], vec![2], vec![], vec![1], vec![1, 2], vec![3], vec![1], vec![2, 3]])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let q5 = survey.estimates().multiple_response("q5")?;
//! // The third respondent (weight 20) chose nothing: the base weighs 80.
//! assert_eq!(q5.get(1).unwrap().share.value, (10.0 + 20.0 + 15.0 + 5.0) / 80.0);
//! assert_eq!(q5.get(2).unwrap().share.value, (10.0 + 15.0 + 5.0) / 80.0);
//! assert_eq!(q5.get(3).unwrap().column, "q5_3");
//! assert_eq!(q5.get(3).unwrap().share.n, 7);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Domains: estimates by group
//!
//! [`Survey::by`] (R's `svyby`) estimates in every group of one or more columns; the
//! answer is a [`ByDomain`], looked up by the group's code or text with
//! [`ByDomain::get`], or walked with [`ByDomain::iter`]. Domains are always estimated with
//! the full design: rows outside the domain stay in the design with no contribution, so a
//! domain's SE is a domain SE, not that of a smaller survey. Each domain's degrees of
//! freedom are its own PSUs minus their strata, as `svyciprop` inside `svyby`.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .labels("region", [(1, "north"), (2, "south")])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("sex", vec![1u8, 2, 1, 2, 1, 2, 1, 2])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let by_region = survey.by(["region"]).exclude([9]).mean("q1")?;
//! assert_eq!(by_region.len(), 2);
//! assert_eq!(by_region.get(1).unwrap().value, (50.0 + 40.0 + 40.0) / 40.0);
//! assert_eq!(by_region.get(2).unwrap().value, (60.0 + 45.0 + 25.0 + 5.0) / 40.0);
//! assert_eq!(by_region.get(1).unwrap().df, Some(1.0)); // 2 PSUs − 1 stratum
//!
//! for (domain, answer) in by_region.iter() {
//!     match answer {
//!         Ok(m) => assert!(m.value > 3.0, "{domain}"),
//!         Err(why) => panic!("{domain}: no estimate ({why})"),
//!     }
//! }
//! let first = by_region.iter().next().unwrap().0;
//! assert_eq!(first.to_string(), "region=north"); // labels name the domains
//!
//! // Several columns: one domain per combination that occurs.
//! let cells = survey.by(["region", "sex"]).exclude([9]).frequencies("q1")?;
//! assert_eq!(cells.len(), 4);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! An estimate that cannot be made in one domain (no rows in its base) does not fail the
//! others: that domain's entry holds the reason instead, and `get` returns `None` for it.
//!
//! # Printing answers
//!
//! Every answer implements `Display` as an aligned text table (Unicode widths respected),
//! with numbers rounded for reading; the fields hold full precision.
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .labels("region", [(1, "north"), (2, "south")])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .labels("q1", [(1, "very bad"), (2, "bad"), (3, "so-so"), (4, "good"), (5, "very good"), (9, "hard to answer")])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let table = survey.exclude([9]).frequencies("q1")?;
//! let likert = survey.by(["region"]).likert("q1")?;
//! let report = format!("Satisfaction\n\n{table}\nBy region\n\n{likert}");
//! println!("{report}");
//! // By hand: the PSU totals of "good" are 10 + 0 (PSU 11), 0 (12), 15 (21), 0 (22) → count
//! // SE √(2·(5² + 5²) + 2·(7.5² + 7.5²)) = √325; the share's PSU scores 3.75, −6.25, 5.625,
//! // −3.125 over a base of 80 → SE √176.5625 / 80.
//! let good = table.get(4).unwrap();
//! assert!((good.count.std_error - 325f64.sqrt()).abs() < 1e-12);
//! assert!((good.share.std_error - 176.5625f64.sqrt() / 80.0).abs() < 1e-12);
//! # assert_eq!(table.to_string().lines().nth(5), Some("4 good          25     18.03    0.3125     0.1661    0.0161    0.9268   2  0.84  7"));
//! assert!(report.contains("region=south"));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! prints
//!
//! ```text
//! Satisfaction
//!
//! category     count  count_se  estimate  std_error  ci_lower  ci_upper  df  deff  n
//! ----------------------------------------------------------------------------------
//! 1 very bad       5         5    0.0625     0.0781  2.149e-4    0.9539   2  0.68  7
//! 2 bad           20        20    0.2500     0.2577  9.002e-4    0.9920   2  2.33  7
//! 3 so-so         15        15    0.1875     0.1406    0.0043    0.9245   2  0.85  7
//! 4 good          25     18.03    0.3125     0.1661    0.0161    0.9268   2  0.84  7
//! 5 very good     15     11.18    0.1875     0.1661    0.0021    0.9618   2  1.19  7
//!
//! By region
//!
//! domain        summary     estimate  std_error   ci_lower  ci_upper  df  deff  n
//! -------------------------------------------------------------------------------
//! region=north  mean score    3.2500     1.2500     -12.63     19.13   1  2.00  3
//! region=north  top box       0.5000     0.5000  9.195e-12    1.0000   1  2.16  3
//! region=north  bottom box    0.5000     0.5000  9.195e-12    1.0000   1  2.16  3
//! region=north  net score          0          1     -12.71     12.71   1        3
//! region=south  mean score    3.3750     0.1875     0.9926    5.7574   1  0.09  4
//! region=south  top box       0.5000          0     0.5000    0.5000   1  0.00  4
//! region=south  bottom box    0.1250     0.1875  4.955e-11    1.0000   1  1.07  4
//! region=south  net score     0.3750     0.1875    -2.0074    2.7574   1        4
//! ```
//!
//! For machine-readable output (CSV, Markdown, JSON with every digit), use the fields
//! directly, or run the analysis as a spec (below), whose result rows serialise to JSON.
//!
//! # Settings: level, normal intervals, share methods, degrees of freedom
//!
//! [`Survey::estimates`] returns an [`Estimator`] with R's defaults (95% t intervals with
//! the design's degrees of freedom, logit intervals for shares, missing values out of the
//! base); its settings chain before the estimate, and `by` and `exclude` are settings too:
//!
//! | setting | effect | R |
//! | --- | --- | --- |
//! | `.level(0.9)` | 90% intervals | `level = 0.9` |
//! | `.normal()` | normal intervals (`df` is `None`) | `confint(m)` |
//! | `.method(ProportionMethod::Beta)` | the interval of shares | `svyciprop(method = "beta")` |
//! | `.df(DfRule::Fixed(10.0))` | the degrees of freedom of intervals | `confint(m, df = 10)` |
//! | `.keep_missing()` | a missing value makes the estimate unavailable | `na.rm = FALSE` |
//!
//! ```
//! use survey_stats::estimate::DfRule;
//! use survey_stats::{DesignOptions, ProportionMethod, Survey};
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! # let survey = Survey::from_csv(path, &DesignOptions {
//! #     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()],
//! #     ..Default::default()
//! # })?;
//! // R: confint(svymean(~api00, design)), the normal interval
//! let m = survey.estimates().normal().mean("api00")?;
//! assert!((m.interval.unwrap().lower - 643.8461780531936).abs() < 1e-8);
//! assert_eq!(m.df, None);
//!
//! // R: svyciprop(~I(sch.wide == "Yes"), design, method = "beta")
//! let beta = survey.estimates().method(ProportionMethod::Beta).frequencies("sch.wide")?;
//! let yes = &beta.get("Yes").unwrap().share;
//! assert!((yes.value - 0.8279480114158234).abs() < 1e-9);
//! assert!((yes.interval.unwrap().lower - 0.7741713285973125).abs() < 1e-9);
//! assert!((yes.interval.unwrap().upper - 0.8734315926207352).abs() < 1e-9);
//!
//! // R: svyciprop(~I(sch.wide == "Yes"), design, level = 0.9), the logit interval
//! let logit = survey.estimates().level(0.9).frequencies("sch.wide")?;
//! let ci = logit.get("Yes").unwrap().share.interval.unwrap();
//! assert!((ci.lower - 0.7839303473413393).abs() < 1e-8);
//! assert_eq!(ci.level, 0.9);
//!
//! // A t interval with 10 degrees of freedom is wider than with 197.
//! let few = survey.estimates().df(DfRule::Fixed(10.0)).mean("api00")?;
//! assert_eq!(few.df, Some(10.0));
//! assert!(few.interval.unwrap().lower < 643.7321882720862);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! The other estimators are on [`Estimator`] as well: [`Estimator::ratio`] (R's
//! `svyratio`) and [`Estimator::quantile`] (R's `svyquantile`, rule `math`, Woodruff
//! interval).
//!
//! ```
//! # use survey_stats::{DesignOptions, Survey};
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! # let survey = Survey::from_csv(path, &DesignOptions {
//! #     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()],
//! #     ..Default::default()
//! # })?;
//! let est = survey.estimates();
//! let r = est.ratio("api.stu", "enroll")?; // R: svyratio(~api.stu, ~enroll, design)
//! assert!((r.value - 0.8369568869405217).abs() < 1e-12);
//! assert!((r.std_error - 0.007757103166637883).abs() < 1e-12);
//! let median = est.quantile("api00", 0.5)?; // R: svyquantile(~api00, design, 0.5)
//! assert_eq!(median.value, 668.0);
//! let ci = median.interval.unwrap();
//! assert_eq!((ci.lower, ci.upper), (642.0, 694.0));
//! assert!((median.std_error - 13.184055788161812).abs() < 1e-9);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Weighting: post-stratification, raking, calibration, trimming
//!
//! Weighting steps return a new [`Survey`] on the same data (the original is unchanged),
//! and later estimates use the calibrated variance, as R's. Population figures are keyed
//! by code or by text.
//!
//! [`Survey::poststratify`] (R's `postStratify`) scales each category's weights to its
//! population count. In the tiny survey, each sex weighs 50 in the sample; to a
//! population of 600 men (code 1) and 400 women, men's weights are multiplied by 12 and
//! women's by 8:
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("sex", vec![1u8, 2, 1, 2, 1, 2, 1, 2])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let ps = survey.poststratify("sex", [(1, 600.0), (2, 400.0)])?;
//! let sex = ps.frequencies("sex")?;
//! assert!((sex.get(1).unwrap().count.value - 600.0).abs() < 1e-9);
//! assert!(sex.get(1).unwrap().count.std_error < 1e-9); // a known count has no variance
//! // Men: 12·(50 + 40 + 60 + 25) = 2100 over 600; women without the 9: 8·(40 + 45 + 5) over 8·30.
//! let m = ps.exclude([9]).mean("q1")?;
//! assert!((m.value - (2100.0 + 720.0) / (600.0 + 240.0)).abs() < 1e-12);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! [`Survey::rake`] (R's `rake`) post-stratifies to several margins in turn until the
//! weights settle, with R's default control (at most 10 sweeps, tolerance 1);
//! [`Survey::rake_with`] takes a [`crate::weighting::RakeControl`].
//!
//! ```
//! # use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("sex", vec![1u8, 2, 1, 2, 1, 2, 1, 2])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let raked = survey.rake([
//!     ("sex", [(1, 600.0), (2, 400.0)]),
//!     ("region", [(1, 500.0), (2, 500.0)]),
//! ])?;
//! let region = raked.frequencies("region")?;
//! let sex = raked.frequencies("sex")?;
//! assert!((region.get(1).unwrap().count.value - 500.0).abs() < 1e-9);
//! assert!((sex.get(2).unwrap().count.value - 400.0).abs() < 1e-9);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! On R's own example, raking the simple random sample `apisrs` to the school types and
//! the `sch.wide` margin:
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apisrs.csv");
//! // R: svydesign(id = ~1, fpc = ~fpc, data = apisrs)
//! let srs = Survey::from_csv(path, &DesignOptions { fpc: vec!["fpc".into()], ..Default::default() })?;
//! // R: rake(srs, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
//! let raked = srs.rake([
//!     ("stype", vec![("E", 4421.0), ("H", 755.0), ("M", 1018.0)]),
//!     ("sch.wide", vec![("No", 1072.0), ("Yes", 5122.0)]),
//! ])?;
//! let m = raked.mean("api00")?;
//! assert!((m.value - 657.79167086714).abs() < 1e-8);
//! assert!((m.std_error - 8.82570298747068).abs() < 1e-8);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! [`Survey::calibrate`] (R's `calibrate`, GREG) meets the population size, the counts of
//! categorical auxiliaries and the totals of numeric ones; [`Survey::trim`] (R's
//! `trimWeights`) clips the weights to bounds and shares the amount clipped among the
//! others.
//!
//! ```
//! use std::collections::BTreeMap;
//! use survey_stats::weighting::CalibrateOptions;
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apiclus1.csv");
//! // R: svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
//! let clus1 = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()),
//!     clusters: vec!["dnum".into()],
//!     fpc: vec!["fpc".into()],
//!     ..Default::default()
//! })?;
//! // R: calibrate(clus1, ~stype + api99, pop.totals), pop.totals the intercept 6194,
//! //    stypeH 755, stypeM 1018 and api99 3914069. Here: every category's count.
//! let stype = BTreeMap::from([("E".to_string(), 4421.0), ("H".to_string(), 755.0), ("M".to_string(), 1018.0)]);
//! let categorical = BTreeMap::from([("stype".to_string(), stype)]);
//! let numeric = BTreeMap::from([("api99".to_string(), 3914069.0)]);
//! let cal = clus1.calibrate(Some(6194.0), &categorical, &numeric, CalibrateOptions::default())?;
//! let m = cal.mean("api00")?;
//! assert!((m.value - 665.30907116578).abs() < 1e-8);
//! assert!((m.std_error - 3.441753116404808).abs() < 1e-8);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! ```
//! # use survey_stats::{Dataset, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! // The two weights of 20 lose 2 each, the two of 5 gain 1 each; the net 2 is shared
//! // among the four weights inside the bounds: +0.5 each. The total stays 100.
//! let trimmed = survey.trim(6.0, 18.0)?;
//! assert_eq!(
//!     trimmed.design().weights().as_slice(),
//!     &[10.5, 10.5, 18.0, 18.0, 15.5, 15.5, 6.0, 6.0]
//! );
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A custom estimator: a ratio of two domain means
//!
//! Anything that is a smooth function of weighted totals can be estimated with its design
//! SE: name the totals with [`Total`], give the function to
//! [`Estimator::function_of_totals`] (R's `svycontrast(stat, quote(...))`). The crate
//! makes its own pass over the rows, so strata, clusters, fpc, calibration, replicates
//! and domains all apply; the gradient is numeric (about 1e-10 relative), or exact with
//! [`Estimator::function_of_totals_with_gradient`].
//!
//! The mean income of the north over that of the south is `(T_1/N_1)/(T_2/N_2)`, with
//! `T_r` the total of income and `N_r` the weighted count in region `r`:
//!
//! ```
//! use survey_stats::{Dataset, Survey, Total};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("income", vec![Some(100.0), Some(80.0), None, Some(60.0), Some(120.0), Some(90.0), Some(70.0), None])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! let mean_in = |r: u8| [Total::of("income").within("region", r), Total::count().within("region", r)];
//! let totals = mean_in(1).into_iter().chain(mean_in(2));
//! let ratio = survey.estimates().function_of_totals(totals, |t| (t[0] / t[1]) / (t[2] / t[3]))?;
//! // A row missing income leaves the base of every total: the north's mean is
//! // (1000 + 800 + 1200)/40 = 75, the south's (1800 + 1350 + 350)/35 = 100.
//! assert!((ratio.value - 0.75).abs() < 1e-12);
//!
//! // The regions are strata, so the two means are independent and the delta method gives
//! // Var(m₁/m₂) = Var(m₁)/m₂² + m₁²·Var(m₂)/m₂⁴, from the domain estimates.
//! let by_region = survey.by(["region"]).mean("income")?;
//! let (m1, m2) = (by_region.get(1).unwrap(), by_region.get(2).unwrap());
//! assert_eq!((m1.value, m2.value), (75.0, 100.0));
//! assert!((m1.std_error - 15.0).abs() < 1e-12); // PSU sums ±7.5: √((7.5 + 7.5)²)
//! let var = m1.std_error.powi(2) / m2.value.powi(2)
//!     + m1.value.powi(2) * m2.std_error.powi(2) / m2.value.powi(4);
//! assert!((ratio.std_error - var.sqrt()).abs() < 1e-8);
//!
//! // A plain mean is T/N: the custom estimator gives the built-in's value and SE.
//! let mean = survey.estimates().function_of_totals([Total::of("income"), Total::count()], |t| t[0] / t[1])?;
//! let built_in = survey.mean("income")?;
//! assert!((mean.value - built_in.value).abs() < 1e-12);
//! assert!((mean.std_error - built_in.std_error).abs() < 1e-8);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! [`Total::indicator`] totals a category's indicator, [`Total::squared`] and
//! [`Total::map`] transform the values, and `within` may be repeated to cross domains.
//! After `by`, the function is estimated in every domain.
//!
//! # Errors
//!
//! Every fallible call returns the crate's one [`Error`]. It prints a message in the
//! user's terms — the column, row, value, code or JSON path at fault — and
//! [`Error::kind`] tells what went wrong, as an [`ErrorKind`]: `Data` (reading or
//! building data), `Design`, `Weighting`, `Estimate`, `Test`, `Spec`, `Questionnaire`,
//! `Unavailable` (an estimate that cannot be made here: an empty base, a zero
//! denominator), `UnknownCode` (a code named by the analysis that does not occur) and
//! `InvalidSetting` (a level, probability or bound out of range). `Error` implements
//! `std::error::Error`, so `?` carries it into `Box<dyn Error>` or `anyhow`.
//!
//! ```
//! use survey_stats::{Dataset, ErrorKind, Survey};
//! # let data = Dataset::builder()
//! #     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//! #     .column("psu", vec![11u16, 11, 12, 12, 21, 21, 22, 22])
//! #     .column("w", vec![10.0, 10.0, 20.0, 20.0, 15.0, 15.0, 5.0, 5.0])
//! #     .column("sex", vec![1u8, 2, 1, 2, 1, 2, 1, 2])
//! #     .column("q1", vec![5u8, 4, 2, 9, 4, 3, 5, 1])
//! #     .build()?;
//! # let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//! // A misspelt column.
//! let err = survey.mean("q_1").unwrap_err();
//! assert_eq!(err.to_string(), "column \"q_1\" is not in the data");
//!
//! // An excluded code that does not occur: the message lists the codes that do.
//! let err = survey.exclude([8]).mean("q1").unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::UnknownCode { .. }));
//! assert_eq!(err.to_string(), "code 8 does not occur in \"q1\" (its codes: 1, 2, 3, 4, 5, 9)");
//!
//! // A setting out of range (a level is a fraction, not a percent).
//! let err = survey.estimates().level(95.0).mean("q1").unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::InvalidSetting { .. }));
//!
//! // A population figure missing for a category of the sample.
//! let err = survey.poststratify("sex", [(1, 600.0)]).unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::Weighting(_)));
//! assert!(err.to_string().contains("\"2\""));
//!
//! // A bad weight, named by column and row.
//! let bad = Dataset::builder().column("w", vec![1.0, -2.0, 3.0]).build()?;
//! let err = Survey::builder(bad).weights("w").build().unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::Design(_)));
//! assert!(err.to_string().contains("data row 2"));
//!
//! // A value a column cannot hold, named by column and element.
//! let err = Dataset::builder().column("w", vec![1.0, f64::NAN]).build().unwrap_err();
//! assert!(err.to_string().contains("element 1"));
//!
//! // An estimate that does not exist: every value is missing.
//! let empty = Dataset::builder().column("y", vec![None::<f64>, None]).build()?;
//! let err = Survey::srs(empty)?.mean("y").unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::Unavailable { .. }));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # When to use the JSON spec and the command line
//!
//! Everything above can also be written as data: a JSON analysis spec names the data file,
//! the design, the weighting steps and the estimates, and the `survey-stats` command line
//! runs it and prints the results as a table, Markdown, CSV or JSON. Prefer the spec when
//!
//! - the analysis should outlive the program, be reviewed or versioned on its own, or be
//!   written by someone who does not write Rust;
//! - the data are a CSV file (optionally checked against a questionnaire, whose labels and
//!   "hard to answer" codes the spec then uses);
//! - the output is a report table or JSON for another program, rather than values to
//!   compute with.
//!
//! Prefer the Rust API when the answers are already in memory, when estimates feed further
//! computation, or for what the spec does not have: Likert summaries, multiple-response
//! questions by name, custom functions of totals, and created replicate weights. The spec
//! is documented in [`crate::spec`] (in the repository, `docs/analysis-spec.md`); a spec
//! can be run from Rust too:
//!
//! ```
//! use survey_stats::spec::{run, AnalysisSpec};
//! use survey_stats::table::ResultRow;
//!
//! let spec = AnalysisSpec::from_json(r#"{
//!   "data": "apistrat.csv",
//!   "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
//!   "estimates": [
//!     {"id": "m", "stat": "mean", "variable": "api00"},
//!     {"id": "by_type", "stat": "mean", "variable": "api00", "by": ["stype"]}
//!   ]
//! }"#)?;
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
//! let out = run(&spec, dir.as_ref(), None)?;
//! assert_eq!(out.rows.len(), 4); // the mean, then one row per school type
//! let ResultRow::Estimate(m) = &out.rows[0] else { panic!("an estimate row") };
//! assert!((m.estimate.unwrap() - 662.2873631593208).abs() < 1e-9);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! and from the shell:
//!
//! ```text
//! survey-stats estimate examples/specs/apistrat.json --format markdown
//! ```
//!
//! The [`cookbook`](crate::cookbook) has more recipes, and [`r_to_survey_stats`] maps
//! R's `survey` calls to this crate and to the spec.

// The names the prose links to.
#[cfg(doc)]
#[allow(unused_imports)]
use crate::{
    ByDomain, Dataset, DatasetBuilder, DesignOptions, Error, ErrorKind, Estimate, Estimator,
    Frequencies, IntoColumn, LikertSummary, LonelyPsu, MultipleResponse, ReplicateOptions, Survey,
    SurveyBuilder, Total,
};

#[doc = include_str!("../docs/r-to-survey-stats.md")]
pub mod r_to_survey_stats {}
