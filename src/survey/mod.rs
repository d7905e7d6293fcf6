//! The front door: a [`Survey`] owns its data and its design, so no estimate can pair a
//! design with rows it was not built on; estimators are its methods, returning typed
//! answers.

mod answer;
mod estimator;

pub use answer::{
    ByDomain, Category, Domain, Estimate, Frequencies, Interval, Key, LikertSummary,
    MultipleResponse, OptionShare, TTest, Value,
};
pub use estimator::{By, Estimator, Whole};

use crate::data::{CsvOptions, Dataset, read_csv};
use crate::design::{
    Design, DesignOptions, LonelyPsu, Pps, PpsVariance, ReplicateMethod, ReplicateOptions,
};
use crate::error::Result;
use crate::estimate::Domains;
use crate::weighting::{
    CalibrateOptions, RakeControl, calibrate_design, poststratify_design, rake_design, trim_design,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// A survey: the data and the design they were drawn under, kept together (R's
/// `svydesign` object, whose `variables` are the data). Estimators are methods; weighting
/// steps return a new survey sharing the same data.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .column("region", vec![1u8, 1, 1, 2, 2, 2])
///     .column("psu", vec![1u8, 1, 2, 3, 4, 4])
///     .column("w", vec![10.0, 10.0, 12.0, 8.0, 9.0, 9.0])
///     .column("q1", vec![4u8, 5, 2, 9, 3, 5])
///     .build()?;
/// let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
/// let m = survey.exclude([9]).mean("q1")?; // 9 = "hard to answer"
/// assert!((m.value - (40.0 + 50.0 + 24.0 + 27.0 + 45.0) / 50.0).abs() < 1e-12);
/// assert_eq!(m.df, Some(2.0)); // 4 PSUs − 2 strata
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Survey {
    data: Arc<Dataset>,
    design: Design,
    /// Domains already made, by their `by` columns: they depend on the data only, so
    /// surveys sharing the data (weighting steps) share them.
    domains: Arc<Mutex<HashMap<Vec<String>, Arc<Domains>>>>,
}

/// Builds a [`Survey`]: the design's columns by name, R's `svydesign` arguments.
/// Without any, each row is its own PSU with weight 1.
#[derive(Debug, Clone)]
pub struct SurveyBuilder {
    data: Dataset,
    options: DesignOptions,
    replicates: Option<ReplicateOptions>,
    threads: Option<usize>,
}

impl SurveyBuilder {
    /// The sampling weights column (R's `weights = ~w`).
    pub fn weights(mut self, column: impl AsRef<str>) -> Self {
        self.options.weights = Some(column.as_ref().to_string());
        self
    }

    /// The strata column (R's `strata = ~h`).
    pub fn strata(mut self, column: impl AsRef<str>) -> Self {
        self.options.strata = Some(column.as_ref().to_string());
        self
    }

    /// Cluster id columns, one per stage (R's `id = ~psu + ssu`).
    pub fn clusters<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.options.clusters = columns
            .into_iter()
            .map(|c| c.as_ref().to_string())
            .collect();
        self
    }

    /// Finite population corrections, one column per stage (R's `fpc = ~N1 + N2`): a value
    /// above 1 is a population size, at most 1 a sampling fraction.
    pub fn fpc<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.options.fpc = columns
            .into_iter()
            .map(|c| c.as_ref().to_string())
            .collect();
        self
    }

    /// Cluster ids are unique only within strata (R's `nest = TRUE`).
    pub fn nest(mut self, nest: bool) -> Self {
        self.options.nest = nest;
        self
    }

    /// What to do with a stratum of one PSU (R's `options(survey.lonely.psu)`).
    pub fn lonely_psu(mut self, policy: LonelyPsu) -> Self {
        self.options.lonely_psu = policy;
        self
    }

    /// Sampling with probability proportional to size without replacement (R's `pps`):
    /// the [`fpc`](SurveyBuilder::fpc) column gives each PSU's inclusion probability and
    /// the weights are its inverse.
    ///
    /// ```
    /// use survey_stats::{Dataset, Pps, Survey};
    /// let data = Dataset::builder()
    ///     .column("p", vec![0.5, 0.25, 0.2, 0.4])
    ///     .column("y", vec![10.0, 4.0, 3.0, 8.0])
    ///     .build()?;
    /// let survey = Survey::builder(data).fpc(["p"]).pps(Pps::Overton).build()?;
    /// let t = survey.total("y")?;
    /// assert!((t.value - (20.0 + 16.0 + 15.0 + 20.0)).abs() < 1e-12);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn pps(mut self, method: Pps) -> Self {
        self.options.pps = Some(method);
        self
    }

    /// The form of a PPS design's variance (R's `variance = "HT"` or `"YG"`).
    pub fn pps_variance(mut self, variance: PpsVariance) -> Self {
        self.options.variance = variance;
        self
    }

    /// A replicate-weight design (R's `svrepdesign`) from replicate weight columns, with
    /// the full-sample weights of [`SurveyBuilder::weights`].
    pub fn replicates(mut self, replicates: ReplicateOptions) -> Self {
        self.replicates = Some(replicates);
        self
    }

    /// The most threads an estimate uses (default: the machine's cores).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// The survey. Large designs (more than [`crate::design::GROUPING_PAYS_FROM`] units)
    /// have their rows grouped by unit inside the survey, which makes every pass faster;
    /// errors still name the rows as given.
    ///
    /// # Errors
    /// Any problem of the design, naming the column and row: a missing column, a weight
    /// missing, negative or not finite, a missing stratum or cluster id, clusters crossing
    /// strata, an fpc that varies within a stratum or is smaller than the sample, a lonely
    /// PSU under [`LonelyPsu::Fail`], replicate columns that are absent or invalid.
    pub fn build(self) -> Result<Survey> {
        let mut data = self.data;
        let design = match &self.replicates {
            Some(r) => {
                let o = &self.options;
                let Some(weights) = &o.weights else {
                    return Err(invalid(
                        "replicates",
                        "without weights",
                        "a replicate design needs the full-sample weights column: call .weights(…)",
                    ));
                };
                if o.strata.is_some() || !o.clusters.is_empty() || !o.fpc.is_empty() {
                    return Err(invalid(
                        "replicates",
                        "with strata, clusters or fpc",
                        "a replicate design carries its design in the replicate weights: leave strata, clusters and fpc out",
                    ));
                }
                Design::with_replicate_columns(&data, weights, r)?
            }
            None => Design::new_grouped_if_large(&mut data, &self.options)?,
        };
        let design = match self.threads {
            Some(t) => design.with_threads(t),
            None => design,
        };
        Ok(Survey {
            data: Arc::new(data),
            design,
            domains: Arc::default(),
        })
    }
}

impl Survey {
    /// Starts a survey over `data`; name the design's columns, then
    /// [`build`](SurveyBuilder::build).
    #[doc(alias = "svydesign")]
    pub fn builder(data: Dataset) -> SurveyBuilder {
        SurveyBuilder {
            data,
            options: DesignOptions::default(),
            replicates: None,
            threads: None,
        }
    }

    /// A survey under the design `options` (the analysis spec's `design` object).
    ///
    /// # Errors
    /// As [`SurveyBuilder::build`].
    pub fn new(data: Dataset, options: &DesignOptions) -> Result<Survey> {
        Survey::builder(data).options(options.clone()).build()
    }

    /// A simple random sample with replacement: every row its own PSU, weight 1.
    ///
    /// # Errors
    /// Data without rows.
    pub fn srs(data: Dataset) -> Result<Survey> {
        Survey::builder(data).build()
    }

    /// Reads a CSV file (numbers as numbers, text as categories, `""` and `NA` missing)
    /// and builds the survey under `options`.
    ///
    /// # Errors
    /// The file's errors, naming the file, row, column and value; then the design's.
    ///
    /// ```
    /// use survey_stats::{DesignOptions, Survey};
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
    /// let survey = Survey::from_csv(path, &DesignOptions {
    ///     weights: Some("pw".into()),
    ///     strata: Some("stype".into()),
    ///     fpc: vec!["fpc".into()],
    ///     ..Default::default()
    /// })?;
    /// // R: svymean(~api00, svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat))
    /// let m = survey.mean("api00")?;
    /// assert!((m.value - 662.2873631593208).abs() < 1e-9);
    /// assert!((m.std_error - 9.40894080278458).abs() < 1e-9);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn from_csv(path: impl AsRef<std::path::Path>, options: &DesignOptions) -> Result<Survey> {
        let path = path.as_ref().to_string_lossy().into_owned();
        let data = read_csv(&path, &CsvOptions::default())?;
        Survey::new(data, options)
    }

    /// A survey on a data file of any format the crate reads (`.csv`, `.sav`, `.zsav`,
    /// `.dta`, `.parquet`, by extension; see [`Dataset::open`]) with the given design. The
    /// file's value labels become the data's labels ([`Dataset::label`]); its user-missing
    /// codes stay codes, to leave out with [`Survey::exclude`] (the spec runner leaves them
    /// out by itself).
    ///
    /// # Errors
    /// The file's errors, naming the file, case, column and value; then the design's.
    ///
    /// ```
    /// use survey_stats::{DesignOptions, Survey};
    /// # #[cfg(feature = "sav")] {
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats.sav");
    /// let survey = Survey::open(path, &DesignOptions {
    ///     weights: Some("w".into()),
    ///     strata: Some("region".into()),
    ///     clusters: vec!["cluster".into()],
    ///     ..Default::default()
    /// })?;
    /// assert_eq!(survey.data().label("q5", 9.0), Some("Hard to answer"));
    /// // R: svymean(~q5, subset(svydesign(ids=~cluster, strata=~region, weights=~w), q5 != 9))
    /// let m = survey.exclude([9]).mean("q5")?;
    /// assert!((m.value - 3.463440686083652).abs() < 1e-12);
    /// # }
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn open(path: impl AsRef<std::path::Path>, options: &DesignOptions) -> Result<Survey> {
        Survey::new(Dataset::open(path)?.data, options)
    }

    /// A generalised linear model fitted under the design (R's `svyglm`): coefficients by
    /// weighted IRLS, design-based standard errors (the sandwich through the design's own
    /// variance, or refits per replicate), t statistics on the model's residual df.
    ///
    /// # Errors
    /// As [`crate::estimate::Model`]'s fit: a column missing, a response the family cannot
    /// take, no complete row, separation, the design's variance errors.
    #[doc(alias = "svyglm")]
    pub fn glm(&self, model: &crate::estimate::Model) -> Result<crate::estimate::GlmFit> {
        crate::estimate::glm::fit(&self.data, &self.design, model, None)
    }

    /// The data, as the survey holds them (rows of large designs grouped by unit).
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// The domains of the `by` columns, made once per survey data (R's `svyby` codes
    /// its `by` factors each call; a program estimating several variables by the same
    /// domains need not).
    pub(crate) fn domains(&self, by: &[String]) -> Result<Arc<Domains>> {
        let cached = self.domains.lock().ok().and_then(|c| c.get(by).cloned());
        if let Some(d) = cached {
            return Ok(d);
        }
        let d = Arc::new(Domains::by(&self.data, by)?);
        if let Ok(mut c) = self.domains.lock() {
            c.insert(by.to_vec(), Arc::clone(&d));
        }
        Ok(d)
    }

    /// The same survey, its estimates using at most `threads` threads.
    pub fn with_threads(&self, threads: usize) -> Survey {
        self.reweighted(self.design.clone().with_threads(threads))
    }

    fn reweighted(&self, design: Design) -> Survey {
        Survey {
            data: Arc::clone(&self.data),
            design,
            domains: Arc::clone(&self.domains),
        }
    }

    /// Post-stratifies to population counts of a variable's categories (R's
    /// `postStratify`); keys are codes or text labels. Later estimates use the calibrated
    /// variance, as R's.
    ///
    /// # Errors
    /// A category of the sample without a population figure, a figure for a category
    /// absent from the sample, a non-positive figure.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder().column("sex", vec![1u8, 1, 2]).column("y", vec![1.0, 2.0, 3.0]).build()?;
    /// let ps = Survey::srs(data)?.poststratify("sex", [(1, 10.0), (2, 30.0)])?;
    /// assert_eq!(ps.total("y")?.value, 5.0 * 1.0 + 5.0 * 2.0 + 30.0 * 3.0);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    #[doc(alias = "postStratify")]
    pub fn poststratify<K: PopulationKey>(
        &self,
        variable: impl AsRef<str>,
        population: impl IntoIterator<Item = (K, f64)>,
    ) -> Result<Survey> {
        let population = keyed(population);
        let design = poststratify_design(&self.data, &self.design, variable.as_ref(), &population)?;
        Ok(self.reweighted(design))
    }

    /// Rakes to the margins of several variables, in order (R's `rake` with its default
    /// control: at most 10 sweeps, tolerance 1). See [`Survey::rake_with`].
    ///
    /// # Errors
    /// As [`Survey::poststratify`], and margins whose totals disagree.
    pub fn rake<N, K, P>(&self, margins: impl IntoIterator<Item = (N, P)>) -> Result<Survey>
    where
        N: AsRef<str>,
        K: PopulationKey,
        P: IntoIterator<Item = (K, f64)>,
    {
        self.rake_with(margins, RakeControl::default())
    }

    /// [`Survey::rake`] with the number of sweeps and the tolerance given.
    ///
    /// # Errors
    /// As [`Survey::rake`].
    pub fn rake_with<N, K, P>(
        &self,
        margins: impl IntoIterator<Item = (N, P)>,
        control: RakeControl,
    ) -> Result<Survey>
    where
        N: AsRef<str>,
        K: PopulationKey,
        P: IntoIterator<Item = (K, f64)>,
    {
        let margins: Vec<(String, BTreeMap<String, f64>)> = margins
            .into_iter()
            .map(|(n, p)| (n.as_ref().to_string(), keyed(p)))
            .collect();
        let (design, _) = rake_design(&self.data, &self.design, &margins, control)?;
        Ok(self.reweighted(design))
    }

    /// Calibrates (GREG, R's `calibrate`) to the population size `population`, the counts
    /// of categorical auxiliaries and the totals of numeric ones.
    ///
    /// # Errors
    /// As [`Survey::poststratify`]; a calibration that does not converge or whose bounds
    /// cannot be met.
    pub fn calibrate(
        &self,
        population: Option<f64>,
        categorical: &BTreeMap<String, BTreeMap<String, f64>>,
        numeric: &BTreeMap<String, f64>,
        options: CalibrateOptions,
    ) -> Result<Survey> {
        let (design, _) = calibrate_design(
            &self.data,
            &self.design,
            population,
            categorical,
            numeric,
            options,
        )?;
        Ok(self.reweighted(design))
    }

    /// Trims the weights to `[lower, upper]`, spreading the excess over the others (R's
    /// `trimWeights`).
    ///
    /// # Errors
    /// Bounds that cannot hold the total.
    #[doc(alias = "trimWeights")]
    pub fn trim(&self, lower: f64, upper: f64) -> Result<Survey> {
        Ok(self.reweighted(trim_design(&self.design, lower, upper)?))
    }

    /// The replicate-weight version of the design (R's `as.svrepdesign`).
    ///
    /// # Errors
    /// A method that does not fit the design (e.g. BRR without two PSUs per stratum).
    #[doc(alias = "as.svrepdesign")]
    pub fn replicate(&self, method: ReplicateMethod) -> Result<Survey> {
        Ok(self.reweighted(self.design.replicate(method)?))
    }

    /// The design-based two-sample t-test of `variable` between the two categories of
    /// `group` (R's `svyttest(variable ~ group, design)`); see [`Estimator::ttest`].
    ///
    /// # Errors
    /// As [`Estimator::ttest`].
    #[doc(alias = "svyttest")]
    pub fn ttest(&self, variable: impl AsRef<str>, group: impl AsRef<str>) -> Result<TTest> {
        self.estimates().ttest(variable, group)
    }

    /// Estimates with default settings on the whole population; the starting point for
    /// settings (`by`, `exclude`, `level`, …).
    pub fn estimates(&self) -> Estimator<'_, Whole> {
        Estimator::new(self)
    }

    /// Estimates by domain (R's `svyby`): one answer per combination of the values of
    /// `columns` that occurs.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder().column("g", vec![1u8, 1, 2]).column("y", vec![1.0, 3.0, 5.0]).build()?;
    /// let by_g = Survey::srs(data)?.by(["g"]).mean("y")?;
    /// assert_eq!(by_g.get(1).unwrap().value, 2.0);
    /// assert_eq!(by_g.get(2).unwrap().value, 5.0);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    #[doc(alias = "svyby")]
    pub fn by<S: AsRef<str>>(&self, columns: impl IntoIterator<Item = S>) -> Estimator<'_, By> {
        self.estimates().by(columns)
    }

    /// A banner table (crosstab): rows of questions, columns "Total" and the categories of
    /// each of `columns`, cells with column % or means, bases, and significance letters
    /// from design-based pairwise tests. See [`crate::banner`] and [`crate::BannerBuilder`].
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 2, 2])
    ///     .column("q", vec![1u8, 1, 1, 2])
    ///     .build()?;
    /// let table = Survey::srs(data)?.banner(["g"]).rows_single("q").build()?;
    /// assert_eq!(table.cell(0, 2).unwrap().value(), 0.5); // q = 1 in g = 2
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn banner<S: AsRef<str>>(
        &self,
        columns: impl IntoIterator<Item = S>,
    ) -> crate::banner::BannerBuilder<'_> {
        let columns = columns
            .into_iter()
            .map(|c| c.as_ref().to_string())
            .collect();
        crate::banner::BannerBuilder::new(self, columns)
    }

    /// Estimates with `codes` left out of the base (e.g. 9 = "hard to answer"). Each code
    /// must occur in the variable estimated: a code that does not is an error naming it and
    /// the codes that do.
    pub fn exclude<C: Into<f64>>(
        &self,
        codes: impl IntoIterator<Item = C>,
    ) -> Estimator<'_, Whole> {
        self.estimates().exclude(codes)
    }

    /// Weighted mean (R's `svymean`). See [`Estimator::mean`].
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svymean")]
    pub fn mean(&self, variable: impl AsRef<str>) -> Result<Estimate> {
        self.estimates().mean(variable)
    }

    /// The proportional-odds model (R's `svyolr`). See [`Estimator::olr`].
    ///
    /// # Errors
    /// As [`Estimator::olr`].
    #[doc(alias = "svyolr")]
    pub fn olr<T: AsRef<str>>(
        &self,
        response: impl AsRef<str>,
        terms: impl IntoIterator<Item = T>,
    ) -> Result<crate::Olr> {
        self.estimates().olr(response, terms)
    }

    /// Weighted total (R's `svytotal`). See [`Estimator::total`].
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svytotal")]
    pub fn total(&self, variable: impl AsRef<str>) -> Result<Estimate> {
        self.estimates().total(variable)
    }

    /// Frequency table: weighted count and share of each category. See
    /// [`Estimator::frequencies`].
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svytable")]
    pub fn frequencies(&self, variable: impl AsRef<str>) -> Result<Frequencies> {
        self.estimates().frequencies(variable)
    }

    /// Share of a set of codes (a net). See [`Estimator::share`].
    ///
    /// # Errors
    /// As [`Estimator::share`].
    #[doc(alias = "svyciprop")]
    pub fn share<C: Into<f64>>(
        &self,
        variable: impl AsRef<str>,
        codes: impl IntoIterator<Item = C>,
    ) -> Result<Estimate> {
        self.estimates().share(variable, codes)
    }

    /// Ratio of two totals. See [`Estimator::ratio`].
    ///
    /// # Errors
    /// As [`Estimator::ratio`].
    #[doc(alias = "svyratio")]
    pub fn ratio(
        &self,
        numerator: impl AsRef<str>,
        denominator: impl AsRef<str>,
    ) -> Result<Estimate> {
        self.estimates().ratio(numerator, denominator)
    }

    /// A quantile. See [`Estimator::quantile`].
    ///
    /// # Errors
    /// As [`Estimator::quantile`].
    #[doc(alias = "svyquantile")]
    pub fn quantile(&self, variable: impl AsRef<str>, prob: f64) -> Result<Estimate> {
        self.estimates().quantile(variable, prob)
    }

    /// Summary of a five-point rating item. See [`Estimator::likert`].
    ///
    /// # Errors
    /// As [`Estimator::likert`].
    pub fn likert(&self, variable: impl AsRef<str>) -> Result<LikertSummary> {
        self.estimates().likert(variable)
    }

    /// Shares of a multiple-response question's options. See
    /// [`Estimator::multiple_response`].
    ///
    /// # Errors
    /// As [`Estimator::multiple_response`].
    pub fn multiple_response(&self, question: impl AsRef<str>) -> Result<MultipleResponse> {
        self.estimates().multiple_response(question)
    }

    /// A custom estimator. See [`Estimator::function_of_totals`].
    ///
    /// # Errors
    /// As [`Estimator::function_of_totals`].
    #[doc(alias = "svycontrast")]
    pub fn function_of_totals(
        &self,
        totals: impl IntoIterator<Item = crate::Total>,
        g: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
    ) -> Result<Estimate> {
        self.estimates().function_of_totals(totals, g)
    }
}

fn invalid(setting: &str, value: &str, reason: &str) -> crate::Error {
    crate::ErrorKind::InvalidSetting {
        setting: setting.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
    .into()
}

/// A key of population figures: a code (any primitive number) or a text label.
pub trait PopulationKey {
    /// The key as the weighting steps read it.
    fn key(&self) -> String;
}
macro_rules! population_key {
    ($($t:ty),*) => {$(
        impl PopulationKey for $t {
            fn key(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
population_key!(
    u8, u16, u32, u64, i8, i16, i32, i64, usize, isize, f32, f64, &str, String
);

fn keyed<K: PopulationKey>(
    population: impl IntoIterator<Item = (K, f64)>,
) -> BTreeMap<String, f64> {
    population.into_iter().map(|(k, v)| (k.key(), v)).collect()
}

impl Survey {
    /// A survey of data and a design already made on them (the spec's runner).
    pub(crate) fn from_parts(data: Dataset, design: Design) -> Survey {
        Survey {
            data: Arc::new(data),
            design,
            domains: Arc::default(),
        }
    }
}

impl SurveyBuilder {
    fn options(mut self, options: DesignOptions) -> Self {
        self.options = options;
        self
    }
}
