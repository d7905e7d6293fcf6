//! Linear contrasts of domain means: differences between domains, and the plain average of
//! domain estimates ("on average across regions") beside the pooled estimate.

use super::custom::{TotalsFunction, function_rows};
use super::linear::{RowInterval, Smooth, quantity_row};
use super::pass::{DomainPass, RowStatus, run_pass};
use super::{DfRule, Domains, Estimate, EstimateError, EstimateOptions, Result, Stat, unavailable};
use crate::data::Dataset;
use crate::design::Design;

/// One pass over the whole design summing, per domain `d`, `T_yd = Σ w·y·1[d]` and
/// `T_d = Σ w·1[d]` (totals `2d` and `2d + 1`).
fn domain_totals(
    data: &Dataset,
    design: &Design,
    variable: &str,
    categories: Option<&[f64]>,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<DomainPass>> {
    let col = data.numeric(variable)?;
    let excluded = options.excluded_values();
    Ok(vec![domain_value_totals(design, &[domains], |row| {
        let v = col.get(row)?;
        if excluded.contains(v) {
            return None;
        }
        Some(match categories {
            Some(c) => f64::from(c.contains(&v)),
            None => v,
        })
    })])
}

/// [`domain_totals`] of any row value, for several sets of domains at once: `value(row)`
/// is the row's `y`, `None` when the row is outside the base. One pass over the whole
/// design; domain `d` of the `g`-th set, at `o = Σ_{h<g} |groups[h]| + d`, has totals
/// `2o` and `2o + 1`, so that domains of different sets have their covariances too.
pub(crate) fn domain_value_totals<F>(design: &Design, groups: &[&Domains], value: F) -> DomainPass
where
    F: Fn(usize) -> Option<f64> + Sync,
{
    let k: usize = groups.iter().map(|g| g.len()).sum();
    let mut passes = run_pass(design, &Domains::whole(), 2 * k, |row, buf| {
        let Some(y) = value(row) else {
            return RowStatus::Missing;
        };
        buf.iter_mut().for_each(|b| *b = 0.0);
        let (mut offset, mut any) = (0, false);
        for g in groups {
            if let Some(d) = g.code_of(row) {
                buf[2 * (offset + d)] = y;
                buf[2 * (offset + d) + 1] = 1.0;
                any = true;
            }
            offset += g.len();
        }
        if any {
            RowStatus::In
        } else {
            RowStatus::Missing
        }
    });
    passes.remove(0)
}

/// `Σ_d c_d·m_d` of the domain means of a [`domain_value_totals`] pass, `terms` holding
/// `(c_d, d)`: its SE by the delta method on the `2·D` totals (or the replicates), the
/// design's degrees of freedom, and, when the coefficients sum to zero (a contrast), the
/// p-value of its being zero. See [`domain_contrast`] for the formula and source.
///
/// # Errors
/// The design's variance errors.
pub(crate) fn domain_linear(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    mut row: Estimate,
    terms: &[(f64, usize)],
) -> Result<Estimate> {
    let is_contrast = terms.iter().map(|(c, _)| c).sum::<f64>().abs() < 1e-12;
    let terms = terms
        .iter()
        .filter(|(c, _)| *c != 0.0)
        .map(|(c, d)| (*c, 2 * d, 2 * d + 1))
        .collect();
    let interval = if is_contrast {
        RowInterval::Tested
    } else {
        RowInterval::Symmetric
    };
    row.stat = if is_contrast {
        Stat::Difference
    } else {
        Stat::Mean
    };
    let quantity = Smooth::RatioSum(terms);
    let mut row = quantity_row(design, pass, options, row, &quantity, None, interval, false)?;
    row.null_non_finite();
    Ok(row)
}

/// A function of means and, optionally, its gradient in the means.
pub(crate) type MeansValue = std::sync::Arc<dyn Fn(&[f64]) -> f64 + Send + Sync>;
/// The gradient of a [`MeansValue`] in the means.
pub(crate) type MeansGradient = std::sync::Arc<dyn Fn(&[f64]) -> Vec<f64> + Send + Sync>;

/// `f(m)` of means `m_j = T_j / T_{den(j)}` as a function of the totals, its gradient
/// by the chain rule when `f`'s is given: `∂f/∂T_j = f_j/T_den`, `∂f/∂T_den = −Σ f_j·m_j/T_den`.
fn of_means(
    ratios: Vec<(usize, usize)>,
    k: usize,
    value: MeansValue,
    gradient: Option<MeansGradient>,
) -> TotalsFunction {
    let ratios = std::sync::Arc::new(ratios);
    let r = std::sync::Arc::clone(&ratios);
    let means = move |t: &[f64]| -> Vec<f64> { r.iter().map(|(n, d)| t[*n] / t[*d]).collect() };
    let means = std::sync::Arc::new(means);
    let m = std::sync::Arc::clone(&means);
    let f = std::sync::Arc::new(move |t: &[f64]| value(&m(t)));
    let g = gradient.map(|grad| {
        let g: MeansGradient = std::sync::Arc::new(move |t: &[f64]| {
            let m = means(t);
            let fm = grad(&m);
            let mut out = vec![0.0; k];
            for (((n, d), fj), mj) in ratios.iter().zip(&fm).zip(&m) {
                out[*n] += fj / t[*d];
                out[*d] -= fj * mj / t[*d];
            }
            out
        });
        g
    });
    TotalsFunction::new(f, g)
}

/// A smooth function `f(m_1, …, m_D)` of the domains' means of `variable`, with its SE
/// from one pass over the full design (the domains' covariances count; calibration
/// residuals and replicates apply as to any estimate).
///
/// ```text
/// m_d = T_yd / T_d;   θ = f(m);   ∂θ/∂T_yd = f_d/T_d,  ∂θ/∂T_d = −f_d·m_d/T_d
/// replicates: θ_r = f(m_r), Var = scale·Σ_r rscale_r·(θ_r − θ̄)²
/// ```
/// Source: R `svycontrast(svyby(~y, ~d, design, svymean, covmat = TRUE), quote(f))`, which
/// is the delta method on the domain means' covariance; on a replicate design, as R's
/// `svycontrast(svytotal(~y_d + n_d, design, return.replicates = TRUE), quote(f))`, the
/// function evaluated on every replicate. Without `gradient`, central differences
/// (about 1e-10 relative).
///
/// # Errors
/// As [`domain_contrast`].
pub(crate) fn domain_means_function(
    data: &Dataset,
    design: &Design,
    variable: &str,
    domains: &Domains,
    value: MeansValue,
    gradient: Option<MeansGradient>,
    options: &EstimateOptions,
) -> Result<Estimate> {
    check_domains(data, design, domains)?;
    let passes = domain_totals(data, design, variable, None, domains, options)?;
    let n_dom = domains.len();
    let ratios = (0..n_dom).map(|d| (2 * d, 2 * d + 1)).collect();
    let function = of_means(ratios, 2 * n_dom, value, gradient);
    let mut row = unavailable(Stat::Ratio, variable, options.level.value(), "");
    let labels: Vec<String> = (0..n_dom)
        .map(|d| {
            let l: Vec<String> = domains
                .label(d)
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            l.join(",")
        })
        .collect();
    row.category = Some(format!("f(mean by [{}])", labels.join("; ")));
    let quantity = Smooth::Function(function);
    let mut row = quantity_row(
        design,
        &passes[0],
        options,
        row,
        &quantity,
        None,
        RowInterval::Symmetric,
        false,
    )?;
    row.null_non_finite();
    Ok(row)
}

/// A smooth function `f(ȳ_1, …, ȳ_V)` of the means of several variables over the same
/// rows (a row missing any of them leaves the base, as R's `svymean(~a + b, na.rm =
/// TRUE)`), per domain, with its SE by the delta method or, on a replicate design, by
/// evaluating `f` on every replicate.
///
/// ```text
/// ȳ_j = Σ w·y_j / Σ w;   θ = f(ȳ);   ∂θ/∂T_j = f_j/T_1,  ∂θ/∂T_1 = −Σ_j f_j·ȳ_j/T_1
/// ```
/// Source: R `svycontrast(svymean(~a + b, design), quote(f))` (`return.replicates = TRUE`
/// on replicate designs).
///
/// # Errors
/// A column missing or not numeric; the design's variance errors.
pub(crate) fn means_function(
    data: &Dataset,
    design: &Design,
    variables: &[String],
    value: MeansValue,
    gradient: Option<MeansGradient>,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let cols = variables
        .iter()
        .map(|v| data.numeric(v))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let excluded = options.excluded_values();
    let v = cols.len();
    let passes = run_pass(design, domains, v + 1, |row, buf| {
        for (b, col) in buf.iter_mut().zip(&cols) {
            match col.get(row) {
                Some(y) if !excluded.contains(y) => *b = y,
                _ => return RowStatus::Missing,
            }
        }
        buf[v] = 1.0;
        RowStatus::In
    });
    let ratios = (0..v).map(|j| (j, v)).collect();
    let function = of_means(ratios, v + 1, value, gradient);
    let variable = format!("f({})", variables.join(", "));
    function_rows(design, &passes, domains, options, function, &variable)
}

/// `Σ_d c_d·m_d` over the domains' means `m_d` of `variable` (or of the indicator that it
/// holds one of `categories`), with its SE from one pass over the full design: the domains'
/// covariances count, whether or not the domains are strata.
///
/// ```text
/// m_d = Σ w·y·1[d] / Σ w·1[d];    θ = Σ_d c_d·m_d
/// ∂θ/∂T_yd = c_d/T_d,  ∂θ/∂T_d = −c_d·m_d/T_d          (delta method on 2·D totals)
/// ```
/// With `c = (1/D, …, 1/D)` this is the average of the domain estimates that reports quote
/// "on average across regions" (reported as a mean); with `c = e_a − e_b` a difference
/// between two domains (reported as a difference, with its p-value against zero). Source: R `svycontrast(svyby(~y, ~d, design, svymean), c)`.
///
/// # Errors
/// As [`super::mean`]; [`EstimateError::UnknownCategory`] when `coefficients` and domains
/// differ in number (reported as the domains present).
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{domain_contrast, Domains, EstimateOptions};
/// let csv = "region,w,y\n1,1,1\n1,1,0\n2,3,1\n2,3,1\n";
/// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions { weights: Some("w".into()), strata: Some("region".into()), ..Default::default() })?;
/// let by = Domains::by(&ds, &["region".to_string()])?;
/// let avg = domain_contrast(&ds, &d, "y", None, &by, &[0.5, 0.5], &EstimateOptions::default())?;
/// assert_eq!(avg.estimate, Some(0.75)); // (0.5 + 1.0)/2; the pooled share is 7/8
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn domain_contrast(
    data: &Dataset,
    design: &Design,
    variable: &str,
    categories: Option<&[f64]>,
    domains: &Domains,
    coefficients: &[f64],
    options: &EstimateOptions,
) -> Result<Estimate> {
    check_domains(data, design, domains)?;
    if coefficients.len() != domains.len() {
        return Err(EstimateError::UnknownCategory {
            variable: variable.to_string(),
            category: format!("{} coefficients", coefficients.len()),
            known: format!("{} domains", domains.len()),
        });
    }
    let passes = domain_totals(data, design, variable, categories, domains, options)?;
    let mut row = unavailable(Stat::Mean, variable, options.level.value(), "");
    row.category = Some(
        coefficients
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0.0)
            .map(|(d, c)| {
                let label: Vec<String> = domains
                    .label(d)
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                format!("{c:+}·[{}]", label.join(","))
            })
            .collect::<Vec<_>>()
            .join(" "),
    );
    // A contrast (coefficients summing to zero) is a difference tested against zero; other
    // combinations, such as the average of the domains, are estimates of a mean.
    let terms: Vec<(f64, usize)> = coefficients.iter().copied().zip(0..).collect();
    domain_linear(design, &passes[0], options, row, &terms)
}

/// The design-based two-sample t-test of R's `svyttest(y ~ g, design)`: the difference of
/// the mean of `variable` between the two categories of `group` (the second minus the
/// first, in sort order), its SE from one pass over the full design, and the t-test of a
/// zero difference with the degrees of freedom of R's `svyglm` residuals.
///
/// ```text
/// θ = ȳ_2 − ȳ_1,  ȳ_g = Σ w·y·1[g] / Σ w·1[g]          (as domain_contrast, c = (−1, 1))
/// t = θ / SE(θ);  df = degf − 1;  p = 2·P(T_df > |t|);  CI = θ ∓ t_{df,1−α/2}·SE
/// degf: the PSUs with rows in the base less their strata (R's degf of the design
///       without the rows missing y or g)
/// ```
/// Source: R `survey:::svyttest.default`, which fits `svyglm(y ~ g, family = gaussian())`:
/// its group coefficient is `ȳ_2 − ȳ_1`, with the same linearization (calibration
/// residuals, replicates) as the domain contrast; `parameter = m$df.resid`, which is the
/// design's degrees of freedom less one (two coefficients), and `confint(m, parm = 2)`
/// uses it too. Rows missing the variable or the group leave the base, as `svyglm`'s
/// `na.omit` does, and so do their PSUs from the degrees of freedom (unless `options.df`
/// fixes them). With [`super::IntervalKind::Normal`] the test and interval are normal.
///
/// # Errors
/// As [`domain_contrast`]; [`EstimateError::NotTwoGroups`] when `group` does not have
/// exactly two categories.
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{ttest, EstimateOptions};
/// let csv = "g,y\na,1\na,3\nb,4\nb,6\nb,8\n";
/// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let t = ttest(&ds, &d, "y", "g", &EstimateOptions::default())?;
/// assert_eq!(t.estimate, Some(4.0)); // 6 − 2
/// assert_eq!(t.df, Some(3.0)); // 5 rows − 1 − 1
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ttest(
    data: &Dataset,
    design: &Design,
    variable: &str,
    group: &str,
    options: &EstimateOptions,
) -> Result<Estimate> {
    let groups = Domains::by(data, &[group])?;
    if groups.len() != 2 {
        let levels: Vec<String> = (0..groups.len())
            .take(10)
            .filter_map(|d| groups.label(d).get(group).cloned())
            .collect();
        return Err(EstimateError::NotTwoGroups {
            group: group.to_string(),
            levels: if levels.is_empty() {
                "none".to_string()
            } else {
                format!("{} ({})", groups.len(), levels.join(", "))
            },
        });
    }
    // svyglm drops the rows missing y or g from the design before `degf`: the degrees of
    // freedom are those of the PSUs with rows in the base.
    let mut options = options.clone();
    if options.df == DfRule::Domain {
        options.df = DfRule::Base;
    }
    let options = &options;
    let mut row = domain_contrast(data, design, variable, None, &groups, &[-1.0, 1.0], options)?;
    row.stat = Stat::Ttest;
    row.category = Some(format!(
        "{group}: {} − {}",
        groups.label(1)[group],
        groups.label(0)[group]
    ));
    if let (Some(df), Some(estimate), Some(se)) = (row.df, row.estimate, row.std_error) {
        let df = df - 1.0;
        row.df = Some(df);
        row.p_value = None;
        row.ci_lower = None;
        row.ci_upper = None;
        if df > 0.0 {
            row.p_value = super::linear::two_sided_p(estimate, se, df);
            let (lo, hi) = crate::interval::mean_interval(estimate, se, df, options.level)?;
            row.ci_lower = Some(lo);
            row.ci_upper = Some(hi);
        } else {
            row.note = Some(format!(
                "no test: {df} degrees of freedom (the design's degrees of freedom less one)"
            ));
        }
    }
    Ok(row)
}

/// The checks every function of domain estimates starts with: the design and the domains
/// were made on `data`, and there is at least one domain.
fn check_domains(data: &Dataset, design: &Design, domains: &Domains) -> Result<()> {
    design.check_data(data)?;
    domains.check_data(data)?;
    if domains.is_empty() {
        return Err(EstimateError::NoDomains {
            reason: "no row has a value in every by column".to_string(),
        });
    }
    Ok(())
}
