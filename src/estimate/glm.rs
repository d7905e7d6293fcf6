//! Design-based generalised linear models (R's `svyglm`).
//!
//! ```text
//! fit:      weighted IRLS, Σ_i w_i·x_i·(y_i − μ_i)·μ'(η_i)/V(μ_i) = 0
//! variance: A⁻¹ · Var_design(Σ_i U_i) · A⁻¹,   U_i = w_i·x_i·(y_i − μ_i)·μ'(η_i)/V(μ_i),
//!           A = Σ_i w_i·x_i·x_iᵀ·μ'(η_i)²/V(μ_i)
//! replicates: the model refitted under every replicate's weights, then the replicate variance
//! df:       design df − number of (non-aliased) coefficients + 1
//! ```
//! Source: R `survey::svyglm.survey.design` and `svy.varcoef` (the sandwich: `svyrecvar` of
//! `estfun %*% Ainv`), `survey:::svyglm.svyrep.design` (refits from the full-sample
//! coefficients), `summary.svyglm` (t statistics on `df.residual` for every family: the
//! variance is the sandwich, so a quasi family's dispersion changes nothing here).
//! The influence values run through the crate's own pass, so strata, multistage fpc,
//! lonely PSUs and calibration residuals apply as to every other estimator.

use super::pass::{Domains, RowStatus, run_pass};
use crate::data::{Column, Dataset};
use crate::design::Design;
use crate::error::{ErrorKind, Result};
use crate::interval::dist::{t_cdf, t_quantile};
use crate::variance::linearized_covariance;
use std::fmt;

/// The family and link of a [`Model`] (R's `gaussian()`, `quasibinomial()`,
/// `quasipoisson()`; the coefficients and the design variance are the same for
/// `binomial()` and `poisson()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Family {
    /// Identity link, constant variance: linear regression. The default.
    #[default]
    Gaussian,
    /// Logit link, variance `μ(1 − μ)`: the response is 0/1 (or a share in `[0, 1]`).
    Binomial,
    /// Log link, variance `μ`: the response is a count (non-negative).
    Poisson,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Gaussian => "gaussian",
            Family::Binomial => "binomial",
            Family::Poisson => "poisson",
        }
    }

    /// `μ(η)`.
    fn inverse_link(self, eta: f64) -> f64 {
        match self {
            Family::Gaussian => eta,
            // R's `binomial()$linkinv` clamps to (ε, 1 − ε).
            Family::Binomial => {
                let thresh = -f64::EPSILON.ln();
                let e = eta.clamp(-thresh, thresh).exp();
                e / (1.0 + e)
            }
            Family::Poisson => eta.exp().max(f64::EPSILON),
        }
    }

    fn link(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => mu,
            Family::Binomial => (mu / (1.0 - mu)).ln(),
            Family::Poisson => mu.ln(),
        }
    }

    /// `dμ/dη`.
    fn mu_eta(self, eta: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Binomial => {
                let e = eta.abs().min(30.0);
                let ex = (-e).exp();
                (ex / ((1.0 + ex) * (1.0 + ex))).max(f64::EPSILON)
            }
            Family::Poisson => eta.exp().max(f64::EPSILON),
        }
    }

    /// `V(μ)`.
    fn variance(self, mu: f64) -> f64 {
        match self {
            Family::Gaussian => 1.0,
            Family::Binomial => mu * (1.0 - mu),
            Family::Poisson => mu,
        }
    }

    /// The unit deviance `d(y, μ)` (its weighted sum is the deviance IRLS watches).
    fn deviance(self, y: f64, mu: f64) -> f64 {
        let ylogy = |a: f64, b: f64| if a > 0.0 { a * (a / b).ln() } else { 0.0 };
        match self {
            Family::Gaussian => (y - mu) * (y - mu),
            Family::Binomial => 2.0 * (ylogy(y, mu) + ylogy(1.0 - y, 1.0 - mu)),
            Family::Poisson => 2.0 * (ylogy(y, mu) - (y - mu)),
        }
    }

    /// R's `mustart` (with prior weights `w`).
    fn start(self, y: f64, w: f64) -> f64 {
        match self {
            Family::Gaussian => y,
            Family::Binomial => (w * y + 0.5) / (w + 1.0),
            Family::Poisson => y + 0.1,
        }
    }
}

/// A model to fit under the design: the response, the terms, the family. The intercept is
/// always in. Text columns and those named in [`Model::categorical`] enter as treatment
/// contrasts (the first level, in sort order, is the reference); `"a:b"` is the interaction
/// of `a` and `b` (with their main effects also in the model, as R codes it then).
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
/// // R: svyglm(api00 ~ ell + meals + stype, dstrat)
/// let fit = survey.glm(&Model::gaussian("api00").terms(["ell", "meals", "stype"]))?;
/// let ell = fit.get("ell").unwrap();
/// assert!((ell.estimate.unwrap() - (-0.56279562729499)).abs() < 1e-9);
/// assert_eq!(fit.df, 193.0);
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    response: String,
    success: Option<String>,
    terms: Vec<String>,
    categorical: Vec<String>,
    family: Family,
    level: f64,
}

impl Model {
    /// A model of `response` in `family`, with an intercept only until terms are added.
    pub fn new(family: Family, response: impl AsRef<str>) -> Model {
        Model {
            response: response.as_ref().to_string(),
            success: None,
            terms: Vec::new(),
            categorical: Vec::new(),
            family,
            level: 0.95,
        }
    }

    /// A linear model (R's `family = gaussian()`).
    pub fn gaussian(response: impl AsRef<str>) -> Model {
        Model::new(Family::Gaussian, response)
    }

    /// A logistic model (R's `family = quasibinomial()`).
    pub fn binomial(response: impl AsRef<str>) -> Model {
        Model::new(Family::Binomial, response)
    }

    /// A log-linear model of a count (R's `family = quasipoisson()`).
    pub fn poisson(response: impl AsRef<str>) -> Model {
        Model::new(Family::Poisson, response)
    }

    /// The terms: column names, or `"a:b"` for an interaction.
    pub fn terms<S: AsRef<str>>(mut self, terms: impl IntoIterator<Item = S>) -> Model {
        self.terms
            .extend(terms.into_iter().map(|t| t.as_ref().to_string()));
        self
    }

    /// Numeric columns to treat as categories (R's `factor(x)`).
    pub fn categorical<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Model {
        self.categorical
            .extend(columns.into_iter().map(|t| t.as_ref().to_string()));
        self
    }

    /// For a binomial model: the response is 1 where it holds this category (a text label
    /// or a numeric code), 0 elsewhere (R's `I(y == "Yes")`).
    pub fn success(mut self, category: impl ToString) -> Model {
        self.success = Some(category.to_string());
        self
    }

    /// The confidence level of the intervals (default 0.95).
    pub fn level(mut self, level: f64) -> Model {
        self.level = level;
        self
    }
}

/// One coefficient of a [`GlmFit`]. An aliased (collinear) coefficient has no estimate
/// (R's `NA`) and a note.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coefficient {
    /// The term, as R names it: `(Intercept)`, `ell`, `stypeH`, `ell:stypeH`.
    pub term: String,
    /// The coefficient.
    pub estimate: Option<f64>,
    /// Its design-based standard error.
    pub std_error: Option<f64>,
    /// `estimate / std_error`.
    pub statistic: Option<f64>,
    /// Two-sided p-value of the t statistic on `df`.
    pub p_value: Option<f64>,
    /// Degrees of freedom (the model's residual df).
    pub df: f64,
    /// The t interval `estimate ± t_{df}·std_error` (R's `confint(m, ddf = m$df.residual)`).
    pub interval: Option<(f64, f64)>,
    /// Why there is no estimate.
    pub note: Option<String>,
}

/// A fitted design-based GLM: one row per coefficient (R's `summary(svyglm(...))`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GlmFit {
    /// The family.
    pub family: Family,
    /// The response.
    pub response: String,
    /// The coefficients, intercept first.
    pub coefficients: Vec<Coefficient>,
    /// Residual degrees of freedom: design df − coefficients + 1 (R's `df.residual`).
    pub df: f64,
    /// Rows in the fit (complete cases).
    pub n: u64,
    /// Rows left out for a missing response or term (R's `na.omit`).
    pub n_missing: u64,
    /// The sum of the weights of the rows in the fit.
    pub weighted_n: f64,
    /// IRLS iterations.
    pub iterations: usize,
    /// The confidence level of the intervals.
    pub level: f64,
}

impl GlmFit {
    /// The coefficient of `term`.
    pub fn get(&self, term: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term == term)
    }
}

impl fmt::Display for GlmFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .coefficients
            .iter()
            .map(|c| c.term.chars().count())
            .max()
            .unwrap_or(0);
        let num = |x: Option<f64>| x.map_or_else(|| "NA".to_string(), |v| format!("{v:.6}"));
        writeln!(
            f,
            "{:width$} {:>12} {:>12} {:>9} {:>10}",
            "", "Estimate", "Std. Error", "t value", "Pr(>|t|)"
        )?;
        for c in &self.coefficients {
            writeln!(
                f,
                "{:width$} {:>12} {:>12} {:>9} {:>10}",
                c.term,
                num(c.estimate),
                num(c.std_error),
                c.statistic
                    .map_or_else(|| "NA".to_string(), |v| format!("{v:.3}")),
                c.p_value
                    .map_or_else(|| "NA".to_string(), |v| format!("{v:.3e}")),
            )?;
        }
        write!(
            f,
            "({} family; {} residual df; {} rows, {} left out for missing values)",
            self.family.name(),
            self.df,
            self.n,
            self.n_missing
        )
    }
}

/// One column of the model matrix: for each factor of the term, a numeric column or one
/// level's indicator.
#[derive(Debug, Clone)]
struct Part {
    column: usize,
    level: Option<u32>,
}

enum Var {
    Numeric(Vec<Option<f64>>),
    Factor(Vec<u32>),
}

/// Relative tolerance on a column's residual norm below which it is aliased (R's
/// `glm.fit` QR tolerance, `1e-7`).
const ALIAS_TOLERANCE: f64 = 1e-7;
/// IRLS stops when the relative change of the deviance is below this (R's `epsilon`, set
/// tighter than R's default `1e-8`, which can stop a step early; the tests compare with R
/// at this same `epsilon`, so that both take the same steps).
const EPSILON: f64 = 1e-15;
/// A fit whose deviance still moves by rounding after [`MAX_ITERATIONS`] is converged if its
/// last relative change is below this.
const EPSILON_FLOOR: f64 = 1e-10;
const MAX_ITERATIONS: usize = 100;
/// A binomial fit with a fitted probability within this of 0 or 1 is separated.
const SEPARATION: f64 = 1e-10;

struct Matrix {
    n: usize,
    p: usize,
    x: Vec<f64>,
    y: Vec<f64>,
    rows: Vec<usize>,
}

/// Fits `model` under `design` (R's `svyglm`), on the rows of domain `d` of `domains` only
/// when given (R's `svyby(…, svyglm)`: the design subset to the domain, its PSUs and strata
/// as in the domain's rows for the degrees of freedom).
///
/// # Errors
/// A column missing; a text response without [`Model::success`]; a binomial response
/// outside `[0, 1]` or a negative Poisson response; no complete row; separation (fitted
/// probabilities of 0 or 1, coefficients diverging); the design's variance errors.
pub(crate) fn fit(
    data: &Dataset,
    design: &Design,
    model: &Model,
    domain: Option<(&Domains, usize)>,
) -> Result<GlmFit> {
    design.check_data(data)?;
    if let Some((domains, _)) = domain {
        domains.check_data(data)?;
    }
    let in_domain = |row: usize| domain.is_none_or(|(ds, d)| ds.code_of(row) == Some(d));
    let invalid = |value: &str, reason: String| -> crate::Error {
        ErrorKind::InvalidSetting {
            setting: "glm".to_string(),
            value: value.to_string(),
            reason,
        }
        .into()
    };
    // The response.
    let n_rows = data.n_rows();
    let response: Vec<Option<f64>> = match (data.column(&model.response)?, &model.success) {
        (Column::Numeric(c), None) => (0..n_rows).map(|i| c.get(i)).collect(),
        (col, Some(s)) => {
            let f = crate::data::Factor::of(col);
            let Some(at) = f.find(s) else {
                return Err(invalid(
                    &model.response,
                    format!("the success category {s:?} does not occur in the response"),
                ));
            };
            f.codes()
                .iter()
                .map(|&c| {
                    (c != crate::data::MISSING_CODE).then(|| f64::from(u8::from(c as usize == at)))
                })
                .collect()
        }
        (Column::Categorical(_), None) => {
            return Err(invalid(
                &model.response,
                "a text response needs the success category (Model::success)".to_string(),
            ));
        }
    };
    // The model matrix's variables and columns.
    let mut names: Vec<String> = Vec::new();
    let mut vars: Vec<Var> = Vec::new();
    let mut levels: Vec<Vec<String>> = Vec::new();
    let mut columns: Vec<(String, Vec<Part>)> = vec![("(Intercept)".to_string(), Vec::new())];
    for term in &model.terms {
        let mut parts_of_term: Vec<Vec<(String, Part)>> = Vec::new();
        for name in term.split(':').map(str::trim) {
            let v = match names.iter().position(|n| n == name) {
                Some(v) => v,
                None => {
                    let col = data.column(name)?;
                    let var = match col {
                        Column::Numeric(c) if !model.categorical.iter().any(|x| x == name) => {
                            levels.push(Vec::new());
                            Var::Numeric((0..n_rows).map(|i| c.get(i)).collect())
                        }
                        col => {
                            let f = crate::data::Factor::of(col);
                            levels.push(f.labels().iter().map(|s| s.to_string()).collect());
                            Var::Factor(f.into_codes())
                        }
                    };
                    names.push(name.to_string());
                    vars.push(var);
                    names.len() - 1
                }
            };
            let choices: Vec<(String, Part)> = match &vars[v] {
                Var::Numeric(_) => vec![(
                    name.to_string(),
                    Part {
                        column: v,
                        level: None,
                    },
                )],
                Var::Factor(_) => levels[v]
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(l, label)| {
                        (
                            format!("{name}{label}"),
                            Part {
                                column: v,
                                level: Some(l as u32),
                            },
                        )
                    })
                    .collect(),
            };
            parts_of_term.push(choices);
        }
        // R's order: the first factor of the term varies fastest.
        let mut combos: Vec<(Vec<String>, Vec<Part>)> = vec![(Vec::new(), Vec::new())];
        for choices in &parts_of_term {
            let mut next = Vec::new();
            for (label, part) in choices {
                for (ls, ps) in &combos {
                    let mut ls = ls.clone();
                    let mut ps = ps.clone();
                    ls.push(label.clone());
                    ps.push(part.clone());
                    next.push((ls, ps));
                }
            }
            combos = next;
        }
        for (ls, ps) in combos {
            columns.push((ls.join(":"), ps));
        }
    }
    let p = columns.len();
    // Complete rows.
    let mut m = Matrix {
        n: 0,
        p,
        x: Vec::new(),
        y: Vec::new(),
        rows: Vec::new(),
    };
    let mut complete = vec![false; n_rows];
    let mut n_domain = 0usize;
    'rows: for row in 0..n_rows {
        if !in_domain(row) {
            continue;
        }
        n_domain += 1;
        let Some(y) = response[row] else { continue };
        for v in &vars {
            let missing = match v {
                Var::Numeric(c) => c[row].is_none(),
                Var::Factor(c) => c[row] == crate::data::MISSING_CODE,
            };
            if missing {
                continue 'rows;
            }
        }
        match model.family {
            Family::Binomial if !(0.0..=1.0).contains(&y) => {
                return Err(invalid(
                    &model.response,
                    format!(
                        "a binomial response must lie in [0, 1] (or name its success category: \
                         Model::success, the spec's `category`); data row {} holds {y}",
                        row + 1
                    ),
                ));
            }
            Family::Poisson if y < 0.0 => {
                return Err(invalid(
                    &model.response,
                    format!(
                        "a Poisson response must not be negative; data row {} holds {y}",
                        row + 1
                    ),
                ));
            }
            _ => {}
        }
        complete[row] = true;
        m.rows.push(row);
        m.y.push(y);
        for (_, parts) in &columns {
            let mut value = 1.0;
            for part in parts {
                value *= match (&vars[part.column], part.level) {
                    (Var::Numeric(c), _) => c[row].unwrap_or(0.0),
                    (Var::Factor(c), Some(l)) => f64::from(u8::from(c[row] == l)),
                    (Var::Factor(_), None) => 1.0,
                };
            }
            m.x.push(value);
        }
        m.n += 1;
    }
    if m.n == 0 {
        return Err(ErrorKind::Unavailable {
            what: format!("glm of {}", model.response),
            why: "no row has the response and every term".to_string(),
        }
        .into());
    }
    let weights = design.weights().as_slice();
    let w: Vec<f64> = m.rows.iter().map(|&r| weights[r]).collect();
    let mean_w = (0..n_rows)
        .filter(|&r| in_domain(r))
        .map(|r| weights[r])
        .sum::<f64>()
        / n_domain as f64;
    let mean_w = if mean_w > 0.0 { mean_w } else { 1.0 };
    let full = irls(&m, &w, mean_w, model.family, None)?;
    let kept = &full.kept;
    let q = kept.len();
    // The design variance of the coefficients.
    let (var, df) = match design.replicates() {
        Some(reps) => {
            let mut thetas = vec![Vec::with_capacity(reps.r); q];
            for r in 0..reps.r {
                let wr: Vec<f64> = m
                    .rows
                    .iter()
                    .map(|&row| reps.weights[row * reps.r + r])
                    .collect();
                let fit_r = irls(&m, &wr, mean_w, model.family, Some(&full))?;
                for (j, t) in thetas.iter_mut().enumerate() {
                    t.push(fit_r.beta[j]);
                }
            }
            let var: Vec<f64> = (0..q)
                .map(|j| reps.variance(full.beta[j], &thetas[j]))
                .collect();
            // R subsets a replicate design to the domain: the rank of its rows' replicate
            // weights, less one; rows missing a value stay in it.
            let df = match domain {
                None => design.degrees_of_freedom(),
                Some(_) => {
                    let rows: Vec<bool> = (0..n_rows).map(in_domain).collect();
                    reps.rank_df(&rows)
                }
            };
            (var, df)
        }
        None => {
            // Per-row influence values before the weight, as R's `estfun`: x times the
            // working residual (y − μ)/μ'(η) at the coefficients times the working weight
            // μ'(η₀)²/V(μ₀) of the last iteration (η₀ before its step; at convergence this
            // is x·(y − μ)·μ'(η)/V(μ)). The pass multiplies by the weight and sums per unit.
            let mut z = vec![0.0; n_rows * q];
            for (i, &row) in m.rows.iter().enumerate() {
                let eta = full.eta[i];
                let mu = model.family.inverse_link(eta);
                let (f, eta0) = (model.family, full.working_eta[i]);
                let d0 = f.mu_eta(eta0);
                let r = (m.y[i] - mu) / f.mu_eta(eta) * d0 * d0 / f.variance(f.inverse_link(eta0));
                for (a, &j) in kept.iter().enumerate() {
                    z[row * q + a] = m.x[i * p + j] * r;
                }
            }
            let passes = run_pass(design, &Domains::whole(), q, |row, buf| {
                if complete[row] {
                    buf.copy_from_slice(&z[row * q..(row + 1) * q]);
                    RowStatus::In
                } else {
                    RowStatus::Missing
                }
            });
            let pass = &passes[0];
            let combos: Vec<&[f64]> = full.ainv.chunks_exact(q).collect();
            let cov = linearized_covariance(design, &pass.sums, &combos, Some(&pass.psu_in_base))?;
            let var = (0..q).map(|j| cov.std_error(j).powi(2)).collect();
            let df = if domain.is_none() && m.n == n_rows {
                design.degrees_of_freedom()
            } else {
                pass.base_df(design)
            };
            (var, df)
        }
    };
    let df = df + 1.0 - q as f64;
    let level = crate::interval::ConfidenceLevel::new(model.level)?;
    let t = if df > 0.0 {
        Some(t_quantile(1.0 - (1.0 - level.value()) / 2.0, df)?)
    } else {
        None
    };
    let mut coefficients = Vec::with_capacity(p);
    for (j, (term, _)) in columns.iter().enumerate() {
        let Some(a) = kept.iter().position(|&k| k == j) else {
            coefficients.push(Coefficient {
                term: term.clone(),
                estimate: None,
                std_error: None,
                statistic: None,
                p_value: None,
                df,
                interval: None,
                note: Some(
                    "aliased: a linear combination of the columns before it (R: NA)".to_string(),
                ),
            });
            continue;
        };
        let est = full.beta[a];
        let se = var[a].max(0.0).sqrt();
        let stat = (se > 0.0).then(|| est / se);
        let p_value = match (stat, df > 0.0) {
            (Some(s), true) => Some(2.0 * t_cdf(-s.abs(), df)?),
            _ => None,
        };
        coefficients.push(Coefficient {
            term: term.clone(),
            estimate: Some(est),
            std_error: se.is_finite().then_some(se),
            statistic: stat.filter(|s| s.is_finite()),
            p_value,
            df,
            interval: t.map(|t| (est - t * se, est + t * se)),
            note: None,
        });
    }
    Ok(GlmFit {
        family: model.family,
        response: model.response.clone(),
        coefficients,
        df,
        n: m.n as u64,
        n_missing: (n_domain - m.n) as u64,
        weighted_n: w.iter().sum(),
        iterations: full.iterations,
        level: model.level,
    })
}

struct Irls {
    /// The columns not aliased.
    kept: Vec<usize>,
    /// Their coefficients.
    beta: Vec<f64>,
    /// `A⁻¹` over the kept columns, `q × q`.
    ainv: Vec<f64>,
    /// The linear predictor at the coefficients.
    eta: Vec<f64>,
    /// The linear predictor the last iteration's working weights were computed at.
    working_eta: Vec<f64>,
    iterations: usize,
}

/// Weighted IRLS from R's `mustart` (or from `start`'s coefficients), to a relative
/// deviance change of [`EPSILON`]. `mean_w` rescales the weights in R's `mustart` (R's
/// `svyglm` fits with the weights over their mean across the design's rows).
fn irls(m: &Matrix, w: &[f64], mean_w: f64, family: Family, start: Option<&Irls>) -> Result<Irls> {
    let (n, p) = (m.n, m.p);
    let mut eta: Vec<f64> = match start {
        Some(s) => (0..n)
            .map(|i| {
                s.kept
                    .iter()
                    .zip(&s.beta)
                    .map(|(&j, b)| m.x[i * p + j] * b)
                    .sum()
            })
            .collect(),
        None => (0..n)
            .map(|i| family.link(family.start(m.y[i], w[i] / mean_w)))
            .collect(),
    };
    let mut kept: Option<Vec<usize>> = start.map(|s| s.kept.clone());
    let deviance = |eta: &[f64]| -> f64 {
        (0..n)
            .map(|i| w[i] * family.deviance(m.y[i], family.inverse_link(eta[i])))
            .sum()
    };
    let mut dev_old = deviance(&eta);
    let mut iterations = 0;
    loop {
        iterations += 1;
        // Working weights and response.
        let mut xtwx = vec![0.0; p * p];
        let mut xtwz = vec![0.0; p];
        for i in 0..n {
            let mu = family.inverse_link(eta[i]);
            let d = family.mu_eta(eta[i]);
            let ww = w[i] * d * d / family.variance(mu);
            if ww == 0.0 {
                continue;
            }
            let zi = eta[i] + (m.y[i] - mu) / d;
            let xi = &m.x[i * p..(i + 1) * p];
            for a in 0..p {
                if xi[a] == 0.0 {
                    continue;
                }
                let wa = ww * xi[a];
                xtwz[a] += wa * zi;
                for b in 0..p {
                    xtwx[a * p + b] += wa * xi[b];
                }
            }
        }
        let k = kept.get_or_insert_with(|| not_aliased(&xtwx, p)).clone();
        let q = k.len();
        let a: Vec<f64> = k
            .iter()
            .flat_map(|&r| k.iter().map(move |&c| (r, c)))
            .map(|(r, c)| xtwx[r * p + c])
            .collect();
        let b: Vec<f64> = k.iter().map(|&r| xtwz[r]).collect();
        let Some(ainv) = invert(&a, q) else {
            return Err(unavailable("the weighted information matrix is singular"));
        };
        let beta: Vec<f64> = (0..q)
            .map(|r| (0..q).map(|c| ainv[r * q + c] * b[c]).sum())
            .collect();
        let new_eta: Vec<f64> = (0..n)
            .map(|i| k.iter().zip(&beta).map(|(&j, b)| m.x[i * p + j] * b).sum())
            .collect();
        let dev = deviance(&new_eta);
        let working_eta = std::mem::replace(&mut eta, new_eta);
        if !dev.is_finite() || beta.iter().any(|b| !b.is_finite()) {
            return Err(unavailable("the fit diverged (non-finite deviance)"));
        }
        let change = (dev - dev_old).abs() / (dev.abs() + 0.1);
        let converged =
            change < EPSILON || (iterations >= MAX_ITERATIONS && change < EPSILON_FLOOR);
        dev_old = dev;
        if converged || iterations >= MAX_ITERATIONS {
            if family == Family::Binomial {
                // R warns below 10ε; a fit that runs off to ±∞ (quasi-complete separation)
                // stops anywhere from there to 1e-13, and no other fit comes near 1e-10.
                let eps = SEPARATION;
                let separated = (0..n).any(|i| {
                    let mu = family.inverse_link(eta[i]);
                    w[i] > 0.0 && (mu < eps || mu > 1.0 - eps)
                });
                if separated || !converged {
                    return Err(unavailable(
                        "fitted probabilities of 0 or 1 (within 1e-10): the terms separate the response (complete or quasi-complete separation); no finite coefficients",
                    ));
                }
            }
            if !converged {
                return Err(unavailable("IRLS did not converge in 100 iterations"));
            }
            // As R's `glm.fit`: the information (its QR) and the working weights are those
            // of the last iteration, computed at the coefficients before its step.
            return Ok(Irls {
                kept: k,
                beta,
                ainv,
                eta,
                working_eta,
                iterations,
            });
        }
    }
}

fn unavailable(why: &str) -> crate::Error {
    ErrorKind::Unavailable {
        what: "glm".to_string(),
        why: why.to_string(),
    }
    .into()
}

/// The columns, in order, that are not (numerically) linear combinations of those kept
/// before them: Gram–Schmidt on the weighted cross-products, as R's pivoting QR with
/// tolerance `1e-7` on the column norms.
fn not_aliased(xtwx: &[f64], p: usize) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    // Cholesky factor rows of the kept columns: l[kept_index][..].
    let mut l: Vec<Vec<f64>> = Vec::new();
    for j in 0..p {
        let diag = xtwx[j * p + j];
        if diag <= 0.0 {
            continue;
        }
        let mut r = Vec::with_capacity(kept.len());
        for (a, &ka) in kept.iter().enumerate() {
            let s: f64 = (0..a).map(|c| l[a][c] * r[c]).sum();
            r.push((xtwx[ka * p + j] - s) / l[a][a]);
        }
        let resid = diag - r.iter().map(|x| x * x).sum::<f64>();
        if resid > 0.0 && resid.sqrt() > ALIAS_TOLERANCE * diag.sqrt() {
            r.push(resid.sqrt());
            l.push(r);
            kept.push(j);
        }
    }
    kept
}

/// The inverse of a symmetric positive-definite `q × q` matrix (Gauss–Jordan with partial
/// pivoting, on the matrix scaled to a unit diagonal for its conditioning).
fn invert(a: &[f64], q: usize) -> Option<Vec<f64>> {
    let s: Vec<f64> = (0..q).map(|i| 1.0 / a[i * q + i].sqrt()).collect();
    if s.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut m: Vec<f64> = (0..q * q).map(|ij| a[ij] * s[ij / q] * s[ij % q]).collect();
    let mut inv = vec![0.0; q * q];
    for i in 0..q {
        inv[i * q + i] = 1.0;
    }
    for c in 0..q {
        let piv = (c..q).max_by(|&x, &y| m[x * q + c].abs().total_cmp(&m[y * q + c].abs()))?;
        if m[piv * q + c].abs() < 1e-14 {
            return None;
        }
        for j in 0..q {
            m.swap(c * q + j, piv * q + j);
            inv.swap(c * q + j, piv * q + j);
        }
        let d = m[c * q + c];
        for j in 0..q {
            m[c * q + j] /= d;
            inv[c * q + j] /= d;
        }
        for r in 0..q {
            if r != c {
                let f = m[r * q + c];
                if f != 0.0 {
                    for j in 0..q {
                        m[r * q + j] -= f * m[c * q + j];
                        inv[r * q + j] -= f * inv[c * q + j];
                    }
                }
            }
        }
    }
    Some(
        (0..q * q)
            .map(|ij| inv[ij] * s[ij / q] * s[ij % q])
            .collect(),
    )
}
