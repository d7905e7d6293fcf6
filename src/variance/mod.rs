//! Taylor-linearization variance from per-unit sums.
//!
//! Every estimator here is a smooth function of a few weighted totals
//! `T_j = Σ_k w_k·y_jk`. An estimator reduces the rows to the per-unit sums of the
//! `w_k·y_jk` ([`UnitSums`], one pass, merged by addition across chunks or threads), and
//! `linearized_covariance` turns those sums into the design covariance matrix of the totals. The
//! estimator then applies its gradient (the delta method): `Var(g(T)) = ∇gᵀ·V·∇g`, which is
//! exactly the variance of the linearized (influence) values `z_k = Σ_j ∂g/∂T_j·w_k·y_jk`.
//!
//! The formula is R `survey`'s `svyrecvar` (multistage, `survey.ultimate.cluster = FALSE`):
//!
//! ```text
//! V = Σ_h (1 − n_h/N_h)·n_h/(n_h − 1)·Σ_i (t_hi − t̄_h)(t_hi − t̄_h)ᵀ          stage 1
//!   + Σ_h (n_h/N_h)·Σ_i V_2(i)                                                 stage 2 within PSU i
//!   + …                                                                         (while stage s has an fpc)
//! ```
//!
//! where `t_hi` are the unit sums; without an fpc the factor `1 − n/N` is 1 and later stages
//! add nothing (sampling with replacement). A stratum whose `1 − n/N` is below 1e-7 is
//! sampled with certainty and adds nothing. Lonely units follow [`LonelyPsu`].
//! Source: Lumley (2010) *Complex Surveys*, §2.2 and appendix; R `survey:::onestrat`.
//! A PPS design without replacement uses its own forms instead (the `pps` module).
//!

mod pps;

use crate::design::{Design, DesignError, LonelyPsu};
use crate::numerics::linalg::{scale_exponent, times_pow2};

/// A dense symmetric `k × k` matrix (row-major), held as `data · 4^scale_log2`: values
/// whose squares would leave the range of `f64` (weights of 1e-200, totals of 1e200) are
/// scaled by a power of two before they are squared, so that standard errors stay exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariance {
    k: usize,
    data: Vec<f64>,
    scale_log2: i32,
    /// Only the diagonal is computed and held (`data` holds `k` variances).
    diagonal: bool,
    /// For a diagonal: each variable's own `scale_log2` (each combination's linearized
    /// values are scaled apart, as a call with that combination alone scales them).
    diagonal_scales: Vec<i32>,
}

impl Covariance {
    /// A zero matrix.
    pub fn zeros(k: usize) -> Self {
        Self {
            k,
            data: vec![0.0; k * k],
            scale_log2: 0,
            diagonal: false,
            diagonal_scales: Vec::new(),
        }
    }

    /// A zero diagonal of `k` variances (the rest of the matrix is not computed).
    fn zeros_diagonal(k: usize) -> Self {
        Self {
            k,
            data: vec![0.0; k],
            scale_log2: 0,
            diagonal: true,
            diagonal_scales: Vec::new(),
        }
    }

    /// A zero matrix of the same size and kind (full or diagonal).
    fn zeros_like(&self) -> Self {
        match self.diagonal {
            true => Self::zeros_diagonal(self.k),
            false => Self::zeros(self.k),
        }
    }

    /// Where element `(i, i)` is in `data`.
    fn diagonal_at(&self, i: usize) -> usize {
        if self.diagonal { i } else { i * self.k + i }
    }

    /// The square root of element `(i, i)`, a standard error: exact where the variance
    /// itself is beyond the range of `f64`. A negative rounding residue counts as 0.
    pub fn std_error(&self, i: usize) -> f64 {
        let v = self.data[self.diagonal_at(i)];
        let v = if v < 0.0 { 0.0 } else { v };
        times_pow2(v.sqrt(), self.scale_of(i))
    }

    /// The `scale_log2` of element `(i, i)`.
    fn scale_of(&self, i: usize) -> i32 {
        self.diagonal_scales
            .get(i)
            .copied()
            .unwrap_or(self.scale_log2)
    }

    /// The matrix, row-major (for a diagonal: zero off the diagonal).
    pub fn to_vec(&self) -> Vec<f64> {
        let k = self.k;
        (0..k * k)
            .map(|ij| match (ij / k, ij % k) {
                (i, j) if i == j => {
                    times_pow2(self.data[self.diagonal_at(i)], 2 * self.scale_of(i))
                }
                _ if self.diagonal => 0.0,
                _ => times_pow2(self.data[ij], 2 * self.scale_log2),
            })
            .collect()
    }

    fn add_outer(&mut self, scale: f64, x: &[f64]) {
        if self.diagonal {
            for (d, &xi) in self.data.iter_mut().zip(x) {
                *d += scale * xi * xi;
            }
            return;
        }
        for i in 0..self.k {
            if x[i] == 0.0 {
                continue;
            }
            let xi = scale * x[i];
            let row = &mut self.data[i * self.k..(i + 1) * self.k];
            for j in 0..self.k {
                row[j] += xi * x[j];
            }
        }
    }

    fn add_scaled(&mut self, scale: f64, other: &Covariance) {
        for (a, b) in self.data.iter_mut().zip(&other.data) {
            *a += scale * b;
        }
    }
}

/// Per-unit weighted sums of `k` variables: the sufficient statistics of the variance.
///
/// Units are those of the design's deepest variance stage (PSUs for a one-stage design).
/// Two `UnitSums` over disjoint rows of the same design merge by addition.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSums {
    k: usize,
    sums: Vec<f64>,
    /// For a calibrated design: the calibration's moments of each variable over the rows
    /// added (`q × k`, see [`crate::design`]'s calibration), which its residuals need.
    calibration: Vec<f64>,
}

/// `n` copies of `zero`, written now.
///
/// `vec![0.0; n]` asks the allocator for zeroed memory, which fresh pages already are, so
/// nothing touches them; the first `+=` on each page then faults twice (a read maps the
/// shared zero page, the write copies it), and in a process running other threads the
/// second fault flushes their TLBs too. Sums that every pass adds into are cheaper
/// written once up front: one fault per page, no flush.
pub(crate) fn written_zeros<T: Clone>(n: usize, zero: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, zero);
    v
}

impl UnitSums {
    /// Zero sums of `k` variables for every unit of `design`.
    pub fn new(design: &Design, k: usize) -> Self {
        Self {
            k,
            sums: written_zeros(design.n_variance_units() * k, 0.0),
            calibration: written_zeros(design.calibration().map_or(0, |c| c.q * k), 0.0),
        }
    }

    /// Every unit's sums of `k` variables, unit after unit.
    pub(crate) fn from_vec(k: usize, sums: Vec<f64>) -> Self {
        Self {
            k,
            sums,
            calibration: Vec::new(),
        }
    }

    /// Every unit's sums, unit after unit.
    pub(crate) fn as_slice(&self) -> &[f64] {
        &self.sums
    }

    /// No units yet: sums of `k` variables to be replaced.
    pub(crate) fn empty(k: usize) -> Self {
        Self {
            k,
            sums: Vec::new(),
            calibration: Vec::new(),
        }
    }

    /// Adds weighted values to unit `unit`.
    #[inline]
    pub fn add_to_unit(&mut self, unit: u32, values: &[f64]) {
        let start = unit as usize * self.k;
        for (s, v) in self.sums[start..start + self.k].iter_mut().zip(values) {
            *s += v;
        }
    }

    /// Every unit's sums, unit after unit, to add to.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.sums
    }

    /// Adds `value` to variable `j` of unit `unit`.
    #[inline]
    pub(crate) fn add_one(&mut self, unit: u32, j: usize, value: f64) {
        self.sums[unit as usize * self.k + j] += value;
    }

    /// Adds another accumulator's sums (same design, same variables).
    pub fn merge(&mut self, other: &UnitSums) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.calibration.iter_mut().zip(&other.calibration) {
            *a += b;
        }
    }

    /// Adds a row's calibration moments: its factors (`λ·x_m`, or `w/psw` per raking cell)
    /// times its unweighted values `y_j`.
    #[inline]
    pub(crate) fn add_calibration(&mut self, lambda_x: &[f64], values: &[f64]) {
        let k = self.k;
        for (m, lx) in lambda_x.iter().enumerate() {
            if *lx != 0.0 {
                for (c, y) in self.calibration[m * k..(m + 1) * k].iter_mut().zip(values) {
                    *c += lx * y;
                }
            }
        }
    }

    /// The sums of the units `keep` says yes to, zero for the others (a domain's share of
    /// sums added for several domains whose units do not overlap).
    pub(crate) fn only_units(&self, keep: impl Fn(usize) -> bool) -> UnitSums {
        let mut sums = written_zeros(self.sums.len(), 0.0);
        if self.k > 0 {
            for (u, (out, s)) in sums
                .chunks_exact_mut(self.k)
                .zip(self.sums.chunks_exact(self.k))
                .enumerate()
            {
                if keep(u) {
                    out.copy_from_slice(s);
                }
            }
        }
        UnitSums {
            k: self.k,
            sums,
            calibration: self.calibration.clone(),
        }
    }

    /// The totals `T_j` over all units.
    pub fn totals(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.k];
        for chunk in self.sums.chunks_exact(self.k) {
            for (a, b) in t.iter_mut().zip(chunk) {
                *a += b;
            }
        }
        t
    }
}

/// The design covariance matrix of the linear combinations `combos[a]·T` of the totals,
/// linearizing first: each unit's sums are combined into its linearized values
/// `z_ua = Σ_j combos[a][j]·t_uj` and the variance is computed on those. This is R's order
/// of work (influence values, then `svyrecvar`) and avoids the cancellation that
/// `∇gᵀ·V·∇g` suffers when the totals are large beside their deviations.
///
/// `present` flags the PSUs that have rows in the estimate's base: as R subsets a design to
/// a domain before estimating, strata without such PSUs do not count in the lonely-PSU
/// `average` policy. `None` counts every stratum.
///
/// # Errors
/// A lonely unit under `fail` ([`DesignError::LonelyPsu`]).
///
pub fn linearized_covariance(
    design: &Design,
    sums: &UnitSums,
    combos: &[&[f64]],
    present: Option<&[bool]>,
) -> Result<Covariance, DesignError> {
    linearized(design, sums, combos, present, false)
}

/// [`linearized_covariance`]'s diagonal only: the variances of the combinations (a
/// frequency table's shares in one sweep over the units instead of one per share), each
/// what a call with that combination alone gives.
///
/// # Errors
/// As [`linearized_covariance`].
pub(crate) fn linearized_variances(
    design: &Design,
    sums: &UnitSums,
    combos: &[&[f64]],
    present: Option<&[bool]>,
) -> Result<Covariance, DesignError> {
    linearized(design, sums, combos, present, true)
}

fn linearized(
    design: &Design,
    sums: &UnitSums,
    combos: &[&[f64]],
    present: Option<&[bool]>,
    diagonal: bool,
) -> Result<Covariance, DesignError> {
    let (k, q) = (sums.k, combos.len());
    if q == 0 {
        return Ok(Covariance::zeros(0));
    }
    let n_units = sums.sums.len() / k.max(1);
    // Each combination's non-zero coefficients only (a share's gradient has two of a
    // frequency table's k): the terms left out are exact zeros.
    let sparse: Vec<Vec<(usize, f64)>> = combos
        .iter()
        .map(|g| {
            g.iter()
                .take(k)
                .enumerate()
                .filter(|&(_, &gj)| gj != 0.0)
                .map(|(j, &gj)| (j, gj))
                .collect()
        })
        .collect();
    let mut z = vec![0.0; n_units * q];
    if sparse.iter().all(|g| (1..=2).contains(&g.len())) {
        // Shares and totals (one or two coefficients each, the usual case): each value in
        // two products and a sum, without a loop over the coefficients (the same sums).
        let pairs: Vec<[(usize, f64); 2]> = sparse
            .iter()
            .map(|g| match g.as_slice() {
                // One coefficient: its product plus 0 times the same sum (an infinite sum
                // gives a non-finite value either way).
                &[a] => [a, (a.0, 0.0)],
                &[a, b, ..] => [a, b],
                [] => [(0, 0.0); 2], // not met: the combinations have one or two
            })
            .collect();
        for (t, out) in sums.sums.chunks_exact(k).zip(z.chunks_exact_mut(q)) {
            for (o, &[(a, ga), (b, gb)]) in out.iter_mut().zip(&pairs) {
                *o = ga * t[a] + gb * t[b];
            }
        }
    } else {
        for (t, out) in sums.sums.chunks_exact(k).zip(z.chunks_exact_mut(q)) {
            for (o, g) in out.iter_mut().zip(&sparse) {
                *o = g.iter().map(|&(j, gj)| gj * t[j]).sum();
            }
        }
    }
    if let Some(cal) = design.calibration() {
        // Calibration residuals: z_u −= loads_uᵀ·β, β solved from the estimate's moments.
        let p = cal.q;
        for (a, g) in combos.iter().enumerate() {
            let moments: Vec<f64> = (0..p)
                .map(|m| {
                    sums.calibration[m * k..(m + 1) * k]
                        .iter()
                        .zip(*g)
                        .map(|(c, gj)| c * gj)
                        .sum()
                })
                .collect();
            let beta = cal.solve(&moments);
            for (u, load) in cal.unit_loads.chunks_exact(p).enumerate() {
                z[u * q + a] -= load.iter().zip(&beta).map(|(x, b)| x * b).sum::<f64>();
            }
        }
    }
    // Linearized values far from 1 in size (tiny or huge weights) are scaled by a power of
    // two, exactly, so that their squares neither underflow to 0 nor overflow: together
    // for a covariance, each combination apart for variances alone.
    let mut largest = vec![0.0f64; q];
    for row in z.chunks_exact(q) {
        for (m, x) in largest.iter_mut().zip(row) {
            *m = m.max(x.abs());
        }
    }
    let scales: Vec<i32> = match diagonal {
        true => largest.iter().map(|&m| scale_exponent(m)).collect(),
        false => vec![scale_exponent(largest.iter().fold(0.0f64, |m, &x| m.max(x))); q],
    };
    if scales.iter().any(|&e| e != 0) {
        for row in z.chunks_exact_mut(q) {
            for (x, &e) in row.iter_mut().zip(&scales) {
                *x = times_pow2(*x, -e);
            }
        }
    }
    let mut cov = covariance_with(
        design,
        &UnitSums {
            k: q,
            sums: z,
            calibration: Vec::new(),
        },
        present,
        diagonal,
    )?;
    match diagonal {
        true => cov.diagonal_scales = scales,
        false => cov.scale_log2 = scales.first().copied().unwrap_or(0),
    }
    Ok(cov)
}

fn covariance_with(
    design: &Design,
    sums: &UnitSums,
    present: Option<&[bool]>,
    diagonal: bool,
) -> Result<Covariance, DesignError> {
    if let Some(pps) = design.pps_design() {
        return pps::covariance(design, pps, sums);
    }
    let k = sums.k;
    let stages = design.stages();
    let depth = design.variance_depth();
    // Sums at each stage's units, from the deepest stage up.
    // (The deepest stage's are the sums themselves, borrowed.)
    let mut levels: Vec<std::borrow::Cow<'_, [f64]>> = vec![Default::default(); depth];
    levels[depth - 1] = std::borrow::Cow::Borrowed(&sums.sums);
    for s in (0..depth - 1).rev() {
        let mut up = vec![0.0; stages[s].n_units() * k];
        let child = &stages[s + 1];
        for (u, &parent) in child.group_of_unit.iter().enumerate() {
            let src = &levels[s + 1][u * k..(u + 1) * k];
            let dst = &mut up[parent as usize * k..(parent as usize + 1) * k];
            for (a, b) in dst.iter_mut().zip(src) {
                *a += b;
            }
        }
        levels[s] = std::borrow::Cow::Owned(up);
    }

    let mut v = match diagonal {
        true => Covariance::zeros_diagonal(k),
        false => Covariance::zeros(k),
    };
    // Multiplier of each group at the current stage: product of the sampling fractions above.
    let mut group_mult = vec![1.0; stages[0].n_groups()];
    // Whether each unit of the stage above has rows in the base (its PSU does): R's subset
    // of the domain has no other rows, so their groups are neither lonely nor counted.
    let mut present_above: Option<Vec<bool>> = None;
    for s in 0..depth {
        let st = &stages[s];
        let mut stage_v = v.zeros_like();
        let mut n_ok = 0usize;
        let mut n_groups = 0usize;
        let mut centred = vec![0.0; k];
        let mut mean = vec![0.0; k];
        for g in 0..st.n_groups() {
            let units = st.units_of_group(g);
            if units.is_empty() || group_mult[g] == 0.0 {
                continue;
            }
            // A stratum without a PSU in the base adds nothing to an uncalibrated design's
            // variance (its values are zero) and does not count in `average`. After
            // calibration its residuals are not zero: R keeps those rows (weight 0) in the
            // domain's design, and so does this.
            if let (0, Some(p)) = (s, present)
                && design.calibration().is_none()
                && !units.iter().any(|&u| p[u as usize])
            {
                continue;
            }
            if let Some(above) = &present_above
                && !above[g]
            {
                continue;
            }
            n_groups += 1;
            let n = units.len() as f64;
            let f = st.population.as_ref().map_or(1.0, |p| 1.0 - n / p[g]);
            if f < 1e-7 {
                n_ok += 1;
                continue;
            }
            let mut group_v = v.zeros_like();
            if units.len() == 1 {
                match design.lonely_psu() {
                    LonelyPsu::Fail => {
                        return Err(DesignError::LonelyPsu {
                            stratum: if s == 0 {
                                design.stratum_labels()[g].clone()
                            } else {
                                format!("unit {} of stage {}", g + 1, s)
                            },
                            stage: s + 1,
                        });
                    }
                    LonelyPsu::Remove | LonelyPsu::Certainty => {
                        n_ok += 1;
                        continue;
                    }
                    LonelyPsu::Average => continue,
                    LonelyPsu::Adjust => {
                        let u = units[0] as usize;
                        group_v.add_outer(f, &levels[s][u * k..(u + 1) * k]);
                    }
                }
            } else {
                mean.iter_mut().for_each(|m| *m = 0.0);
                for &u in units {
                    let t = &levels[s][u as usize * k..(u as usize + 1) * k];
                    for (m, x) in mean.iter_mut().zip(t) {
                        *m += x;
                    }
                }
                mean.iter_mut().for_each(|m| *m /= n);
                let scale = f * n / (n - 1.0);
                for &u in units {
                    let t = &levels[s][u as usize * k..(u as usize + 1) * k];
                    for j in 0..k {
                        centred[j] = t[j] - mean[j];
                    }
                    group_v.add_outer(scale, &centred);
                }
            }
            n_ok += 1;
            stage_v.add_scaled(group_mult[g], &group_v);
        }
        // R's `nstrat/nokstrat`: with every stratum lonely under `average` that is 1/0, and
        // the variance NaN (R gives an SE of NaN; the estimators report none, with a note).
        let avg = if s == 0 && n_ok < n_groups {
            n_groups as f64 / n_ok as f64
        } else {
            1.0
        };
        if avg.is_infinite() {
            let mut nan = v.zeros_like();
            nan.data.iter_mut().for_each(|x| *x = f64::NAN);
            return Ok(nan);
        }
        v.add_scaled(avg, &stage_v);
        // Multipliers for the next stage's groups (= this stage's units).
        if s + 1 < depth {
            if let Some(p) = present
                && design.calibration().is_none()
            {
                let above = present_above.as_deref().unwrap_or(p);
                present_above = Some(if s == 0 {
                    p.to_vec()
                } else {
                    st.group_of_unit
                        .iter()
                        .map(|&g| above[g as usize])
                        .collect()
                });
            }
            let pop = st.population.as_ref();
            let mut next = vec![0.0; st.n_units()];
            for (u, &g) in st.group_of_unit.iter().enumerate() {
                let n = st.units_of_group(g as usize).len() as f64;
                let frac = pop.map_or(0.0, |p| n / p[g as usize]);
                next[u] = group_mult[g as usize] * frac;
            }
            group_mult = next;
        }
    }
    Ok(v)
}
