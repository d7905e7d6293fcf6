//! Ratio of two totals, and the difference of two means on the same rows.

use super::linear::{RowInterval, Smooth, quantity_row, unit};
use super::pass::{DomainPass, RowStatus, run_pass};
use super::{Domains, Estimate, EstimateOptions, Result, Stat, unavailable};
use crate::data::Dataset;
use crate::design::Design;

/// Ratio of the totals of `numerator` and `denominator`, as R's `svyratio(~y, ~x, design)`.
///
/// ```text
/// R̂ = Σ w·y / Σ w·x;   z_k = w_k·(y_k − R̂·x_k)/Σ w·x
/// ```
/// Rows missing either variable leave the base. Source: Cochran (1977) §6.3; R
/// `survey::svyratio`.
///
/// # Errors
/// As [`super::mean`].
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{ratio, Domains, EstimateOptions};
/// let ds = Dataset::from_columns(vec![
///     ("y".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 3.0]))),
///     ("x".into(), Column::Numeric(NumericColumn::from_values(vec![2.0, 6.0]))),
/// ])?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let r = ratio(&ds, &d, "y", "x", &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(r[0].estimate, Some(0.5));
/// assert_eq!(r[0].std_error, Some(0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "svyratio")]
pub fn ratio(
    data: &Dataset,
    design: &Design,
    numerator: &str,
    denominator: &str,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let label = format!("{numerator}/{denominator}");
    two_variables(
        data,
        design,
        [numerator, denominator],
        domains,
        options,
        Stat::Ratio,
        &label,
    )
}

/// Difference of the means of two variables measured on the same rows, as R's
/// `svycontrast(svymean(~a + b, design), c(1, -1))`: the covariance of the two means counts.
///
/// ```text
/// D̂ = (Σ w·a − Σ w·b)/Σ w;   z_k = w_k·(a_k − b_k − D̂)/Σ w
/// ```
/// Rows missing either variable leave the base. Source: R `survey::svycontrast`.
///
/// # Errors
/// As [`super::mean`].
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{difference, Domains, EstimateOptions};
/// let ds = Dataset::from_columns(vec![
///     ("a".into(), Column::Numeric(NumericColumn::from_values(vec![5.0, 7.0, 9.0]))),
///     ("b".into(), Column::Numeric(NumericColumn::from_values(vec![4.0, 6.0, 8.0]))),
/// ])?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let r = difference(&ds, &d, "a", "b", &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(r[0].estimate, Some(1.0));
/// assert!(r[0].std_error.unwrap() < 1e-12); // paired: the difference never varies
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn difference(
    data: &Dataset,
    design: &Design,
    a: &str,
    b: &str,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let label = format!("{a}-{b}");
    two_variables(
        data,
        design,
        [a, b],
        domains,
        options,
        Stat::Difference,
        &label,
    )
}

fn two_variables(
    data: &Dataset,
    design: &Design,
    names: [&str; 2],
    domains: &Domains,
    options: &EstimateOptions,
    stat: Stat,
    label: &str,
) -> Result<Vec<Estimate>> {
    let a = data.numeric(names[0])?;
    let b = data.numeric(names[1])?;
    let excluded = options.excluded_values();
    let passes = run_pass(design, domains, 3, |row, buf| {
        match (a.get(row), b.get(row)) {
            (Some(x), Some(y)) if !excluded.contains(x) && !excluded.contains(y) => {
                buf[0] = x;
                buf[1] = y;
                buf[2] = 1.0;
                RowStatus::In
            }
            _ => RowStatus::Missing,
        }
    });
    domains.rows(&passes, |pass| {
        Ok(vec![finish(
            design,
            pass,
            options,
            stat,
            label,
            domains.is_by(),
        )?])
    })
}

fn finish(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    stat: Stat,
    label: &str,
    is_by: bool,
) -> Result<Estimate> {
    let row = unavailable(stat, label, options.level.value(), "");
    let (quantity, interval) = match stat {
        Stat::Ratio => (Smooth::ratio(3, 0, 1), RowInterval::Symmetric),
        _ => (
            Smooth::Ratio(vec![1.0, -1.0, 0.0], unit(3, 2)),
            RowInterval::Tested,
        ),
    };
    quantity_row(design, pass, options, row, &quantity, None, interval, is_by)
}
