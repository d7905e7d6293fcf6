//! Recipes: the common analyses, each a runnable example on the bundled data, checked
//! against R's `survey` package or the published report.
//!
//! Most recipes start from a [`Survey`](crate::Survey), which holds the data and the design
//! together; the [`tutorial`](crate::tutorial) explains its API step by step, and
//! [`r_to_survey_stats`](crate::tutorial::r_to_survey_stats) maps R's calls to it. Where a
//! recipe needs an estimator a `Survey` does not have yet (paired option differences, a
//! test of independence), it calls the free function on [`Survey::data`](crate::Survey::data)
//! and [`Survey::design`](crate::Survey::design), which always belong together.
//!
//! # A rating item: distribution and summary without "hard to answer"
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mr_likert.csv");
//! // R: svydesign(ids = ~cluster, strata = ~region, weights = ~w, data = d)
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("w".into()),
//!     strata: Some("region".into()),
//!     clusters: vec!["cluster".into()],
//!     ..Default::default()
//! })?;
//! // R: svymean(~factor(q5), subset(des, q5 != 9))
//! let q5 = survey.exclude([9]).frequencies("q5")?;
//! let good = &q5.get(4).unwrap().share;
//! assert!((good.value - 0.31852308710078664).abs() < 1e-12);
//! assert!((good.std_error - 0.05111781302485828).abs() < 1e-12);
//! // Mean score, top-2 and bottom-2 boxes, net score; 9 is not a point of the scale.
//! let summary = survey.estimates().likert("q5")?;
//! assert!((summary.mean.value - 3.463440686083652).abs() < 1e-12); // R: svymean(~score, lik)
//! assert!((summary.mean.std_error - 0.13859649321909495).abs() < 1e-12);
//! assert!((summary.top_box.value - 0.4992299131369583).abs() < 1e-12);
//! assert!((summary.top_box.std_error - 0.061573496837719621).abs() < 1e-12);
//! // R: svycontrast(svymean(~top2 + bottom2, lik), c(1, -1))
//! assert!((summary.net.value - 0.32493875483673124).abs() < 1e-12);
//! assert!((summary.net.std_error - 0.097685460893528697).abs() < 1e-12);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Shares of a multiple-response question, and whether the top two differ
//!
//! ```
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::estimate::{multiple_response, option_difference, Domains, EstimateOptions, MultipleBase};
//! use survey_stats::questionnaire::Questionnaire;
//! use survey_stats::Survey;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/");
//! let q = Questionnaire::from_path(format!("{dir}questionnaire.json"))?;
//! let data = read_csv(format!("{dir}responses.csv"), &CsvOptions { questionnaire: Some(&q), ..Default::default() })?;
//! // R: svydesign(ids = ~project, strata = ~region, weights = ~weight, data = d)
//! let survey = Survey::builder(data).weights("weight").strata("region").clusters(["project"]).build()?;
//! let options = q.question("q2_problems").expect("q2_problems is in the questionnaire").columns();
//! let (data, design) = (survey.data(), survey.design());
//! let opts = EstimateOptions::default();
//! let shares = multiple_response(data, design, &options, MultipleBase::Cases, &Domains::whole(), &opts)?;
//! assert_eq!((shares[0].estimate.unwrap() * 100.0).round(), 47.0); // the report's 47%
//! let diff = &option_difference(data, design, &options, 0, 1, MultipleBase::Cases, &Domains::whole(), &opts)?[0];
//! // R: svycontrast(svymean(~q2_problems_1 + q2_problems_2, subset(des, any chosen)), c(1, -1))
//! assert!((diff.estimate.unwrap() - 0.020065217391304346).abs() < 1e-12);
//! assert!((diff.std_error.unwrap() - 0.030066942534200079).abs() < 1e-12);
//! assert!(diff.p_value.unwrap() > 0.05); // 47% vs 45% is no ranking
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! Data built in Rust with [`DatasetBuilder::multiple_response`](crate::DatasetBuilder::multiple_response)
//! know their questions, and `survey.estimates().multiple_response("q5")` gives the shares
//! by the question's name.
//!
//! # Means by domain, each with its own degrees of freedom
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()], ..Default::default()
//! })?;
//! // R: svyby(~api00, ~stype, des, svymean, deff = TRUE)
//! let by_type = survey.by(["stype"]).mean("api00")?;
//! let high = by_type.get("H").unwrap();
//! assert!((high.value - 625.82).abs() < 1e-9);
//! assert!((high.std_error - 14.93712918539308).abs() < 1e-9);
//! assert_eq!(high.df, Some(49.0)); // R: degf(subset(des, stype == "H"))
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Post-stratify, then estimate with the calibrated variance
//!
//! ```
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apisrs.csv");
//! let srs = Survey::from_csv(path, &DesignOptions { fpc: vec!["fpc".into()], ..Default::default() })?;
//! let ps = srs.poststratify("stype", [("E", 4421.0), ("H", 755.0), ("M", 1018.0)])?;
//! // R: svymean(~api00, postStratify(svydesign(id=~1, fpc=~fpc, data=apisrs), ~stype, pop.types))
//! let m = ps.mean("api00")?;
//! assert!((m.value - 656.7815809525306).abs() < 1e-8);
//! assert!((m.std_error - 9.156538161646969).abs() < 1e-8); // R: 9.156538161646969
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Rake to two margins until they are met
//!
//! R's default control stops after at most 10 sweeps with a tolerance of 1 (a weighted
//! count); for margins met exactly, tighten it.
//!
//! ```
//! use survey_stats::weighting::RakeControl;
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apisrs.csv");
//! let srs = Survey::from_csv(path, &DesignOptions { fpc: vec!["fpc".into()], ..Default::default() })?;
//! let margins = [
//!     ("stype", vec![("E", 4421.0), ("H", 755.0), ("M", 1018.0)]),
//!     ("sch.wide", vec![("No", 1072.0), ("Yes", 5122.0)]),
//! ];
//! // R: rake(srs, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
//! //         control = list(maxit = 1000, epsilon = 1e-12))
//! let raked = srs.rake_with(margins, RakeControl { max_iter: 1000, epsilon: 1e-12 })?;
//! let m = raked.mean("api00")?;
//! assert!((m.value - 657.7915463321106).abs() < 1e-8);
//! assert!((m.std_error - 8.825678543889785).abs() < 1e-8);
//! let high = raked.frequencies("stype")?.get("H").unwrap().count.value;
//! assert!((high - 755.0).abs() < 1e-6);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # Jackknife replicates from a stratified design
//!
//! ```
//! use survey_stats::{DesignOptions, ReplicateMethod, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()], ..Default::default()
//! })?;
//! // R: as.svrepdesign(des, type = "JKn")
//! let jkn = survey.replicate(ReplicateMethod::JKn)?;
//! let m = jkn.mean("api00")?;
//! assert!((m.std_error - 9.40894080278458).abs() < 1e-7); // = the Taylor SE, as in R
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A difference of two means, as `svycontrast`
//!
//! A custom estimator: any smooth function of weighted totals, here
//! `(T_api00 − T_api99)/N` with its exact gradient.
//!
//! ```
//! use survey_stats::{DesignOptions, Survey, Total};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()], ..Default::default()
//! })?;
//! // R: svycontrast(svymean(~api00 + api99, des), c(1, -1))
//! let growth = survey.estimates().function_of_totals_with_gradient(
//!     [Total::of("api00"), Total::of("api99"), Total::count()],
//!     |t| (t[0] - t[1]) / t[2],
//!     |t| vec![1.0 / t[2], -1.0 / t[2], -(t[0] - t[1]) / (t[2] * t[2])],
//! )?;
//! assert!((growth.value - 32.8925183753596).abs() < 1e-9);
//! assert!((growth.std_error - 2.051112407710605).abs() < 1e-9);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A test of independence
//!
//! ```
//! use survey_stats::hypothesis::{independence, ChisqStatistic};
//! use survey_stats::{DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()], ..Default::default()
//! })?;
//! // R: svychisq(~sch.wide + stype, des, statistic = "F")
//! let test = independence(survey.data(), survey.design(), "sch.wide", "stype", ChisqStatistic::F)?;
//! assert!((test.statistic.unwrap() - 17.247443963888813).abs() < 1e-8);
//! assert!((test.p_value.unwrap() - 2.035046359465121e-07).abs() < 1e-12);
//! assert!((test.ddf.unwrap() - 360.2482863202261).abs() < 1e-6);
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # An analysis written as JSON
//!
//! ```
//! use survey_stats::spec::run_file;
//! use survey_stats::table::{render_results, Format};
//!
//! let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/analysis.json");
//! let out = run_file(spec.as_ref(), None)?;
//! let markdown = render_results(&out.rows, Format::Markdown);
//! assert!(markdown.contains("| F1 |"));
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A chart from a typed answer, and a page to hold it
//!
//! ```
//! use survey_stats::chart::{DivergingBars, RankedBars};
//! use survey_stats::report::Report;
//! use survey_stats::{Dataset, Survey};
//!
//! let data = Dataset::builder()
//!     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//!     .column("q1", vec![5u8, 4, 4, 9, 2, 3, 4, 5]) // 1–5, 9 = "hard to answer"
//!     .labels("q1", [(1, "very bad"), (2, "bad"), (3, "so-so"), (4, "good"), (5, "very good"), (9, "hard to say")])
//!     .multiple_response("q2", [1u8, 2, 3], vec![vec![1], vec![1, 2], vec![3], vec![1], vec![2], vec![1, 3], vec![1], vec![2]])
//!     .build()?;
//! let survey = Survey::srs(data)?;
//!
//! // A Likert item with "hard to answer" in the base, drawn apart on the right.
//! let likert = DivergingBars::new([1.0, 2.0, 3.0, 4.0, 5.0])
//!     .title("How good was the project?")
//!     .row("all", &survey.frequencies("q1")?)
//!     .by_domain(&survey.by(["region"]).frequencies("q1")?)
//!     .render();
//! assert!(likert.svg().contains("all: hard to say 12.5%")); // 1 of 8
//! // Multiple-response options, largest share first, with their intervals.
//! let ranked = RankedBars::new().title("Problems named").options(&survey.multiple_response("q2")?).render();
//! assert!(ranked.labels_fit());
//!
//! let page = Report::new("Project survey").chart(likert).chart(ranked).to_html();
//! assert_eq!(page.matches("<svg").count(), 2);
//! // std::fs::write("survey.html", page)?; — one file, no scripts, opens in any browser.
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # A banner table with significance letters
//!
//! Questions down, regions across, column percentages with letters from design-based
//! pairwise tests (Holm-adjusted): the 2019 report data.
//!
//! ```
//! use survey_stats::{Adjust, DesignOptions, Survey};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/responses.csv");
//! let survey = Survey::from_csv(path, &DesignOptions {
//!     weights: Some("weight".into()), strata: Some("region".into()),
//!     clusters: vec!["project".into()], ..Default::default()
//! })?;
//! let table = survey
//!     .banner(["region", "q3_interest"])
//!     .rows_single("q1_awareness")
//!     .rows_net("q5_satisfaction", "Top-2", [4, 5])
//!     .exclude([9])
//!     .adjust(Adjust::Holm)
//!     .build()?;
//! // "No, I don't know" (q1 = 3) among those not interested (column E) is higher than
//! // among the interested (column D). R: svycontrast(svyby(..., covmat = TRUE), c(1, -1)).
//! let row = &table.rows()[2];
//! assert_eq!(row.codes(), &[3.0]);
//! assert_eq!(table.cell(2, 5).unwrap().letters(), ["D"]);
//! println!("{table}");
//! print!("{}", table.to_table().to_markdown());
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! # An SPSS file with its labels: "hard to answer" leaves the base by itself
//!
//! ```
//! # #[cfg(feature = "sav")] {
//! use survey_stats::spec::{AnalysisSpec, run};
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
//! // q5 is declared in the .sav with value labels and 9 = "Hard to answer" user-missing.
//! let spec = AnalysisSpec::from_json(r#"{
//!     "data": "formats.sav",
//!     "design": {"weights": "w", "strata": "region", "clusters": ["cluster"]},
//!     "estimates": [{"id": "q5", "stat": "proportion", "variable": "q5"}]
//! }"#)?;
//! let out = run(&spec, dir.as_ref(), None)?;
//! let labels: Vec<&str> = out
//!     .rows
//!     .iter()
//!     .filter_map(|r| r.estimate()?.category_label.as_deref())
//!     .collect();
//! assert_eq!(labels, ["Very bad", "Bad", "Neutral", "Good", "Very good"]);
//! # }
//! # Ok::<(), survey_stats::Error>(())
//! ```
