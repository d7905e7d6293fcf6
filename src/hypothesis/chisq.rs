//! Design-based tests of independence in a two-way table (R `survey`'s `svychisq`).

use serde::{Deserialize, Serialize};

use super::{Result, TestError};
use crate::numerics::dist;
use crate::numerics::linalg::{Matrix, generalized_eigenvalues, solve};
use crate::numerics::roots::uniroot;

/// Which test of independence [`svychisq`] computes; the default is [`ChisqStatistic::F`].
///
/// The serde names are R's `statistic=` values: `"F"`, `"Chisq"`, `"Wald"`, `"adjWald"`,
/// `"saddlepoint"`.
///
/// ```
/// use survey_stats::hypothesis::ChisqStatistic;
///
/// assert_eq!(ChisqStatistic::default(), ChisqStatistic::F);
/// let s: ChisqStatistic = serde_json::from_str("\"adjWald\"")?;
/// assert_eq!(s, ChisqStatistic::AdjWald);
/// assert_eq!(serde_json::to_string(&ChisqStatistic::Saddlepoint)?, "\"saddlepoint\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ChisqStatistic {
    /// Rao–Scott second-order correction: Pearson's X² divided by the trace of the design
    /// effect matrix, referred to an F distribution with Satterthwaite degrees of freedom.
    #[default]
    #[serde(rename = "F")]
    F,
    /// Rao–Scott first-order correction: X² divided by the mean generalized design effect,
    /// referred to χ² with `(r − 1)(c − 1)` degrees of freedom.
    #[serde(rename = "Chisq")]
    Chisq,
    /// Wald test of the differences between the weighted cell totals and those expected
    /// under independence (Koch et al. 1975; SUDAAN's test), divided by its degrees of
    /// freedom, referred to F with `design_df` denominator degrees of freedom.
    #[serde(rename = "Wald")]
    Wald,
    /// The Wald statistic adjusted for few PSUs relative to its degrees of freedom (Thomas &
    /// Rao 1987), with denominator degrees of freedom `design_df − (r − 1)(c − 1) + 1`.
    #[serde(rename = "adjWald")]
    AdjWald,
    /// Saddlepoint approximation to the distribution of X² as a weighted sum of χ²₁ variables
    /// over a χ² denominator.
    #[serde(rename = "saddlepoint")]
    Saddlepoint,
    /// The exact (asymptotic) distribution of X² as a weighted sum of χ²₁ variables over a
    /// χ² denominator, by numerical integration (R's `statistic = "lincom"`).
    #[serde(rename = "lincom")]
    Lincom,
}

/// Estimated moments of an `r × c` table: what [`svychisq`] needs from the variance engine.
///
/// Cells are ordered column-major, as R's `expand.grid(rows, cols)` and
/// `interaction(rowvar, colvar)`: cell `(i, j)` (row `i`, column `j`, 0-based) has index
/// `i + r·j`. Covariance matrices are row-major and assumed symmetric.
///
/// ```
/// use survey_stats::hypothesis::TableMoments;
///
/// let p = [0.25; 4];
/// let vcov = [0.0; 16];
/// let table = TableMoments {
///     n_rows: 2,
///     n_cols: 2,
///     cell_proportions: &p,
///     vcov: &vcov,
///     cell_total_vcov: None,
///     n_obs: 40.0,
///     design_df: 39.0,
///     total_weight: 400.0,
/// };
/// assert_eq!(table.cell_proportions[1 + 2 * 1], 0.25); // row 1, column 1
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableMoments<'a> {
    /// Number of row categories `r` (at least 2).
    pub n_rows: usize,
    /// Number of column categories `c` (at least 2).
    pub n_cols: usize,
    /// The `r·c` weighted cell shares (`svymean` of the cell indicators); they sum to 1.
    pub cell_proportions: &'a [f64],
    /// The `(r·c) × (r·c)` design covariance matrix of the cell shares.
    pub vcov: &'a [f64],
    /// The `(r·c) × (r·c)` design covariance matrix of the weighted cell totals (`svytotal`
    /// of the cell indicators). Needed by [`ChisqStatistic::Wald`] and
    /// [`ChisqStatistic::AdjWald`] only, which R computes from the totals: when the estimated
    /// total weight has design variance (e.g. cluster samples with unequal cluster sizes) the
    /// share covariance alone does not determine those tests.
    pub cell_total_vcov: Option<&'a [f64]>,
    /// Number of observations `n` (R: rows of the design); X² is computed on the table of
    /// shares scaled to sum to `n`.
    pub n_obs: f64,
    /// Design degrees of freedom ν (R: `degf(design)`, PSUs minus strata).
    pub design_df: f64,
    /// Estimated total weight `N̂` (sum of the weights).
    pub total_weight: f64,
}

/// The result of [`svychisq`].
///
/// `statistic`, `ndf`, `ddf` and `p_value` are R's `statistic`, `parameter` and `p.value`,
/// except where R reports no parameter (see [`svychisq`]).
///
/// ```
/// use survey_stats::hypothesis::{ChisqStatistic, ChisqTest};
///
/// let t = ChisqTest {
///     statistic: 4.0,
///     ndf: 1.0,
///     ddf: None,
///     p_value: 0.0455,
///     method: ChisqStatistic::Chisq,
///     pearson_statistic: 4.0,
///     design_effects: Some(vec![1.0]),
/// };
/// let json = serde_json::to_string(&t)?;
/// assert!(json.contains("\"method\":\"Chisq\""));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChisqTest {
    /// The test statistic (R's `statistic`): an F value for `F`, `Wald`, `adjWald`;
    /// Pearson's X² for `Chisq` and `saddlepoint`.
    pub statistic: f64,
    /// Numerator degrees of freedom; for `Chisq` and `saddlepoint`, the number
    /// `(r − 1)(c − 1)` of interaction contrasts.
    pub ndf: f64,
    /// Denominator degrees of freedom; `None` for the χ² reference of `Chisq`.
    pub ddf: Option<f64>,
    /// Upper-tail p-value.
    pub p_value: f64,
    /// The statistic computed.
    pub method: ChisqStatistic,
    /// Pearson's X² of the weighted table scaled to `n_obs`.
    pub pearson_statistic: f64,
    /// The generalized design effects δ₁ ≥ … ≥ δ_k (eigenvalues of Rao and Scott's Δ) for the
    /// Pearson-based statistics; `None` for the Wald tests, which do not use them.
    pub design_effects: Option<Vec<f64>>,
}

/// Tests independence of the rows and columns of a two-way table from survey data, as R
/// `survey::svychisq(~row + col, design, statistic = …)` (survey 4.1.1).
///
/// Pearson's statistic of the weighted table scaled to the number of observations, and Rao and
/// Scott's design effect matrix Δ of the `k = (r − 1)(c − 1)` interaction contrasts:
///
/// ```text
/// source: R survey:::svychisq.survey.design; Rao & Scott (1984), Ann. Statist. 12:46–60
/// O_ij = n·p_ij,  E_ij = O_i+·O_+j / n,  X² = Σ (O_ij − E_ij)² / E_ij   (chisq.test)
/// C  = (I − H)·X_int: the interaction dummies of the r×c grid, residualised on the
///      row + column dummies (qr.resid); for the balanced grid, double centering:
///      C[(k,l),(i,j)] = [k=i][l=j] − [k=i]/c − [l=j]/r + 1/(rc)   (i ≥ 2, j ≥ 2)
/// D⁻ = diag(1/p_ij), 0 for empty cells;  V = design covariance of the shares
/// Δ  = (Cᵀ D⁻ C / n)⁻¹ · (Cᵀ D⁻ V D⁻ C),  δ = eigenvalues(Δ)
/// d₀ = tr(Δ)² / tr(Δ²)
/// ```
///
/// then, by `statistic`:
///
/// ```text
/// F            (Thomas & Rao 1990 denominator df)
///              statistic = X² / tr(Δ),  ndf = d₀,  ddf = d₀·ν,  p = P(F(d₀, d₀ν) > statistic)
/// Chisq        statistic = X²,  ndf = k,  p = P(χ²_k > X² / mean(δ))
/// saddlepoint  statistic = X²,  ndf = k,  ddf = d₀·ν,
///              p = P(Σ δ_i χ²_1,i − (X²/(d₀ν))·χ²_⌊d₀ν⌋ > 0)   (survey:::pFsum, "saddlepoint")
///              by Kuonen's (1999) saddlepoint formula (survey:::saddle); where that gives
///              no answer (saddle point within 1e-4 of 0) the F p-value above is used
/// Wald         on the weighted cell totals T_ij with N̂ = Σ T_ij (R: svytotal):
///              Y_ij = T_ij − T_i+·T_+j / N̂,  i ≥ 2, j ≥ 2;  V_Y = J V_T Jᵀ (delta method)
///              W = Yᵀ V_Y⁻¹ Y;  statistic = W / k,  ndf = k,  ddf = ν
/// adjWald      ddf = ν − k + 1,  statistic = W·ddf / (k·ν),  ndf = k
/// ```
///
/// R reports no degrees of freedom for `saddlepoint`; here `ndf` and `ddf` give those of the
/// reference distribution it uses. Where R fails (the root search of the saddlepoint finds
/// no bracket, e.g. X² = 0) the F p-value is used as well.
///
/// # Errors
///
/// * [`TestError::TooFewCategories`], [`TestError::LengthMismatch`],
///   [`TestError::NonFinite`], [`TestError::NegativeProportion`],
///   [`TestError::ProportionsDoNotSumToOne`] (beyond 1e-8), [`TestError::InvalidParameter`]
///   for invalid inputs;
/// * [`TestError::EmptyMargin`] when a row or column has zero weight;
/// * [`TestError::SingularMatrix`] when Δ or the Wald covariance cannot be formed;
/// * [`TestError::MissingTotalVcov`] for `Wald`/`adjWald` without `cell_total_vcov`;
/// * [`TestError::NonPositiveDf`] for `adjWald` with `ν < k`;
/// * [`TestError::NonFiniteResult`] when the design effects are not positive (e.g. a zero
///   covariance matrix) or a p-value cannot be computed.
///
/// # Example
///
/// A 2×2 table with the multinomial covariance, so Δ = 1 and the Rao–Scott statistics reduce
/// to Pearson's test:
///
/// ```
/// use survey_stats::hypothesis::{svychisq, ChisqStatistic, TableMoments};
///
/// let p = [0.3, 0.2, 0.2, 0.3];
/// let (n, total) = (100.0, 1000.0);
/// let mut vcov = vec![0.0; 16];
/// for a in 0..4 {
///     for b in 0..4 {
///         vcov[a * 4 + b] = (if a == b { p[a] } else { 0.0 } - p[a] * p[b]) / n;
///     }
/// }
/// // With a fixed total weight, the totals' covariance is N̂² times the shares'.
/// let vcov_totals: Vec<f64> = vcov.iter().map(|v| v * total * total).collect();
/// let table = TableMoments {
///     n_rows: 2,
///     n_cols: 2,
///     cell_proportions: &p,
///     vcov: &vcov,
///     cell_total_vcov: Some(&vcov_totals),
///     n_obs: n,
///     design_df: 99.0,
///     total_weight: total,
/// };
///
/// let f = svychisq(&table, ChisqStatistic::F)?;
/// assert!((f.statistic - 4.0).abs() < 1e-12);
/// assert!((f.ndf - 1.0).abs() < 1e-12);
/// // R: pf(4, 1, 99, lower.tail = FALSE)
/// assert!((f.p_value - 0.048239693372632966).abs() < 1e-12);
///
/// let chisq = svychisq(&table, ChisqStatistic::Chisq)?;
/// assert_eq!(chisq.ddf, None);
/// // R: pchisq(4, 1, lower.tail = FALSE)
/// assert!((chisq.p_value - 0.04550026389635847).abs() < 1e-12);
///
/// // Wald: Y = p₁₁ − p₁₊p₊₁ = 0.05 with delta-method variance
/// // (Var p₂₁ + Var p₁₂ + 2 Cov)/4 = (0.16 + 0.16 − 0.08)/(4n), so W = 0.0025/0.0006 = 25/6.
/// let wald = svychisq(&table, ChisqStatistic::Wald)?;
/// assert!((wald.statistic - 25.0 / 6.0).abs() < 1e-9);
/// assert_eq!(wald.ddf, Some(99.0));
/// # Ok::<(), survey_stats::hypothesis::TestError>(())
/// ```
pub fn svychisq(m: &TableMoments, statistic: ChisqStatistic) -> Result<ChisqTest> {
    let k = validate(m)?;
    let pearson = pearson_statistic(m)?;
    match statistic {
        ChisqStatistic::Wald | ChisqStatistic::AdjWald => wald(m, statistic, k, pearson),
        ChisqStatistic::F
        | ChisqStatistic::Chisq
        | ChisqStatistic::Saddlepoint
        | ChisqStatistic::Lincom => rao_scott(m, statistic, k, pearson),
    }
}

/// Checks the inputs; returns the number `k = (r − 1)(c − 1)` of interaction contrasts.
fn validate(m: &TableMoments) -> Result<usize> {
    let (r, c) = (m.n_rows, m.n_cols);
    if r < 2 || c < 2 {
        return Err(TestError::TooFewCategories {
            n_rows: r,
            n_cols: c,
        });
    }
    let cells = r * c;
    let check_len = |what, got: usize, expected| {
        if got == expected {
            Ok(())
        } else {
            Err(TestError::LengthMismatch {
                what,
                expected,
                got,
            })
        }
    };
    let check_finite = |what, values: &[f64]| match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(TestError::NonFinite { what, index }),
        None => Ok(()),
    };
    check_len("cell_proportions", m.cell_proportions.len(), cells)?;
    check_len("vcov", m.vcov.len(), cells * cells)?;
    check_finite("cell_proportions", m.cell_proportions)?;
    check_finite("vcov", m.vcov)?;
    if let Some(vt) = m.cell_total_vcov {
        check_len("cell_total_vcov", vt.len(), cells * cells)?;
        check_finite("cell_total_vcov", vt)?;
    }
    if let Some((index, &value)) = m
        .cell_proportions
        .iter()
        .enumerate()
        .find(|(_, v)| **v < 0.0)
    {
        return Err(TestError::NegativeProportion { index, value });
    }
    let sum: f64 = m.cell_proportions.iter().sum();
    if (sum - 1.0).abs() > 1e-8 {
        return Err(TestError::ProportionsDoNotSumToOne { sum });
    }
    for (what, value) in [
        ("n_obs", m.n_obs),
        ("design_df", m.design_df),
        ("total_weight", m.total_weight),
    ] {
        if !(value.is_finite() && value > 0.0) {
            return Err(TestError::InvalidParameter { what, value });
        }
    }
    Ok((r - 1) * (c - 1))
}

/// Row and column sums of the cell shares.
fn margins(m: &TableMoments) -> (Vec<f64>, Vec<f64>) {
    let r = m.n_rows;
    let rows = (0..r)
        .map(|i| (0..m.n_cols).map(|j| m.cell_proportions[i + r * j]).sum())
        .collect();
    let cols = (0..m.n_cols)
        .map(|j| m.cell_proportions[r * j..r * (j + 1)].iter().sum())
        .collect();
    (rows, cols)
}

/// Pearson's X² of the table of shares scaled to `n_obs` (R: `chisq.test(svytable(formula,
/// design, Ntotal = n), correct = FALSE)`).
fn pearson_statistic(m: &TableMoments) -> Result<f64> {
    let r = m.n_rows;
    let observed: Vec<f64> = m.cell_proportions.iter().map(|p| p * m.n_obs).collect();
    let total: f64 = observed.iter().sum();
    let row_sums: Vec<f64> = (0..r)
        .map(|i| (0..m.n_cols).map(|j| observed[i + r * j]).sum())
        .collect();
    let col_sums: Vec<f64> = (0..m.n_cols)
        .map(|j| observed[r * j..r * (j + 1)].iter().sum())
        .collect();
    if let Some(index) = row_sums.iter().position(|s| *s <= 0.0) {
        return Err(TestError::EmptyMargin {
            margin: "row",
            index,
        });
    }
    if let Some(index) = col_sums.iter().position(|s| *s <= 0.0) {
        return Err(TestError::EmptyMargin {
            margin: "column",
            index,
        });
    }
    let mut x2 = 0.0;
    for j in 0..m.n_cols {
        for i in 0..r {
            let expected = row_sums[i] * col_sums[j] / total;
            x2 += (observed[i + r * j] - expected).powi(2) / expected;
        }
    }
    finite(x2, "Pearson X²")
}

/// The residuals of the interaction dummies of the `r × c` grid on the row and column
/// dummies: R's `qr.resid(qr(X1), X12[, -(1:(nr + nc - 1))])`, which for the balanced grid is
/// the double-centred indicator of each interaction cell `(i, j)`, `i, j ≥ 1` (0-based),
/// columns ordered with `i` fastest.
fn interaction_contrasts(r: usize, c: usize) -> Matrix {
    let (rf, cf) = (r as f64, c as f64);
    let mut cmat = Matrix::zeros(r * c, (r - 1) * (c - 1));
    let mut col = 0;
    for j in 1..c {
        for i in 1..r {
            for l in 0..c {
                for kk in 0..r {
                    let same_row = if kk == i { 1.0 } else { 0.0 };
                    let same_col = if l == j { 1.0 } else { 0.0 };
                    let v = same_row * same_col - same_row / cf - same_col / rf + 1.0 / (rf * cf);
                    cmat.set(kk + r * l, col, v);
                }
            }
            col += 1;
        }
    }
    cmat
}

/// The Rao–Scott family: `F`, `Chisq`, `saddlepoint`.
fn rao_scott(
    m: &TableMoments,
    statistic: ChisqStatistic,
    k: usize,
    pearson: f64,
) -> Result<ChisqTest> {
    let cells = m.n_rows * m.n_cols;
    let cmat = interaction_contrasts(m.n_rows, m.n_cols);
    let inv_p: Vec<f64> = m
        .cell_proportions
        .iter()
        .map(|p| if *p == 0.0 { 0.0 } else { 1.0 / p })
        .collect();
    // D⁻C, row (cell) a scaled by 1/p_a.
    let mut dc = cmat.clone();
    for (a, inv) in inv_p.iter().enumerate() {
        for b in 0..k {
            dc.set(a, b, cmat.get(a, b) * inv);
        }
    }
    let ct = cmat.transpose();
    let mut denom = ct.mul(&dc);
    for a in 0..k {
        for b in 0..k {
            denom.set(a, b, denom.get(a, b) / m.n_obs);
        }
    }
    let v =
        Matrix::from_row_major(cells, cells, m.vcov.to_vec()).ok_or(TestError::LengthMismatch {
            what: "vcov",
            expected: cells * cells,
            got: m.vcov.len(),
        })?;
    let numr = dc.transpose().mul(&v).mul(&dc);
    let delta = solve(&denom, &numr).ok_or(TestError::SingularMatrix {
        what: "Cᵀ D⁻¹ C (multinomial covariance of the interaction contrasts)",
    })?;
    let trace = delta.trace();
    let trace_sq = delta.mul(&delta).trace();
    if !(trace > 0.0 && trace_sq > 0.0) {
        return Err(TestError::NonFiniteResult {
            what: "Rao–Scott design effects (trace of Δ is not positive)",
        });
    }
    let d0 = finite(trace * trace / trace_sq, "Rao–Scott d₀")?;
    let ddf = d0 * m.design_df;
    let design_effects =
        generalized_eigenvalues(&denom, &numr).ok_or(TestError::SingularMatrix {
            what: "Cᵀ D⁻¹ C (multinomial covariance of the interaction contrasts)",
        })?;
    let kf = k as f64;
    let (stat, ndf, ddf_out, p) = match statistic {
        ChisqStatistic::F => {
            let f = pearson / trace;
            (f, d0, Some(ddf), f_upper(f, d0, ddf)?)
        }
        ChisqStatistic::Chisq => {
            let p = chisq_upper(pearson / (trace / kf), kf)?;
            (pearson, kf, None, p)
        }
        ChisqStatistic::Lincom => {
            let p = pfsum_integration_upper(pearson, &design_effects, ddf)?;
            (pearson, kf, Some(ddf), p)
        }
        _ => {
            let p = pfsum_saddlepoint_upper(pearson, &design_effects, ddf)?;
            (pearson, kf, Some(ddf), p)
        }
    };
    Ok(ChisqTest {
        statistic: stat,
        ndf,
        ddf: ddf_out,
        p_value: finite(p, "p-value")?,
        method: statistic,
        pearson_statistic: pearson,
        design_effects: Some(design_effects),
    })
}

/// The Wald and adjusted Wald tests on the weighted cell totals.
fn wald(m: &TableMoments, statistic: ChisqStatistic, k: usize, pearson: f64) -> Result<ChisqTest> {
    let vt = m
        .cell_total_vcov
        .ok_or(TestError::MissingTotalVcov { statistic })?;
    let (r, c) = (m.n_rows, m.n_cols);
    let cells = r * c;
    let n_hat = m.total_weight;
    let (row_share, col_share) = margins(m);
    let mut jac = Matrix::zeros(cells, cells);
    let mut y = vec![0.0; cells];
    for (j, &col_j) in col_share.iter().enumerate() {
        for (i, &row_i) in row_share.iter().enumerate() {
            let a = i + r * j;
            y[a] = m.cell_proportions[a] * n_hat - n_hat * row_i * col_j;
            for l in 0..c {
                for kk in 0..r {
                    let b = kk + r * l;
                    let mut d = row_i * col_j;
                    if a == b {
                        d += 1.0;
                    }
                    if kk == i {
                        d -= col_j;
                    }
                    if l == j {
                        d -= row_i;
                    }
                    jac.set(a, b, d);
                }
            }
        }
    }
    let vt =
        Matrix::from_row_major(cells, cells, vt.to_vec()).ok_or(TestError::LengthMismatch {
            what: "cell_total_vcov",
            expected: cells * cells,
            got: vt.len(),
        })?;
    let vy = jac.mul(&vt).mul(&jac.transpose());
    let used: Vec<usize> = (1..c)
        .flat_map(|j| (1..r).map(move |i| i + r * j))
        .collect();
    let y_used = Matrix::column(used.iter().map(|&a| y[a]).collect());
    let solved = solve(&vy.select(&used), &y_used).ok_or(TestError::SingularMatrix {
        what: "covariance of the interaction contrasts of the cell totals",
    })?;
    let w: f64 = y_used
        .as_slice()
        .iter()
        .zip(solved.as_slice())
        .map(|(a, b)| a * b)
        .sum();
    let kf = k as f64;
    let nu = m.design_df;
    let (stat, ddf) = if statistic == ChisqStatistic::AdjWald {
        let ddf = nu - kf + 1.0;
        if ddf <= 0.0 {
            return Err(TestError::NonPositiveDf { ddf });
        }
        (w * ddf / (kf * nu), ddf)
    } else {
        (w / kf, nu)
    };
    let stat = finite(stat, "Wald statistic")?;
    Ok(ChisqTest {
        statistic: stat,
        ndf: kf,
        ddf: Some(ddf),
        p_value: finite(f_upper(stat, kf, ddf)?, "p-value")?,
        method: statistic,
        pearson_statistic: pearson,
        design_effects: None,
    })
}

fn finite(value: f64, what: &'static str) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(TestError::NonFiniteResult { what })
    }
}

/// `P(F(ndf, ddf) > x)` (R's `pf(x, ndf, ddf, lower.tail = FALSE)`); either degrees of
/// freedom may be infinite.
fn f_upper(x: f64, ndf: f64, ddf: f64) -> Result<f64> {
    if !(ndf > 0.0 && ddf > 0.0) {
        return Err(TestError::NonFiniteResult {
            what: "F distribution degrees of freedom",
        });
    }
    let p = (!x.is_nan())
        .then(|| dist::f_sf(x, ndf, ddf).ok())
        .flatten();
    finite(p.unwrap_or(f64::NAN), "F p-value")
}

/// `P(χ²_df > x)` (R's `pchisq(x, df, lower.tail = FALSE)`).
fn chisq_upper(x: f64, df: f64) -> Result<f64> {
    if !(df > 0.0 && df.is_finite()) {
        return Err(TestError::NonFiniteResult {
            what: "χ² degrees of freedom",
        });
    }
    let p = (!x.is_nan()).then(|| dist::chisq_sf(x, df).ok()).flatten();
    finite(p.unwrap_or(f64::NAN), "χ² p-value")
}

/// Upper tail of `Σ a_i χ²_1` over an independent `χ²_ddf / ddf` at `x`, R's
/// `survey:::pFsum(x, rep(1, k), a, ddf, lower.tail = FALSE, method = "saddlepoint")`.
///
/// ```text
/// fallback (Satterthwaite): t = mean(a), t₂ = mean(a²)/t², ndf = k/t₂,
///     p = P(F(ndf, ddf) > x / (ndf·t·t₂))
/// saddlepoint: p = saddle(0, λ) with λ = (a_1, …, a_k, −x/ddf repeated m times),
///     m = ⌊ddf⌋ when ddf > 1 (R's rep() truncates), else 1; fallback where saddle is NA;
///     a ddf within 1e-9 (relative) of a whole number is that number
/// ```
fn pfsum_saddlepoint_upper(x: f64, a: &[f64], ddf: f64) -> Result<f64> {
    let repeats = {
        let copies = whole_if_near(ddf);
        if copies > 1.0 { copies.trunc() } else { 1.0 }
    };
    saddlepoint_with(x, a, ddf, repeats)
}

/// `ddf = d0·ν` is often a whole number in exact arithmetic (Δ = c·I gives d0 = k) that
/// rounding leaves a few ulps below it, where truncating would drop a term (R itself
/// does, on such noise); within 1e-9 of a whole number it counts as that number.
fn whole_if_near(ddf: f64) -> f64 {
    let whole = ddf.round();
    if (ddf - whole).abs() <= 1e-9 * whole.max(1.0) {
        whole
    } else {
        ddf
    }
}

/// R's `pFsum(x, rep(1, k), a, ddf, lower.tail = FALSE, method = "integration")`, the
/// p-value of `svychisq(statistic = "lincom")`: the exact upper tail of the asymptotic
/// distribution of X², a weighted sum of χ²₁ over an independent χ²_ddf / ddf.
///
/// ```text
/// p = P(Σ_i a_i·χ²_1 − (x/ddf)·χ²_m > 0),  m = as.integer(ddf)  (R's CompQuadForm::davies
///     takes integer degrees of freedom; a ddf within 1e-9 of a whole number is that number)
/// ```
/// computed by [`crate::numerics::quadform::weighted_chisq_upper`] (Imhof's inversion to
/// about 1e-12) where R uses Davies' algorithm at `acc = 1e-7`.
fn pfsum_integration_upper(x: f64, a: &[f64], ddf: f64) -> Result<f64> {
    let m = whole_if_near(ddf).trunc();
    let mut terms: Vec<(f64, f64)> = a.iter().map(|&v| (v, 1.0)).collect();
    terms.push((-x / ddf, m));
    crate::numerics::quadform::weighted_chisq_upper(&terms).map_err(|_| {
        TestError::NonFiniteResult {
            what: "the lincom p-value (the integral did not converge)",
        }
    })
}

fn saddlepoint_with(x: f64, a: &[f64], ddf: f64, repeats: f64) -> Result<f64> {
    let kf = a.len() as f64;
    let t = a.iter().sum::<f64>() / kf;
    let t2 = a.iter().map(|v| v * v).sum::<f64>() / kf / (t * t);
    let scale = t * t2;
    let ndf = kf / t2;
    let fallback = f_upper(x / ndf / scale, ndf, ddf)?;
    let mut terms: Vec<(f64, f64)> = a.iter().map(|&v| (v, 1.0)).collect();
    terms.push((-x / ddf, repeats));
    Ok(saddle(0.0, &terms).unwrap_or(fallback))
}

/// Kuonen's (1999, Biometrika 86:929–935) saddlepoint approximation to the upper tail of
/// `Σ λ_i χ²_1` at `x`, R's `survey:::saddle(x, lambda)`; `terms` are `(λ, multiplicity)`.
///
/// ```text
/// λ ← λ / max λ,  x ← x / max λ
/// K(ζ) = −½ Σ log(1 − 2ζλ_i),  K'(ζ) = Σ λ_i/(1 − 2ζλ_i),  K''(ζ) = 2 Σ λ_i²/(1 − 2ζλ_i)²
/// ζ̂: K'(ζ̂) = x  (uniroot, tol 1e-8, on R's bracket)
/// w = sign(ζ̂)·√(2(ζ̂x − K(ζ̂))),  v = ζ̂·√K''(ζ̂)
/// P = 1 − Φ(w + log(v/w)/w);  no answer (R: NA) when |ζ̂| < 1e-4
/// ```
///
/// `None` also where R stops with an error (no valid bracket) or gives NaN.
fn saddle(x: f64, terms: &[(f64, f64)]) -> Option<f64> {
    let d = terms.iter().map(|t| t.0).fold(f64::NEG_INFINITY, f64::max);
    if !(d > 0.0 && d.is_finite()) {
        return None;
    }
    let lam: Vec<(f64, f64)> = terms.iter().map(|&(l, n)| (l / d, n)).collect();
    let x = x / d;
    let n: f64 = lam.iter().map(|t| t.1).sum();
    let k0 = |z: f64| {
        -lam.iter()
            .map(|&(l, m)| m * (1.0 - 2.0 * z * l).ln())
            .sum::<f64>()
            / 2.0
    };
    let k1 = |z: f64| {
        lam.iter()
            .map(|&(l, m)| m * l / (1.0 - 2.0 * z * l))
            .sum::<f64>()
    };
    let k2 = |z: f64| {
        2.0 * lam
            .iter()
            .map(|&(l, m)| m * l * l / (1.0 - 2.0 * z * l).powi(2))
            .sum::<f64>()
    };
    let lmin = if lam.iter().any(|t| t.0 < 0.0) {
        lam.iter()
            .filter(|t| t.0 < 0.0)
            .map(|t| 1.0 / (2.0 * t.0))
            .fold(f64::NEG_INFINITY, f64::max)
            * 0.99999
    } else if x > lam.iter().map(|&(l, m)| m * l).sum::<f64>() {
        -0.01
    } else {
        -n / (2.0 * x)
    };
    let lmax = lam
        .iter()
        .filter(|t| t.0 > 0.0)
        .map(|t| 1.0 / (2.0 * t.0))
        .fold(f64::INFINITY, f64::min)
        * 0.99999;
    let zeta = uniroot(|z| k1(z) - x, lmin, lmax, 1e-8, 1000)?;
    let w = zeta.signum() * (2.0 * (zeta * x - k0(zeta))).sqrt();
    let v = zeta * k2(zeta).sqrt();
    if zeta.abs() < 1e-4 {
        return None;
    }
    let z = w + (v / w).ln() / w;
    let p = if z.is_nan() {
        f64::NAN
    } else {
        dist::normal_cdf(-z).ok()?
    };
    p.is_finite().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ones(values: &[f64]) -> Vec<(f64, f64)> {
        values.iter().map(|&v| (v, 1.0)).collect()
    }

    fn rel(got: f64, want: f64, tol: f64) {
        assert!(
            (got - want).abs() <= tol * want.abs(),
            "got {got}, want {want}"
        );
    }

    #[test]
    fn saddle_matches_r() {
        // R: survey:::saddle(x, lambda), survey 4.1.1.
        rel(
            saddle(5.0, &ones(&[1.5, 0.7])).unwrap(),
            0.10428106083943298,
            1e-7,
        );
        rel(
            saddle(0.5, &ones(&[1.5, 0.7, 0.2])).unwrap(),
            0.8489010713140677,
            1e-7,
        );
        rel(
            saddle(12.0, &ones(&[2.0, 1.0, 1.0, 0.5])).unwrap(),
            0.040417975411089754,
            1e-7,
        );
        // x at the mean: saddle point ≈ 0, R returns NA.
        assert_eq!(saddle(3.00001, &ones(&[1.0, 1.0, 1.0])), None);
        // Multiplicities are repetitions.
        let twice = saddle(12.0, &[(2.0, 1.0), (1.0, 2.0), (0.5, 1.0)]).unwrap();
        rel(twice, 0.040417975411089754, 1e-7);
    }

    #[test]
    fn pfsum_matches_r() {
        // R: survey:::pFsum(x, rep(1, 2), c(1.2, 0.5), ddf, lower.tail=FALSE, method="saddlepoint")
        let a = [1.2, 0.5];
        rel(
            pfsum_saddlepoint_upper(11.94089208074534, &a, 20.9).unwrap(),
            0.008456397007706788,
            1e-7,
        );
        // ddf ≤ 1: one copy of −x/ddf.
        rel(
            pfsum_saddlepoint_upper(3.0, &a, 0.8).unwrap(),
            0.4189302702622815,
            1e-7,
        );
        // ddf = 1.5: rep() truncates to one copy too.
        rel(
            pfsum_saddlepoint_upper(3.0, &a, 1.5).unwrap(),
            0.5286608311652199,
            1e-7,
        );
        // Saddle point near 0: R falls back to the Satterthwaite F.
        rel(
            pfsum_saddlepoint_upper(1.7, &a, 30.0).unwrap(),
            0.36850341540205095,
            1e-12,
        );
    }

    #[test]
    fn survival_functions_match_r_in_the_far_tail() {
        // R 4.2.2: pf(40, 1.83, 360.25, lower=FALSE), pf(2.4, 2, 14, lower=FALSE),
        // pchisq(60, 2, lower=FALSE), pchisq(0.01, 3.5, lower=FALSE). (statrs' survival
        // functions, used here before, were good to 1e-10 only.)
        rel(
            f_upper(40.0, 1.83, 360.25).unwrap(),
            2.390_647_137_408_64e-15,
            1e-13,
        );
        rel(f_upper(2.4, 2.0, 14.0).unwrap(), 0.1269963692462372, 1e-14);
        rel(
            chisq_upper(60.0, 2.0).unwrap(),
            9.357_622_968_840_175e-14,
            1e-14,
        );
        rel(
            chisq_upper(0.01, 3.5).unwrap(),
            0.999_941_731_627_356_3,
            1e-15,
        );
        // Invalid degrees of freedom are errors, NaN statistics too.
        assert!(f_upper(1.0, 0.0, 5.0).is_err());
        assert!(f_upper(f64::NAN, 1.0, 5.0).is_err());
        assert!(chisq_upper(1.0, f64::INFINITY).is_err());
        assert_eq!(
            f_upper(2.0, 3.0, f64::INFINITY).unwrap(),
            chisq_upper(6.0, 3.0).unwrap()
        );
    }

    #[test]
    fn interaction_contrasts_are_least_squares_residuals() {
        // Residuals of the interaction dummies on X1 = [1, row dummies, column dummies],
        // computed by the normal equations, equal the closed form.
        let (r, c) = (3, 4);
        let n = r * c;
        let p1 = r + c - 1;
        let mut x1 = Matrix::zeros(n, p1);
        for l in 0..c {
            for kk in 0..r {
                let a = kk + r * l;
                x1.set(a, 0, 1.0);
                if kk > 0 {
                    x1.set(a, kk, 1.0);
                }
                if l > 0 {
                    x1.set(a, r - 1 + l, 1.0);
                }
            }
        }
        let mut xi = Matrix::zeros(n, (r - 1) * (c - 1));
        let mut col = 0;
        for j in 1..c {
            for i in 1..r {
                xi.set(i + r * j, col, 1.0);
                col += 1;
            }
        }
        let x1t = x1.transpose();
        let beta = solve(&x1t.mul(&x1), &x1t.mul(&xi)).unwrap();
        let fitted = x1.mul(&beta);
        let closed = interaction_contrasts(r, c);
        for a in 0..n {
            for b in 0..xi.cols() {
                let resid = xi.get(a, b) - fitted.get(a, b);
                assert!((resid - closed.get(a, b)).abs() < 1e-13);
            }
        }
        assert_eq!(closed.rows(), n);
    }
}
