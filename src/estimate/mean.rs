//! Mean and total of a numeric variable.

use super::linear::{RowInterval, Smooth, SrsScale, quantity_row, unit};
use super::pass::{DomainPass, RowStatus, run_pass_over};
use super::{Domains, Estimate, EstimateOptions, Result, Stat, unavailable};
use crate::data::Dataset;
use crate::design::Design;

/// Weighted mean of `variable`, per domain, as R's `svymean(~y, design, na.rm = TRUE,
/// deff = TRUE)` (and `svyby` for domains).
///
/// ```text
/// ȳ = Σ w·y / Σ w                       over the base (domain rows with a value)
/// z_k = w_k·(y_k − ȳ)/Σw                 linearized values; Var(ȳ) = Var_design(Σ z)
/// ```
/// Source: Lumley (2010) *Complex Surveys* §2.3; R `survey::svymean`.
///
/// # Errors
/// [`super::EstimateError`]: the column is missing or not numeric, a lonely unit under
/// `fail` at a later stage.
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{mean, Domains, EstimateOptions};
/// let ds = Dataset::from_columns(vec![
///     ("w".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 3.0]))),
///     ("y".into(), Column::Numeric(NumericColumn::from_values(vec![2.0, 6.0]))),
/// ])?;
/// let d = Design::new(&ds, &DesignOptions { weights: Some("w".into()), ..Default::default() })?;
/// let m = mean(&ds, &d, "y", &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(m[0].estimate, Some(5.0)); // (1·2 + 3·6)/4
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "svymean")]
pub fn mean(
    data: &Dataset,
    design: &Design,
    variable: &str,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    mean_or_total(data, design, variable, domains, options, Stat::Mean)
}

/// Weighted total of `variable`, per domain, as R's `svytotal(~y, design, na.rm = TRUE,
/// deff = TRUE)`.
///
/// ```text
/// Ŷ = Σ w·y over the base;  z_k = w_k·y_k;  Var(Ŷ) = Var_design(Σ z)
/// ```
/// Source: Horvitz & Thompson (1952); R `survey::svytotal`.
///
/// # Errors
/// As [`mean`].
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{total, Domains, EstimateOptions};
/// let ds = Dataset::from_columns(vec![
///     ("w".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 3.0]))),
///     ("y".into(), Column::Numeric(NumericColumn::from_values(vec![2.0, 6.0]))),
/// ])?;
/// let d = Design::new(&ds, &DesignOptions { weights: Some("w".into()), ..Default::default() })?;
/// assert_eq!(total(&ds, &d, "y", &Domains::whole(), &EstimateOptions::default())?[0].estimate, Some(20.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "svytotal")]
pub fn total(
    data: &Dataset,
    design: &Design,
    variable: &str,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    mean_or_total(data, design, variable, domains, options, Stat::Total)
}

fn mean_or_total(
    data: &Dataset,
    design: &Design,
    variable: &str,
    domains: &Domains,
    options: &EstimateOptions,
    stat: Stat,
) -> Result<Vec<Estimate>> {
    MeanPartial::of_rows(data, design, variable, domains, options, 0..design.n_rows())?
        .finish(design, domains, options, stat)
}

/// The sufficient statistics of a mean or total over some rows: per-unit weighted sums and
/// counts per domain. Partials over disjoint rows [`merge`](MeanPartial::merge) by
/// addition, so chunks, threads or machines can each reduce their rows and one of them
/// finishes.
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{mean, Domains, EstimateOptions, MeanPartial, Stat};
/// let ds = Dataset::from_columns(vec![
///     ("y".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 2.0, 3.0, 6.0]))),
/// ])?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let (dom, opts) = (Domains::whole(), EstimateOptions::default());
/// let mut a = MeanPartial::of_rows(&ds, &d, "y", &dom, &opts, 0..2)?;
/// a.merge(&MeanPartial::of_rows(&ds, &d, "y", &dom, &opts, 2..4)?);
/// assert_eq!(a.finish(&d, &dom, &opts, Stat::Mean)?, mean(&ds, &d, "y", &dom, &opts)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MeanPartial {
    variable: String,
    passes: Vec<DomainPass>,
}

impl MeanPartial {
    /// Reduces rows `rows` of the design.
    ///
    /// # Errors
    /// The column is missing or not numeric.
    pub fn of_rows(
        data: &Dataset,
        design: &Design,
        variable: &str,
        domains: &Domains,
        options: &EstimateOptions,
        rows: std::ops::Range<usize>,
    ) -> Result<Self> {
        design.check_data(data)?;
        domains.check_data(data)?;
        let col = data.numeric(variable)?;
        let excluded = options.excluded_values();
        let passes = match col.small_ints() {
            // A column held as small integers (`v + 1`, 0 when missing) is read as such.
            Some(small) => run_pass_over(design, domains, 2, rows, |row, _| {
                let s = small[row];
                let y = crate::data::small_number(s);
                if s == 0 || excluded.contains(y) {
                    return RowStatus::Missing;
                }
                RowStatus::Value(y)
            }),
            None => {
                let values = col.values();
                let valid = col.validity();
                run_pass_over(design, domains, 2, rows, |row, _| {
                    if !valid.is_valid(row) || excluded.contains(values[row]) {
                        return RowStatus::Missing;
                    }
                    RowStatus::Value(values[row])
                })
            }
        };
        Ok(Self {
            variable: variable.to_string(),
            passes,
        })
    }

    /// Adds a partial over other rows of the same design, variable and domains.
    pub fn merge(&mut self, other: &MeanPartial) {
        for (a, b) in self.passes.iter_mut().zip(&other.passes) {
            a.merge(b);
        }
    }

    /// The mean (`Stat::Mean`) or total (any other stat) per domain.
    ///
    /// # Errors
    /// As [`mean`].
    pub fn finish(
        &self,
        design: &Design,
        domains: &Domains,
        options: &EstimateOptions,
        stat: Stat,
    ) -> Result<Vec<Estimate>> {
        let stat = if stat == Stat::Mean {
            Stat::Mean
        } else {
            Stat::Total
        };
        domains.rows(&self.passes, |pass| {
            Ok(vec![finish(
                design,
                pass,
                options,
                stat,
                &self.variable,
                domains.is_by(),
            )?])
        })
    }
}

fn finish(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    stat: Stat,
    variable: &str,
    is_by: bool,
) -> Result<Estimate> {
    let row = unavailable(stat, variable, options.level.value(), "");
    let (quantity, scale) = match stat {
        Stat::Mean => (Smooth::ratio(2, 0, 1), SrsScale::Mean),
        _ => (Smooth::Linear(unit(2, 0)), SrsScale::Total),
    };
    let srs = Some((0, scale));
    quantity_row(
        design,
        pass,
        options,
        row,
        &quantity,
        srs,
        RowInterval::Symmetric,
        is_by,
    )
}
