//! Small dense linear algebra: the tests of hypotheses, calibration and the calibrated
//! variance.
//!
//! The matrices here are tiny (a two-way table with `r` rows and `c` columns gives `r·c` cell
//! shares and `(r − 1)(c − 1)` interaction contrasts; calibration has one row per auxiliary
//! total), so plain row-major storage and textbook algorithms are accurate and fast enough:
//!
//! ```text
//! solve                 Gaussian elimination with partial pivoting (LAPACK dgesv, as R's solve)
//! cholesky              A = L·Lᵀ, column by column (Golub & Van Loan, Matrix Computations, 4.2)
//! symmetric_eigen       A = V·Λ·Vᵀ by cyclic Jacobi rotations (Golub & Van Loan, 8.5)
//! generalized_eigenvalues  eig(A⁻¹B) = eig(L⁻¹ B L⁻ᵀ) for A = L·Lᵀ positive definite, B symmetric
//! pseudo_solve, pseudo_inverse   T⁺ = Σ_{|λ_i| > tol·max|λ|} v_i·v_iᵀ/λ_i  (MASS::ginv)
//! ```
//!
//! A Jacobi rotation is skipped once `|a_pq| ≤ ε·√(|a_pp·a_qq|)`, the relative criterion under
//! which Jacobi finds the eigenvalues of a positive definite matrix to high relative accuracy
//! whatever the scaling of its rows and columns (Demmel & Veselić 1992, SIAM J. Matrix
//! Anal. Appl. 13:1204): the cross-products of an intercept and a variable in the thousands
//! differ by seven orders of magnitude.
//!
//! Dimension mismatches between operands are programming errors inside this crate (callers
//! build every matrix from validated sizes), so they are checked with `debug_assert!` only.

/// A dense row-major matrix of `f64`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// The `rows × cols` zero matrix.
    pub(crate) fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// A matrix from row-major entries; `None` when the length is not `rows · cols`.
    pub(crate) fn from_row_major(rows: usize, cols: usize, data: Vec<f64>) -> Option<Self> {
        (data.len() == rows * cols).then_some(Self { rows, cols, data })
    }

    /// A column vector (`n × 1`).
    pub(crate) fn column(data: Vec<f64>) -> Self {
        Self {
            rows: data.len(),
            cols: 1,
            data,
        }
    }

    /// Number of rows.
    #[cfg(test)]
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    #[cfg(test)]
    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Entry `(i, j)`.
    pub(crate) fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    pub(crate) fn set(&mut self, i: usize, j: usize, value: f64) {
        self.data[i * self.cols + j] = value;
    }

    /// The transpose.
    pub(crate) fn transpose(&self) -> Self {
        let mut t = Self::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t.set(j, i, self.get(i, j));
            }
        }
        t
    }

    /// The product `self · other`.
    pub(crate) fn mul(&self, other: &Self) -> Self {
        debug_assert_eq!(self.cols, other.rows);
        let mut p = Self::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self.get(i, k);
                for j in 0..other.cols {
                    p.data[i * other.cols + j] += a * other.get(k, j);
                }
            }
        }
        p
    }

    /// The rows and columns listed in `index` (a principal submatrix when square).
    pub(crate) fn select(&self, index: &[usize]) -> Self {
        let mut s = Self::zeros(index.len(), index.len());
        for (a, &i) in index.iter().enumerate() {
            for (b, &j) in index.iter().enumerate() {
                s.set(a, b, self.get(i, j));
            }
        }
        s
    }

    /// The sum of the diagonal entries.
    pub(crate) fn trace(&self) -> f64 {
        (0..self.rows.min(self.cols)).map(|i| self.get(i, i)).sum()
    }

    /// The row-major entries.
    pub(crate) fn as_slice(&self) -> &[f64] {
        &self.data
    }
}

/// Solves `A·X = B` for square `A` by Gaussian elimination with partial pivoting.
///
/// Returns `None` when `A` is (numerically) singular: a pivot no larger than
/// `n · ε · max|A_ij|`, or non-finite entries, the analogue of R's "system is computationally
/// singular" error.
pub(crate) fn solve(a: &Matrix, b: &Matrix) -> Option<Matrix> {
    debug_assert_eq!(a.rows, a.cols);
    debug_assert_eq!(a.rows, b.rows);
    let n = a.rows;
    let m = b.cols;
    let mut lu = a.clone();
    let mut x = b.clone();
    let scale = a.data.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
    if !scale.is_finite() || scale == 0.0 {
        return None;
    }
    let threshold = n as f64 * f64::EPSILON * scale;
    for k in 0..n {
        let (pivot_row, pivot) =
            (k..n)
                .map(|i| (i, lu.get(i, k).abs()))
                .fold(
                    (k, -1.0),
                    |best, cur| if cur.1 > best.1 { cur } else { best },
                );
        if pivot.is_nan() || pivot <= threshold {
            return None;
        }
        if pivot_row != k {
            for j in 0..n {
                lu.data.swap(k * n + j, pivot_row * n + j);
            }
            for j in 0..m {
                x.data.swap(k * m + j, pivot_row * m + j);
            }
        }
        for i in (k + 1)..n {
            let factor = lu.get(i, k) / lu.get(k, k);
            if factor == 0.0 {
                continue;
            }
            for j in k..n {
                let v = lu.get(i, j) - factor * lu.get(k, j);
                lu.set(i, j, v);
            }
            for j in 0..m {
                let v = x.get(i, j) - factor * x.get(k, j);
                x.set(i, j, v);
            }
        }
    }
    for j in 0..m {
        for i in (0..n).rev() {
            let mut s = x.get(i, j);
            for l in (i + 1)..n {
                s -= lu.get(i, l) * x.get(l, j);
            }
            x.set(i, j, s / lu.get(i, i));
        }
    }
    x.data.iter().all(|v| v.is_finite()).then_some(x)
}

/// The lower-triangular Cholesky factor `L` of a symmetric positive definite `A = L·Lᵀ`.
///
/// Reads the lower triangle only. `None` when a diagonal pivot is not positive (`A` is not
/// positive definite to working precision).
pub(crate) fn cholesky(a: &Matrix) -> Option<Matrix> {
    debug_assert_eq!(a.rows, a.cols);
    let n = a.rows;
    let mut l = Matrix::zeros(n, n);
    for j in 0..n {
        let d = a.get(j, j) - (0..j).map(|k| l.get(j, k).powi(2)).sum::<f64>();
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        l.set(j, j, d);
        for i in (j + 1)..n {
            let s = a.get(i, j) - (0..j).map(|k| l.get(i, k) * l.get(j, k)).sum::<f64>();
            l.set(i, j, s / d);
        }
    }
    Some(l)
}

/// Solves `L·X = B` for lower-triangular `L` with a non-zero diagonal.
fn forward_substitute(l: &Matrix, b: &Matrix) -> Matrix {
    let mut x = b.clone();
    for j in 0..b.cols {
        for i in 0..l.rows {
            let mut s = x.get(i, j);
            for k in 0..i {
                s -= l.get(i, k) * x.get(k, j);
            }
            x.set(i, j, s / l.get(i, i));
        }
    }
    x
}

/// The eigenvalues of a symmetric matrix, largest first ([`symmetric_eigen`] of
/// `(A + Aᵀ)/2`).
pub(crate) fn symmetric_eigenvalues(a: &Matrix) -> Vec<f64> {
    debug_assert_eq!(a.rows, a.cols);
    let n = a.rows;
    let mut m = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..n {
            m.set(i, j, 0.5 * (a.get(i, j) + a.get(j, i)));
        }
    }
    let (mut values, _) = symmetric_eigen(&m.data, n);
    values.sort_by(|x, y| y.total_cmp(x));
    values
}

/// The eigenvalues of `A⁻¹·B` for symmetric positive definite `A` and symmetric `B`, largest
/// first: those of the symmetric `L⁻¹ B L⁻ᵀ` with `A = L·Lᵀ`. `None` when `A` is not positive
/// definite.
pub(crate) fn generalized_eigenvalues(a: &Matrix, b: &Matrix) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    let y = forward_substitute(&l, b);
    let s = forward_substitute(&l, &y.transpose());
    Some(symmetric_eigenvalues(&s))
}

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

/// The eigen pairs of the symmetric `p × p` matrix `t` that a pseudo-inverse keeps:
/// eigenvalues with `|λ| > tol·max|λ|` (and not zero), as `MASS::ginv` keeps singular values;
/// returns the eigenvalues, the eigenvectors (columns) and the indices kept.
fn kept_eigen(t: &[f64], p: usize, tol: f64) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let (lambda, v) = symmetric_eigen(t, p);
    let largest = lambda.iter().fold(0.0_f64, |m, l| m.max(l.abs()));
    let kept = (0..p)
        .filter(|&i| lambda[i].abs() > tol * largest && lambda[i].abs() > 0.0)
        .collect();
    (lambda, v, kept)
}

/// `T⁺·b` for the symmetric `p × p` matrix `t`, and the number of eigenvalues kept (the
/// numerical rank): eigenvalues with `|λ| ≤ tol·max|λ|` are dropped, as `MASS::ginv` drops
/// singular values.
pub(crate) fn pseudo_solve(t: &[f64], p: usize, b: &[f64], tol: f64) -> (Vec<f64>, usize) {
    let (lambda, v, kept) = kept_eigen(t, p, tol);
    let mut x = vec![0.0; p];
    for &i in &kept {
        let l = lambda[i];
        let proj: f64 = (0..p).map(|k| v[k * p + i] * b[k]).sum::<f64>() / l;
        for (k, xk) in x.iter_mut().enumerate() {
            *xk += v[k * p + i] * proj;
        }
    }
    (x, kept.len())
}

/// The Moore–Penrose pseudo-inverse of a symmetric positive semi-definite `p × p` matrix;
/// eigenvalues below `1e-10` of the largest count as zero (the rank deficiency of raking
/// margins, which share the intercept).
pub(crate) fn pseudo_inverse(a: &[f64], p: usize) -> Vec<f64> {
    let (lambda, v, kept) = kept_eigen(a, p, 1e-10);
    let mut out = vec![0.0; p * p];
    for &e in &kept {
        for i in 0..p {
            for j in 0..p {
                out[i * p + j] += v[i * p + e] * v[j * p + e] / lambda[e];
            }
        }
    }
    out
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

    fn m(rows: usize, cols: usize, data: &[f64]) -> Matrix {
        Matrix::from_row_major(rows, cols, data.to_vec()).unwrap()
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn solve_needs_pivoting_and_matches_r() {
        // R: solve(matrix(c(0,2,1, 1,1,0, 3,0,1), 3, byrow=TRUE), c(5, 3, 4))
        let a = m(3, 3, &[0.0, 2.0, 1.0, 1.0, 1.0, 0.0, 3.0, 0.0, 1.0]);
        let x = solve(&a, &Matrix::column(vec![5.0, 3.0, 4.0])).unwrap();
        close(x.as_slice(), &[1.0, 2.0, 1.0], 1e-14);
        let back = a.mul(&x);
        close(back.as_slice(), &[5.0, 3.0, 4.0], 1e-14);
    }

    #[test]
    fn solve_rejects_singular() {
        let a = m(2, 2, &[1.0, 2.0, 2.0, 4.0]);
        assert!(solve(&a, &Matrix::column(vec![1.0, 1.0])).is_none());
        assert!(solve(&Matrix::zeros(2, 2), &Matrix::column(vec![1.0, 1.0])).is_none());
        let nan = m(2, 2, &[f64::NAN, 0.0, 0.0, 1.0]);
        assert!(solve(&nan, &Matrix::column(vec![1.0, 1.0])).is_none());
    }

    #[test]
    fn cholesky_reconstructs() {
        let a = m(3, 3, &[4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0]);
        let l = cholesky(&a).unwrap();
        close(l.mul(&l.transpose()).as_slice(), a.as_slice(), 1e-14);
        assert!(cholesky(&m(2, 2, &[1.0, 2.0, 2.0, 1.0])).is_none());
    }

    #[test]
    fn jacobi_eigenvalues_match_closed_form() {
        // [[2,1],[1,2]] has eigenvalues 3 and 1.
        close(
            &symmetric_eigenvalues(&m(2, 2, &[2.0, 1.0, 1.0, 2.0])),
            &[3.0, 1.0],
            1e-15,
        );
        // R: eigen(matrix(c(4,1,2, 1,3,0, 2,0,5), 3))$values
        let values =
            symmetric_eigenvalues(&m(3, 3, &[4.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0, 0.0, 5.0]));
        close(
            &values,
            &[
                6.669_079_088_282_288,
                3.476_023_602_918_135,
                1.854_897_308_799_577,
            ],
            1e-13,
        );
        assert_eq!(symmetric_eigenvalues(&m(1, 1, &[7.5])), vec![7.5]);
    }

    #[test]
    fn generalized_eigenvalues_match_nonsymmetric_product() {
        // eig(solve(A, B)) for A = [[2,0.5],[0.5,1]], B = [[1,0.2],[0.2,3]]: the characteristic
        // polynomial of A⁻¹B is λ² − tr·λ + det with tr = tr(A⁻¹B), det = det(B)/det(A).
        let a = m(2, 2, &[2.0, 0.5, 0.5, 1.0]);
        let b = m(2, 2, &[1.0, 0.2, 0.2, 3.0]);
        let ab = solve(&a, &b).unwrap();
        let tr = ab.trace();
        let det = (1.0 * 3.0 - 0.04) / (2.0 - 0.25);
        let disc = (tr * tr - 4.0 * det).sqrt();
        let values = generalized_eigenvalues(&a, &b).unwrap();
        close(&values, &[(tr + disc) / 2.0, (tr - disc) / 2.0], 1e-14);
    }

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

    #[test]
    fn pseudo_inverse_inverts_and_handles_rank_deficiency() {
        // Full rank: A·A⁺ = I.
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let inv = pseudo_inverse(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        // Rank 1: [[1, 1], [1, 1]]⁺ = [[1/4, 1/4], [1/4, 1/4]].
        let inv = pseudo_inverse(&[1.0, 1.0, 1.0, 1.0], 2);
        assert!(inv.iter().all(|x| (x - 0.25).abs() < 1e-12), "{inv:?}");
    }
}
