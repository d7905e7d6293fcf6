//! The proportional-odds model for ordered answers (R's `svyolr`, logit link): the model of
//! a Likert item on its explanatory terms.
//!
//! ```text
//! P(Y ≤ j | x) = F(ζ_j − xᵀβ),   F(t) = 1 / (1 + e^(−t)),   ζ_1 < ζ_2 < … < ζ_q
//! maximise ℓ(β, ζ) = Σ_k w_k·log(F(ζ_{y_k} − x_kᵀβ) − F(ζ_{y_k − 1} − x_kᵀβ))
//! V = Vm·Σ_design(Σ_k w_k·s_k)·Vm        s_k: the row's score, Vm: R's inverse Hessian
//! ```
//!
//! The weighted likelihood is maximised by Newton's method with step halving (the
//! likelihood is concave in `(β, ζ)`), to the optimum R's BFGS approaches. The variance is
//! R's sandwich: the rows' scores are summed per unit and go through the design's
//! linearization (strata, fpc, lonely PSUs, calibration residuals), with the bread `Vm`
//! made as R makes it — `optim`'s finite-difference Hessian (steps of 1e-3) in the
//! parametrisation `θ = (β, ζ_1, log(ζ_2 − ζ_1), …)`, mapped back to `ζ` by its Jacobian —
//! so that standard errors agree with R's to the digit.
//! Source: R `survey:::svyolr.survey.design2`; `MASS::polr` (Venables & Ripley 2002, §7.3).

use crate::data::{Column, Dataset, Factor, MISSING_CODE};
use crate::design::Design;
use crate::estimate::pass::{Domains, RowStatus, run_pass};
use crate::estimate::{Estimate, EstimateError, EstimateOptions, IntervalKind, Result, Stat};
use crate::numerics::linalg::{Matrix, pseudo_inverse, solve};
use crate::variance::linearized_covariance;
use std::fmt;

/// One parameter of a proportional-odds model: a slope or a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct OlrParameter {
    /// R's name: a numeric term's name, a categorical term's name followed by its level
    /// (`sex2`, `factor(sex)2`), a threshold's two levels (`1|2`).
    pub name: String,
    /// The estimate.
    pub estimate: f64,
    /// The design-based standard error.
    pub std_error: f64,
    /// `estimate / std_error` (R's `t value`).
    pub t: f64,
}

/// A fitted proportional-odds model (R's `svyolr` with the logit link).
#[derive(Debug, Clone, PartialEq)]
pub struct Olr {
    /// The response.
    pub response: String,
    /// The slopes `β`, in the order of the terms (R's `coefficients`).
    pub coefficients: Vec<OlrParameter>,
    /// The thresholds `ζ` (R's `zeta`), `1|2`, `2|3`, ….
    pub thresholds: Vec<OlrParameter>,
    /// Rows in the fit.
    pub n: u64,
    /// Rows left out: response excluded or missing, or a term missing.
    pub n_missing: u64,
    /// `Σ w` over the rows in the fit.
    pub weighted_n: f64,
    /// Residual degrees of freedom: the design's minus the number of slopes (R's
    /// `df.residual`).
    pub df: f64,
    /// `−2·ℓ / mean(w)` (R's `deviance`).
    pub deviance: f64,
}

impl Olr {
    /// A slope or threshold by its name.
    pub fn get(&self, name: &str) -> Option<&OlrParameter> {
        self.coefficients
            .iter()
            .chain(&self.thresholds)
            .find(|p| p.name == name)
    }
}

impl fmt::Display for Olr {
    /// As R's `summary(svyolr(…))`: the coefficients, then the intercepts (thresholds).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = |f: &mut fmt::Formatter<'_>, rows: &[OlrParameter]| -> fmt::Result {
            let width = rows.iter().map(|p| p.name.len()).max().unwrap_or(0);
            writeln!(
                f,
                "{:w$}  {:>12}  {:>12}  {:>10}",
                "",
                "Value",
                "Std. Error",
                "t value",
                w = width
            )?;
            for p in rows {
                writeln!(
                    f,
                    "{:w$}  {:>12.6}  {:>12.6}  {:>10.4}",
                    p.name,
                    p.estimate,
                    p.std_error,
                    p.t,
                    w = width
                )?;
            }
            Ok(())
        };
        writeln!(f, "Proportional odds model of {}", self.response)?;
        if !self.coefficients.is_empty() {
            writeln!(f, "\nCoefficients:")?;
            table(f, &self.coefficients)?;
        }
        writeln!(f, "\nIntercepts:")?;
        table(f, &self.thresholds)?;
        write!(
            f,
            "\n{} rows, weighted n {}, {} left out; residual df {}",
            self.n, self.weighted_n, self.n_missing, self.df
        )
    }
}

/// An explanatory term's columns in the model matrix.
enum Term<'a> {
    Numeric(&'a crate::data::NumericColumn),
    /// Treatment contrasts: a column per level but the first (the reference).
    Categorical(Factor<'a>),
}

/// Fits the proportional-odds model of `response` on `terms` (R's `svyolr(factor(response)
/// ~ terms, design)`, logit link). The response's codes, in increasing order (text in
/// sort order), are the ordered categories; `exclude` codes and rows missing the response
/// or a term are left out of the fit, their PSUs still counting in the variance. A term
/// written `factor(col)`, or a text column, is categorical with treatment contrasts
/// against its first level in sort order; other terms are numeric.
///
/// # Errors
/// A column absent; fewer than three categories; a model that cannot be fitted (no rows,
/// collinear terms, categories the terms separate), also under a replicate's weights.
///
/// On a replicate-weight design the model is refitted under each replicate's weights,
/// from the full-sample estimate, and the variance is the replicates' spread (R's
/// `svyolr.svyrep.design`, `svrVar`).
pub fn olr(
    data: &Dataset,
    design: &Design,
    response: &str,
    terms: &[String],
    exclude: &[String],
) -> Result<Olr> {
    let y_factor = data.factor(response)?;
    let terms_cols: Vec<(String, Term<'_>)> =
        terms.iter().map(|t| term(data, t)).collect::<Result<_>>()?;
    let weights = design.weights().as_slice();
    let n_rows = data.n_rows();
    // Response categories: the levels not excluded.
    let kept: Vec<Option<usize>> = {
        let mut next = 0usize;
        y_factor
            .levels()
            .iter()
            .map(|l| {
                let out = exclude.iter().any(|e| {
                    *e == l.label || (l.code.is_some() && e.trim().parse::<f64>().ok() == l.code)
                });
                (!out).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let mut levels: Vec<&str> = y_factor
        .levels()
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_some())
        .map(|(l, _)| l.label.as_str())
        .collect();
    let mut names = Vec::new();
    for (name, t) in &terms_cols {
        match t {
            Term::Numeric(_) => names.push(name.clone()),
            Term::Categorical(f) => {
                for l in &f.levels()[1..] {
                    names.push(format!("{name}{}", l.label));
                }
            }
        }
    }
    let p = names.len();
    // The rows of the fit: category, weight, model-matrix row.
    let mut fit_of_row = vec![u32::MAX; n_rows];
    let (mut ys, mut ws, mut xs, mut rows) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut xrow = vec![0.0; p];
    'rows: for row in 0..n_rows {
        let code = y_factor.codes()[row];
        if code == MISSING_CODE {
            continue;
        }
        let Some(y) = kept[code as usize] else {
            continue;
        };
        let mut at = 0;
        for (_, t) in &terms_cols {
            match t {
                Term::Numeric(c) => match c.get(row) {
                    Some(v) => {
                        xrow[at] = v;
                        at += 1;
                    }
                    None => continue 'rows,
                },
                Term::Categorical(f) => {
                    let c = f.codes()[row];
                    if c == MISSING_CODE {
                        continue 'rows;
                    }
                    let m = f.levels().len() - 1;
                    xrow[at..at + m].iter_mut().for_each(|x| *x = 0.0);
                    if c > 0 {
                        xrow[at + c as usize - 1] = 1.0;
                    }
                    at += m;
                }
            }
        }
        fit_of_row[row] = ys.len() as u32;
        rows.push(row);
        ys.push(y);
        ws.push(weights[row]);
        xs.extend_from_slice(&xrow);
    }
    // The categories are those the fit's rows hold (R would keep a level held only by
    // rows left out, and fail on its empty category).
    let mut held = vec![false; levels.len()];
    for (&y, &w) in ys.iter().zip(&ws) {
        held[y] |= w > 0.0;
    }
    if held.iter().any(|h| !h) {
        let mut new_index = vec![0usize; levels.len()];
        let mut next = 0;
        for (n, &h) in new_index.iter_mut().zip(&held) {
            *n = next;
            next += usize::from(h);
        }
        ys.iter_mut().for_each(|y| *y = new_index[*y]);
        let mut h = held.iter();
        levels.retain(|_| *h.next().unwrap_or(&false));
    }
    let q1 = levels.len();
    if q1 < 3 {
        return Err(not_fitted(
            response,
            &format!(
                "the response needs 3 or more categories, it has {q1} among the rows of the fit"
            ),
        ));
    }
    let q = q1 - 1;
    let mut model = Model {
        p,
        q,
        x: xs,
        y: ys,
        w: ws,
    };
    let (par, loglik) = model.maximise(None).ok_or_else(|| {
        not_fitted(
            response,
            "the likelihood has no maximum (collinear terms, or categories the terms separate)",
        )
    })?;
    let n = model.y.len() as u64;
    let weighted_n: f64 = model.w.iter().sum();
    let k = p + q;
    let (std_errors, df) = match design.replicates() {
        Some(reps) => {
            // R's svyolr.svyrep.design: the model refitted under each replicate's weights
            // from the full-sample estimate, the spread of the refits as in `svrVar`.
            let mut refits = vec![Vec::with_capacity(reps.r); k];
            for r in 0..reps.r {
                for (w, &row) in model.w.iter_mut().zip(&rows) {
                    *w = reps.weights[row * reps.r + r];
                }
                let (b, _) = model.maximise(Some(&par)).ok_or_else(|| {
                    not_fitted(
                        response,
                        &format!("the likelihood has no maximum under replicate {}", r + 1),
                    )
                })?;
                for (t, b) in refits.iter_mut().zip(b) {
                    t.push(b);
                }
            }
            let se = refits
                .iter()
                .zip(&par)
                .map(|(t, &full)| reps.variance(full, t).sqrt())
                .collect();
            (se, reps.df - p as f64)
        }
        None => linearized_std_errors(design, &model, &par, &fit_of_row)?
            .ok_or_else(|| not_fitted(response, "the Hessian at the maximum is singular"))?,
    };
    let param = |a: usize, name: String| {
        let se = std_errors[a];
        OlrParameter {
            name,
            estimate: par[a],
            std_error: se,
            t: par[a] / se,
        }
    };
    let coefficients = names
        .into_iter()
        .enumerate()
        .map(|(a, n)| param(a, n))
        .collect();
    let thresholds = (0..q)
        .map(|j| param(p + j, format!("{}|{}", levels[j], levels[j + 1])))
        .collect();
    let mean_w = weighted_n / n as f64;
    Ok(Olr {
        response: response.to_string(),
        coefficients,
        thresholds,
        n,
        n_missing: n_rows as u64 - n,
        weighted_n,
        df,
        deviance: -2.0 * loglik / mean_w,
    })
}

/// The linearized standard errors and the residual degrees of freedom: the rows' scores,
/// weighted and summed per unit in one pass, through R's bread (`None`: a singular
/// Hessian).
fn linearized_std_errors(
    design: &Design,
    model: &Model,
    par: &[f64],
    fit_of_row: &[u32],
) -> Result<Option<(Vec<f64>, f64)>> {
    let k = model.p + model.q;
    let Some(vm) = model.bread(par) else {
        return Ok(None);
    };
    // Scores per row (unweighted: the pass weights them), summed per unit.
    let mut scores = vec![0.0; model.y.len() * k];
    for (i, s) in scores.chunks_exact_mut(k).enumerate() {
        model.row_score(par, i, s);
    }
    let domains = Domains::whole();
    let pass = run_pass(design, &domains, k, |row, buf| match fit_of_row[row] {
        u32::MAX => RowStatus::Missing,
        i => {
            buf.copy_from_slice(&scores[i as usize * k..(i as usize + 1) * k]);
            RowStatus::In
        }
    })
    .remove(0);
    let combos: Vec<&[f64]> = vm.chunks_exact(k).collect();
    let cov = linearized_covariance(design, &pass.sums, &combos, Some(&pass.psu_in_base))?;
    let df = pass.base_df(design) - model.p as f64;
    Ok(Some(((0..k).map(|a| cov.std_error(a)).collect(), df)))
}

fn not_fitted(response: &str, why: &str) -> EstimateError {
    EstimateError::NoFit {
        model: format!("proportional-odds model of {response}"),
        reason: why.to_string(),
    }
}

fn term<'a>(data: &'a Dataset, name: &str) -> Result<(String, Term<'a>)> {
    if let Some(inner) = name
        .strip_prefix("factor(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return Ok((name.to_string(), Term::Categorical(data.factor(inner)?)));
    }
    Ok(match data.column(name)? {
        Column::Numeric(c) => (name.to_string(), Term::Numeric(c)),
        Column::Categorical(_) => (name.to_string(), Term::Categorical(data.factor(name)?)),
    })
}

/// The logistic distribution function and density, accurate in both tails.
fn logistic(t: f64) -> (f64, f64) {
    if t == f64::INFINITY {
        return (1.0, 0.0);
    }
    if t == f64::NEG_INFINITY {
        return (0.0, 0.0);
    }
    let e = (-t.abs()).exp();
    let big = 1.0 / (1.0 + e);
    let cdf = if t >= 0.0 { big } else { e * big };
    (cdf, e * big * big)
}

/// The rows of the fit: categories `0..=q`, weights and the model matrix (`n × p`).
struct Model {
    p: usize,
    q: usize,
    x: Vec<f64>,
    y: Vec<usize>,
    w: Vec<f64>,
}

/// A row's cut points: `a = ζ_y − η` above, `b = ζ_{y−1} − η` below.
struct Cuts {
    a: f64,
    b: f64,
    pr: f64,
    fa: f64,
    fb: f64,
}

impl Model {
    fn eta(&self, par: &[f64], i: usize) -> f64 {
        let x = &self.x[i * self.p..(i + 1) * self.p];
        x.iter().zip(par).map(|(x, b)| x * b).sum()
    }

    fn cuts(&self, par: &[f64], i: usize) -> Cuts {
        let (p, q, y) = (self.p, self.q, self.y[i]);
        let eta = self.eta(par, i);
        let a = if y < q {
            par[p + y] - eta
        } else {
            f64::INFINITY
        };
        let b = if y > 0 {
            par[p + y - 1] - eta
        } else {
            f64::NEG_INFINITY
        };
        let (ca, fa) = logistic(a);
        let (cb, fb) = logistic(b);
        // Upper-tail differences where both cuts are in the upper tail.
        let pr = if a + b > 0.0 {
            logistic(-b).0 - logistic(-a).0
        } else {
            ca - cb
        };
        Cuts { a, b, pr, fa, fb }
    }

    /// The row's score `∂log pr/∂(β, ζ)`, unweighted (R's `gmini` divided by `−w`).
    /// A row of weight 0 scores 0 (R's `gmini` multiplies by the weight).
    fn row_score(&self, par: &[f64], i: usize, out: &mut [f64]) {
        let (p, y) = (self.p, self.y[i]);
        out.iter_mut().for_each(|o| *o = 0.0);
        if self.w[i] == 0.0 {
            return;
        }
        let c = self.cuts(par, i);
        let x = &self.x[i * p..(i + 1) * p];
        for (o, x) in out.iter_mut().zip(x) {
            *o = -x * (c.fa - c.fb) / c.pr;
        }
        if y < self.q {
            out[p + y] += c.fa / c.pr;
        }
        if y > 0 {
            out[p + y - 1] -= c.fb / c.pr;
        }
    }

    /// The log-likelihood, its gradient and Hessian; `None` where a row's probability is
    /// not positive (thresholds out of order).
    fn newton_terms(&self, par: &[f64]) -> Option<(f64, Vec<f64>, Vec<f64>)> {
        let (p, q) = (self.p, self.q);
        let k = p + q;
        let (mut ll, mut g, mut h) = (0.0, vec![0.0; k], vec![0.0; k * k]);
        let (mut da, mut db, mut dpr) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
        for i in 0..self.y.len() {
            let w = self.w[i];
            if w == 0.0 {
                continue;
            }
            let c = self.cuts(par, i);
            if c.pr.is_nan() || c.pr <= 0.0 {
                return None;
            }
            ll += w * c.pr.ln();
            let y = self.y[i];
            let x = &self.x[i * p..(i + 1) * p];
            da.iter_mut().for_each(|d| *d = 0.0);
            db.iter_mut().for_each(|d| *d = 0.0);
            for j in 0..p {
                da[j] = -x[j];
                db[j] = -x[j];
            }
            // f'(t) = f(t)·(1 − 2F(t)).
            let (mut dfa, mut dfb) = (0.0, 0.0);
            if y < q {
                da[p + y] = 1.0;
                dfa = c.fa * (1.0 - 2.0 * logistic(c.a).0);
            } else {
                da.iter_mut().for_each(|d| *d = 0.0);
            }
            if y > 0 {
                db[p + y - 1] = 1.0;
                dfb = c.fb * (1.0 - 2.0 * logistic(c.b).0);
            } else {
                db.iter_mut().for_each(|d| *d = 0.0);
            }
            for (j, d) in dpr.iter_mut().enumerate() {
                *d = c.fa * da[j] - c.fb * db[j];
            }
            for j in 0..k {
                g[j] += w * dpr[j] / c.pr;
                for l in 0..k {
                    h[j * k + l] += w
                        * ((dfa * da[j] * da[l] - dfb * db[j] * db[l]) / c.pr
                            - dpr[j] * dpr[l] / (c.pr * c.pr));
                }
            }
        }
        Some((ll, g, h))
    }

    /// Newton's method from `start`, else from `β = 0` and the thresholds of the weighted
    /// cumulative shares.
    fn maximise(&self, start: Option<&[f64]>) -> Option<(Vec<f64>, f64)> {
        let (p, q) = (self.p, self.q);
        let k = p + q;
        let mut counts = vec![0.0; q + 1];
        for (y, w) in self.y.iter().zip(&self.w) {
            counts[*y] += w;
        }
        let total: f64 = counts.iter().sum();
        let mut par = vec![0.0; k];
        let mut cum = 0.0;
        for j in 0..q {
            cum += counts[j];
            let share = (cum / total).clamp(1e-6, 1.0 - 1e-6);
            par[p + j] = (share / (1.0 - share)).ln();
        }
        for j in 1..q {
            if par[p + j] <= par[p + j - 1] {
                par[p + j] = par[p + j - 1] + 0.1;
            }
        }
        if let Some(start) = start {
            par = start.to_vec();
        }
        let (mut ll, mut g, mut h) = self.newton_terms(&par)?;
        for _ in 0..200 {
            let neg = Matrix::from_row_major(k, k, h.iter().map(|v| -v).collect())?;
            let step = solve(&neg, &Matrix::column(g.clone()))?;
            let step = step.as_slice().to_vec();
            let decrement: f64 = step.iter().zip(&g).map(|(s, g)| s * g).sum();
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..60 {
                let trial: Vec<f64> = par.iter().zip(&step).map(|(a, s)| a + t * s).collect();
                let ordered = (1..q).all(|j| trial[p + j] > trial[p + j - 1]);
                if ordered
                    && let Some(terms) = self.newton_terms(&trial)
                    && terms.0 >= ll - 1e-12 * ll.abs()
                {
                    accepted = Some((trial, terms));
                    break;
                }
                t /= 2.0;
            }
            let (trial, terms) = accepted?;
            par = trial;
            (ll, g, h) = terms;
            if decrement.abs() <= 1e-24 * ll.abs().max(1.0) {
                return Some((par, ll));
            }
        }
        Some((par, ll))
    }

    /// `∂(−ℓ)/∂θ` at `θ = (β, ζ_1, log(ζ_2 − ζ_1), …)` (R's `gmin`).
    fn gradient_theta(&self, theta: &[f64]) -> Vec<f64> {
        let (p, q) = (self.p, self.q);
        let k = p + q;
        let mut par = theta.to_vec();
        for j in 1..q {
            par[p + j] = par[p + j - 1] + theta[p + j].exp();
        }
        let mut g = vec![0.0; k];
        let mut s = vec![0.0; k];
        for i in 0..self.y.len() {
            self.row_score(&par, i, &mut s);
            for (g, s) in g.iter_mut().zip(&s) {
                *g -= self.w[i] * s;
            }
        }
        // The Jacobian ∂ζ_i/∂θ_j: 1 for j = 1, e^θ_j for 2 ≤ j ≤ i.
        let mut out = g[..p].to_vec();
        for j in 0..q {
            let d = if j == 0 { 1.0 } else { theta[p + j].exp() };
            out.push(d * g[p + j..].iter().sum::<f64>());
        }
        out
    }

    /// R's bread `Vm = A·ginv(H)·Aᵀ`: `H` the finite-difference Hessian of `optim`
    /// (`optimhess`, steps 1e-3, symmetrised) in the `θ` parametrisation, `A` the
    /// Jacobian `∂(β, ζ)/∂θ`.
    fn bread(&self, par: &[f64]) -> Option<Vec<f64>> {
        let (p, q) = (self.p, self.q);
        let k = p + q;
        let mut theta = par.to_vec();
        for j in 1..q {
            theta[p + j] = (par[p + j] - par[p + j - 1]).ln();
        }
        let eps = 1e-3;
        let mut h = vec![0.0; k * k];
        let mut at = theta.clone();
        for i in 0..k {
            at[i] = theta[i] + eps;
            let up = self.gradient_theta(&at);
            at[i] -= 2.0 * eps;
            let down = self.gradient_theta(&at);
            at[i] = theta[i];
            for j in 0..k {
                h[i * k + j] = (up[j] - down[j]) / (2.0 * eps);
            }
        }
        let mut sym = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                sym[i * k + j] = 0.5 * (h[i * k + j] + h[j * k + i]);
            }
        }
        let vc = pseudo_inverse(&sym, k);
        if vc.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mut a = vec![0.0; k * k];
        for i in 0..p {
            a[i * k + i] = 1.0;
        }
        for i in 0..q {
            for j in 0..=i {
                a[(p + i) * k + p + j] = if j == 0 { 1.0 } else { theta[p + j].exp() };
            }
        }
        let mut av = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                av[i * k + j] = (0..k).map(|l| a[i * k + l] * vc[l * k + j]).sum();
            }
        }
        let mut vm = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                vm[i * k + j] = (0..k).map(|l| av[i * k + l] * a[j * k + l]).sum();
            }
        }
        Some(vm)
    }
}

/// The model's result rows for the analysis spec: one per slope, then one per threshold,
/// each naming its parameter in `term`, with a Wald interval (t with the residual degrees
/// of freedom, or normal as R's `confint`) and the two-sided p-value of `t`.
///
/// # Errors
/// As [`olr`].
pub(crate) fn olr_rows(
    data: &Dataset,
    design: &Design,
    response: &str,
    terms: &[String],
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    let fit = olr(data, design, response, terms, &options.exclude)?;
    let df = match options.interval {
        IntervalKind::T => match options.df {
            crate::estimate::DfRule::Fixed(d) => d,
            _ => fit.df,
        },
        IntervalKind::Normal => f64::INFINITY,
    };
    let z = if df.is_finite() {
        crate::numerics::dist::t_quantile(options.level.tail(), df)
    } else {
        Ok(crate::numerics::dist::normal_quantile(options.level.tail()))
    }
    .map_err(|e| EstimateError::NoFit {
        model: format!("proportional-odds model of {response}"),
        reason: format!("no interval: {e}"),
    })?;
    let rows = fit
        .coefficients
        .iter()
        .chain(&fit.thresholds)
        .map(|p| {
            let mut row =
                crate::estimate::unavailable(Stat::Olr, response, options.level.value(), "");
            row.note = None;
            row.term = Some(p.name.clone());
            row.estimate = Some(p.estimate);
            row.std_error = Some(p.std_error);
            row.ci_lower = Some(p.estimate - z.abs() * p.std_error);
            row.ci_upper = Some(p.estimate + z.abs() * p.std_error);
            row.df = df.is_finite().then_some(df);
            row.p_value = crate::estimate::linear::two_sided_p(p.estimate, p.std_error, df);
            row.n = fit.n;
            row.n_missing = fit.n_missing;
            row.weighted_n = fit.weighted_n;
            row.method = if df.is_finite() { "t" } else { "normal" }.to_string();
            row.null_non_finite();
            row
        })
        .collect();
    Ok(rows)
}
