//! Small symmetric eigen problems shared by calibration and the calibrated variance: a
//! pseudo-inverse as R's `MASS::ginv`.
//!
//! ```text
//! T = V·Λ·Vᵀ                       cyclic Jacobi rotations (Golub & Van Loan, Matrix Computations, 8.5)
//! T⁺ = Σ_{|λ_i| > tol·max|λ|} v_i·v_iᵀ/λ_i      MASS::ginv with tol = 256·ε (R's grake)
//! ```
//!
//! A rotation is skipped once `|t_pq| ≤ ε·√(|t_pp·t_qq|)`, the relative criterion under which
//! Jacobi finds the eigenvalues of a positive definite matrix to high relative accuracy
//! whatever the scaling of its rows and columns (Demmel & Veselić 1992, SIAM J. Matrix
//! Anal. Appl. 13:1204): the cross-products of an intercept and a variable in the
//! thousands differ by seven orders of magnitude.

/// Eigen decomposition of the symmetric `p × p` row-major matrix `a`: the eigenvalues and
/// the eigenvectors as the columns of a row-major `p × p` matrix.
pub(crate) fn symmetric_eigen(a: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    for _sweep in 0..64 {
        let mut rotated = false;
        for r in 0..p {
            for q in r + 1..p {
                let apq = a[r * p + q];
                let (arr, aqq) = (a[r * p + r], a[q * p + q]);
                if apq == 0.0 {
                    continue;
                }
                if apq.abs() <= f64::EPSILON * (arr * aqq).abs().sqrt() {
                    a[r * p + q] = 0.0;
                    a[q * p + r] = 0.0;
                    continue;
                }
                rotated = true;
                let theta = (aqq - arr) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..p {
                    let akr = a[k * p + r];
                    let akq = a[k * p + q];
                    a[k * p + r] = c * akr - s * akq;
                    a[k * p + q] = s * akr + c * akq;
                }
                for k in 0..p {
                    let ark = a[r * p + k];
                    let aqk = a[q * p + k];
                    a[r * p + k] = c * ark - s * aqk;
                    a[q * p + k] = s * ark + c * aqk;
                }
                a[r * p + q] = 0.0;
                a[q * p + r] = 0.0;
                for k in 0..p {
                    let vkr = v[k * p + r];
                    let vkq = v[k * p + q];
                    v[k * p + r] = c * vkr - s * vkq;
                    v[k * p + q] = s * vkr + c * vkq;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    ((0..p).map(|i| a[i * p + i]).collect(), v)
}

/// `T⁺·b` for the symmetric `p × p` matrix `t`, and the number of eigenvalues kept (the
/// numerical rank): eigenvalues with `|λ| ≤ tol·max|λ|` are dropped, as `MASS::ginv` drops
/// singular values.
pub(crate) fn pseudo_solve(t: &[f64], p: usize, b: &[f64], tol: f64) -> (Vec<f64>, usize) {
    let (lambda, v) = symmetric_eigen(t, p);
    let largest = lambda.iter().fold(0.0_f64, |m, l| m.max(l.abs()));
    let mut x = vec![0.0; p];
    let mut rank = 0;
    for (i, &l) in lambda.iter().enumerate() {
        if !(l.abs() > tol * largest && l.abs() > 0.0) {
            continue;
        }
        rank += 1;
        let proj: f64 = (0..p).map(|k| v[k * p + i] * b[k]).sum::<f64>() / l;
        for (k, xk) in x.iter_mut().enumerate() {
            *xk += v[k * p + i] * proj;
        }
    }
    (x, rank)
}

/// `x·2^e`, in steps so that no factor leaves the range of `f64` (exact unless the result
/// does): the scaling that keeps squares of tiny or huge values in range.
pub(crate) fn times_pow2(x: f64, e: i32) -> f64 {
    let (a, b) = (e / 2, e - e / 2);
    x * 2f64.powi(a / 2) * 2f64.powi(a - a / 2) * 2f64.powi(b / 2) * 2f64.powi(b - b / 2)
}

/// The power of two `e` near `largest` (the largest size among values about to be squared)
/// when `largest` lies outside `[2^-200, 2^200]`, else 0: values scaled by `2^-e` square
/// without underflow or overflow (weights of 1e-200 or 1e200).
pub(crate) fn scale_exponent(largest: f64) -> i32 {
    if largest.is_finite()
        && largest > 0.0
        && !(2f64.powi(-200)..=2f64.powi(200)).contains(&largest)
    {
        largest.log2().round() as i32
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_badly_scaled_system() {
        // [[1, 1e3], [1e3, 4e6]] (scaled: [[1, 0.5], [0.5, 1]]) · [1, 1] = [1001, 4001000]
        let t = [1.0, 1e3, 1e3, 4e6];
        let (x, rank) = pseudo_solve(&t, 2, &[1001.0, 4_001_000.0], 256.0 * f64::EPSILON);
        assert_eq!(rank, 2);
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12,
            "{x:?}"
        );
    }

    #[test]
    fn drops_what_ginv_drops() {
        // λ_min/λ_max ≈ 1e-16 < 256ε: MASS::ginv keeps one direction
        let (_, rank) = pseudo_solve(
            &[1.0, 1e4, 1e4, 1e8 + 1.0],
            2,
            &[1.0, 1.0],
            256.0 * f64::EPSILON,
        );
        assert_eq!(rank, 1);
    }

    #[test]
    fn drops_a_null_direction() {
        // ginv([[1, 1], [1, 1]]) · [2, 2] = [1, 1]
        let (x, rank) = pseudo_solve(&[1.0, 1.0, 1.0, 1.0], 2, &[2.0, 2.0], 256.0 * f64::EPSILON);
        assert_eq!(rank, 1);
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 1.0).abs() < 1e-14);
    }
}
