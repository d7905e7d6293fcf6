//! The variance of a PPS design without replacement, from its PSUs' sums.
//!
//! `x_i` is PSU i's sum of `w·y` (`w = 1/π_i`; for an estimator, its linearized values), a
//! vector over the estimator's quantities. Except for Brewer's, the variance is a quadratic
//! form in the `x_i`, R's `survey:::ppsvar`:
//!
//! ```text
//! HT:  V = Σ_i Σ_j Δ̌_ij·x_i·x_jᵀ                                  R survey:::htvar.matrix
//! YG:  V = HT − Σ_j (Σ_i Δ̌_ij)·x_j·x_jᵀ                           R survey:::ygvar.matrix
//!        = −½·Σ_i Σ_j Δ̌_ij·(x_i − x_j)(x_i − x_j)ᵀ
//!
//! Δ̌_ij = (π_ij − π_i·π_j)/π_ij, with π_ij approximated or given:
//! joint:    Δ̌_ij = (π_ij − π_ii·π_jj)/π_ij, set to 0 where |Δ̌_ij| < 1e-4   R pi2Dcheck (ppsmat's tolerance)
//! Overton:  Δ̌_ii = 1 − π_i;  i ≠ j in stratum h (n_h PSUs):
//!           1 − (n_h − π̄_ij)/(n_h − 1),  π̄_ij = (π_i + π_j)/2, 0 where π̄_ij = 1   R overton2Dcheck
//! Hartley–Rao: Δ̌_ii = 1 − π_i;  i ≠ j in stratum h:
//!           1 − (n_h − π_i − π_j + p̄_h)/(n_h − 1), 0 where π_i + π_j = 1,
//!           p̄_h = psum, or the mean of the π_i in the stratum          R HRDcheck, multi.HR1Dcheck
//! PSUs of different strata: Δ̌_ij = 0.
//!
//! Brewer (R's svyrecvar with each PSU's fpc n_h/π_i, so f_i = 1 − π_i):
//!      V = Σ_h n_h/(n_h − 1)·Σ_i f_i·(x_i − x̄_h)(x_i − x̄_h)ᵀ          R survey:::onestrat
//! ```
//!
//! Overton's and Hartley–Rao's `Δ̌_ij` are `α_h + β_h·(π_i + π_j)` off the diagonal, so
//! their forms take `O(n_h log n_h)` per stratum rather than `O(n_h²)`: sums over all pairs
//! less the diagonal, less the pairs R sets to zero (found in the PSUs sorted by `π`).
//! Source: Lumley (2010) *Complex Surveys*, §2.7 (PPS without replacement); Berger (2004),
//! Overton (1985), Hartley & Rao (1962) as cited by R's `?svydesign`.

use super::{Covariance, UnitSums};
use crate::design::{Design, DesignError, LonelyPsu, Pps, PpsDesign, PpsVariance};

/// R's `ppsmat` tolerance: `Δ̌_ij` smaller in size are taken as 0.
const JOINT_TOLERANCE: f64 = 1e-4;

/// The design covariance of the PSU sums `sums` (PSUs of stage 1) of a PPS design. Which
/// PSUs have rows in the base does not matter: R keeps every PSU of a PPS design in a
/// domain.
///
/// # Errors
/// For Brewer's method only: a stratum of one PSU under [`LonelyPsu::Fail`].
pub(super) fn covariance(
    design: &Design,
    pps: &PpsDesign,
    sums: &UnitSums,
) -> Result<Covariance, DesignError> {
    let k = sums.k;
    let x = &sums.sums;
    let prob = &pps.prob;
    let stage = &design.stages()[0];
    let mut ht = Covariance::zeros(k);
    let mut corr = Covariance::zeros(k);
    match &pps.method {
        Pps::Brewer => return brewer(design, prob, k, x),
        Pps::JointProbabilities(joint) => {
            joint_form(joint.as_slice(), prob.len(), k, x, &mut ht, &mut corr);
        }
        Pps::Overton | Pps::HartleyRao { .. } => {
            for g in 0..stage.n_groups() {
                let units = stage.units_of_group(g);
                let n = units.len() as f64;
                if units.is_empty() {
                    continue;
                }
                if units.len() < 2 {
                    pair_form(units, prob, k, x, [0.0; 2], f64::NAN, &mut ht, &mut corr);
                    continue;
                }
                let (alpha, beta, excluded_sum) = match &pps.method {
                    Pps::HartleyRao { psum } => {
                        let pbar = psum.unwrap_or_else(|| {
                            units.iter().map(|&u| prob[u as usize]).sum::<f64>() / n
                        });
                        (1.0 - (n + pbar) / (n - 1.0), 1.0 / (n - 1.0), 1.0)
                    }
                    _ => (1.0 - n / (n - 1.0), 0.5 / (n - 1.0), 2.0),
                };
                pair_form(
                    units,
                    prob,
                    k,
                    x,
                    [alpha, beta],
                    excluded_sum,
                    &mut ht,
                    &mut corr,
                );
            }
        }
    }
    symmetrize(&mut ht);
    match pps.variance {
        PpsVariance::Ht => Ok(ht),
        PpsVariance::Yg => {
            ht.add_scaled(-1.0, &corr);
            Ok(ht)
        }
    }
}

/// `HT += Σ_ij Δ̌_ij·x_i·x_jᵀ` and `corr += Σ_j (Σ_i Δ̌_ij)·x_j·x_jᵀ` for the full matrix
/// of joint probabilities `joint` (`n × n`).
fn joint_form(
    joint: &[f64],
    n: usize,
    k: usize,
    x: &[f64],
    ht: &mut Covariance,
    corr: &mut Covariance,
) {
    let mut col_sum = vec![0.0; n];
    let mut y = vec![0.0; k];
    for i in 0..n {
        y.iter_mut().for_each(|v| *v = 0.0);
        let pi = joint[i * n + i];
        for j in 0..n {
            let pij = joint[i * n + j];
            let d = (pij - pi * joint[j * n + j]) / pij;
            if d.abs() < JOINT_TOLERANCE {
                continue;
            }
            col_sum[j] += d;
            for (yb, xb) in y.iter_mut().zip(&x[j * k..(j + 1) * k]) {
                *yb += d * xb;
            }
        }
        add_product(ht, 1.0, &x[i * k..(i + 1) * k], &y);
    }
    for (j, c) in col_sum.iter().enumerate() {
        corr.add_outer(*c, &x[j * k..(j + 1) * k]);
    }
}

/// The forms of one stratum whose `Δ̌_ij` are `α + β·(π_i + π_j)` off the diagonal and
/// `1 − π_i` on it, except pairs `i ≠ j` whose `π_i + π_j` rounds to `excluded_sum`, which
/// are 0 (R's `fbar == 1`).
#[allow(clippy::too_many_arguments)]
fn pair_form(
    units: &[u32],
    prob: &[f64],
    k: usize,
    x: &[f64],
    [alpha, beta]: [f64; 2],
    excluded_sum: f64,
    ht: &mut Covariance,
    corr: &mut Covariance,
) {
    let xs = |u: u32| &x[u as usize * k..(u as usize + 1) * k];
    if let [u] = units {
        let d = 1.0 - prob[*u as usize];
        ht.add_outer(d, xs(*u));
        corr.add_outer(d, xs(*u));
        return;
    }
    let n = units.len() as f64;
    // Sums over the stratum, and running sums over its PSUs in order of π.
    let (mut s, mut p) = (vec![0.0; k], vec![0.0; k]);
    let mut order: Vec<u32> = units.to_vec();
    order.sort_by(|a, b| prob[*a as usize].total_cmp(&prob[*b as usize]));
    let sorted: Vec<f64> = order.iter().map(|&u| prob[u as usize]).collect();
    let mut run_x = vec![0.0; (order.len() + 1) * k];
    let mut run_px = vec![0.0; (order.len() + 1) * k];
    let mut run_p = vec![0.0; order.len() + 1];
    for (r, &u) in order.iter().enumerate() {
        let pu = prob[u as usize];
        run_p[r + 1] = run_p[r] + pu;
        for (b, xb) in xs(u).iter().enumerate() {
            s[b] += xb;
            p[b] += pu * xb;
            run_x[(r + 1) * k + b] = run_x[r * k + b] + xb;
            run_px[(r + 1) * k + b] = run_px[r * k + b] + pu * xb;
        }
    }
    let total_p = run_p[order.len()];
    // All pairs, diagonal included: α·S·Sᵀ + β·(P·Sᵀ + S·Pᵀ).
    add_product(ht, alpha, &s, &s);
    add_product(ht, beta, &p, &s);
    add_product(ht, beta, &s, &p);
    let mut y = vec![0.0; k];
    for &u in units {
        let pu = prob[u as usize];
        let off = |pv: f64| alpha + beta * (pu + pv);
        // The PSUs v with fl(π_u + π_v) = excluded_sum: a run of the sorted π.
        let lo = sorted.partition_point(|&pv| pu + pv < excluded_sum);
        let hi = sorted.partition_point(|&pv| pu + pv <= excluded_sum);
        let self_excluded = pu + pu == excluded_sum;
        // Diagonal: 1 − π_u in place of the pair formula (unless the pair (u, u) was
        // counted among the excluded ones, whose formula is taken out below).
        let diag = 1.0 - pu - if self_excluded { 0.0 } else { off(pu) };
        ht.add_outer(diag, xs(u));
        if hi > lo {
            for (b, yb) in y.iter_mut().enumerate() {
                let sum_x = run_x[hi * k + b] - run_x[lo * k + b];
                let sum_px = run_px[hi * k + b] - run_px[lo * k + b];
                *yb = (alpha + beta * pu) * sum_x + beta * sum_px;
            }
            add_product(ht, -1.0, xs(u), &y);
        }
        // Column sum of Δ̌ at u, for Yates–Grundy.
        // Σ_{v≠u} (α + β·(π_u + π_v)), less the excluded v (u itself put back).
        let mut column = 1.0 - pu + (n - 1.0) * off(0.0) + beta * (total_p - pu);
        column -= (alpha + beta * pu) * (hi - lo) as f64 + beta * (run_p[hi] - run_p[lo]);
        if self_excluded {
            column += off(pu);
        }
        corr.add_outer(column, xs(u));
    }
}

/// Brewer's approximation: R's stage-1 formula with each PSU's own fpc, and its lonely-PSU
/// rules (`survey:::onestrat`, `survey:::onestage`).
fn brewer(design: &Design, prob: &[f64], k: usize, x: &[f64]) -> Result<Covariance, DesignError> {
    let stage = &design.stages()[0];
    let xs = |u: u32| &x[u as usize * k..(u as usize + 1) * k];
    let mut v = Covariance::zeros(k);
    let (mut n_ok, mut n_groups) = (0usize, 0usize);
    let mut mean = vec![0.0; k];
    let mut centred = vec![0.0; k];
    for g in 0..stage.n_groups() {
        let units = stage.units_of_group(g);
        if units.is_empty() {
            continue;
        }
        // Unlike the multistage formula, every stratum counts for `average`, also in a
        // domain: R keeps a PPS design's rows out of the domain, with weight 0
        // (`[.survey.design2` for `is.pps`), rather than dropping them.
        n_groups += 1;
        let n = units.len() as f64;
        let f = |u: u32| crate::design::brewer_fpc(n, prob[u as usize]);
        if units.iter().all(|&u| f(u) < 1e-7) {
            n_ok += 1;
            continue;
        }
        if let [u] = units {
            match design.lonely_psu() {
                LonelyPsu::Fail => {
                    return Err(DesignError::LonelyPsu {
                        stratum: design.stratum_labels()[g].clone(),
                        stage: 1,
                    });
                }
                LonelyPsu::Remove | LonelyPsu::Certainty => n_ok += 1,
                LonelyPsu::Average => {}
                LonelyPsu::Adjust => {
                    v.add_outer(f(*u), xs(*u));
                    n_ok += 1;
                }
            }
            continue;
        }
        mean.iter_mut().for_each(|m| *m = 0.0);
        for &u in units {
            for (m, xb) in mean.iter_mut().zip(xs(u)) {
                *m += xb;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        for &u in units {
            for ((c, xb), m) in centred.iter_mut().zip(xs(u)).zip(&mean) {
                *c = xb - m;
            }
            v.add_outer(f(u) * n / (n - 1.0), &centred);
        }
        n_ok += 1;
    }
    if n_ok > 0 && n_ok < n_groups {
        let avg = n_groups as f64 / n_ok as f64;
        v.data.iter_mut().for_each(|c| *c *= avg);
    }
    Ok(v)
}

/// `m += scale·a·bᵀ`.
fn add_product(m: &mut Covariance, scale: f64, a: &[f64], b: &[f64]) {
    let k = m.k;
    for (i, ai) in a.iter().enumerate() {
        let s = scale * ai;
        for (c, bj) in m.data[i * k..(i + 1) * k].iter_mut().zip(b) {
            *c += s * bj;
        }
    }
}

/// Averages `m` with its transpose (the forms are symmetric in exact arithmetic).
fn symmetrize(m: &mut Covariance) {
    let k = m.k;
    for i in 0..k {
        for j in 0..i {
            let mean = 0.5 * (m.data[i * k + j] + m.data[j * k + i]);
            m.data[i * k + j] = mean;
            m.data[j * k + i] = mean;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms computed from the full `Δ̌` matrix, as R does.
    fn brute(delta: &[f64], n: usize, k: usize, x: &[f64]) -> (Covariance, Covariance) {
        let (mut ht, mut corr) = (Covariance::zeros(k), Covariance::zeros(k));
        for i in 0..n {
            for j in 0..n {
                let d = delta[i * n + j];
                add_product(&mut ht, d, &x[i * k..(i + 1) * k], &x[j * k..(j + 1) * k]);
                corr.add_outer(d, &x[j * k..(j + 1) * k]);
            }
        }
        (ht, corr)
    }

    fn close(a: &Covariance, b: &Covariance) -> bool {
        let scale = b.data.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        a.data
            .iter()
            .zip(&b.data)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * scale)
    }

    #[test]
    fn pair_form_equals_the_full_matrix_with_excluded_pairs() {
        // Hartley–Rao's exclusion (π_i + π_j = 1) hits 0.25 + 0.75 and 0.5 + 0.5 (a PSU
        // with itself too); Overton's (π_i + π_j = 2) the two certain PSUs.
        let prob = [
            0.2, 0.15, 0.4, 1.0, 0.45, 0.65, 1.0, 0.3, 0.7, 0.75, 0.35, 0.55, 0.25, 0.6, 0.5,
        ];
        let n = prob.len();
        let k = 2;
        let x: Vec<f64> = (0..n * k).map(|i| ((i * 7919) % 13) as f64 - 6.0).collect();
        let units: Vec<u32> = (0..n as u32).rev().collect();
        let nf = n as f64;
        for (alpha, beta, excluded) in [
            (1.0 - (nf + 0.4) / (nf - 1.0), 1.0 / (nf - 1.0), 1.0),
            (1.0 - nf / (nf - 1.0), 0.5 / (nf - 1.0), 2.0),
        ] {
            let mut delta = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    delta[i * n + j] = if i == j {
                        1.0 - prob[i]
                    } else if prob[i] + prob[j] == excluded {
                        0.0
                    } else {
                        alpha + beta * (prob[i] + prob[j])
                    };
                }
            }
            let (want_ht, want_corr) = brute(&delta, n, k, &x);
            let (mut ht, mut corr) = (Covariance::zeros(k), Covariance::zeros(k));
            pair_form(
                &units,
                &prob,
                k,
                &x,
                [alpha, beta],
                excluded,
                &mut ht,
                &mut corr,
            );
            symmetrize(&mut ht);
            assert!(close(&ht, &want_ht), "{ht:?} {want_ht:?}");
            assert!(close(&corr, &want_corr), "{corr:?} {want_corr:?}");
        }
    }
}
