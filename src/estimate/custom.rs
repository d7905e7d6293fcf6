//! Custom estimators: any smooth function of weighted totals, with the design's variance.
//!
//! The caller names the totals (of a column, of a count, of a category's indicator, each
//! optionally within a domain) and gives the function; the crate runs its own pass, so
//! strata, multistage fpc, lonely PSUs, calibration residuals, replicates and domains
//! apply as they do to the built-in estimators (R's `svycontrast(stat, quote(...))` and
//! `svyratio`).

use super::linear::{RowInterval, Smooth, quantity_row};
use super::pass::{DomainPass, RowStatus, run_pass};
use super::{Domains, Estimate, EstimateOptions, Result, Stat, unavailable};
use crate::data::{Dataset, NumericColumn};
use crate::design::Design;
use std::fmt;
use std::sync::Arc;

type RowMap = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

/// One weighted total `T = Σ w·y` that a custom estimator is a function of: of a numeric
/// column, of 1 (the weighted count), or of a category's indicator; optionally restricted
/// to rows where another column holds a code (a domain), and of a transform of the values.
///
/// ```
/// use survey_stats::Total;
/// // The weighted sum of income² among rows with region = 1:
/// let t = Total::of("income").squared().within("region", 1);
/// # let _ = t;
/// ```
#[derive(Clone)]
pub struct Total {
    what: What,
    map: Option<RowMap>,
    within: Vec<(String, f64)>,
}

#[derive(Debug, Clone)]
enum What {
    Column(String),
    Count,
    Indicator(String, f64),
}

impl fmt::Debug for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Total")
            .field("what", &self.what)
            .field("mapped", &self.map.is_some())
            .field("within", &self.within)
            .finish()
    }
}

impl Total {
    /// `Σ w·y` of a numeric column.
    pub fn of(column: impl AsRef<str>) -> Total {
        Total {
            what: What::Column(column.as_ref().to_string()),
            map: None,
            within: Vec::new(),
        }
    }

    /// `Σ w`: the weighted count (a population size estimate).
    pub fn count() -> Total {
        Total {
            what: What::Count,
            map: None,
            within: Vec::new(),
        }
    }

    /// `Σ w·1[y = code]`: the weighted count of a category.
    pub fn indicator(column: impl AsRef<str>, code: impl Into<f64>) -> Total {
        Total {
            what: What::Indicator(column.as_ref().to_string(), code.into()),
            map: None,
            within: Vec::new(),
        }
    }

    /// Only rows where `column` holds `code` count (a domain); may be repeated.
    pub fn within(mut self, column: impl AsRef<str>, code: impl Into<f64>) -> Total {
        self.within.push((column.as_ref().to_string(), code.into()));
        self
    }

    /// The total of `y²` instead of `y`.
    pub fn squared(self) -> Total {
        self.map(|y| y * y)
    }

    /// The total of `f(y)` instead of `y`.
    pub fn map(mut self, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Total {
        self.map = Some(Arc::new(f));
        self
    }

    fn name(&self) -> String {
        let mut s = match &self.what {
            What::Column(c) => c.clone(),
            What::Count => "1".to_string(),
            What::Indicator(c, v) => format!("{c}=={v}"),
        };
        for (c, v) in &self.within {
            s.push_str(&format!("|{c}=={v}"));
        }
        s
    }
}

type Value = Arc<dyn Fn(&[f64]) -> f64 + Send + Sync>;
type Gradient = Arc<dyn Fn(&[f64]) -> Vec<f64> + Send + Sync>;

/// A caller's function of the totals and, optionally, its gradient (numeric otherwise).
#[derive(Clone)]
pub(crate) struct TotalsFunction {
    value: Value,
    gradient: Option<Gradient>,
}

impl fmt::Debug for TotalsFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotalsFunction")
            .field("analytic_gradient", &self.gradient.is_some())
            .finish()
    }
}

impl TotalsFunction {
    pub(crate) fn new(value: Value, gradient: Option<Gradient>) -> Self {
        Self { value, gradient }
    }

    pub(crate) fn value(&self, t: &[f64]) -> f64 {
        (self.value)(t)
    }

    /// The analytic gradient, or central differences with step `ε^(1/3)·max(|T_j|, 1)`
    /// (truncation and rounding errors of about 1e-10 relative for smooth functions).
    pub(crate) fn gradient(&self, t: &[f64]) -> Vec<f64> {
        if let Some(g) = &self.gradient {
            return g(t);
        }
        let mut x = t.to_vec();
        (0..t.len())
            .map(|j| {
                let h = f64::EPSILON.cbrt() * t[j].abs().max(1.0);
                x[j] = t[j] + h;
                let up = (self.value)(&x);
                x[j] = t[j] - h;
                let down = (self.value)(&x);
                x[j] = t[j];
                (up - down) / (2.0 * h)
            })
            .collect()
    }
}

/// A smooth function `g(T_1, …, T_k)` of weighted totals, per domain, with its design
/// SE by the delta method (linearization per unit, calibration residuals applied) or, on
/// a replicate design, by evaluating `g` on every replicate's totals.
///
/// ```text
/// θ̂ = g(T̂),  T̂_j = Σ w·y_j;   z_k = Σ_j ∂g/∂T_j·w_k·y_jk;   Var(θ̂) = Var_design(Σ z)
/// replicates: Var = scale·Σ_r rscale_r·(g(T̂_r) − ḡ)²
/// ```
/// Source: R `survey::svycontrast` with `quote(...)` (`nlcon`: the delta method; with
/// `return.replicates = TRUE` on replicate designs, the function of each replicate).
/// A row missing any column a total needs, or holding an excluded code there, leaves the
/// base (R's `na.rm = TRUE`).
///
/// # Errors
/// A column missing or not numeric; the design's variance errors.
pub(crate) fn function_of_totals(
    data: &Dataset,
    design: &Design,
    totals: &[Total],
    function: TotalsFunction,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let column = |name: &str| -> Result<&NumericColumn> { Ok(data.numeric(name)?) };
    struct Prepared<'a> {
        values: Option<&'a NumericColumn>,
        code: Option<f64>,
        map: Option<&'a RowMap>,
        within: Vec<(&'a NumericColumn, f64)>,
    }
    let prepared: Vec<Prepared<'_>> = totals
        .iter()
        .map(|t| {
            let (values, code) = match &t.what {
                What::Column(c) => (Some(column(c)?), None),
                What::Count => (None, None),
                What::Indicator(c, v) => (Some(column(c)?), Some(*v)),
            };
            let within = t
                .within
                .iter()
                .map(|(c, v)| Ok((column(c)?, *v)))
                .collect::<Result<Vec<_>>>()?;
            Ok(Prepared {
                values,
                code,
                map: t.map.as_ref(),
                within,
            })
        })
        .collect::<Result<_>>()?;
    let k = totals.len();
    // Excluded codes (e.g. 9 "hard to answer") in a total's column leave the row out of
    // the base, as they do for a mean.
    let excluded = options.excluded_values();
    let passes = run_pass(design, domains, k, |row, buf| {
        for (p, b) in prepared.iter().zip(buf.iter_mut()) {
            let mut inside = true;
            for (col, code) in &p.within {
                match col.get(row) {
                    Some(v) => inside &= v == *code,
                    None => return RowStatus::Missing,
                }
            }
            let y = match (p.values, p.code) {
                (None, _) => 1.0,
                (Some(col), code) => match (col.get(row), code) {
                    (None, _) => return RowStatus::Missing,
                    (Some(v), _) if excluded.contains(v) => return RowStatus::Missing,
                    (Some(v), Some(c)) => f64::from(u8::from(v == c)),
                    (Some(v), None) => v,
                },
            };
            let y = p.map.map_or(y, |f| f(y));
            *b = if inside { y } else { 0.0 };
        }
        RowStatus::In
    });
    let names: Vec<String> = totals.iter().map(Total::name).collect();
    let variable = format!("g({})", names.join(", "));
    function_rows(design, &passes, domains, options, function, &variable)
}

/// One row per domain of a caller's function of the passes' totals: estimate, SE by the
/// function's gradient (or its value on every replicate), t interval.
pub(crate) fn function_rows(
    design: &Design,
    passes: &[DomainPass],
    domains: &Domains,
    options: &EstimateOptions,
    function: TotalsFunction,
    variable: &str,
) -> Result<Vec<Estimate>> {
    let quantity = Smooth::Function(function);
    domains.rows(passes, |pass| {
        let row = unavailable(Stat::Ratio, variable, options.level.value(), "");
        Ok(vec![quantity_row(
            design,
            pass,
            options,
            row,
            &quantity,
            None,
            RowInterval::Symmetric,
            domains.is_by(),
        )?])
    })
}
