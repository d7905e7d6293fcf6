//! Settings of estimates (domains, excluded codes, level, interval) and the estimators.

use super::Survey;
use super::answer::{
    ByDomain, Category, Domain, Estimate, Frequencies, LikertSummary, MultipleResponse,
    OptionShare, TTest, Value,
};
use crate::data::Column;
use crate::error::{ErrorKind, Result};
use crate::estimate::contrast::{MeansGradient, MeansValue, domain_means_function, means_function};
use crate::estimate::custom::{TotalsFunction, function_of_totals};
use crate::estimate::quantile::{QuantileInterval, QuantileRule};
use crate::estimate::{
    self, DfRule, Domains, Estimate as Row, EstimateOptions, IntervalKind, LikertScale,
    MultipleBase, Total,
};
use crate::interval::{ConfidenceLevel, ProportionMethod};
use std::sync::Arc;

/// Estimates over the whole population: each answer is one value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Whole;

/// Estimates by domain: each answer is a [`ByDomain`].
#[derive(Debug, Clone, Default)]
pub struct By(Vec<String>);

mod scope {
    use super::Domain;
    use crate::error::Result;

    /// Where answers are estimated: the whole population or domains.
    pub trait Scope: Clone {
        /// The answer type for an answer `T` of one domain.
        type Out<T>;
        /// The `by` columns.
        fn columns(&self) -> &[String];
        /// The answer from the domains' answers.
        fn collect<T>(
            entries: Vec<(Domain, Result<T, String>)>,
            what: &str,
        ) -> Result<Self::Out<T>>;
    }
}
use scope::Scope;

impl Scope for Whole {
    type Out<T> = T;
    fn columns(&self) -> &[String] {
        &[]
    }
    fn collect<T>(entries: Vec<(Domain, Result<T, String>)>, what: &str) -> Result<T> {
        match entries.into_iter().next() {
            Some((_, Ok(t))) => Ok(t),
            Some((_, Err(why))) => Err(unavailable(what, &why)),
            None => Err(unavailable(what, "no rows")),
        }
    }
}

impl Scope for By {
    type Out<T> = ByDomain<T>;
    fn columns(&self) -> &[String] {
        &self.0
    }
    fn collect<T>(entries: Vec<(Domain, Result<T, String>)>, _: &str) -> Result<ByDomain<T>> {
        Ok(ByDomain { entries })
    }
}

fn unavailable(what: &str, why: &str) -> crate::Error {
    ErrorKind::Unavailable {
        what: what.to_string(),
        why: why.to_string(),
    }
    .into()
}

/// The settings of estimates on a [`Survey`] — domains, excluded codes, confidence level,
/// interval method, degrees of freedom — and the estimators. Defaults are R's: 95%
/// level, t intervals with the design's degrees of freedom (per domain, as `svyby`),
/// logit intervals for shares, rows missing the variable left out (`na.rm = TRUE`).
///
/// Estimates on the whole population ([`Whole`]) return one answer; after
/// [`Estimator::by`] they return a [`ByDomain`] of answers.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .column("g", vec![1u8, 1, 1, 2, 2, 2])
///     .column("q", vec![1u8, 2, 9, 2, 2, 1])
///     .build()?;
/// let survey = Survey::srs(data)?;
/// let shares = survey.by(["g"]).exclude([9]).level(0.9).frequencies("q")?;
/// assert_eq!(shares.get(1).unwrap().get(2).unwrap().share.value, 0.5);
/// assert!((shares.get(2).unwrap().get(2).unwrap().share.value - 2.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Estimator<'s, S = Whole> {
    survey: &'s Survey,
    scope: S,
    exclude: Vec<f64>,
    options: EstimateOptions,
    level: Option<f64>,
}

impl<'s> Estimator<'s, Whole> {
    pub(crate) fn new(survey: &'s Survey) -> Self {
        Estimator {
            survey,
            scope: Whole,
            exclude: Vec::new(),
            options: EstimateOptions::default(),
            level: None,
        }
    }

    /// Estimates by domain (R's `svyby`): one answer per combination of the values of
    /// `columns` that occurs, estimated with the full design.
    #[doc(alias = "svyby")]
    pub fn by<C: AsRef<str>>(self, columns: impl IntoIterator<Item = C>) -> Estimator<'s, By> {
        Estimator {
            survey: self.survey,
            scope: By(columns
                .into_iter()
                .map(|c| c.as_ref().to_string())
                .collect()),
            exclude: self.exclude,
            options: self.options,
            level: self.level,
        }
    }
}

impl Estimator<'_, Whole> {
    /// The design-based two-sample t-test (R's `svyttest(variable ~ group, design)`): the
    /// difference of the mean of `variable` between the two categories of `group`, the
    /// second minus the first in sort order, tested against zero with the design's degrees
    /// of freedom less one (R's `svyglm` residual degrees of freedom, on the PSUs with rows
    /// that have both values).
    ///
    /// ```text
    /// θ = ȳ_2 − ȳ_1;  t = θ/SE(θ);  df = degf − 1;  p = 2·P(T_df > |t|);  CI = θ ∓ t_df·SE
    /// ```
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 2, 2, 2])
    ///     .column("y", vec![1.0, 3.0, 4.0, 6.0, 8.0])
    ///     .build()?;
    /// let t = Survey::srs(data)?.ttest("y", "g")?;
    /// assert_eq!(t.difference.value, 4.0); // 6 − 2
    /// assert_eq!(t.difference.df, Some(3.0)); // 5 rows − 1, less one
    /// assert!((t.statistic - t.difference.value / t.difference.std_error).abs() < 1e-12);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Estimator::mean`]; a group without exactly two categories; a difference
    /// without a standard error.
    #[doc(alias = "svyttest")]
    pub fn ttest(&self, variable: impl AsRef<str>, group: impl AsRef<str>) -> Result<TTest> {
        let (variable, group) = (variable.as_ref(), group.as_ref());
        let (options, _) = self.settings(Some(variable))?;
        let s = self.survey;
        let row = estimate::ttest(&s.data, &s.design, variable, group, &options)?;
        let what = format!("t-test of {variable} by {group}");
        let difference = Estimate::from_row(&row).map_err(|why| unavailable(&what, &why))?;
        let groups = s.domains(&[group.to_string()])?;
        let numeric = matches!(s.data.column(group)?, Column::Numeric(_));
        let value = |d: usize| Value::parse(&groups.label(d)[group], numeric);
        Ok(TTest {
            variable: variable.to_string(),
            group: group.to_string(),
            first: value(0),
            second: value(1),
            statistic: difference.value / difference.std_error,
            difference,
        })
    }
}

impl Estimator<'_, By> {
    /// A linear contrast `Σ_d c_d·m_d` of the domains' means of `variable`, one
    /// coefficient per domain in the order of the domains (R's `svyby` order), with its SE
    /// from one pass (R's `svycontrast(svyby(~y, ~g, design, svymean, covmat = TRUE), c)`).
    /// Coefficients that sum to zero make a contrast, with the p-value of its being zero.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 2, 2, 3, 3])
    ///     .column("y", vec![1.0, 3.0, 4.0, 6.0, 7.0, 9.0])
    ///     .build()?;
    /// let survey = Survey::srs(data)?;
    /// let by = survey.by(["g"]);
    /// assert_eq!(by.contrast_of_means("y", &[1.0, 0.0, -1.0])?.value, 2.0 - 8.0);
    /// assert_eq!(by.contrast_of_means("y", &[0.5, 0.5, -1.0])?.value, 3.5 - 8.0);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Estimator::mean`]; coefficients and domains that differ in number; a contrast
    /// without a standard error.
    #[doc(alias = "svycontrast")]
    pub fn contrast_of_means(
        &self,
        variable: impl AsRef<str>,
        coefficients: &[f64],
    ) -> Result<Estimate> {
        let variable = variable.as_ref();
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let row = estimate::domain_contrast(
            &s.data,
            &s.design,
            variable,
            None,
            &domains,
            coefficients,
            &options,
        )?;
        let what = format!("contrast of the means of {variable}");
        Estimate::from_row(&row).map_err(|why| unavailable(&what, &why))
    }

    /// A smooth function `f(m_1, …, m_D)` of the domains' means of `variable` (in the
    /// order of the domains), with its SE by the delta method (numeric gradient) or, on a
    /// replicate design, by evaluating `f` on every replicate (R's
    /// `svycontrast(svyby(..., covmat = TRUE), quote(...))`). Calibration and replicates
    /// apply.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 2, 2])
    ///     .column("y", vec![1.0, 3.0, 4.0, 6.0])
    ///     .build()?;
    /// let r = Survey::srs(data)?.by(["g"]).function_of_means("y", |m| m[0] / m[1])?;
    /// assert!((r.value - 0.4).abs() < 1e-12); // 2 / 5
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Estimator::contrast_of_means`]; a function that is not finite at the means.
    #[doc(alias = "svycontrast")]
    pub fn function_of_means(
        &self,
        variable: impl AsRef<str>,
        f: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
    ) -> Result<Estimate> {
        self.domain_function(variable.as_ref(), Arc::new(f), None)
    }

    /// [`Estimator::function_of_means`] with the gradient `∂f/∂m_d` given.
    ///
    /// # Errors
    /// As [`Estimator::function_of_means`].
    pub fn function_of_means_with_gradient(
        &self,
        variable: impl AsRef<str>,
        f: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
        gradient: impl Fn(&[f64]) -> Vec<f64> + Send + Sync + 'static,
    ) -> Result<Estimate> {
        self.domain_function(variable.as_ref(), Arc::new(f), Some(Arc::new(gradient)))
    }

    fn domain_function(
        &self,
        variable: &str,
        f: MeansValue,
        gradient: Option<MeansGradient>,
    ) -> Result<Estimate> {
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let row = domain_means_function(
            &s.data, &s.design, variable, &domains, f, gradient, &options,
        )?;
        let what = format!("function of the means of {variable}");
        Estimate::from_row(&row).map_err(|why| unavailable(&what, &why))
    }
}

impl<'s, S: Scope> Estimator<'s, S> {
    /// Leaves `codes` out of the base (e.g. 9 = "hard to answer"); the rows stay in the
    /// design (domain estimation). Each code must occur in the variable estimated.
    pub fn exclude<C: Into<f64>>(mut self, codes: impl IntoIterator<Item = C>) -> Self {
        self.exclude.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The confidence level (default 0.95); checked when an estimate is made.
    pub fn level(mut self, level: f64) -> Self {
        self.level = Some(level);
        self
    }

    /// Normal intervals instead of t with the design's degrees of freedom.
    pub fn normal(mut self) -> Self {
        self.options.interval = IntervalKind::Normal;
        self
    }

    /// The interval method of shares (R's `svyciprop` `method`; default logit).
    pub fn method(mut self, method: ProportionMethod) -> Self {
        self.options.method = method;
        self
    }

    /// The degrees-of-freedom rule (default: the domain's PSUs minus their strata).
    pub fn df(mut self, rule: DfRule) -> Self {
        self.options.df = rule;
        self
    }

    /// A row missing the variable makes the estimate unavailable, instead of leaving the
    /// base (R's `na.rm = FALSE`).
    pub fn keep_missing(mut self) -> Self {
        self.options.na_rm = false;
        self
    }

    fn settings(&self, variable: Option<&str>) -> Result<(EstimateOptions, Arc<Domains>)> {
        let mut options = self.options.clone();
        if let Some(level) = self.level {
            options.level = ConfidenceLevel::new(level).map_err(|e| ErrorKind::InvalidSetting {
                setting: "level".into(),
                value: level.to_string(),
                reason: e.to_string(),
            })?;
        }
        if let Some(variable) = variable {
            self.check_codes(variable, &self.exclude)?;
        }
        options.exclude = self.exclude.iter().map(|c| c.to_string()).collect();
        let domains = self.survey.domains(self.scope.columns())?;
        if !self.scope.columns().is_empty() && domains.is_empty() {
            return Err(unavailable(
                &format!("by {}", self.scope.columns().join(", ")),
                "every row misses a value of the by columns",
            ));
        }
        Ok((options, domains))
    }

    /// Each of `codes` must occur in `variable` (a numeric column).
    fn check_codes(&self, variable: &str, codes: &[f64]) -> Result<()> {
        if codes.is_empty() {
            return Ok(());
        }
        let col = self.survey.data.numeric(variable)?;
        let valid = col.validity();
        let values = col.values();
        for &code in codes {
            let occurs = values
                .iter()
                .enumerate()
                .any(|(i, &v)| v == code && valid.is_valid(i));
            if !occurs {
                let levels = self.survey.data.factor(variable)?;
                let mut known: Vec<String> = levels
                    .labels()
                    .into_iter()
                    .take(30)
                    .map(String::from)
                    .collect();
                if levels.levels().len() > 30 {
                    known.push("…".into());
                }
                return Err(ErrorKind::UnknownCode {
                    variable: variable.to_string(),
                    code: code.to_string(),
                    known: known.join(", "),
                }
                .into());
            }
        }
        Ok(())
    }

    /// The domain of a computed row.
    fn domain(&self, row: &Row) -> Domain {
        let data = &self.survey.data;
        let values = self
            .scope
            .columns()
            .iter()
            .map(|name| {
                let label = row
                    .domain
                    .as_ref()
                    .and_then(|d| d.get(name))
                    .cloned()
                    .unwrap_or_default();
                let numeric = matches!(data.column(name), Ok(Column::Numeric(_)));
                let value = Value::parse(&label, numeric);
                let text = match &value {
                    Value::Code(c) => data.label(name, *c).map(String::from),
                    Value::Text(_) => None,
                };
                (name.clone(), value, text)
            })
            .collect();
        Domain { values }
    }

    /// Rows `per` to a domain, each domain's rows made into an answer.
    fn answer<T>(
        &self,
        rows: &[Row],
        per: usize,
        what: &str,
        make: impl Fn(&[Row]) -> Result<T, String>,
    ) -> Result<S::Out<T>> {
        let entries = if per == 0 {
            Vec::new()
        } else {
            rows.chunks(per)
                .map(|chunk| (self.domain(&chunk[0]), make(chunk)))
                .collect()
        };
        S::collect(entries, what)
    }

    fn single(&self, rows: Vec<Row>, what: &str) -> Result<S::Out<Estimate>> {
        self.answer(&rows, 1, what, |r| Estimate::from_row(&r[0]))
    }

    /// A generalised linear model under the design (R's `svyglm`; by domain, R's
    /// `svyby(formula, by, design, svyglm)`: the model fitted on each domain's rows, the
    /// variance of the full design). See [`Survey::glm`](crate::Survey::glm).
    ///
    /// ```
    /// use survey_stats::{DesignOptions, Model, Survey};
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apistrat.csv");
    /// let survey = Survey::from_csv(path, &DesignOptions {
    ///     weights: Some("pw".into()),
    ///     strata: Some("stype".into()),
    ///     fpc: vec!["fpc".into()],
    ///     ..Default::default()
    /// })?;
    /// let fits = survey.by(["stype"]).glm(&Model::gaussian("api00").terms(["ell"]))?;
    /// // 100 schools of type E: 100 PSUs in 1 stratum, 2 coefficients.
    /// assert_eq!(fits.get("E").unwrap().df, 98.0);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// The estimator's [`level`](Estimator::level), when set, is the intervals' level;
    /// `exclude` does not apply (rows missing a value leave the fit).
    ///
    /// # Errors
    /// For the whole population, as [`Survey::glm`](crate::Survey::glm); by domain, only
    /// errors of the columns (a domain whose model cannot be fitted has its reason instead).
    #[doc(alias = "svyglm")]
    pub fn glm(&self, model: &estimate::Model) -> Result<S::Out<estimate::GlmFit>> {
        let (_, domains) = self.settings(None)?;
        let s = self.survey;
        // The estimator's level, when set, overrides the model's.
        let with_level;
        let model = match self.level {
            Some(level) => {
                with_level = model.clone().level(level);
                &with_level
            }
            None => model,
        };
        if !domains.is_by() {
            let fit = estimate::glm::fit(&s.data, &s.design, model, None)?;
            return S::collect(vec![(Domain { values: Vec::new() }, Ok(fit))], "glm");
        }
        let mut entries = Vec::with_capacity(domains.len());
        for d in 0..domains.len() {
            let mut row = estimate::unavailable(estimate::Stat::Glm, "", 0.95, "");
            row.domain = Some(domains.label(d).clone());
            let fit = estimate::glm::fit(&s.data, &s.design, model, Some((&domains, d)));
            let fit = match fit {
                Ok(f) => Ok(f),
                Err(e) if matches!(e.kind(), ErrorKind::Unavailable { .. }) => Err(e.to_string()),
                Err(e) => return Err(e),
            };
            entries.push((self.domain(&row), fit));
        }
        S::collect(entries, "glm")
    }

    /// Weighted mean of a numeric variable, as R's `svymean(~y, design, na.rm = TRUE)`
    /// (`svyby` for domains).
    ///
    /// ```text
    /// ȳ = Σ w·y / Σ w over the base;   z_k = w_k·(y_k − ȳ)/Σw;   Var(ȳ) = Var_design(Σ z)
    /// ```
    ///
    /// # Errors
    /// The column is missing or not numeric; an excluded code that does not occur; a
    /// confidence level outside (0, 1); for the whole population, an empty base.
    #[doc(alias = "svymean")]
    pub fn mean(&self, variable: impl AsRef<str>) -> Result<S::Out<Estimate>> {
        let variable = variable.as_ref();
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let rows = estimate::mean(&s.data, &s.design, variable, &domains, &options)?;
        self.single(rows, &format!("mean of {variable}"))
    }

    /// Weighted total, as R's `svytotal(~y, design, na.rm = TRUE)`.
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svytotal")]
    pub fn total(&self, variable: impl AsRef<str>) -> Result<S::Out<Estimate>> {
        let variable = variable.as_ref();
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let rows = estimate::total(&s.data, &s.design, variable, &domains, &options)?;
        self.single(rows, &format!("total of {variable}"))
    }

    /// Ratio of two totals, as R's `svyratio(~num, ~den, design)`.
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svyratio")]
    pub fn ratio(
        &self,
        numerator: impl AsRef<str>,
        denominator: impl AsRef<str>,
    ) -> Result<S::Out<Estimate>> {
        let (num, den) = (numerator.as_ref(), denominator.as_ref());
        let (options, domains) = self.settings(None)?;
        let s = self.survey;
        let rows = estimate::ratio(&s.data, &s.design, num, den, &domains, &options)?;
        self.single(rows, &format!("ratio {num}/{den}"))
    }

    /// A quantile (R's `svyquantile`, default rule `math`, Woodruff interval).
    ///
    /// # Errors
    /// As [`Estimator::mean`]; a probability outside [0, 1].
    #[doc(alias = "svyquantile")]
    pub fn quantile(&self, variable: impl AsRef<str>, prob: f64) -> Result<S::Out<Estimate>> {
        let variable = variable.as_ref();
        if !(0.0..=1.0).contains(&prob) {
            return Err(ErrorKind::InvalidSetting {
                setting: "prob".into(),
                value: prob.to_string(),
                reason: "a probability must lie in [0, 1]".into(),
            }
            .into());
        }
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let rows = estimate::quantiles(
            &s.data,
            &s.design,
            variable,
            &[prob],
            QuantileRule::Math,
            QuantileInterval::Mean,
            &domains,
            &options,
        )?;
        self.single(rows, &format!("quantile {prob} of {variable}"))
    }

    /// Frequency table: weighted count (R's `svytotal(~factor(y))`) and share (R's
    /// `svymean(~factor(y))`, interval as `svyciprop`) of each category, in code order,
    /// from one pass. Excluded codes leave the base.
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    #[doc(alias = "svytable")]
    pub fn frequencies(&self, variable: impl AsRef<str>) -> Result<S::Out<Frequencies>> {
        let variable = variable.as_ref();
        let numeric = matches!(self.survey.data.column(variable)?, Column::Numeric(_));
        let (options, domains) = self.settings(numeric.then_some(variable))?;
        let s = self.survey;
        let (counts, shares) =
            estimate::proportion::frequencies(&s.data, &s.design, variable, &domains, &options)?;
        let per = if domains.is_empty() {
            0
        } else {
            counts.len() / domains.len()
        };
        let data = &s.data;
        let categories: Vec<(&Row, &Row)> = counts.iter().zip(&shares).collect();
        let make = |chunk: &[(&Row, &Row)]| -> Result<Frequencies, String> {
            let categories = chunk
                .iter()
                .map(|(c, p)| {
                    let label = c.category.clone().unwrap_or_default();
                    let value = Value::parse(&label, numeric);
                    let text = match &value {
                        Value::Code(code) => data.label(variable, *code).map(String::from),
                        Value::Text(_) => None,
                    };
                    Ok(Category {
                        value,
                        label: text,
                        count: Estimate::from_row(c)?,
                        share: Estimate::from_row(p)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Frequencies {
                variable: variable.to_string(),
                categories,
            })
        };
        let entries = if per == 0 {
            Vec::new()
        } else {
            categories
                .chunks(per)
                .map(|chunk| (self.domain(chunk[0].0), make(chunk)))
                .collect()
        };
        S::collect(entries, &format!("frequencies of {variable}"))
    }

    /// The share of a set of codes (a net such as the top-2 box), as R's
    /// `svyciprop(~I(y %in% codes), design)`.
    ///
    /// # Errors
    /// As [`Estimator::mean`]; a code that does not occur.
    #[doc(alias = "svyciprop")]
    pub fn share<C: Into<f64>>(
        &self,
        variable: impl AsRef<str>,
        codes: impl IntoIterator<Item = C>,
    ) -> Result<S::Out<Estimate>> {
        let variable = variable.as_ref();
        let codes: Vec<f64> = codes.into_iter().map(Into::into).collect();
        self.check_codes(variable, &codes)?;
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let selection = estimate::CategorySelection::Net {
            categories: codes.iter().map(|c| c.to_string()).collect(),
            label: "net".into(),
        };
        let rows =
            estimate::proportion(&s.data, &s.design, variable, &selection, &domains, &options)?;
        self.single(rows, &format!("share of {variable} in {codes:?}"))
    }

    /// Mean score, top-2 and bottom-2 boxes and net score of a five-point rating item
    /// (codes 1–5; other codes, such as 9, leave the base). See
    /// [`Estimator::likert_with`] for other scales.
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    pub fn likert(&self, variable: impl AsRef<str>) -> Result<S::Out<LikertSummary>> {
        self.likert_with(variable, &LikertScale::five_point())
    }

    /// [`Estimator::likert`] on a given scale.
    ///
    /// # Errors
    /// As [`Estimator::mean`].
    pub fn likert_with(
        &self,
        variable: impl AsRef<str>,
        scale: &LikertScale,
    ) -> Result<S::Out<LikertSummary>> {
        let variable = variable.as_ref();
        let (options, domains) = self.settings(Some(variable))?;
        let s = self.survey;
        let rows =
            estimate::likert_summary(&s.data, &s.design, variable, scale, &domains, &options)?;
        self.answer(&rows, 4, &format!("Likert summary of {variable}"), |r| {
            Ok(LikertSummary {
                mean: Estimate::from_row(&r[0])?,
                top_box: Estimate::from_row(&r[1])?,
                bottom_box: Estimate::from_row(&r[2])?,
                net: Estimate::from_row(&r[3])?,
            })
        })
    }

    /// Shares of the options of a multiple-response question added with
    /// [`crate::DatasetBuilder::multiple_response`], among respondents who chose at least
    /// one option (SPSS's "% of cases"; R: `svymean` of the 0/1 columns on that subset).
    ///
    /// # Errors
    /// A question the data do not know; as [`Estimator::mean`].
    pub fn multiple_response(&self, question: impl AsRef<str>) -> Result<S::Out<MultipleResponse>> {
        self.multiple_response_on(question, MultipleBase::Cases)
    }

    /// [`Estimator::multiple_response`] on another base.
    ///
    /// # Errors
    /// As [`Estimator::multiple_response`].
    pub fn multiple_response_on(
        &self,
        question: impl AsRef<str>,
        base: MultipleBase,
    ) -> Result<S::Out<MultipleResponse>> {
        let question = question.as_ref();
        let s = self.survey;
        let set = s.data.multiple_response_columns(question).ok_or_else(|| {
            crate::data::DataError::MissingColumn {
                column: format!("{question} (a multiple-response question)"),
            }
        })?;
        let (options, domains) = self.settings(None)?;
        let columns: Vec<String> = set.iter().map(|(_, c)| c.clone()).collect();
        let rows =
            estimate::multiple_response(&s.data, &s.design, &columns, base, &domains, &options)?;
        let labels: Vec<Option<String>> = set
            .iter()
            .map(|(code, _)| s.data.label(question, *code).map(String::from))
            .collect();
        self.answer(&rows, set.len(), &format!("shares of {question}"), |r| {
            let options = r
                .iter()
                .zip(set)
                .zip(&labels)
                .map(|((row, (code, column)), label)| {
                    Ok(OptionShare {
                        code: *code,
                        column: column.clone(),
                        label: label.clone(),
                        share: Estimate::from_row(row)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(MultipleResponse { options })
        })
    }

    /// A custom estimator: any smooth function `g` of weighted totals, with its design
    /// SE (R's `svycontrast(stat, quote(...))`). The gradient is numeric (central
    /// differences, about 1e-10 relative); see
    /// [`Estimator::function_of_totals_with_gradient`] to give it. Strata, multistage
    /// fpc, lonely PSUs, calibration, replicates and domains all apply.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey, Total};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 2, 2])
    ///     .column("y", vec![2.0, 4.0, 1.0, 3.0])
    ///     .build()?;
    /// let survey = Survey::srs(data)?;
    /// // The mean of y in g = 1 over that in g = 2: (6/2)/(4/2).
    /// let r = survey.estimates().function_of_totals(
    ///     [
    ///         Total::of("y").within("g", 1), Total::count().within("g", 1),
    ///         Total::of("y").within("g", 2), Total::count().within("g", 2),
    ///     ],
    ///     |t| (t[0] / t[1]) / (t[2] / t[3]),
    /// )?;
    /// assert!((r.value - 1.5).abs() < 1e-12);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// A column missing or not numeric; for the whole population, a function that is not
    /// finite at the estimated totals.
    #[doc(alias = "svycontrast")]
    pub fn function_of_totals(
        &self,
        totals: impl IntoIterator<Item = Total>,
        g: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
    ) -> Result<S::Out<Estimate>> {
        self.custom(totals, TotalsFunction::new(Arc::new(g), None))
    }

    /// [`Estimator::function_of_totals`] with the gradient `∂g/∂T_j` given.
    ///
    /// # Errors
    /// As [`Estimator::function_of_totals`].
    pub fn function_of_totals_with_gradient(
        &self,
        totals: impl IntoIterator<Item = Total>,
        g: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
        gradient: impl Fn(&[f64]) -> Vec<f64> + Send + Sync + 'static,
    ) -> Result<S::Out<Estimate>> {
        self.custom(
            totals,
            TotalsFunction::new(Arc::new(g), Some(Arc::new(gradient))),
        )
    }

    /// The proportional-odds model of an ordered answer on explanatory terms (R's
    /// `svyolr`, logit link): slopes and thresholds with design-based standard errors.
    /// The excluded codes (e.g. 9 "hard to answer") and rows missing the response or a
    /// term are left out of the fit; their PSUs still count in the variance. A term
    /// written `factor(col)`, or a text column, is categorical (treatment contrasts against
    /// its first level in sort order); other terms are numeric. See
    /// [`crate::estimate::olr`] for the formulas.
    ///
    /// ```
    /// use survey_stats::Survey;
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/library_face.csv");
    /// let survey = Survey::builder(survey_stats::data::read_csv(path, &Default::default())?)
    ///     .weights("w").strata("region").clusters(["psu"]).build()?;
    /// let m = survey.exclude([9]).olr("q1", ["factor(sex)", "factor(agegrp)", "x"])?;
    /// // R: svyolr(factor(q1) ~ factor(sex) + factor(agegrp) + x, design), 9 set to NA
    /// let sex = m.get("factor(sex)2").unwrap();
    /// assert!((sex.estimate - 0.61948357881080773).abs() < 1e-8);
    /// assert!((sex.std_error - 0.1310313418746247).abs() < 1e-8);
    /// assert_eq!(m.thresholds[0].name, "1|2");
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// A column absent; an excluded code that does not occur in the response; fewer than
    /// three categories; a model that cannot be fitted (collinear terms, categories the
    /// terms separate). On a replicate-weight design the model is refitted per replicate.
    #[doc(alias = "svyolr")]
    pub fn olr<T: AsRef<str>>(
        &self,
        response: impl AsRef<str>,
        terms: impl IntoIterator<Item = T>,
    ) -> Result<estimate::Olr> {
        let response = response.as_ref();
        if !self.scope.columns().is_empty() {
            return Err(unavailable(
                "proportional-odds model",
                "by domain is not implemented: fit on the whole population",
            ));
        }
        self.check_codes(response, &self.exclude)?;
        let terms: Vec<String> = terms.into_iter().map(|t| t.as_ref().to_string()).collect();
        let s = self.survey;
        let exclude: Vec<String> = self.exclude.iter().map(|c| c.to_string()).collect();
        Ok(estimate::olr(
            &s.data, &s.design, response, &terms, &exclude,
        )?)
    }

    /// A smooth function `f(ȳ_1, …, ȳ_V)` of the means of several variables over the same
    /// rows (a row missing any leaves the base), with its SE by the delta method (numeric
    /// gradient) or, on a replicate design, by evaluating `f` on every replicate (R's
    /// `svycontrast(svymean(~a + b, design), quote(...))`).
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("a", vec![2.0, 4.0, 6.0])
    ///     .column("b", vec![1.0, 2.0, 3.0])
    ///     .build()?;
    /// let r = Survey::srs(data)?.estimates().function_of_means_of(["a", "b"], |m| m[0] / m[1])?;
    /// assert!((r.value - 2.0).abs() < 1e-12);
    /// assert!(r.std_error.abs() < 1e-9); // a = 2·b on every row
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// A column missing or not numeric; for the whole population, a function that is not
    /// finite at the means.
    #[doc(alias = "svycontrast")]
    pub fn function_of_means_of<V: AsRef<str>>(
        &self,
        variables: impl IntoIterator<Item = V>,
        f: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
    ) -> Result<S::Out<Estimate>> {
        self.means_function(variables, Arc::new(f), None)
    }

    /// [`Estimator::function_of_means_of`] with the gradient `∂f/∂ȳ_j` given.
    ///
    /// # Errors
    /// As [`Estimator::function_of_means_of`].
    pub fn function_of_means_of_with_gradient<V: AsRef<str>>(
        &self,
        variables: impl IntoIterator<Item = V>,
        f: impl Fn(&[f64]) -> f64 + Send + Sync + 'static,
        gradient: impl Fn(&[f64]) -> Vec<f64> + Send + Sync + 'static,
    ) -> Result<S::Out<Estimate>> {
        self.means_function(variables, Arc::new(f), Some(Arc::new(gradient)))
    }

    fn means_function<V: AsRef<str>>(
        &self,
        variables: impl IntoIterator<Item = V>,
        f: MeansValue,
        gradient: Option<MeansGradient>,
    ) -> Result<S::Out<Estimate>> {
        let variables: Vec<String> = variables
            .into_iter()
            .map(|v| v.as_ref().to_string())
            .collect();
        let (options, domains) = self.settings(None)?;
        let s = self.survey;
        let rows = means_function(
            &s.data, &s.design, &variables, f, gradient, &domains, &options,
        )?;
        self.single(
            rows,
            &format!("function of the means of {}", variables.join(", ")),
        )
    }

    fn custom(
        &self,
        totals: impl IntoIterator<Item = Total>,
        function: TotalsFunction,
    ) -> Result<S::Out<Estimate>> {
        let totals: Vec<Total> = totals.into_iter().collect();
        let (options, domains) = self.settings(None)?;
        let s = self.survey;
        let rows = function_of_totals(&s.data, &s.design, &totals, function, &domains, &options)?;
        self.single(rows, "function of totals")
    }
}
