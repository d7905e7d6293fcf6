//! Root finding: R's `zeroin` (Brent's method, as `uniroot`), Newton's method inside a
//! bracket, and bisection to adjacent doubles.
//!
//! * [`zeroin`] / [`uniroot`]: the quantile score interval and the saddlepoint approximation
//!   of the Rao–Scott tests, which must take R's steps to give R's answers.
//! * [`newton_in_bracket`]: quantiles of the beta and t distributions (`super::dist`).
//! * [`bisect`]: the likelihood interval of a proportion, to the last bit.

use super::NoConvergence;

/// R's `R_zeroin2` (Brent's method as in `uniroot`), given the function values at both ends.
/// Returns the last iterate when `max_iter` runs out, as `uniroot` does (with a warning).
pub(crate) fn zeroin<E>(
    f: &mut dyn FnMut(f64) -> Result<f64, E>,
    ax: f64,
    bx: f64,
    fa: f64,
    fb: f64,
    tol: f64,
    max_iter: usize,
) -> Result<f64, E> {
    let (mut a, mut b, mut fa, mut fb) = (ax, bx, fa, fb);
    let (mut c, mut fc) = (a, fa);
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    for _ in 0..=max_iter {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return Ok(b);
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qa = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
                q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b)?;
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    Ok(b)
}

/// R's `uniroot(f, c(lower, upper), tol, maxiter = max_iter)`: [`zeroin`] on a finite
/// bracket. `None` where R stops with an error: a non-finite or empty bracket, or `f` values
/// of the same sign (or NaN) at its ends.
pub(crate) fn uniroot(
    f: impl Fn(f64) -> f64,
    lower: f64,
    upper: f64,
    tol: f64,
    max_iter: usize,
) -> Option<f64> {
    if !(lower.is_finite() && upper.is_finite() && lower < upper) {
        return None;
    }
    let (fa, fb) = (f(lower), f(upper));
    if fa.is_nan() || fb.is_nan() || fa * fb > 0.0 {
        return None;
    }
    let mut g = |x: f64| Ok::<f64, std::convert::Infallible>(f(x));
    zeroin(&mut g, lower, upper, fa, fb, tol, max_iter).ok()
}

/// Newton steps taken before [`newton_in_bracket`] bisects only.
const NEWTON_STEPS: usize = 100;

/// Bisections after the Newton steps: enough to take any bracket of doubles to adjacent
/// doubles (at most 2·1075 halvings: 1075 to reach ±1 from ±f64::MAX, 1075 below).
const BISECTIONS: usize = 2200;

/// The root of an increasing function `h` on the bracket `[lo, hi]` (`h(lo) < 0 < h(hi)`),
/// by Newton's method from `start`, each step replaced by a bisection where it would leave
/// the bracket, which shrinks with every evaluation.
///
/// ```text
/// u ← u − h(u)/h'(u)       if inside (lo, hi), else (lo + hi)/2
/// lo ← u where h(u) < 0,   hi ← u where h(u) > 0
/// ```
///
/// `eval(u)` returns `(h(u), h'(u))`. Stops when the bracket is at most `tol(u)` wide, or when
/// a Newton step is that short and `h` changes sign within `tol(u)` beyond it: a short step
/// alone proves nothing where `h'` is inaccurate (far from the root, the log tails of
/// huge-shape betas have slopes good to a factor e⁸), so an unconfirmed one is followed by a
/// bisection. Where `h` is concave or convex (the log tail probabilities of `super::dist`)
/// Newton converges from either side; after 100 steps without it (a function that is a step
/// at the resolution of doubles), the rest are bisections, so the iteration always ends.
///
/// # Errors
///
/// An error of `eval`; [`NoConvergence`] naming `what` if the bisections run out (not
/// possible for a finite bracket).
pub(crate) fn newton_in_bracket(
    mut eval: impl FnMut(f64) -> Result<(f64, f64), NoConvergence>,
    mut lo: f64,
    mut hi: f64,
    start: f64,
    tol: impl Fn(f64) -> f64,
    what: &'static str,
) -> Result<f64, NoConvergence> {
    let mut u = start.clamp(lo, hi);
    for step in 0..NEWTON_STEPS + BISECTIONS {
        let (h, dh) = eval(u)?;
        if h == 0.0 {
            return Ok(u);
        }
        if h < 0.0 {
            lo = u;
        } else {
            hi = u;
        }
        let tol = tol(u);
        let mid = 0.5 * (lo + hi);
        if hi - lo <= tol || mid == lo || mid == hi {
            return Ok(mid);
        }
        let newton = u - h / dh;
        if step >= NEWTON_STEPS || !(newton > lo && newton < hi) {
            u = mid;
            continue;
        }
        if (newton - u).abs() > tol {
            u = newton;
            continue;
        }
        // A short step: look just beyond it, towards the root.
        let probe = newton + if h < 0.0 { tol } else { -tol };
        if !(probe > lo && probe < hi) {
            return Ok(newton);
        }
        let (h_probe, _) = eval(probe)?;
        if h_probe == 0.0 || (h_probe > 0.0) == (h < 0.0) {
            return Ok(newton);
        }
        if h_probe < 0.0 {
            lo = probe;
        } else {
            hi = probe;
        }
        u = 0.5 * (lo + hi);
    }
    Err(NoConvergence { what })
}

/// The boundary between `inside` (where `is_inside` holds) and `outside`, by bisection until
/// the two are adjacent doubles; returns their midpoint.
/// (At most 2200 halvings, which reach adjacent doubles from any finite pair.)
pub(crate) fn bisect(is_inside: impl Fn(f64) -> bool, mut inside: f64, mut outside: f64) -> f64 {
    for _ in 0..BISECTIONS {
        let mid = 0.5 * (inside + outside);
        if mid == inside || mid == outside {
            return mid;
        }
        if is_inside(mid) {
            inside = mid;
        } else {
            outside = mid;
        }
    }
    0.5 * (inside + outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniroot_finds_roots() {
        let r = uniroot(|x| x * x - 2.0, 0.0, 2.0, 1e-12, 1000).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-11);
        assert_eq!(uniroot(|x| x * x + 1.0, -1.0, 1.0, 1e-8, 1000), None);
        assert_eq!(uniroot(|x| x, f64::NEG_INFINITY, 1.0, 1e-8, 1000), None);
    }

    #[test]
    fn newton_in_bracket_converges_and_survives_a_step_function() {
        // Concave: ln(x) − ln(2) from the far side.
        let tol = |u: f64| 4.0 * f64::EPSILON * u.abs().max(1.0);
        let r = newton_in_bracket(
            |u| Ok((u.ln() - 2f64.ln(), 1.0 / u)),
            1e-3,
            1e3,
            900.0,
            tol,
            "t",
        )
        .unwrap();
        assert!((r - 2.0).abs() <= 4.0 * f64::EPSILON);
        // A jump between two adjacent doubles: Newton's derivative is useless (0 or ∞),
        // bisection finds the jump.
        let jump = 0.3;
        let r = newton_in_bracket(
            |u| Ok((if u < jump { -1.0 } else { 1.0 }, 0.0)),
            -700.0,
            700.0,
            5.0,
            tol,
            "t",
        )
        .unwrap();
        assert!((r - jump).abs() <= 8.0 * f64::EPSILON, "{r}");
    }

    #[test]
    fn bisect_reaches_adjacent_doubles() {
        let r = bisect(|x| x * x <= 2.0, 0.0, 2.0);
        assert!((r - 2f64.sqrt()).abs() <= f64::EPSILON);
    }
}
