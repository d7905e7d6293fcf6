//! Replicate-weight designs: given as columns (R's `svrepdesign`) or created from a design
//! (R's `as.svrepdesign`: JK1, JKn, BRR, Fay, bootstrap).
//!
//! The variance of an estimator `θ = g(T)` is
//!
//! ```text
//! V = scale · Σ_r rscale_r · (θ_r − θ̄)²,   θ_r = g(T_r),  T_r the totals under replicate r
//! θ̄ = mean of the θ_r, or θ̂ itself with `mse`
//! ```
//! Source: R `survey::svrepdesign`, `survey:::svrVar`; Wolter (2007) *Introduction to
//! Variance Estimation*, ch. 3–5.

use super::{Design, DesignError, DesignOptions, Result};
use crate::data::Dataset;
use serde::{Deserialize, Serialize};

/// Kinds of replicate weights, with R's default scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplicateType {
    /// Delete-one jackknife: scale `(R − 1)/R`.
    JK1,
    /// Stratified jackknife: scale 1, `rscales` `(n_h − 1)/n_h` (times `1 − f_h`).
    JKn,
    /// Balanced repeated replication: scale `1/R`.
    BRR,
    /// Fay's BRR with `rho`: scale `1/(R·(1 − ρ)²)`.
    Fay,
    /// Bootstrap: scale `1/(R − 1)`.
    #[serde(rename = "bootstrap")]
    Bootstrap,
    /// Successive difference (ACS): scale `4/R`.
    #[serde(rename = "successive_difference")]
    SuccessiveDifference,
    /// Any other: `scale` and `rscales` as given (default 1).
    #[serde(rename = "other")]
    Other,
}

/// Replicate weights given as columns (the spec's `design.replicates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicateOptions {
    /// Replicate weight columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Or every column whose name starts with this prefix, in file order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The columns are analysis weights (true, default) or factors of the full-sample
    /// weight (false).
    #[serde(default = "yes")]
    pub combined_weights: bool,
    /// Replicate type.
    #[serde(rename = "type")]
    pub kind: ReplicateType,
    /// Fay's rho.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rho: Option<f64>,
    /// Overall scale (default: the type's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Per-replicate scales (default 1; required for JKn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rscales: Option<Vec<f64>>,
    /// Centre on the full-sample estimate instead of the replicates' mean.
    #[serde(default)]
    pub mse: bool,
}

fn yes() -> bool {
    true
}

impl ReplicateOptions {
    /// The checks every caller gets (the spec's add the JSON path): a positive finite
    /// `scale`, finite non-negative `rscales`, Fay's ρ strictly between 0 and 1.
    fn check(&self) -> Result<()> {
        let bad = |message: String| Err(DesignError::Replicates { message });
        if let Some(scale) = self.scale
            && !(scale.is_finite() && scale > 0.0)
        {
            return bad(format!(
                "the variance's scale must be positive and finite, not {scale}"
            ));
        }
        if let Some(s) = self
            .rscales
            .iter()
            .flatten()
            .find(|s| !(s.is_finite() && **s >= 0.0))
        {
            return bad(format!(
                "a replicate's scale (rscales) must be finite and not negative, not {s}"
            ));
        }
        if let Some(r) = self.rho
            && !(r > 0.0 && r < 1.0)
        {
            return bad(format!(
                "Fay's rho must lie strictly between 0 and 1, not {r}"
            ));
        }
        Ok(())
    }
}

/// How to create replicate weights from a design (R's `as.svrepdesign`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplicateMethod {
    /// Delete one PSU at a time (one stratum only).
    JK1,
    /// Delete one PSU of one stratum at a time.
    JKn,
    /// Half-samples from a Hadamard matrix (exactly two PSUs per stratum).
    BRR,
    /// Fay's BRR: the chosen half weighted `2 − ρ`, the other `ρ`.
    Fay {
        /// Fay's ρ in [0, 1).
        rho: f64,
    },
    /// Rao–Wu rescaling bootstrap: `n_h − 1` PSUs drawn with replacement per stratum.
    Bootstrap {
        /// Number of replicates.
        replicates: usize,
        /// Seed of the generator (the same seed gives the same replicates).
        seed: u64,
    },
}

/// The replicate weights of a design and how they combine.
#[derive(Debug, Clone)]
pub(crate) struct Replicates {
    /// Number of replicates.
    pub(crate) r: usize,
    /// Replicate analysis weights, row-major `n × r`.
    pub(crate) weights: Vec<f64>,
    /// Overall scale.
    pub(crate) scale: f64,
    /// Per-replicate scales.
    pub(crate) rscales: Vec<f64>,
    /// Centre on the full-sample estimate.
    pub(crate) mse: bool,
    /// Degrees of freedom: rank of the replicate weights minus one (R's `degf`).
    pub(crate) df: f64,
}

impl Replicates {
    /// The variance `scale·Σ rscale_r·(θ_r − centre)²`.
    pub(crate) fn variance(&self, full: f64, thetas: &[f64]) -> f64 {
        let centre = if self.mse {
            full
        } else {
            thetas.iter().sum::<f64>() / thetas.len() as f64
        };
        self.scale
            * thetas
                .iter()
                .zip(&self.rscales)
                .map(|(t, c)| c * (t - centre) * (t - centre))
                .sum::<f64>()
    }

    /// Rank of the replicate weights of the rows flagged, minus one.
    pub(crate) fn rank_df(&self, rows: &[bool]) -> f64 {
        rank(&self.weights, self.r, rows) as f64 - 1.0
    }
}

/// Numerical rank of the columns of the row-major `n × r` matrix restricted to `rows` (R's
/// `qr(…, tol = 1e-5)$rank`): pivoted Cholesky of the smaller Gram matrix, counting pivots
/// above `1e-10` of the largest diagonal.
fn rank(w: &[f64], r: usize, rows: &[bool]) -> usize {
    // Weights far from 1 (1e-200) are scaled by a power of two first: the rank does not
    // change, and their squares in the Gram matrix stay within the range of f64.
    let e = crate::numerics::linalg::scale_exponent(w.iter().fold(0.0f64, |m, x| m.max(x.abs())));
    let scaled: Vec<f64>;
    let w = if e == 0 {
        w
    } else {
        scaled = w
            .iter()
            .map(|&x| crate::numerics::linalg::times_pow2(x, -e))
            .collect();
        &scaled[..]
    };
    let kept: Vec<&[f64]> = w
        .chunks_exact(r)
        .zip(rows)
        .filter(|(_, keep)| **keep)
        .map(|(row, _)| row)
        .collect();
    let m = kept.len();
    // rank(A) = rank(AᵀA) = rank(AAᵀ): factor the smaller one.
    let (p, gram) = if r <= m {
        let mut g = vec![0.0; r * r];
        for row in &kept {
            for i in 0..r {
                if row[i] != 0.0 {
                    for j in 0..r {
                        g[i * r + j] += row[i] * row[j];
                    }
                }
            }
        }
        (r, g)
    } else {
        let mut g = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..=i {
                let d: f64 = kept[i].iter().zip(kept[j]).map(|(a, b)| a * b).sum();
                g[i * m + j] = d;
                g[j * m + i] = d;
            }
        }
        (m, g)
    };
    psd_rank(gram, p)
}

/// Rank of a symmetric positive semi-definite `p × p` matrix by Cholesky with diagonal
/// pivoting (Higham, *Accuracy and Stability of Numerical Algorithms*, §10.3).
fn psd_rank(mut a: Vec<f64>, p: usize) -> usize {
    let largest = (0..p).map(|i| a[i * p + i]).fold(0.0f64, f64::max);
    if largest <= 0.0 {
        return 0;
    }
    let tol = 1e-10 * largest;
    let mut done = vec![false; p];
    for step in 0..p {
        let Some(k) = (0..p)
            .filter(|&i| !done[i])
            .max_by(|&i, &j| a[i * p + i].total_cmp(&a[j * p + j]))
        else {
            return step;
        };
        let pivot = a[k * p + k];
        if pivot <= tol {
            return step;
        }
        done[k] = true;
        // Schur complement on the remaining rows and columns.
        let col: Vec<f64> = (0..p).map(|i| a[i * p + k]).collect();
        for i in (0..p).filter(|&i| !done[i]) {
            let f = col[i] / pivot;
            if f != 0.0 {
                for j in (0..p).filter(|&j| !done[j]) {
                    a[i * p + j] -= f * col[j];
                }
            }
        }
    }
    p
}

impl Design {
    /// A replicate-weight design from columns of the data, as R's `svrepdesign(weights =
    /// ~full, repweights = …, type = …)`. `full_weights` is the full-sample weights column.
    ///
    /// # Errors
    /// [`DesignError::Replicates`] for no replicate column, a JKn without `rscales`, or
    /// `rscales` of the wrong length; [`DesignError::BadWeight`] for a bad weight.
    ///
    /// ```
    /// use survey_stats::data::{read_csv_from_reader, CsvOptions};
    /// use survey_stats::design::{Design, ReplicateOptions, ReplicateType};
    /// let csv = "w,r1,r2,r3,y\n1,0,1.5,1.5,2\n1,1.5,0,1.5,4\n1,1.5,1.5,0,9\n";
    /// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
    /// let opts = ReplicateOptions { columns: vec![], prefix: Some("r".into()), combined_weights: true,
    ///     kind: ReplicateType::JK1, rho: None, scale: None, rscales: None, mse: false };
    /// let d = Design::with_replicate_columns(&ds, "w", &opts)?;
    /// assert_eq!(d.degrees_of_freedom(), 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "svrepdesign")]
    pub fn with_replicate_columns(
        data: &Dataset,
        full_weights: &str,
        options: &ReplicateOptions,
    ) -> Result<Design> {
        options.check()?;
        let base = Design::new(
            data,
            &DesignOptions {
                weights: Some(full_weights.to_string()),
                ..Default::default()
            },
        )?;
        let mut names = options.columns.clone();
        if let Some(prefix) = &options.prefix {
            names.extend(
                data.names()
                    .iter()
                    .filter(|n| n.starts_with(prefix.as_str()) && !options.columns.contains(n))
                    .cloned(),
            );
        }
        if names.is_empty() {
            return Err(DesignError::Replicates {
                message: "no replicate weight columns (give columns or a prefix)".into(),
            });
        }
        let n = base.n_rows();
        let r = names.len();
        let full = base.weights().as_slice();
        let mut weights = vec![0.0; n * r];
        for (j, name) in names.iter().enumerate() {
            let col = crate::design::Weights::from_column(data.numeric(name)?, name)?;
            for (i, w) in col.as_slice().iter().enumerate() {
                weights[i * r + j] = if options.combined_weights {
                    *w
                } else {
                    w * full[i]
                };
            }
        }
        let rf = r as f64;
        let scale = options.scale.unwrap_or(match options.kind {
            ReplicateType::JK1 => (rf - 1.0) / rf,
            ReplicateType::BRR => 1.0 / rf,
            ReplicateType::Fay => {
                let rho = options.rho.unwrap_or(0.0);
                1.0 / (rf * (1.0 - rho) * (1.0 - rho))
            }
            ReplicateType::Bootstrap => 1.0 / (rf - 1.0),
            ReplicateType::SuccessiveDifference => 4.0 / rf,
            ReplicateType::JKn | ReplicateType::Other => 1.0,
        });
        let rscales = match (&options.rscales, options.kind) {
            (Some(s), _) if s.len() != r => {
                return Err(DesignError::Replicates {
                    message: format!("{} rscales for {r} replicate columns", s.len()),
                });
            }
            (Some(s), _) => s.clone(),
            (None, ReplicateType::JKn) => {
                return Err(DesignError::Replicates {
                    message: "JKn replicates need rscales ((n_h − 1)/n_h per replicate)".into(),
                });
            }
            (None, _) => vec![1.0; r],
        };
        Ok(base.with_replicates(weights, r, scale, rscales, options.mse))
    }

    fn with_replicates(
        &self,
        weights: Vec<f64>,
        r: usize,
        scale: f64,
        rscales: Vec<f64>,
        mse: bool,
    ) -> Design {
        let all = vec![true; self.n_rows()];
        let df = rank(&weights, r, &all) as f64 - 1.0;
        Design {
            replicates: Some(Replicates {
                r,
                weights,
                scale,
                rscales,
                mse,
                df,
            }),
            ..self.clone()
        }
    }

    /// Creates replicate weights from this design, as R's `as.svrepdesign(design, type)`:
    /// the result estimates with the same full-sample weights and a replicate variance.
    /// Strata's finite population corrections enter the jackknife `rscales`, as in R.
    ///
    /// # Errors
    /// [`DesignError::Replicates`] when the design does not suit the method (JK1 with strata,
    /// BRR/Fay without exactly two PSUs per stratum, a stratum with one PSU, a bad `rho`).
    ///
    /// ```
    /// use survey_stats::data::{read_csv_from_reader, CsvOptions};
    /// use survey_stats::design::{Design, DesignOptions, ReplicateMethod};
    /// let ds = read_csv_from_reader("y\n1\n2\n3\n6\n".as_bytes(), "t.csv", &CsvOptions::default())?;
    /// let d = Design::new(&ds, &DesignOptions::default())?.replicate(ReplicateMethod::JK1)?;
    /// assert_eq!(d.n_replicates(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "as.svrepdesign")]
    pub fn replicate(&self, method: ReplicateMethod) -> Result<Design> {
        if self.replicates.is_some() || self.calibration.is_some() {
            return Err(DesignError::Replicates {
                message: "replicates are created from a plain (uncalibrated) design".into(),
            });
        }
        if self.pps.is_some() {
            return Err(DesignError::Replicates {
                message: "replicates are not made from a PPS design without replacement (R's as.svrepdesign fails on one too)".into(),
            });
        }
        let st = &self.stages[0];
        let n = self.n_rows();
        let full = self.weights.as_slice();
        let psu = &st.unit_of_row;
        let n_strata = st.n_groups();
        let psus_of = |h: usize| st.units_of_group(h);
        let fraction = |h: usize| -> f64 {
            st.population
                .as_ref()
                .map_or(0.0, |p| psus_of(h).len() as f64 / p[h])
        };
        let err = |m: String| Err(DesignError::Replicates { message: m });
        let mut columns: Vec<Vec<f64>> = Vec::new();
        let mut rscales = Vec::new();
        let scale;
        match method {
            ReplicateMethod::JK1 | ReplicateMethod::JKn => {
                if method == ReplicateMethod::JK1 && n_strata > 1 {
                    return err("JK1 is for unstratified designs: use JKn".into());
                }
                for h in 0..n_strata {
                    let units = psus_of(h);
                    let nh = units.len() as f64;
                    if units.len() < 2 {
                        return err(format!(
                            "stratum {} has one PSU: no jackknife replicate",
                            self.stratum_labels[h]
                        ));
                    }
                    for &drop in units {
                        let col: Vec<f64> = (0..n)
                            .map(|i| {
                                let u = psu[i];
                                if st.group_of_unit[u as usize] as usize != h {
                                    full[i]
                                } else if u == drop {
                                    0.0
                                } else {
                                    full[i] * nh / (nh - 1.0)
                                }
                            })
                            .collect();
                        columns.push(col);
                        rscales.push((nh - 1.0) / nh * (1.0 - fraction(h)));
                    }
                }
                scale = 1.0;
                if method == ReplicateMethod::JK1 {
                    // R: scale (n − 1)/n·(1 − f), rscales 1.
                    let s = rscales[0];
                    rscales.iter_mut().for_each(|x| *x = 1.0);
                    return Ok(self.with_replicates(
                        row_major(&columns, n),
                        columns.len(),
                        s,
                        rscales,
                        false,
                    ));
                }
            }
            ReplicateMethod::BRR | ReplicateMethod::Fay { .. } => {
                let rho = match method {
                    ReplicateMethod::Fay { rho } if (0.0..1.0).contains(&rho) => rho,
                    ReplicateMethod::Fay { rho } => {
                        return err(format!("Fay's rho {rho} is not in [0, 1)"));
                    }
                    _ => 0.0,
                };
                if let Some(h) = (0..n_strata).find(|&h| psus_of(h).len() != 2) {
                    return err(format!(
                        "BRR needs exactly two PSUs per stratum; stratum {} has {}",
                        self.stratum_labels[h],
                        psus_of(h).len()
                    ));
                }
                let hadamard = sylvester(n_strata + 1);
                let r = hadamard.len();
                for row in &hadamard {
                    let col: Vec<f64> = (0..n)
                        .map(|i| {
                            let u = psu[i];
                            let h = st.group_of_unit[u as usize] as usize;
                            let first = psus_of(h)[0] == u;
                            let chosen = (row[h + 1] > 0.0) == first;
                            full[i] * if chosen { 2.0 - rho } else { rho }
                        })
                        .collect();
                    columns.push(col);
                    rscales.push(1.0);
                }
                scale = 1.0 / (r as f64 * (1.0 - rho) * (1.0 - rho));
            }
            ReplicateMethod::Bootstrap { replicates, seed } => {
                if replicates < 2 {
                    return err("a bootstrap needs at least two replicates".into());
                }
                let mut rng = SplitMix(seed);
                for _ in 0..replicates {
                    let mut mult = vec![0.0; st.n_units()];
                    for h in 0..n_strata {
                        let units = psus_of(h);
                        let nh = units.len();
                        if nh < 2 {
                            return err(format!(
                                "stratum {} has one PSU: no bootstrap",
                                self.stratum_labels[h]
                            ));
                        }
                        for _ in 0..nh - 1 {
                            let pick = units[(rng.next() % nh as u64) as usize];
                            mult[pick as usize] += nh as f64 / (nh as f64 - 1.0);
                        }
                    }
                    columns.push((0..n).map(|i| full[i] * mult[psu[i] as usize]).collect());
                    rscales.push(1.0);
                }
                scale = 1.0 / (replicates as f64 - 1.0);
            }
        }
        let r = columns.len();
        Ok(self.with_replicates(row_major(&columns, n), r, scale, rscales, false))
    }

    /// The same replicate design with new full-sample and replicate weights (a weighting
    /// step applied to every replicate).
    pub(crate) fn with_replicate_weights(&self, full: super::Weights, weights: Vec<f64>) -> Design {
        let mut design = self.with_weights(full);
        if let Some(reps) = design.replicates.as_mut() {
            reps.weights = weights;
        }
        design
    }

    /// Number of replicates (0 for a linearization design).
    pub fn n_replicates(&self) -> usize {
        self.replicates.as_ref().map_or(0, |r| r.r)
    }

    /// The replicate analysis weights, row-major `n × r` (empty for a linearization design).
    pub fn replicate_weights(&self) -> &[f64] {
        self.replicates.as_ref().map_or(&[], |r| &r.weights)
    }

    pub(crate) fn replicates(&self) -> Option<&Replicates> {
        self.replicates.as_ref()
    }
}

fn row_major(columns: &[Vec<f64>], n: usize) -> Vec<f64> {
    let r = columns.len();
    let mut out = vec![0.0; n * r];
    for (j, c) in columns.iter().enumerate() {
        for (i, v) in c.iter().enumerate() {
            out[i * r + j] = *v;
        }
    }
    out
}

/// A Sylvester Hadamard matrix of the smallest power-of-two order ≥ `min` (±1 entries).
fn sylvester(min: usize) -> Vec<Vec<f64>> {
    let mut h = vec![vec![1.0]];
    while h.len() < min {
        let k = h.len();
        let mut next = vec![vec![0.0; 2 * k]; 2 * k];
        for i in 0..k {
            for j in 0..k {
                next[i][j] = h[i][j];
                next[i][j + k] = h[i][j];
                next[i + k][j] = h[i][j];
                next[i + k][j + k] = -h[i][j];
            }
        }
        h = next;
    }
    h
}

/// splitmix64, for reproducible bootstrap draws.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
