//! Recipes: the common analyses, each a runnable example on the bundled data.
//!
//! # Shares of a multiple-response question, and whether the top two differ
//!
//! ```
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::design::{Design, DesignOptions};
//! use survey_stats::estimate::{multiple_response, option_difference, Domains, EstimateOptions, MultipleBase};
//! use survey_stats::questionnaire::Questionnaire;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/zubr2019/");
//! let q = Questionnaire::from_path(format!("{dir}questionnaire.json"))?;
//! let data = read_csv(format!("{dir}responses.csv"), &CsvOptions { questionnaire: Some(&q), ..Default::default() })?;
//! let design = Design::new(&data, &DesignOptions {
//!     weights: Some("weight".into()),
//!     strata: Some("region".into()),
//!     clusters: vec!["project".into()],
//!     ..Default::default()
//! })?;
//! let options = q.question("q2_problems").ok_or("q2")?.columns();
//! let opts = EstimateOptions::default();
//! let shares = multiple_response(&data, &design, &options, MultipleBase::Cases, &Domains::whole(), &opts)?;
//! assert_eq!((shares[0].estimate.unwrap() * 100.0).round(), 47.0); // the report's 47%
//! let diff = option_difference(&data, &design, &options, 0, 1, MultipleBase::Cases, &Domains::whole(), &opts)?;
//! assert!(diff[0].p_value.unwrap() > 0.05); // 47% vs 45% is no ranking
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Post-stratify, then estimate with the calibrated variance
//!
//! ```
//! use std::collections::BTreeMap;
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::design::{Design, DesignOptions};
//! use survey_stats::estimate::{mean, Domains, EstimateOptions};
//! use survey_stats::weighting::poststratify_design;
//!
//! let data = read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apisrs.csv"), &CsvOptions::default())?;
//! let srs = Design::new(&data, &DesignOptions { fpc: vec!["fpc".into()], ..Default::default() })?;
//! let population = BTreeMap::from([("E".into(), 4421.0), ("H".into(), 755.0), ("M".into(), 1018.0)]);
//! let ps = poststratify_design(&data, &srs, "stype", &population)?;
//! let m = &mean(&data, &ps, "api00", &Domains::whole(), &EstimateOptions::default())?[0];
//! // R: svymean(~api00, postStratify(svydesign(id=~1, fpc=~fpc, data=apisrs), ~stype, pop.types))
//! assert!((m.std_error.unwrap() - 9.156538161646969).abs() < 1e-8); // R: 9.156538161646969
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Jackknife replicates from a stratified design
//!
//! ```
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::design::{Design, DesignOptions, ReplicateMethod};
//! use survey_stats::estimate::{mean, Domains, EstimateOptions};
//!
//! let data = read_csv(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv"), &CsvOptions::default())?;
//! let design = Design::new(&data, &DesignOptions {
//!     weights: Some("pw".into()), strata: Some("stype".into()), fpc: vec!["fpc".into()], ..Default::default()
//! })?;
//! let jkn = design.replicate(ReplicateMethod::JKn)?;
//! let m = &mean(&data, &jkn, "api00", &Domains::whole(), &EstimateOptions::default())?[0];
//! assert!((m.std_error.unwrap() - 9.40894080278458).abs() < 1e-7); // = the Taylor SE, as in R
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
