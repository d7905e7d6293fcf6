//! The distribution of a linear combination of independent χ² variables, by numerical
//! inversion of its characteristic function (Imhof 1961), integrated by adaptive
//! Gauss–Kronrod quadrature to an absolute error of about 1e-12.
//!
//! R's `survey::pFsum(method = "integration")` computes the same probability with
//! Davies' (1980) algorithm from CompQuadForm, whose requested accuracy is 1e-7; both are
//! numerical inversions of the same characteristic function, so they agree to Davies'
//! accuracy.

use super::NoConvergence;

/// Gauss–Kronrod 7–15 nodes on [−1, 1] (the non-negative half; QUADPACK's `qk15`).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Kronrod weights of [`XGK`].
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss weights of the odd nodes `XGK[1], XGK[3], XGK[5], XGK[7]`.
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// `∫_a^b f` by the 15-point Kronrod rule, with the difference from the 7-point Gauss rule
/// as its error estimate.
fn gk15(f: &impl Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut kronrod = WGK[7] * fc;
    let mut gauss = WG[3] * fc;
    for (j, (&x, &w)) in XGK.iter().zip(&WGK).take(7).enumerate() {
        let pair = f(c - h * x) + f(c + h * x);
        kronrod += w * pair;
        if j % 2 == 1 {
            gauss += WG[j / 2] * pair;
        }
    }
    (kronrod * h, ((kronrod - gauss) * h).abs())
}

/// `∫_a^b f` to absolute error `tol` by bisecting the interval with the largest error
/// estimate (at most 2,000 intervals).
fn adaptive(f: &impl Fn(f64) -> f64, a: f64, b: f64, tol: f64) -> Result<f64, NoConvergence> {
    let mut parts = vec![(a, b, gk15(f, a, b))];
    for _ in 0..2000 {
        let error: f64 = parts.iter().map(|p| p.2.1).sum();
        if error <= tol {
            return Ok(parts.iter().map(|p| p.2.0).sum());
        }
        let worst = parts
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.2.1.total_cmp(&y.1.2.1))
            .map_or(0, |(i, _)| i);
        let (lo, hi, _) = parts.swap_remove(worst);
        let mid = 0.5 * (lo + hi);
        parts.push((lo, mid, gk15(f, lo, mid)));
        parts.push((mid, hi, gk15(f, mid, hi)));
    }
    Err(NoConvergence {
        what: "the integral of a weighted sum of χ² variables",
    })
}

/// `P(Q > 0)` for `Q = Σ_j λ_j·χ²_{h_j}` (independent central χ², `h_j` degrees of
/// freedom, weights of either sign): Imhof's inversion formula,
///
/// ```text
/// P(Q > 0) = ½ + (1/π)·∫_0^∞ sin θ(u) / (u·ρ(u)) du
/// θ(u) = ½ Σ_j h_j·atan(λ_j·u),   ρ(u) = Π_j (1 + λ_j²·u²)^{h_j/4}
/// ```
///
/// integrated over `[0, 1/max|λ|]` in `u` and beyond in `s = log u` (where the integrand
/// decays as a power of `u`), up to the point where the bound
/// `∫_U^∞ du/(u·ρ(u)) ≤ (2/H)·Π_j (|λ_j|·U)^{−h_j/2}`, `H = Σ h_j`, is below 1e-14.
/// Terms with `λ_j = 0` or `h_j = 0` are dropped; with none left `Q = 0` and the answer is 0.
pub(crate) fn weighted_chisq_upper(terms: &[(f64, f64)]) -> Result<f64, NoConvergence> {
    let terms: Vec<(f64, f64)> = terms
        .iter()
        .copied()
        .filter(|&(l, h)| l != 0.0 && h > 0.0)
        .collect();
    if terms.is_empty() {
        return Ok(0.0);
    }
    if terms.iter().all(|t| t.0 > 0.0) {
        return Ok(1.0);
    }
    if terms.iter().all(|t| t.0 < 0.0) {
        return Ok(0.0);
    }
    let integrand_over_u = |u: f64| -> f64 {
        // sin θ(u) / ρ(u): the integrand times u.
        let mut theta = 0.0;
        let mut log_rho = 0.0;
        for &(l, h) in &terms {
            let x = l * u;
            theta += h * x.atan();
            log_rho += h * (x * x).ln_1p();
        }
        (0.5 * theta).sin() * (-0.25 * log_rho).exp()
    };
    let max_abs = terms.iter().map(|t| t.0.abs()).fold(0.0, f64::max);
    let u0 = 1.0 / max_abs;
    let h_sum: f64 = terms.iter().map(|t| t.1).sum();
    let log_prod: f64 = terms.iter().map(|&(l, h)| 0.5 * h * l.abs().ln()).sum();
    // (2/H)·exp(−(H/2)·log U − log_prod) = 1e-14.
    let log_u_max = ((2.0 / h_sum).ln() - log_prod - 1e-14f64.ln()) / (0.5 * h_sum);
    let log_u0 = u0.ln();
    // Near 0 the integrand tends to ½ Σ h_j λ_j: no singularity.
    let near = |u: f64| {
        if u == 0.0 {
            0.5 * terms.iter().map(|&(l, h)| h * l).sum::<f64>()
        } else {
            integrand_over_u(u) / u
        }
    };
    let mut integral = adaptive(&near, 0.0, u0, 1e-13)?;
    if log_u_max > log_u0 {
        let far = |s: f64| integrand_over_u(s.exp());
        integral += adaptive(&far, log_u0, log_u_max, 1e-13)?;
    }
    Ok((0.5 + integral / std::f64::consts::PI).clamp(0.0, 1.0))
}

/// `P(Q > x)` for `Q = Σ_j λ_j·χ²_1` with every `λ_j > 0`: Ruben's (1962) expansion in
/// central χ² distributions, the method of Farebrother's (1984) algorithm AS 204 that R's
/// `pchisqsum(method = "integration")` uses when every weight is positive.
///
/// ```text
/// β = min λ;  γ_j = 1 − β/λ_j ∈ [0, 1);  g_k = ½ Σ_j γ_j^k
/// c_0 = Π_j (β/λ_j)^{1/2};  c_k = (1/k)·Σ_{r=0}^{k−1} g_{k−r}·c_r   (all ≥ 0, Σ c_k = 1)
/// P(Q > x) = Σ_k c_k·P(χ²_{n+2k} > x/β),  n = number of terms
/// ```
/// summed until the coefficients left, `1 − Σ c_k`, are below 1e-15 (at most 100,000
/// terms).
pub(crate) fn positive_chisq_upper(x: f64, lambda: &[f64]) -> Result<f64, NoConvergence> {
    let beta = lambda.iter().copied().fold(f64::INFINITY, f64::min);
    if lambda.is_empty() || beta.is_nan() || beta <= 0.0 {
        return Err(NoConvergence {
            what: "a weighted sum of χ² with a weight that is not positive",
        });
    }
    if x <= 0.0 {
        return Ok(1.0);
    }
    let n = lambda.len() as f64;
    let gamma: Vec<f64> = lambda.iter().map(|l| 1.0 - beta / l).collect();
    let mut powers = gamma.clone();
    let mut g = vec![0.0];
    let mut c = vec![
        lambda
            .iter()
            .map(|l| 0.5 * (beta / l).ln())
            .sum::<f64>()
            .exp(),
    ];
    let mut total = c[0];
    let mut upper = c[0] * super::dist::chisq_sf(x / beta, n)?;
    for k in 1..100_000 {
        if 1.0 - total <= 1e-15 {
            return Ok(upper.clamp(0.0, 1.0));
        }
        g.push(0.5 * powers.iter().sum::<f64>());
        powers.iter_mut().zip(&gamma).for_each(|(p, g)| *p *= g);
        let ck = (0..k).map(|r| g[k - r] * c[r]).sum::<f64>() / k as f64;
        c.push(ck);
        total += ck;
        upper += ck * super::dist::chisq_sf(x / beta, n + 2.0 * k as f64)?;
    }
    Err(NoConvergence {
        what: "Ruben's series for a weighted sum of χ² variables",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::dist;

    /// `a·χ²_k − b·χ²_m > 0` is `F(k, m) > b·m/(a·k)`: exact through the F distribution.
    #[test]
    fn equal_weights_give_the_f_distribution() {
        for &(a, k, b, m) in &[
            (1.0, 2.0, 0.05, 150.0),
            (2.5, 3.0, 0.2, 38.0),
            (0.7, 1.0, 1.3, 5.0),
            (1.0, 6.0, 0.01, 900.0),
        ] {
            let got = weighted_chisq_upper(&[(a, k), (-b, m)]).unwrap();
            let want = dist::f_sf(b * m / (a * k), k, m).unwrap();
            assert!(
                (got - want).abs() < 1e-11,
                "{a} {k} {b} {m}: {got} vs {want}"
            );
        }
    }

    /// Splitting a χ²_k into k χ²_1 of the same weight changes nothing.
    #[test]
    fn a_chisq_is_a_sum_of_unit_chisqs() {
        let whole = weighted_chisq_upper(&[(1.2, 3.0), (-0.03, 40.0)]).unwrap();
        let split =
            weighted_chisq_upper(&[(1.2, 1.0), (1.2, 1.0), (1.2, 1.0), (-0.03, 40.0)]).unwrap();
        assert!((whole - split).abs() < 1e-12);
    }

    /// Equal weights: `P(a·χ²_k > x)` exactly; and Ruben agrees with Imhof's inversion
    /// once the denominator's degrees of freedom are large.
    #[test]
    fn ruben_series_is_exact_for_equal_weights() {
        for &(a, k, x) in &[(1.3, 1usize, 2.0), (0.8, 4, 9.5), (2.0, 2, 30.0)] {
            let got = positive_chisq_upper(x, &vec![a; k]).unwrap();
            let want = dist::chisq_sf(x / a, k as f64).unwrap();
            assert!(
                (got - want).abs() < 1e-14 * want.max(1e-300) + 1e-16,
                "{got} {want}"
            );
        }
        let lambda = [2.1, 0.7, 1.2];
        let ruben = positive_chisq_upper(6.0, &lambda).unwrap();
        let mut terms: Vec<(f64, f64)> = lambda.iter().map(|&l| (l, 1.0)).collect();
        terms.push((-6.0 / 1e7, 1e7));
        let imhof = weighted_chisq_upper(&terms).unwrap();
        assert!((ruben - imhof).abs() < 1e-5, "{ruben} {imhof}");
    }

    #[test]
    fn one_signed_weights_are_certain() {
        assert_eq!(
            weighted_chisq_upper(&[(1.0, 1.0), (2.0, 1.0)]).unwrap(),
            1.0
        );
        assert_eq!(weighted_chisq_upper(&[(-1.0, 3.0)]).unwrap(), 0.0);
        assert_eq!(weighted_chisq_upper(&[]).unwrap(), 0.0);
    }
}
