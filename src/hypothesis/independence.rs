//! The two-way table test run on a design: cell shares and their covariance from the
//! variance engine, then [`svychisq`].

use super::{ChisqStatistic, TestError, svychisq};
use crate::data::{Dataset, MISSING_CODE};
use crate::design::Design;
use crate::estimate::linear::{Smooth, covariance_of, unit};
use crate::estimate::pass::{DomainPass, RowStatus, run_pass};
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

impl TestRow {
    /// Makes every value that is not finite `None` and names them in the note.
    pub(crate) fn null_non_finite(&mut self) {
        crate::estimate::result::null_non_finite(
            [
                ("statistic", &mut self.statistic),
                ("p_value", &mut self.p_value),
                ("ndf", &mut self.ndf),
                ("ddf", &mut self.ddf),
            ],
            &mut self.note,
        );
    }
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
    /// The same column as row and column variable.
    #[error(
        "{variable:?} is tested against itself: a test of independence needs two different variables"
    )]
    SameVariable {
        /// The column.
        variable: String,
    },
    /// A variable with fewer than two categories among the rows that have both values.
    #[error("{variable:?} has {} among the rows with a value of {other:?}: a test of independence needs at least 2 categories", match categories { 0 => "no value".to_string(), 1 => "1 category".to_string(), k => format!("{k} categories") })]
    TooFewCategories {
        /// The variable.
        variable: String,
        /// Its categories.
        categories: usize,
        /// The other variable.
        other: String,
    },
    /// A table too large to test in reasonable time and memory.
    #[error(
        "a test of {row_var:?} ({rows} categories) against {col_var:?} ({cols} categories) has {contrasts} interaction contrasts, more than the {limit} tested here (the work grows with the cube of that number); merge categories of either variable first"
    )]
    TooLarge {
        /// Row variable.
        row_var: String,
        /// Its categories.
        rows: usize,
        /// Column variable.
        col_var: String,
        /// Its categories.
        cols: usize,
        /// `(rows − 1)(cols − 1)`.
        contrasts: usize,
        /// [`MAX_CONTRASTS`].
        limit: usize,
    },
    /// The table's covariance matrix cannot be inverted.
    #[error(
        "the design covariance of the table of {row_var:?} by {col_var:?} is singular ({detail}): one variable may determine the other, or categories be too sparse; merge sparse categories"
    )]
    Singular {
        /// Row variable.
        row_var: String,
        /// Column variable.
        col_var: String,
        /// Which matrix.
        detail: String,
    },
}

/// Most interaction contrasts, `(r − 1)(c − 1)`, that [`independence`] tests: the tests
/// decompose matrices of that order (a 20 × 20 table takes seconds, 60 × 60 hours).
pub const MAX_CONTRASTS: usize = 300;

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
    let (rows, cols) = table_factors(data, row_var, col_var)?;
    let (r, c) = (rows.levels().len(), cols.levels().len());
    // Categories among the rows with both values.
    let (rc, cc) = (rows.codes(), cols.codes());
    let mut seen = (vec![false; r], vec![false; c]);
    for (&a, &b) in rc.iter().zip(cc) {
        if a != MISSING_CODE && b != MISSING_CODE {
            seen.0[a as usize] = true;
            seen.1[b as usize] = true;
        }
    }
    let mut checks = [(row_var, col_var, &seen.0), (col_var, row_var, &seen.1)];
    if c == 0 {
        // A variable missing on every row is the one to name.
        checks.swap(0, 1);
    }
    for (variable, other, seen) in checks {
        let categories = seen.iter().filter(|s| **s).count();
        if categories < 2 {
            return Err(IndependenceError::TooFewCategories {
                variable: variable.to_string(),
                categories,
                other: other.to_string(),
            });
        }
    }
    let cells = r * c;
    let passes = cell_pass(design, &Domains::whole(), (rc, cc), r, cells);
    let table = Table {
        row_var,
        col_var,
        r,
        c,
        present: (vec![true; r], vec![true; c]),
        row_labels: rows.labels().into_iter().map(String::from).collect(),
        col_labels: cols.labels().into_iter().map(String::from).collect(),
    };
    let n_obs = design.n_data_rows() as f64;
    test_table(
        design,
        &passes[0],
        &table,
        n_obs,
        design.degrees_of_freedom(),
        statistic,
    )
}

/// The table of one test: its variables, their categories, and which occur.
struct Table<'a> {
    row_var: &'a str,
    col_var: &'a str,
    r: usize,
    c: usize,
    present: (Vec<bool>, Vec<bool>),
    row_labels: Vec<String>,
    col_labels: Vec<String>,
}

/// The test of one pass's table (the categories that occur), scaled to `n_obs` rows with
/// `design_df` degrees of freedom.
fn test_table(
    design: &Design,
    pass: &crate::estimate::pass::DomainPass,
    table: &Table<'_>,
    n_obs: f64,
    design_df: f64,
    statistic: ChisqStatistic,
) -> Result<TestRow, IndependenceError> {
    let (r, c) = (table.r, table.c);
    let cells = r * c;
    let row_idx: Vec<usize> = (0..r).filter(|&a| table.present.0[a]).collect();
    let col_idx: Vec<usize> = (0..c).filter(|&b| table.present.1[b]).collect();
    // Cells of the categories that occur, column-major as R's interaction().
    let kept: Vec<usize> = col_idx
        .iter()
        .flat_map(|&b| row_idx.iter().map(move |&a| a + r * b))
        .collect();
    let t = &pass.totals;
    let w = t[cells];
    let p: Vec<f64> = kept.iter().map(|&a| t[a] / w).collect();
    let k = cells + 1;
    let shares: Vec<Smooth> = kept.iter().map(|&a| Smooth::ratio(k, a, cells)).collect();
    let totals: Vec<Smooth> = kept.iter().map(|&a| Smooth::Linear(unit(k, a))).collect();
    let vcov = covariance_of(design, pass, &shares)?;
    let vtot = covariance_of(design, pass, &totals)?;
    let moments = super::TableMoments {
        n_rows: row_idx.len(),
        n_cols: col_idx.len(),
        cell_proportions: &p,
        vcov: &vcov,
        cell_total_vcov: Some(&vtot),
        n_obs,
        design_df,
        total_weight: w,
    };
    let (row_var, col_var) = (table.row_var, table.col_var);
    let test = svychisq(&moments, statistic).map_err(|e| match e {
        TestError::SingularMatrix { what } => IndependenceError::Singular {
            row_var: row_var.to_string(),
            col_var: col_var.to_string(),
            detail: what.to_string(),
        },
        TestError::EmptyMargin { margin, index } => {
            let (variable, other, labels, idx) = match margin {
                "row" => (row_var, col_var, &table.row_labels, &row_idx),
                _ => (col_var, row_var, &table.col_labels, &col_idx),
            };
            IndependenceError::Singular {
                row_var: row_var.to_string(),
                col_var: col_var.to_string(),
                detail: format!(
                    "category {:?} of {variable:?} has no weight among the rows with a value \
                     of {other:?}",
                    idx.get(index)
                        .and_then(|&i| labels.get(i))
                        .map_or("?", String::as_str)
                ),
            }
        }
        other => other.into(),
    })?;
    // On a replicate design R's svychisq refers X² to the weighted sum of χ²₁ alone
    // (pchisqsum, no denominator): Farebrother's algorithm there, Ruben's series here.
    let (p_value, ddf) = match (&test.design_effects, statistic) {
        (Some(a), ChisqStatistic::Lincom) if design.replicates().is_some() => {
            let p = crate::numerics::quadform::positive_chisq_upper(test.pearson_statistic, a)
                .map_err(|_| TestError::NonFiniteResult {
                    what: "the lincom p-value (the series did not converge)",
                })?;
            (p, None)
        }
        _ => (test.p_value, test.ddf),
    };
    Ok(TestRow {
        id: String::new(),
        stat: Stat::Chisq,
        variable: format!("{row_var},{col_var}"),
        domain: None,
        statistic: Some(test.statistic),
        p_value: Some(p_value),
        ndf: Some(test.ndf),
        ddf,
        method: statistic,
        n: pass.n,
        note: None,
    })
}

/// [`independence`] in each domain, as R's `svychisq(~row_var + col_var, subset(design,
/// domain))` for each domain in turn (R's `svyby(..., svychisq)` fails: a test has no
/// `vcov`). The rows outside the domain stay in the design (domain estimation, R's
/// `subset`); the table is the domain's categories of either variable. R's `subset` drops
/// the other rows of a plain design but keeps them with zero weight in a calibrated or PPS
/// one, and `svychisq` counts the design's rows (`nrow`, the table's scale) and its PSUs
/// less strata (the degrees of freedom, not `degf`) on the rows it gets: the domain's
/// rows and PSUs, or, calibrated or PPS, every row and the whole design's degrees of
/// freedom. A domain where a variable
/// has fewer than two categories, or whose test fails, gets a row with no statistic and a
/// note (R stops for that domain).
///
/// # Errors
/// As [`independence`], for the whole table (a variable missing, the same variable twice,
/// a table too large).
pub fn independence_by(
    data: &Dataset,
    design: &Design,
    row_var: &str,
    col_var: &str,
    statistic: ChisqStatistic,
    domains: &Domains,
) -> Result<Vec<TestRow>, IndependenceError> {
    design.check_data(data).map_err(EstimateError::from)?;
    domains.check_data(data).map_err(EstimateError::from)?;
    let (rows, cols) = table_factors(data, row_var, col_var)?;
    let (r, c) = (rows.levels().len(), cols.levels().len());
    let (rc, cc) = (rows.codes(), cols.codes());
    let n_dom = domains.len();
    let mut present = vec![(vec![false; r], vec![false; c]); n_dom];
    for (i, (&a, &b)) in rc.iter().zip(cc).enumerate() {
        if a != MISSING_CODE
            && b != MISSING_CODE
            && let Some(d) = domains.code_of(i)
        {
            present[d].0[a as usize] = true;
            present[d].1[b as usize] = true;
        }
    }
    let cells = r * c;
    let passes = cell_pass(design, domains, (rc, cc), r, cells);
    let keeps_rows =
        (design.is_calibrated() && design.replicates().is_none()) || design.pps().is_some();
    let row_labels: Vec<String> = rows.labels().into_iter().map(String::from).collect();
    let col_labels: Vec<String> = cols.labels().into_iter().map(String::from).collect();
    let mut out = Vec::with_capacity(n_dom);
    for (d, pass) in passes.iter().enumerate() {
        let table = Table {
            row_var,
            col_var,
            r,
            c,
            present: present[d].clone(),
            row_labels: row_labels.clone(),
            col_labels: col_labels.clone(),
        };
        let n_obs = if keeps_rows {
            design.n_data_rows() as f64
        } else {
            (pass.n + pass.n_missing) as f64
        };
        // svychisq counts PSUs and strata on every row of the design it gets (not `degf`):
        // the domain's when `subset` drops the other rows, the whole design's otherwise.
        let design_df = if keeps_rows {
            design.degrees_of_freedom()
        } else {
            pass.domain_df(design)
        };
        let counts = |v: &[bool]| v.iter().filter(|x| **x).count();
        let few = [
            (row_var, col_var, counts(&table.present.0)),
            (col_var, row_var, counts(&table.present.1)),
        ]
        .into_iter()
        .find(|x| x.2 < 2);
        let result = match few {
            Some((variable, other, categories)) => Err(IndependenceError::TooFewCategories {
                variable: variable.to_string(),
                categories,
                other: other.to_string(),
            }),
            None => test_table(design, pass, &table, n_obs, design_df, statistic),
        };
        let mut row = result.unwrap_or_else(|e| TestRow {
            id: String::new(),
            stat: Stat::Chisq,
            variable: format!("{row_var},{col_var}"),
            domain: None,
            statistic: None,
            p_value: None,
            ndf: None,
            ddf: None,
            method: statistic,
            n: pass.n,
            note: Some(format!("no test in this domain: {e}")),
        });
        row.domain = Some(domains.label(d).clone());
        row.null_non_finite();
        out.push(row);
    }
    Ok(out)
}

/// The two variables of a table as factors, after the checks every test makes: two
/// different variables, and a table small enough to test.
fn table_factors<'a>(
    data: &'a Dataset,
    row_var: &str,
    col_var: &str,
) -> Result<(crate::data::Factor<'a>, crate::data::Factor<'a>), IndependenceError> {
    if row_var == col_var {
        return Err(IndependenceError::SameVariable {
            variable: row_var.to_string(),
        });
    }
    let rows = data.factor(row_var).map_err(EstimateError::from)?;
    let cols = data.factor(col_var).map_err(EstimateError::from)?;
    let (r, c) = (rows.levels().len(), cols.levels().len());
    let contrasts = r.saturating_sub(1) * c.saturating_sub(1);
    if contrasts > MAX_CONTRASTS {
        return Err(IndependenceError::TooLarge {
            row_var: row_var.to_string(),
            rows: r,
            col_var: col_var.to_string(),
            cols: c,
            contrasts,
            limit: MAX_CONTRASTS,
        });
    }
    Ok((rows, cols))
}

/// One pass over the rows with both codes: an indicator of the row's cell (row code +
/// `r` × column code, of `cells`) and a last slot of 1 for the total.
fn cell_pass(
    design: &Design,
    domains: &Domains,
    (rc, cc): (&[u32], &[u32]),
    r: usize,
    cells: usize,
) -> Vec<DomainPass> {
    run_pass(design, domains, cells + 1, |i, buf| {
        if rc[i] == MISSING_CODE || cc[i] == MISSING_CODE {
            return RowStatus::Missing;
        }
        buf.iter_mut().for_each(|b| *b = 0.0);
        buf[rc[i] as usize + r * cc[i] as usize] = 1.0;
        buf[cells] = 1.0;
        RowStatus::In
    })
}
