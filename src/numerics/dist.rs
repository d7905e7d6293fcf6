//! Distribution functions and quantiles: normal, Student t, beta, χ² and F.
//!
//! Everything a confidence interval or a test needs, to about 1e-13 relative accuracy at any
//! degrees of freedom and any shape parameters (checked against R 4.2.2's `qt`, `pt`, `qbeta`,
//! `qnorm`, `pnorm`, `pchisq`, `pf` in this module's tests, degrees of freedom from 0.5 to
//! 10⁹ and ∞, shapes from 0.05 to 10¹⁵, and beyond R's `qbeta` against the exact normal and
//! gamma limits up to shapes of 10⁴⁰; shapes up to about 10³⁰⁷ answer). The public,
//! argument-checked face is
//! [`crate::interval::dist`]; the functions here assume valid arguments and report only an
//! iteration that did not converge ([`NoConvergence`], not expected).
//!
//! statrs 0.19 is used only where it is that accurate (the normal quantile): its incomplete
//! beta function loses accuracy for large shapes (`StudentsT::inverse_cdf(0.975)` with 10⁷
//! degrees of freedom is off by 7%, and from about 1.5·10⁷ it does not return; its continued
//! fraction stops after 140 terms and its `ln Γ` differences cancel), its `inv_beta_reg` does
//! not return for shapes of 10²⁰, its `erfc` is off by up to 1e-10 relative, and its `ln Γ`
//! (good to 1e-15 relative) costs Loader's `stirlerr` two digits below 15.
//!
//! How:
//!
//! * The regularized incomplete beta function `I_x(a, b)` is the continued fraction of
//!   Didonato & Morris (1992, ACM TOMS 708, `bfrac`, as in R's `pbeta`), written in
//!   `λ = a − (a + b)x` so that it keeps full accuracy for `x` near 1 with `a` large (the t
//!   distribution with many degrees of freedom), taken on the side where `λ ≥ 0`. Where both
//!   shapes exceed 100 and `λ ≤ 0.03·min(a, b)` (near the mean of a concentrated
//!   distribution, where the fraction needs about `(a + b)^(1/3)` terms: 2·10⁷ at shapes of
//!   10²⁰) it is Temme's uniform asymptotic expansion instead (Temme 1987, "Incomplete
//!   Laplace integrals: uniform asymptotic expansion with application to the incomplete beta
//!   function", SIAM J. Math. Anal. 18:1638; TOMS 708 `basym`, R's choice in the same region),
//!   a fixed number of terms whatever the shapes. The incomplete gamma function is the series
//!   or the continued fraction of Numerical Recipes §6.2. All are multiplied by a prefactor in
//!   Loader's saddle-point form (`stirlerr` and `bd0`; Loader 2000, "Fast and accurate
//!   computation of binomial probabilities", as in R's `dbinom_raw`/`dpois_raw`), which has no
//!   cancellation for large parameters; `bd0` takes the deviation `±λ` from the caller, so that
//!   the rounding of the larger of `x`, `1 − x` (coarser than the distribution's width at
//!   shapes of 10²⁰) never enters.
//! * Quantiles of the beta and t distributions are found by Newton's method on the logarithm
//!   of the smaller tail probability as a function of `u = logit(x)` (for t, `x = ν/(ν + t²)`).
//!   That function is concave (the beta density is log-concave in `u`), so Newton's method,
//!   guarded by a bracket ([`super::roots::newton_in_bracket`], which falls back to bisection),
//!   converges from any start; it stops when the step is a few ulps of `u`. A beta quantile is
//!   then refined in `x` itself, where an ulp of `u` is up to a few dozen ulps of `x`. Where
//!   the distribution is narrower than a double's spacing at its mean (shapes beyond about
//!   10³²), the tail jumps from 0 to 1 between adjacent doubles and the bisection returns
//!   that double: the mean, within an ulp or two.
//! * The normal quantile is statrs' (`−√2·erfc⁻¹(2p)`, within an ulp or two of R's `qnorm`);
//!   the normal cdf is `Φ(−|x|) = Q(1/2, x²/2)/2` with the incomplete gamma function above.

use statrs::distribution::{ContinuousCDF, Normal};

use super::NoConvergence;
use super::roots::newton_in_bracket;

/// Result of this module: only an iteration that did not converge can fail.
pub(crate) type Result<T> = std::result::Result<T, NoConvergence>;

/// `ln(sqrt(2π))`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Upper bound on continued-fraction and series terms. The beta continued fraction is used
/// where it needs at most a few thousand terms, so this is a guard, not a working limit.
const MAX_TERMS: usize = 500_000;

/// Above this many degrees of freedom (R's `qt` switches to `qnorm` at the same point) the t
/// distribution function is `Φ(t(1 − 1/(4ν)) / sqrt(1 + t²/(2ν)))` (Abramowitz & Stegun
/// 26.7.8; error O(ν⁻²) < 1e-40 here) and the quantile is its exact inverse.
const T_NORMAL_LIMIT: f64 = 1e20;

/// Which tail of a distribution a probability refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// `P(X ≤ x)`.
    Lower,
    /// `P(X > x)`.
    Upper,
}

impl Tail {
    fn other(self) -> Self {
        match self {
            Tail::Lower => Tail::Upper,
            Tail::Upper => Tail::Lower,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Normal
// ---------------------------------------------------------------------------------------------

/// `Φ⁻¹(p)` for `p ∈ [0, 1]` (R's `qnorm`): `−√2·erfc⁻¹(2p)` for `p ≤ 1/2`, by symmetry above;
/// `∓∞` at 0 and 1.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    // statrs' inverse_cdf is −√2·erfc⁻¹(2p), accurate to a few ulps.
    Normal::standard().inverse_cdf(p)
}

/// `Φ(x)` (R's `pnorm`): `Φ(−|x|) = Q(1/2, x²/2)/2`, by symmetry above.
pub(crate) fn normal_cdf(x: f64) -> Result<f64> {
    // (statrs 0.19's `erfc` is off by up to ~1e-10 relative.)
    let tail = 0.5 * gamma_tails(0.5, 0.5 * x * x)?.upper;
    Ok(if x <= 0.0 { tail } else { 1.0 - tail })
}

// ---------------------------------------------------------------------------------------------
// Student t
// ---------------------------------------------------------------------------------------------

/// `P(T ≤ x)` for `T ~ t(df)`, `df > 0` (∞ allowed; R's `pt`):
///
/// ```text
/// for x ≤ 0:  F(x) = I_{df/(df+x²)}(df/2, 1/2) / 2,      F(x) = 1 − F(−x) for x > 0
/// ```
pub(crate) fn t_cdf(x: f64, df: f64) -> Result<f64> {
    let tail = t_lower_tail(-x.abs(), df)?;
    Ok(if x <= 0.0 { tail } else { 1.0 - tail })
}

/// `P(T ≤ x)` for `x ≤ 0`.
fn t_lower_tail(x: f64, df: f64) -> Result<f64> {
    if x == 0.0 {
        return Ok(0.5);
    }
    if x == f64::NEG_INFINITY {
        return Ok(0.0);
    }
    if df > T_NORMAL_LIMIT {
        let q = 1.0 / (4.0 * df);
        return normal_cdf(x * (1.0 - q) / (1.0 + x * x * 2.0 * q).sqrt());
    }
    let x2 = x * x;
    let (xb, yb) = if x2.is_finite() {
        (df / (df + x2), x2 / (df + x2))
    } else {
        ((df / x.abs()) / x.abs(), 1.0)
    };
    Ok(0.5 * beta_tails(df / 2.0, 0.5, xb, yb)?.lower)
}

/// The `p` quantile of `t(df)` for `p ∈ [0, 1]`, `df > 0` (∞ gives the normal quantile; R's
/// `qt`); `∓∞` at 0 and 1:
///
/// ```text
/// for p < 1/2:  t = −sqrt(df · (1 − x) / x)  where  I_x(df/2, 1/2) = 2p
/// for p > 1/2:  t(p) = −t(1 − p)
/// ```
pub(crate) fn t_quantile(p: f64, df: f64) -> Result<f64> {
    // Every row of a table asks for the same quantile (one level, one df): the last few
    // answers are kept per thread, since each costs a root search of the beta function.
    thread_local! {
        static LAST: std::cell::Cell<[(u64, u64, f64); 4]> =
            const { std::cell::Cell::new([(u64::MAX, u64::MAX, 0.0); 4]) };
    }
    let key = (p.to_bits(), df.to_bits());
    let last = LAST.get();
    if let Some(&(_, _, t)) = last.iter().find(|&&(a, b, _)| (a, b) == key) {
        return Ok(t);
    }
    let t = t_quantile_of(p, df)?;
    let mut kept = last;
    kept.rotate_right(1);
    kept[0] = (key.0, key.1, t);
    LAST.set(kept);
    Ok(t)
}

/// [`t_quantile`] computed.
fn t_quantile_of(p: f64, df: f64) -> Result<f64> {
    if df == f64::INFINITY {
        return Ok(normal_quantile(p));
    }
    if p == 0.5 {
        return Ok(0.0);
    }
    if p > 0.5 {
        return Ok(-t_quantile_of(1.0 - p, df)?);
    }
    if p == 0.0 {
        return Ok(f64::NEG_INFINITY);
    }
    if df > T_NORMAL_LIMIT {
        // Invert z = t(1 − q)/sqrt(1 + 2q t²), q = 1/(4 df):  t = z / sqrt((1 − q)² − 2q z²).
        let z = normal_quantile(p);
        let q = 1.0 / (4.0 * df);
        return Ok(z / ((1.0 - q) * (1.0 - q) - 2.0 * q * z * z).sqrt());
    }
    // Lower tail P(T ≤ t) = I_x(df/2, 1/2) / 2 with x = df/(df + t²), i.e. t² = df·e^(−u)
    // for u = logit(x).
    let two_p = 2.0 * p;
    let u = if two_p <= 0.5 {
        solve_logit(df / 2.0, 0.5, two_p, Tail::Lower)?
    } else {
        solve_logit(df / 2.0, 0.5, 1.0 - two_p, Tail::Upper)?
    };
    // u = −∞ (x underflows) means |t| overflows.
    Ok(-(df.sqrt() * (-0.5 * u).exp()))
}

// ---------------------------------------------------------------------------------------------
// Beta
// ---------------------------------------------------------------------------------------------

/// The `p` quantile of `Beta(a, b)` for `p ∈ [0, 1]` and positive finite shapes (R's
/// `qbeta`): `x` with `I_x(a, b) = p`; 0 at `p = 0`, 1 at `p = 1`. For `p > 1/2` the upper
/// tail `1 − I_x(a, b) = 1 − p` is solved instead, so that quantiles near 1 keep their
/// accuracy. A quantile below the smallest positive double is returned as 0.
pub(crate) fn beta_quantile(p: f64, a: f64, b: f64) -> Result<f64> {
    if p == 0.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(1.0);
    }
    if p <= 0.5 {
        beta_quantile_tail(a, b, p, Tail::Lower)
    } else {
        beta_quantile_tail(a, b, 1.0 - p, Tail::Upper)
    }
}

/// The `x` with `P(X ≤ x) = prob` (`Tail::Lower`) or `P(X > x) = prob` (`Tail::Upper`) for
/// `X ~ Beta(a, b)`; `prob` in (0, 1).
///
/// Solved for `u = logit(x)` ([`solve_logit`]), then refined in `x` itself: an ulp of `u` is
/// `x·(1 − x)·|u|·ε` in `x`, up to a few dozen ulps of `x`, which matters where the
/// distribution is that narrow (shapes beyond 10³⁰).
pub(crate) fn beta_quantile_tail(a: f64, b: f64, prob: f64, tail: Tail) -> Result<f64> {
    // Solve on the smaller tail (1 − prob is exact for prob ≥ 1/2).
    let (prob, tail) = if prob > 0.5 {
        (1.0 - prob, tail.other())
    } else {
        (prob, tail)
    };
    let u = solve_logit(a, b, prob, tail)?;
    let x = logistic(u);
    if !(x > 0.0 && x < 1.0) {
        return Ok(x);
    }
    // Newton in x inside ±16 ulps of u around it, where the gap changes sign there (it need
    // not, by rounding, when the distribution is wide: then x stands).
    let eval = |x: f64| -> Result<(f64, f64)> {
        let (h, dh) = tail_gap(a, b, x, 1.0 - x, prob, tail)?;
        Ok((h, dh / (x * (1.0 - x))))
    };
    let width = 16.0 * f64::EPSILON * u.abs().max(1.0) * x * (1.0 - x);
    let (lo, hi) = ((x - width).max(0.0), (x + width).min(1.0));
    if !(lo > 0.0 && hi < 1.0 && eval(lo)?.0 < 0.0 && eval(hi)?.0 > 0.0) {
        return Ok(x);
    }
    newton_in_bracket(
        eval,
        lo,
        hi,
        x,
        |x| f64::EPSILON * x,
        "beta quantile refinement",
    )
}

/// `1 / (1 + e^(−u))`.
fn logistic(u: f64) -> f64 {
    1.0 / (1.0 + (-u).exp())
}

/// The gap `h` between a tail of `Beta(a, b)` at `x` (with `y = 1 − x`) and `prob`, on the log
/// scale and signed to increase with `x`, and its derivative with respect to `logit(x)`:
///
/// ```text
/// Lower:  h = ln P(X ≤ x) − ln prob,    Upper:  h = ln prob − ln P(X > x)
/// dh/d logit(x) = (x^a y^b / B(a, b)) / tail
/// ```
fn tail_gap(a: f64, b: f64, x: f64, y: f64, prob: f64, tail: Tail) -> Result<(f64, f64)> {
    let t = beta_tails(a, b, x, y)?;
    let target = prob.ln();
    Ok(match tail {
        Tail::Lower => (t.ln_lower - target, t.ln_slope_lower.exp()),
        Tail::Upper => (target - t.ln_upper, t.ln_slope_upper.exp()),
    })
}

/// Solves `ln P(X ≤ x) = ln prob` (or the upper tail) for `u = logit(x)`, `X ~ Beta(a, b)`,
/// `prob ∈ (0, 1/2]`, by bracketed Newton iteration. `ln` of either tail is concave in `u`, so
/// Newton steps from the far side land on the near side and then increase monotonically.
///
/// Returns `−∞` when the quantile is below the smallest positive normal double and `+∞` when
/// `1 − x` is.
fn solve_logit(a: f64, b: f64, prob: f64, tail: Tail) -> Result<f64> {
    let eval = |u: f64| tail_gap(a, b, logistic(u), logistic(-u), prob, tail);
    // ±708.39: x or 1 − x is the smallest positive normal double.
    let edge = -f64::MIN_POSITIVE.ln();
    if eval(-edge)?.0 >= 0.0 {
        return Ok(f64::NEG_INFINITY);
    }
    if eval(edge)?.0 <= 0.0 {
        return Ok(f64::INFINITY);
    }
    // Start at the logit of the mean; stop at a few ulps of u.
    let tol = |u: f64| 4.0 * f64::EPSILON * u.abs().max(1.0);
    newton_in_bracket(
        eval,
        -edge,
        edge,
        (a / b).ln(),
        tol,
        "beta quantile iteration",
    )
}

/// Both tails of the regularized incomplete beta function at one point, plus logs.
#[derive(Debug, Clone, Copy)]
struct Tails {
    lower: f64,
    ln_lower: f64,
    ln_upper: f64,
    /// `ln(p / I)` and `ln(p / (1 − I))` for the prefactor `p = x^a y^b / B(a, b)`, the
    /// derivative of `I` with respect to `logit(x)`: the slopes of `ln I` and
    /// `−ln(1 − I)` in `logit(x)`, formed without subtracting two logs of 10¹⁶ and more (the
    /// far tails of huge shapes), which would leave only their rounding.
    ln_slope_lower: f64,
    ln_slope_upper: f64,
}

/// Regularized incomplete beta function `I_x(a, b)` and its complement, where `y = 1 − x` is
/// passed separately so that either may be tiny without cancellation.
fn beta_tails(a: f64, b: f64, x: f64, y: f64) -> Result<Tails> {
    if x <= 0.0 {
        return Ok(Tails {
            lower: 0.0,
            ln_lower: f64::NEG_INFINITY,
            ln_upper: 0.0,
            ln_slope_lower: f64::NAN,
            ln_slope_upper: f64::NEG_INFINITY,
        });
    }
    if y <= 0.0 {
        return Ok(Tails {
            lower: 1.0,
            ln_lower: 0.0,
            ln_upper: f64::NEG_INFINITY,
            ln_slope_lower: f64::NEG_INFINITY,
            ln_slope_upper: f64::NAN,
        });
    }
    let n = a + b;
    // λ = a − (a + b)x = (a + b)y − b, from the smaller of x, y: both deviations, of n·x from
    // a and of n·y from b, are ±λ, free of the rounding of the larger of x, y (which is
    // coarser than the distribution's width when the shapes are huge).
    let lambda = if x <= 0.5 { a - n * x } else { n * y - b };
    // The exponent of the prefactor, and Temme's f.
    let deviance = bd0_diff(a, n * x, lambda) + bd0_diff(b, n * y, -lambda);
    let ln_scaled_prefactor = ln_beta_prefactor(a, b, 0.0);
    let ln_prefactor = ln_scaled_prefactor - deviance;
    // The tail on the side λ ≥ 0 (the smaller one, below the mean), in logs, and its slope.
    let (p, q, xs, ys, lam) = if lambda >= 0.0 {
        (a, b, x, y, lambda)
    } else {
        (b, a, y, x, -lambda)
    };
    let (ln_small, ln_slope_small) = if p.min(q) > 100.0 && lam <= 0.03 * p.min(q) {
        let ln_scaled = ln_temme_scaled(p, q, deviance)?;
        (ln_scaled - deviance, ln_scaled_prefactor - ln_scaled)
    } else {
        let ln_fraction = beta_frac(p, q, xs, ys, lam)?.ln();
        (ln_prefactor + ln_fraction, -ln_fraction)
    };
    let ln_large = (-ln_small.exp()).ln_1p();
    let ln_slope_large = ln_prefactor - ln_large;
    let (ln_lower, ln_upper, ln_slope_lower, ln_slope_upper) = if lambda >= 0.0 {
        (ln_small, ln_large, ln_slope_small, ln_slope_large)
    } else {
        (ln_large, ln_small, ln_slope_large, ln_slope_small)
    };
    Ok(Tails {
        lower: ln_lower.exp(),
        ln_lower,
        ln_upper,
        ln_slope_lower,
        ln_slope_upper,
    })
}

/// `ln(x^a y^b / B(a, b))` in Loader's form, free of cancellation for large `a`, `b`, given
/// `deviance = bd0(a, n x) + bd0(b, n y)`:
///
/// ```text
/// x^a y^b / B(a, b) = sqrt(ab / (2π n)) · exp(δ(n) − δ(a) − δ(b) − bd0(a, n x) − bd0(b, n y))
/// n = a + b,  δ = stirlerr
/// ```
fn ln_beta_prefactor(a: f64, b: f64, deviance: f64) -> f64 {
    let n = a + b;
    stirlerr(n) - stirlerr(a) - stirlerr(b) - deviance + 0.5 * (a / n * b).ln() - LN_SQRT_2PI
}

/// Continued fraction for `I_x(a, b) / (x^a y^b / B(a, b))` in the form of Didonato & Morris
/// (1992, ACM TOMS 708, `bfrac`), written in terms of `λ = a − (a + b)x = (a + b)y − b ≥ 0`,
/// which the caller computes from whichever of `x`, `y` avoids cancellation. Unlike the
/// textbook form in `x` alone, it keeps full accuracy when `x` is close to 1 and `a` is large
/// (the t distribution with many degrees of freedom).
fn beta_frac(a: f64, b: f64, x: f64, y: f64, lambda: f64) -> Result<f64> {
    let c = lambda + 1.0;
    let c0 = b / a;
    let c1 = 1.0 / a + 1.0;
    let yp1 = y + 1.0;
    let mut n = 0.0;
    let mut p = 1.0;
    let mut s = a + 1.0;
    // The convergents A/B start at A₀ = 0, B₀ = 1, A₁ = 1, B₁ = c/c₁, scaled by 1/B₁ (as every
    // step rescales) so that no product overflows when λ is huge.
    let mut r = c1 / c;
    let mut an = 0.0;
    let mut bn = r;
    let mut anp1 = r;
    let mut bnp1 = 1.0;
    for _ in 0..MAX_TERMS {
        n += 1.0;
        let t = n / a;
        let w = n * (b - n) * x;
        let e = a / s;
        let alpha = p * (p + c0) * e * e * (w * x);
        let e = (t + 1.0) / (c1 + t + t);
        let beta = n + w / s + e * (c + n * yp1);
        p = t + 1.0;
        s += 2.0;
        let next_a = alpha * an + beta * anp1;
        an = anp1;
        anp1 = next_a;
        let next_b = alpha * bn + beta * bnp1;
        bn = bnp1;
        bnp1 = next_b;
        let r0 = r;
        r = anp1 / bnp1;
        if (r - r0).abs() <= f64::EPSILON * r {
            return Ok(r);
        }
        // Rescale to avoid overflow.
        an /= bnp1;
        bn /= bnp1;
        anp1 = r;
        bnp1 = 1.0;
    }
    Err(NoConvergence {
        what: "incomplete beta continued fraction",
    })
}

/// `ln I_x(a, b)` (plus `f`) by Temme's uniform asymptotic expansion, for `a, b > 100` and
/// `λ = a − (a + b)x ≥ 0` (TOMS 708 `basym`, Didonato & Morris 1992 §3; Temme 1987):
///
/// ```text
/// I_x(a, b) = (2/√π) · e^(−f − β(a, b)) · (J₀ + Σ_{k≥1} d_{k−1} · w₀^k · J_k)
/// f = a·φ(−λ/a) + b·φ(λ/b) = bd0(a, n x) + bd0(b, n y),   φ(t) = t − ln(1 + t)
/// J₀ = (√π/4)·erfcx(√f),  J₁ = 2^(−3/2),  J_k = (k − 1)·J_{k−2} + 2^(−3/2)·(2f)^((k−1)/2)
/// w₀ = 1/√(min(a, b)·(1 + h)),  h = min(a, b)/max(a, b)
/// β(a, b) = δ(a) + δ(b) − δ(a + b)           (δ = stirlerr, the ln Γ remainder)
/// ```
///
/// The coefficients `d_n` come from the series of the saddle-point transformation (TOMS 708's
/// arrays `a0`, `b0`, `c`, `d`); at most 20 terms are summed, stopping when the last two
/// change the sum by less than an ulp. `deviance` is `f`, which the caller has; the result
/// is `ln I_x(a, b) + f`, so that the caller can form the slope `prefactor/I` without `f`.
fn ln_temme_scaled(a: f64, b: f64, deviance: f64) -> Result<f64> {
    /// `2/√π`.
    const E0: f64 = std::f64::consts::FRAC_2_SQRT_PI;
    /// `2^(−3/2)`.
    const E1: f64 = 0.353_553_390_593_273_8;
    const TERMS: usize = 20;
    let f = deviance;
    let z0 = f.sqrt();
    let z = z0 * std::f64::consts::SQRT_2;
    let (small, large) = (a.min(b), a.max(b));
    let h = small / large;
    let r0 = 1.0 / (h + 1.0);
    let r1 = (b - a) / large;
    let w0 = 1.0 / (small * (h + 1.0)).sqrt();

    let mut a0 = [0.0_f64; TERMS + 1];
    let mut b0 = [0.0_f64; TERMS + 1];
    let mut c = [0.0_f64; TERMS + 1];
    let mut d = [0.0_f64; TERMS + 1];
    a0[0] = r1 * 2.0 / 3.0;
    c[0] = -0.5 * a0[0];
    d[0] = -c[0];
    // K_k = w₀^k·J_k, by the recurrence K_k = 2^(−3/2)·w₀·g^(k−1) + (k − 1)·w₀²·K_{k−2} in
    // g = w₀·√(2f) ≤ 0.03·√2 (in the region of use): neither factor overflows when f is huge.
    let g = w0 * z;
    let (w2, g2) = (w0 * w0, g * g);
    let mut k_even = 0.5 / E0 * erfcx(z0)?;
    let mut k_odd = E1 * w0;
    let mut sum = k_even + d[0] * k_odd;
    let (mut s, h2, mut hn, mut g_even, mut g_odd) = (1.0, h * h, 1.0, g, g2);
    for n in (2..=TERMS).step_by(2) {
        let nf = n as f64;
        hn *= h2;
        a0[n - 1] = 2.0 * r0 * (h * hn + 1.0) / (nf + 2.0);
        s += hn;
        a0[n] = 2.0 * r1 * s / (nf + 3.0);
        for i in n..=n + 1 {
            let r = -0.5 * (i as f64 + 1.0);
            b0[0] = r * a0[0];
            for m in 2..=i {
                let bsum: f64 = (1..m)
                    .map(|j| (j as f64 * r - (m - j) as f64) * a0[j - 1] * b0[m - j - 1])
                    .sum();
                b0[m - 1] = r * a0[m - 1] + bsum / m as f64;
            }
            c[i - 1] = b0[i - 1] / (i as f64 + 1.0);
            let dsum: f64 = (1..i).map(|j| d[i - j - 1] * c[j - 1]).sum();
            d[i - 1] = -(dsum + c[i - 1]);
        }
        k_even = E1 * w0 * g_even + (nf - 1.0) * w2 * k_even;
        k_odd = E1 * w0 * g_odd + nf * w2 * k_odd;
        g_even *= g2;
        g_odd *= g2;
        let t0 = d[n - 1] * k_even;
        let t1 = d[n] * k_odd;
        sum += t0 + t1;
        if t0.abs() + t1.abs() <= f64::EPSILON * sum {
            break;
        }
    }
    let correction = stirlerr(a) + stirlerr(b) - stirlerr(a + b);
    Ok(E0.ln() - correction + sum.ln())
}

/// The scaled complementary error function `erfcx(z) = e^(z²)·erfc(z)` for `z ≥ 0`, from the
/// incomplete gamma function `erfc(z) = Q(1/2, z²)` without forming `e^(−z²)`: the series
/// for `z² < 3/2`, else `z/√π` times the continued fraction of `Q`.
fn erfcx(z: f64) -> Result<f64> {
    let x = z * z;
    if x < 1.5 {
        Ok(x.exp() * gamma_tails(0.5, x)?.upper)
    } else {
        Ok(z / std::f64::consts::PI.sqrt() * gamma_upper_fraction(0.5, x)?)
    }
}

// ---------------------------------------------------------------------------------------------
// Gamma, χ² and F
// ---------------------------------------------------------------------------------------------

/// `P(χ²_df ≤ x) = P(df/2, x/2)` (R's `pchisq`), `df > 0` finite.
pub(crate) fn chisq_cdf(x: f64, df: f64) -> Result<f64> {
    Ok(gamma_tails(df / 2.0, x / 2.0)?.lower)
}

/// `P(χ²_df > x) = Q(df/2, x/2)` (R's `pchisq(lower.tail = FALSE)`), computed directly so
/// that small p-values keep their relative accuracy.
pub(crate) fn chisq_sf(x: f64, df: f64) -> Result<f64> {
    Ok(gamma_tails(df / 2.0, x / 2.0)?.upper)
}

/// `P(F > x)` for `F ~ F(d1, d2)` (R's `pf(lower.tail = FALSE)`), degrees of freedom positive,
/// either may be ∞ (`d2 = ∞` gives `χ²_{d1}/d1`, `d1 = ∞` gives `d2/χ²_{d2}`):
///
/// ```text
/// P(F > x) = I_{d2/(d2 + d1·x)}(d2/2, d1/2)
/// ```
pub(crate) fn f_sf(x: f64, d1: f64, d2: f64) -> Result<f64> {
    if x <= 0.0 {
        return Ok(1.0);
    }
    if x == f64::INFINITY {
        return Ok(0.0);
    }
    match (d1.is_finite(), d2.is_finite()) {
        (false, false) => Ok(if x < 1.0 { 1.0 } else { 0.0 }),
        (true, false) => chisq_sf(d1 * x, d1),
        (false, true) => chisq_cdf(d2 / x, d2),
        (true, true) => {
            let u = d1 * x;
            let (xb, yb) = if u.is_finite() {
                (d2 / (d2 + u), u / (d2 + u))
            } else {
                (0.0, 1.0)
            };
            Ok(beta_tails(d2 / 2.0, d1 / 2.0, xb, yb)?.lower)
        }
    }
}

/// Both tails of the regularized incomplete gamma function.
#[derive(Debug, Clone, Copy)]
struct GammaTails {
    lower: f64,
    upper: f64,
}

/// `P(a, x)` and `Q(a, x) = 1 − P(a, x)`: the series for `x < a + 1`, the continued fraction
/// otherwise (Numerical Recipes `gser`/`gcf`), times the prefactor in Loader's form
///
/// ```text
/// x^a e^(−x) / Γ(a) = sqrt(a / (2π)) · exp(−δ(a) − bd0(a, x))
/// ```
fn gamma_tails(a: f64, x: f64) -> Result<GammaTails> {
    if x <= 0.0 {
        return Ok(GammaTails {
            lower: 0.0,
            upper: 1.0,
        });
    }
    if x == f64::INFINITY {
        return Ok(GammaTails {
            lower: 1.0,
            upper: 0.0,
        });
    }
    let ln_prefactor = 0.5 * a.ln() - stirlerr(a) - bd0(a, x) - LN_SQRT_2PI;
    if x < a + 1.0 {
        let lower = (ln_prefactor + gamma_lower_series(a, x)?.ln()).exp();
        Ok(GammaTails {
            lower,
            upper: 1.0 - lower,
        })
    } else {
        let upper = (ln_prefactor + gamma_upper_fraction(a, x)?.ln()).exp();
        Ok(GammaTails {
            lower: 1.0 - upper,
            upper,
        })
    }
}

/// `P(a, x) / (x^a e^(−x) / Γ(a)) = Σ_k x^k / (a (a + 1) ⋯ (a + k))` (Numerical Recipes
/// `gser`), for `x < a + 1`.
fn gamma_lower_series(a: f64, x: f64) -> Result<f64> {
    let mut ap = a;
    let mut del = 1.0 / a;
    let mut sum = del;
    for _ in 0..MAX_TERMS {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() < sum.abs() * f64::EPSILON / 2.0 {
            return Ok(sum);
        }
    }
    Err(NoConvergence {
        what: "incomplete gamma series",
    })
}

/// `Q(a, x) / (x^a e^(−x) / Γ(a))` by the continued fraction
/// `1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ⋯)))` in Lentz's form
/// (Numerical Recipes `gcf`), for `x ≥ a + 1`.
fn gamma_upper_fraction(a: f64, x: f64) -> Result<f64> {
    const TINY: f64 = 1e-300;
    let mut bb = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / bb;
    let mut h = d;
    for i in 1..MAX_TERMS {
        let i = i as f64;
        let an = -i * (i - a);
        bb += 2.0;
        d = an * d + bb;
        if d.abs() < TINY {
            d = TINY;
        }
        c = bb + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= f64::EPSILON {
            return Ok(h);
        }
    }
    Err(NoConvergence {
        what: "incomplete gamma continued fraction",
    })
}

// ---------------------------------------------------------------------------------------------
// Loader's building blocks
// ---------------------------------------------------------------------------------------------

/// Stirling's series remainder `δ(n) = ln Γ(n + 1) − (n + 1/2) ln n + n − ln sqrt(2π)`
/// (Loader 2000; R's `stirlerr`), for `n > 0`:
///
/// ```text
/// n > 15:  δ(n) = 1/(12n) − 1/(360n³) + 1/(1260n⁵) − …     (Stirling's series, as R)
/// n ≤ 15:  δ(n) = δ(n + 1) + (n + 1/2)·ln(1 + 1/n) − 1       (from Γ(n + 2) = (n + 1)·Γ(n + 1))
/// ```
///
/// The recurrence climbs above 15 in at most 16 steps, each accurate to an ulp
/// ([`stirling_step`]); `ln Γ` itself, whose rounding is 30 times δ's size at 15, is never
/// formed (statrs' `ln_gamma` would cost δ two digits there, R uses a table).
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        let (mut m, mut sum) = (n, 0.0);
        while m <= 15.0 {
            sum += stirling_step(m);
            m += 1.0;
        }
        return sum + stirlerr(m);
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// `δ(n) − δ(n + 1) = (n + 1/2)·ln(1 + 1/n) − 1`, without cancellation for `n ≥ 1`:
///
/// ```text
/// (n + 1/2)·ln(1 + 1/n) − 1 = Σ_{k≥1} v^(2k)/(2k + 1),   v = 1/(2n + 1)
/// ```
///
/// (from `ln((1 + v)/(1 − v)) = 2·atanh v`); directly below 1, where it is not small.
fn stirling_step(n: f64) -> f64 {
    if n < 1.0 {
        return (n + 0.5) * ((n + 1.0).ln() - n.ln()) - 1.0;
    }
    let v2 = (1.0 / (2.0 * n + 1.0)).powi(2);
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 1..40 {
        term *= v2;
        let next = sum + term / f64::from(2 * k + 1);
        if next == sum {
            break;
        }
        sum = next;
    }
    sum
}

/// Deviance term `bd0(x, m) = x ln(x / m) + m − x` (Loader 2000; R's `bd0`), computed by a
/// series when `x ≈ m` so that it keeps full relative accuracy.
fn bd0(x: f64, m: f64) -> f64 {
    bd0_diff(x, m, x - m)
}

/// [`bd0`] given also the difference `d = x − m`, which the caller knows more accurately than
/// `x − m` in floating point.
fn bd0_diff(x: f64, m: f64, d: f64) -> f64 {
    if d.abs() < 0.1 * (x + m) {
        let mut v = d / (x + m);
        let s = d * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        let mut s = s;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * (x / m).ln() - d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// The quantiles kept per thread are the quantiles computed, asked in any order, more
    /// of them than are kept, on two threads at once.
    #[test]
    fn kept_t_quantiles_are_the_computed_ones() {
        let asks: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                (
                    [0.975, 0.025, 0.95, 0.995, 0.9][i % 5],
                    [3.0, 29.0, 19_997.0][i % 3],
                )
            })
            .collect();
        let check = || {
            for &(p, df) in asks.iter().chain(asks.iter().rev()) {
                let kept = t_quantile(p, df).expect("a quantile");
                let computed = t_quantile_of(p, df).expect("a quantile");
                assert_eq!(kept.to_bits(), computed.to_bits(), "p {p} df {df}");
            }
        };
        std::thread::scope(|s| {
            s.spawn(check);
            check();
        });
    }

    /// R 4.2.2 values written by `tests/data/dist_reference.R`.
    const R_VALUES: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/dist_reference.txt"
    ));

    /// R 4.2.2 values and exact limits written by `tests/data/numerics_R.R`.
    const R_JSON: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/numerics_R.json"
    ));

    const QT_REL: f64 = 1e-13;

    fn rel_error(got: f64, want: f64) -> f64 {
        if got == want {
            0.0
        } else {
            ((got - want) / want).abs()
        }
    }

    fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
        let err = rel_error(got, want);
        assert!(err <= rel, "{what}: got {got:e}, R {want:e}, rel {err:.2e}");
    }

    /// A number of `numerics_R.json` (a string with 17 digits, or "Inf").
    fn number(v: &Value) -> f64 {
        match v.as_str().expect("a string") {
            "Inf" => f64::INFINITY,
            s => s.parse().expect("a number"),
        }
    }

    fn records(section: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(R_JSON).expect("valid JSON");
        all[section].as_array().expect("a section").clone()
    }

    /// Every line of the R table, checked; returns how many values were compared.
    #[test]
    fn matches_r_reference_values() {
        let mut checked = 0;
        for line in R_VALUES.lines() {
            let mut fields = line.split_whitespace();
            let Some(name) = fields.next() else { continue };
            let v: Vec<f64> = fields.map(|s| s.parse().unwrap()).collect();
            match name {
                "qt" => {
                    let q = t_quantile(v[0], v[1]).unwrap();
                    assert_rel(q, v[2], QT_REL, line);
                    assert_rel(t_cdf(q, v[1]).unwrap(), v[0], 2e-13, line);
                    // Symmetry, with the complement formed exactly.
                    let upper = 1.0 - v[0];
                    let lower = 1.0 - upper;
                    assert_rel(
                        t_quantile(upper, v[1]).unwrap(),
                        -t_quantile(lower, v[1]).unwrap(),
                        1e-15,
                        line,
                    );
                    checked += 1;
                }
                "pt" => {
                    assert_rel(t_cdf(v[0], v[1]).unwrap(), v[2], 2e-13, line);
                    checked += 1;
                }
                "qbeta" => {
                    assert_rel(beta_quantile(v[0], v[1], v[2]).unwrap(), v[3], 1e-13, line);
                    checked += 1;
                }
                "qnorm" => {
                    assert_rel(normal_quantile(v[0]), v[1], 1e-15, line);
                    checked += 1;
                }
                "pnorm" => {
                    assert_rel(normal_cdf(v[0]).unwrap(), v[1], 2e-13, line);
                    checked += 1;
                }
                "pchisq" => {
                    assert_rel(chisq_cdf(v[0], v[1]).unwrap(), v[2], 2e-13, line);
                    assert_rel(chisq_sf(v[0], v[1]).unwrap(), v[3], 2e-13, line);
                    checked += 2;
                }
                "pf" => {
                    assert_rel(f_sf(v[0], v[1], v[2]).unwrap(), v[3], 2e-13, line);
                    checked += 1;
                }
                other => panic!("unknown function {other}"),
            }
        }
        assert_eq!(checked, 40 + 42 + 72 + 4 + 8 + 2 * 43 + 120);
    }

    /// `qt` at degrees of freedom from 1 to 10⁹ and ∞, p from 1e-10 to 0.995: within 1e-12
    /// of R (in fact 1e-14), and of the independent route through R's `qbeta`.
    #[test]
    fn t_quantiles_match_r_at_any_degrees_of_freedom() {
        let mut worst: Vec<(f64, f64)> = Vec::new();
        for r in records("qt") {
            let (p, df) = (number(&r["p"]), number(&r["df"]));
            let q = t_quantile(p, df).unwrap();
            let what = format!("qt({p}, {df})");
            let err = rel_error(q, number(&r["q"]));
            assert!(err <= 1e-12, "{what}: got {q:e}, rel {err:.2e}");
            assert_rel(q, number(&r["qt_via_qbeta"]), 1e-12, &what);
            match worst.iter_mut().find(|w| w.0 == df) {
                Some(w) => w.1 = w.1.max(err),
                None => worst.push((df, err)),
            }
        }
        assert_eq!(worst.len(), 9);
        for (df, err) in worst {
            eprintln!("qt: df {df:e}: max relative error vs R {err:.1e}");
        }
    }

    /// `qbeta` where R answers (to 1e-13) and the exact limits for shapes up to 10⁴⁰ (to a few
    /// ulps): the quantile of a huge-shape beta is its mean plus a normal deviation.
    #[test]
    fn beta_quantiles_match_r_and_the_limits_for_huge_shapes() {
        let mut checked = 0;
        for r in records("qbeta") {
            let (p, a, b) = (number(&r["p"]), number(&r["a"]), number(&r["b"]));
            let want = number(&r["q"]);
            let source = r["source"].as_str().expect("source");
            let tolerance = if source == "qbeta" { 1e-13 } else { 1e-11 };
            let got = beta_quantile(p, a, b).unwrap();
            let what = format!("qbeta({p}, {a:e}, {b:e}) [{source}]");
            let err = rel_error(got, want);
            assert!(
                err <= tolerance,
                "{what}: got {got:e}, want {want:e}, rel {err:.2e}"
            );
            eprintln!("{what}: rel {err:.1e}");
            checked += 1;
        }
        assert_eq!(checked, 64);
    }

    /// Temme's expansion and the continued fraction agree where both apply.
    #[test]
    fn temme_expansion_agrees_with_the_continued_fraction() {
        for (a, b) in [
            (150.0_f64, 400.0_f64),
            (1e3, 2e3),
            (1e4, 1e4),
            (1e6, 3e6),
            (2e8, 1e8),
        ] {
            let n = a + b;
            // λ = a − n·x from the edge of Temme's region to the mean.
            for share in [0.99, 0.3, 0.01, 0.0] {
                let x = (a - share * 0.03 * a.min(b)) / n;
                let y = 1.0 - x;
                let lambda = a - n * x;
                assert!(lambda >= 0.0 && lambda <= 0.03 * a.min(b));
                let deviance = bd0_diff(a, n * x, lambda) + bd0_diff(b, n * y, -lambda);
                let temme = (ln_temme_scaled(a, b, deviance).unwrap() - deviance).exp();
                let ln_pre = ln_beta_prefactor(a, b, deviance);
                let fraction = (ln_pre + beta_frac(a, b, x, y, lambda).unwrap().ln()).exp();
                assert_rel(temme, fraction, 2e-14, &format!("I_{x}({a}, {b})"));
            }
        }
    }

    /// A share's SE of about 1e-18 gives shapes of about 1e35 (R's `qbeta` answers NaN or 1
    /// there): the quantile is the mean to within an ulp or two, and it is found at once.
    #[test]
    fn beta_quantiles_of_astronomical_shapes_are_the_mean() {
        for (f, m) in [
            (0.526_315_789_473_684_2, 2.5e35),
            (0.3, 1e300),
            (1e-3, 1e40),
        ] {
            let (a, b) = (m * f, m * (1.0 - f) + 1.0);
            for p in [0.025, 0.5, 0.975] {
                let q = beta_quantile(p, a, b).unwrap();
                assert!(
                    (q - f).abs() <= 4.0 * f64::EPSILON * f,
                    "{p} {a:e} {b:e}: {q}"
                );
            }
        }
    }

    #[test]
    fn special_cases() {
        assert_eq!(t_quantile(0.0, 3.0).unwrap(), f64::NEG_INFINITY);
        assert_eq!(t_quantile(1.0, 3.0).unwrap(), f64::INFINITY);
        assert_eq!(t_cdf(f64::NEG_INFINITY, 3.0).unwrap(), 0.0);
        assert_eq!(t_cdf(f64::INFINITY, 3.0).unwrap(), 1.0);
        assert_eq!(t_cdf(1.5, f64::INFINITY).unwrap(), normal_cdf(1.5).unwrap());
        // Cauchy: qt(p, 1) = tan(π(p − 1/2)).
        let q = t_quantile(0.1, 1.0).unwrap();
        assert_rel(
            q,
            (std::f64::consts::PI * (0.1 - 0.5)).tan(),
            1e-14,
            "cauchy",
        );
        assert_eq!(beta_quantile(0.0, 2.0, 3.0).unwrap(), 0.0);
        assert_eq!(beta_quantile(1.0, 2.0, 3.0).unwrap(), 1.0);
        // Quantile below the smallest double: qbeta(0.3, 0.001, 5) ≈ 1e-523.
        assert_eq!(beta_quantile(0.3, 0.001, 5.0).unwrap(), 0.0);
        assert_eq!(chisq_cdf(0.0, 2.0).unwrap(), 0.0);
        assert_eq!(chisq_sf(f64::INFINITY, 2.0).unwrap(), 0.0);
        assert_eq!(f_sf(0.0, 2.0, 3.0).unwrap(), 1.0);
        // F(d1, ∞) = χ²(d1)/d1 and F(∞, d2) = d2/χ²(d2).
        assert_eq!(
            f_sf(2.0, 3.0, f64::INFINITY).unwrap(),
            chisq_sf(6.0, 3.0).unwrap()
        );
        assert_eq!(
            f_sf(2.0, f64::INFINITY, 5.0).unwrap(),
            chisq_cdf(2.5, 5.0).unwrap()
        );
        // erfcx(z) → 1/(z√π) for large z; erfcx(0) = 1.
        assert_eq!(erfcx(0.0).unwrap(), 1.0);
        assert_rel(
            erfcx(1e4).unwrap(),
            1.0 / (1e4 * std::f64::consts::PI.sqrt()) * (1.0 - 0.5e-8),
            1e-15,
            "erfcx",
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn t_quantile_inverts_t_cdf(p in 1e-12f64..0.999_999, log_df in -1.0f64..9.0) {
            let df = 10f64.powf(log_df);
            let q = t_quantile(p, df).unwrap();
            prop_assume!(q.is_finite());
            let back = t_cdf(q, df).unwrap();
            let tail = p.min(1.0 - p);
            prop_assert!((back - p).abs() <= 1e-12 * tail, "p {p} df {df} q {q} back {back}");
        }

        /// Shapes from 0.01 to 10¹²: the quantile inverts the distribution function.
        #[test]
        fn beta_quantile_inverts_beta_cdf(p in 1e-9f64..0.999_999, la in -2.0f64..12.0, lb in -2.0f64..12.0) {
            let (a, b) = (10f64.powf(la), 10f64.powf(lb));
            let x = beta_quantile(p, a, b).unwrap();
            prop_assume!(x > 1e-300 && x < 1.0);
            let y = 1.0 - x;
            let t = beta_tails(a, b, x, y).unwrap();
            let tail = p.min(1.0 - p);
            // Rounding x to a double moves logit(x) by up to eps / min(x, y), and I by the
            // prefactor (dI/dlogit x) times that.
            let prefactor = (t.ln_slope_lower + t.ln_lower).exp();
            let slack = prefactor * 4.0 * f64::EPSILON / x.min(y) + 1e-13 * tail;
            prop_assert!((t.lower - p).abs() <= slack, "p {p} a {a} b {b} x {x} lower {}", t.lower);
        }

        /// Shapes up to 10⁴⁰: a quantile is found, and it lies where the normal limit says,
        /// within its standard deviation's accuracy or a few ulps.
        #[test]
        fn beta_quantile_of_huge_shapes_is_near_the_normal_limit(p in 1e-6f64..0.999_999, f in 0.01f64..0.99, lm in 12.0f64..40.0) {
            let m = 10f64.powf(lm);
            let (a, b) = (m * f, m * (1.0 - f));
            let x = beta_quantile(p, a, b).unwrap();
            let sd = (f * (1.0 - f) / (m + 1.0)).sqrt();
            let limit = f + normal_quantile(p) * sd;
            prop_assert!((x - limit).abs() <= 1e-3 * sd + 8.0 * f64::EPSILON * f, "p {p} f {f} m {m:e}: {x} vs {limit}");
        }

        #[test]
        fn chisq_tails_sum_to_one(x in 0.0f64..1e4, df in 0.05f64..1e4) {
            let lower = chisq_cdf(x, df).unwrap();
            let upper = chisq_sf(x, df).unwrap();
            prop_assert!((lower + upper - 1.0).abs() < 1e-14);
        }
    }
}
