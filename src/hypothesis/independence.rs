//! The two-way table test run on a design: cell shares and their covariance from the
//! variance engine, then [`svychisq`].

use super::{ChisqStatistic, TestError, svychisq};
use crate::data::{Dataset, MISSING_CODE};
use crate::design::Design;
use crate::estimate::linear::{Smooth, covariance_of, unit};
use crate::estimate::pass::{RowStatus, run_pass};
use crate::estimate::{Domains, EstimateError, Stat};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A test result row: `statistic`, `p_value`, `ndf`, `ddf` instead of estimate fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRow {
    /// The spec's estimate id.
    pub id: String,
    /// Always [`Stat::Chisq`].
    pub stat: Stat,
    /// The two variables, `row,column`.
    pub variable: String,
    /// The domain, `None` for the whole population.
    pub domain: Option<BTreeMap<String, String>>,
    /// The statistic.
    pub statistic: Option<f64>,
    /// Its upper-tail p-value.
    pub p_value: Option<f64>,
    /// Numerator degrees of freedom.
    pub ndf: Option<f64>,
    /// Denominator degrees of freedom (`None` for a χ² reference).
    pub ddf: Option<f64>,
    /// The statistic's name as the spec spells it.
    pub method: ChisqStatistic,
    /// Rows with both values.
    pub n: u64,
    /// Why a value is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What went wrong testing independence.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndependenceError {
    /// Reading the variables or the design's variance failed.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    /// The test itself failed.
    #[error(transparent)]
    Test(#[from] TestError),
}

/// Tests independence of `row_var` and `col_var` under the design, as R's
/// `svychisq(~row_var + col_var, design, statistic = …)`. Rows missing either variable
/// leave the table but stay in the design, and count in the `n` that R scales the table to
/// (`nrow(design)`, every row): the X² that `Chisq` and `saddlepoint` report is R's, and the
/// p-values do not depend on `n` (X² and the design effects both scale with it).
///
/// # Errors
/// [`IndependenceError`]: a column is missing, a variable has fewer than two categories.
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::hypothesis::{independence, ChisqStatistic};
/// let csv = "a,b\nx,u\nx,u\nx,v\ny,v\ny,v\ny,u\nx,u\ny,v\n";
/// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let t = independence(&ds, &d, "a", "b", ChisqStatistic::Chisq)?;
/// assert_eq!(t.statistic, Some(2.0)); // Pearson's X² of the 3/1/1/3 table
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "svychisq")]
pub fn independence(
    data: &Dataset,
    design: &Design,
    row_var: &str,
    col_var: &str,
    statistic: ChisqStatistic,
) -> Result<TestRow, IndependenceError> {
    design.check_data(data).map_err(EstimateError::from)?;
    let rows = data.factor(row_var).map_err(EstimateError::from)?;
    let cols = data.factor(col_var).map_err(EstimateError::from)?;
    let (r, c) = (rows.levels().len(), cols.levels().len());
    let cells = r * c;
    let (rc, cc) = (rows.codes(), cols.codes());
    let passes = run_pass(design, &Domains::whole(), cells + 1, |i, buf| {
        if rc[i] == MISSING_CODE || cc[i] == MISSING_CODE {
            return RowStatus::Missing;
        }
        buf.iter_mut().for_each(|b| *b = 0.0);
        buf[rc[i] as usize + r * cc[i] as usize] = 1.0;
        buf[cells] = 1.0;
        RowStatus::In
    });
    let pass = &passes[0];
    let t = pass.totals.clone();
    let w = t[cells];
    let p: Vec<f64> = t[..cells].iter().map(|x| x / w).collect();
    let k = cells + 1;
    let shares: Vec<Smooth> = (0..cells).map(|a| Smooth::ratio(k, a, cells)).collect();
    let totals: Vec<Smooth> = (0..cells).map(|a| Smooth::Linear(unit(k, a))).collect();
    let vcov = covariance_of(design, pass, &shares)?;
    let vtot = covariance_of(design, pass, &totals)?;
    let moments = super::TableMoments {
        n_rows: r,
        n_cols: c,
        cell_proportions: &p,
        vcov: &vcov,
        cell_total_vcov: Some(&vtot),
        n_obs: design.n_rows() as f64,
        design_df: design.degrees_of_freedom(),
        total_weight: w,
    };
    let test = svychisq(&moments, statistic)?;
    Ok(TestRow {
        id: String::new(),
        stat: Stat::Chisq,
        variable: format!("{row_var},{col_var}"),
        domain: None,
        statistic: Some(test.statistic),
        p_value: Some(test.p_value),
        ndf: Some(test.ndf),
        ddf: test.ddf,
        method: statistic,
        n: pass.n,
        note: None,
    })
}
