//! Sampling with probability proportional to size without replacement (PPS), as R's
//! `svydesign(id = ~psu, fpc = ~prob, pps = …, variance = "HT" | "YG")`.
//!
//! `fpc` gives each PSU's inclusion probability `π_i`; the weights are `1/π_i`. What the
//! design needs beyond R's other designs is the joint inclusion probabilities `π_ij`, known
//! ([`Pps::JointProbabilities`], R's `ppsmat`) or approximated from the `π_i` alone
//! (Brewer, Overton, Hartley–Rao). The variance formulas are in one place, the private
//! `variance::pps`.

use super::{DesignError, DesignOptions, LonelyPsu, Result, Stage};
use crate::data::Dataset;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStructVariant, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// How a PPS design's joint inclusion probabilities are known: R's `pps` argument.
///
/// In the analysis spec and in [`DesignOptions`]' JSON: `"brewer"`, `"overton"`,
/// `"hartley_rao"`, `{"hartley_rao": {"psum": 0.0123}}` or
/// `{"joint_probabilities": …}` (the matrix as an array of rows in `DesignOptions`, the path
/// of a CSV file in the spec: the type parameter `J`).
///
/// ```
/// use survey_stats::design::Pps;
/// let p: Pps = serde_json::from_str(r#"{"hartley_rao": {"psum": 0.05}}"#)?;
/// assert_eq!(p, Pps::HartleyRao { psum: Some(0.05) });
/// let p: Pps = serde_json::from_str(r#""overton""#)?;
/// assert_eq!(p, Pps::Overton);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Pps<J = JointProbabilities> {
    /// Brewer's approximation (R's `pps = "brewer"`): R's usual formula with a finite
    /// population correction `1 − π_i` for each PSU. Horvitz–Thompson form only.
    Brewer,
    /// Overton's approximation of the `π_ij` (R's `pps = "overton"`).
    Overton,
    /// The Hartley–Rao approximation (R's `pps = HR()` / `HR(psum)`). `psum` is
    /// `Σ_k π_k² / n` over the population; without it, the mean of the sampled PSUs' `π_i`
    /// in their stratum, which estimates it. `psum` is for unstratified designs only.
    HartleyRao {
        /// `Σ π_k²/n` over the population.
        psum: Option<f64>,
    },
    /// The full matrix of joint inclusion probabilities (R's `pps = ppsmat(jointprob)`),
    /// one row and column per PSU.
    JointProbabilities(J),
}

impl<J> Pps<J> {
    /// The same method with the joint probabilities converted by `f` (the spec reads its
    /// path into a matrix this way).
    ///
    /// # Errors
    /// `f`'s.
    pub fn try_map_joint<K, E>(self, f: impl FnOnce(J) -> Result<K, E>) -> Result<Pps<K>, E> {
        Ok(match self {
            Pps::Brewer => Pps::Brewer,
            Pps::Overton => Pps::Overton,
            Pps::HartleyRao { psum } => Pps::HartleyRao { psum },
            Pps::JointProbabilities(j) => Pps::JointProbabilities(f(j)?),
        })
    }

    /// The method's name as in the spec (`brewer`, `overton`, `hartley_rao`,
    /// `joint_probabilities`).
    pub fn name(&self) -> &'static str {
        match self {
            Pps::Brewer => "brewer",
            Pps::Overton => "overton",
            Pps::HartleyRao { .. } => "hartley_rao",
            Pps::JointProbabilities(_) => "joint_probabilities",
        }
    }
}

/// The form of a PPS design's variance estimator (R's `variance` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PpsVariance {
    /// Horvitz–Thompson: `Σ_ij Δ̌_ij·x̌_i·x̌_j` (R's default, `"HT"`).
    #[default]
    Ht,
    /// Yates–Grundy: `−½·Σ_ij Δ̌_ij·(x̌_i − x̌_j)²` (R's `"YG"`); not for Brewer.
    Yg,
}

/// The joint inclusion probabilities `π_ij` of a PPS design: a square matrix with one row
/// and column per PSU, PSUs in order of their first row in the data (for a design without
/// clusters, the rows). The diagonal holds the `π_i`.
///
/// Checked when made: square, every value in (0, 1], symmetric, and
/// `π_ij ≤ min(π_i, π_j)` (both to relative 1e-9). A zero off the diagonal is refused: the
/// Horvitz–Thompson variance divides by it. [`crate::design::Design::new`] checks the size
/// and the diagonal against the design.
///
/// ```
/// use survey_stats::design::JointProbabilities;
/// let j = JointProbabilities::new(vec![vec![0.5, 0.2], vec![0.2, 0.4]])?;
/// assert_eq!(j.size(), 2);
/// assert_eq!(j.get(0, 1), 0.2);
/// assert!(JointProbabilities::new(vec![vec![0.5, 0.6], vec![0.6, 0.7]]).is_err()); // 0.6 > 0.5
/// # Ok::<(), survey_stats::design::DesignError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JointProbabilities {
    n: usize,
    values: Vec<f64>,
}

impl JointProbabilities {
    /// The matrix from its rows.
    ///
    /// # Errors
    /// [`DesignError::JointShape`] for a row of another length than the number of rows;
    /// [`DesignError::JointProbability`] naming the row, column and value that is not a
    /// probability, is zero, breaks symmetry or exceeds `min(π_i, π_j)`.
    pub fn new(rows: Vec<Vec<f64>>) -> Result<JointProbabilities> {
        let n = rows.len();
        let mut values = Vec::with_capacity(n * n);
        for (i, row) in rows.into_iter().enumerate() {
            if row.len() != n {
                return Err(DesignError::JointShape {
                    row: i + 1,
                    values: row.len(),
                    size: n,
                });
            }
            values.extend(row);
        }
        let bad = |i: usize, j: usize, problem: String| DesignError::JointProbability {
            row: i + 1,
            column: j + 1,
            value: values[i * n + j],
            problem,
        };
        for i in 0..n {
            for j in 0..n {
                let v = values[i * n + j];
                if !(v > 0.0 && v <= 1.0) {
                    let problem = if v == 0.0 && i != j {
                        "is 0: the Horvitz–Thompson variance needs every two PSUs to have a chance of being sampled together".to_string()
                    } else {
                        "is not a probability in (0, 1]".to_string()
                    };
                    return Err(bad(i, j, problem));
                }
            }
        }
        for i in 0..n {
            for j in 0..i {
                let (v, t) = (values[i * n + j], values[j * n + i]);
                if (v - t).abs() > 1e-9 * v.max(t) {
                    return Err(bad(
                        i,
                        j,
                        format!(
                            "differs from row {}, column {}: {t} (the matrix must be symmetric)",
                            j + 1,
                            i + 1
                        ),
                    ));
                }
                let smaller = values[i * n + i].min(values[j * n + j]);
                if v > smaller * (1.0 + 1e-9) {
                    return Err(bad(
                        i,
                        j,
                        format!(
                            "exceeds the smaller of the two PSUs' inclusion probabilities (the diagonal), {smaller}"
                        ),
                    ));
                }
            }
        }
        Ok(JointProbabilities { n, values })
    }

    /// Reads the matrix from a CSV file: one line per PSU, values separated by commas; a
    /// first line that is not all numbers is taken as a header and skipped.
    ///
    /// # Errors
    /// [`DesignError::JointFile`] when the file cannot be read or a value is not a number
    /// (naming the line and field); then as [`JointProbabilities::new`].
    pub fn read_csv(path: impl AsRef<Path>) -> Result<JointProbabilities> {
        let path = path.as_ref();
        let file_error = |line: usize, message: String| DesignError::JointFile {
            path: path.display().to_string(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| file_error(0, e.to_string()))?;
        let mut rows = Vec::new();
        for (l, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line
                .split(',')
                .map(|f| f.trim().trim_matches('"'))
                .collect();
            let parsed: Vec<Option<f64>> = fields.iter().map(|f| f.parse().ok()).collect();
            if l == 0 && parsed.iter().any(Option::is_none) {
                continue;
            }
            let mut row = Vec::with_capacity(fields.len());
            for (c, (f, v)) in fields.iter().zip(parsed).enumerate() {
                row.push(v.ok_or_else(|| {
                    file_error(l + 1, format!("field {}: {f:?} is not a number", c + 1))
                })?);
            }
            rows.push(row);
        }
        JointProbabilities::new(rows)
    }

    /// Number of rows (and columns): the design's PSUs.
    pub fn size(&self) -> usize {
        self.n
    }

    /// `π_ij`, from 0.
    ///
    /// # Panics
    /// If `i` or `j` is not below [`JointProbabilities::size`].
    pub fn get(&self, i: usize, j: usize) -> f64 {
        assert!(i < self.n && j < self.n, "index within the matrix");
        self.values[i * self.n + j]
    }

    /// The rows, as given.
    pub fn rows(&self) -> Vec<Vec<f64>> {
        self.values
            .chunks(self.n.max(1))
            .map(<[f64]>::to_vec)
            .collect()
    }

    /// The matrix, row-major.
    pub(crate) fn as_slice(&self) -> &[f64] {
        &self.values
    }
}

impl TryFrom<Vec<Vec<f64>>> for JointProbabilities {
    type Error = DesignError;
    fn try_from(rows: Vec<Vec<f64>>) -> Result<Self> {
        JointProbabilities::new(rows)
    }
}

impl Serialize for JointProbabilities {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.rows().serialize(s)
    }
}

impl<'de> Deserialize<'de> for JointProbabilities {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let rows = Vec::<Vec<f64>>::deserialize(d)?;
        JointProbabilities::new(rows).map_err(de::Error::custom)
    }
}

impl<J: Serialize> Serialize for Pps<J> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Pps::Brewer => s.serialize_unit_variant("Pps", 0, "brewer"),
            Pps::Overton => s.serialize_unit_variant("Pps", 1, "overton"),
            Pps::HartleyRao { psum: None } => s.serialize_unit_variant("Pps", 2, "hartley_rao"),
            Pps::HartleyRao { psum: Some(p) } => {
                let mut v = s.serialize_struct_variant("Pps", 2, "hartley_rao", 1)?;
                v.serialize_field("psum", p)?;
                v.end()
            }
            Pps::JointProbabilities(j) => {
                s.serialize_newtype_variant("Pps", 3, "joint_probabilities", j)
            }
        }
    }
}

const PPS_NAMES: &[&str] = &["brewer", "overton", "hartley_rao", "joint_probabilities"];

/// The fields of `{"hartley_rao": {…}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HartleyRaoFields {
    #[serde(default)]
    psum: Option<f64>,
}

struct PpsVisitor<J>(std::marker::PhantomData<J>);

impl<'de, J: Deserialize<'de>> Visitor<'de> for PpsVisitor<J> {
    type Value = Pps<J>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            r#""brewer", "overton", "hartley_rao", {"hartley_rao": {"psum": …}} or {"joint_probabilities": …}"#,
        )
    }

    fn visit_str<E: de::Error>(self, name: &str) -> std::result::Result<Pps<J>, E> {
        match name {
            "brewer" => Ok(Pps::Brewer),
            "overton" => Ok(Pps::Overton),
            "hartley_rao" => Ok(Pps::HartleyRao { psum: None }),
            "joint_probabilities" => Err(E::custom(
                r#"joint_probabilities needs the matrix: {"joint_probabilities": …}"#,
            )),
            other => Err(E::unknown_variant(other, PPS_NAMES)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Pps<J>, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom("an empty object names no PPS method"));
        };
        let pps = match key.as_str() {
            "hartley_rao" => Pps::HartleyRao {
                psum: map.next_value::<HartleyRaoFields>()?.psum,
            },
            "joint_probabilities" => Pps::JointProbabilities(map.next_value()?),
            "brewer" | "overton" => {
                return Err(de::Error::custom(format!(
                    "{key} takes no settings: write \"{key}\""
                )));
            }
            other => return Err(de::Error::unknown_variant(other, PPS_NAMES)),
        };
        if map.next_key::<String>()?.is_some() {
            return Err(de::Error::custom("name one PPS method"));
        }
        Ok(pps)
    }
}

impl<'de, J: Deserialize<'de>> Deserialize<'de> for Pps<J> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(PpsVisitor(std::marker::PhantomData))
    }
}

/// What a built PPS design keeps for its variance.
#[derive(Debug, Clone)]
pub(crate) struct PpsDesign {
    pub(crate) method: Pps,
    pub(crate) variance: PpsVariance,
    /// Inclusion probability of each PSU, as R computes it from the fpc (the weights are
    /// its inverse).
    pub(crate) prob: Vec<f64>,
}

/// Checks the options of a PPS design that do not need the data.
pub(super) fn check_options(options: &DesignOptions) -> Result<()> {
    let problem = |problem: String| Err(DesignError::PpsOptions { problem });
    let Some(pps) = &options.pps else {
        return match options.variance {
            PpsVariance::Ht => Ok(()),
            PpsVariance::Yg => problem(
                "variance = yg (Yates–Grundy) is for PPS designs without replacement: set pps"
                    .into(),
            ),
        };
    };
    let name = pps.name();
    if options.clusters.len() > 1 {
        return problem(format!(
            "pps = {name} with {} stages of clusters: only one-stage PPS designs are supported",
            options.clusters.len()
        ));
    }
    if options.fpc.len() != 1 {
        return problem(format!(
            "pps = {name} needs one fpc column giving each PSU's inclusion probability"
        ));
    }
    if options.weights.is_some() && !matches!(pps, Pps::Brewer) {
        return problem(format!(
            "pps = {name} takes its weights from the inclusion probabilities (1/fpc), as R's svydesign, which ignores weights for this method: leave weights out"
        ));
    }
    if matches!(pps, Pps::Brewer) && options.variance == PpsVariance::Yg {
        return problem(
            "pps = brewer has only the Horvitz–Thompson form (R: \"Only variance='HT' supported for this design\"): use variance = ht, or overton, hartley_rao or joint_probabilities".into(),
        );
    }
    if let Pps::HartleyRao { psum: Some(p) } = pps {
        if !(p.is_finite() && *p > 0.0) {
            return problem(format!("hartley_rao psum {p} is not a positive number"));
        }
        if options.strata.is_some() {
            return problem(
                "hartley_rao psum is one number for an unstratified design; with strata leave it out (each stratum's mean inclusion probability is used)".into(),
            );
        }
    }
    Ok(())
}

/// Reads each PSU's inclusion probability from the fpc column and checks the method
/// against the design. `stage` is stage 1.
pub(super) fn build(
    data: &Dataset,
    options: &DesignOptions,
    stage: &Stage,
    stratum_labels: &[String],
) -> Result<PpsDesign> {
    let method = options.pps.clone().expect("a PPS design");
    let column = &options.fpc[0];
    let values = data.numeric(column)?;
    let mut prob: Vec<Option<(f64, usize)>> = vec![None; stage.n_units()];
    for (row, &u) in stage.unit_of_row.iter().enumerate() {
        let v = values.get(row).ok_or_else(|| DesignError::MissingFpc {
            column: column.clone(),
            row: row + 1,
        })?;
        if !(v > 0.0 && v <= 1.0) {
            return Err(DesignError::PpsProbability {
                column: column.clone(),
                row: row + 1,
                value: v,
            });
        }
        match prob[u as usize] {
            None => prob[u as usize] = Some((v, row)),
            Some((before, first)) if before != v => {
                return Err(DesignError::PpsProbabilityVaries {
                    column: column.clone(),
                    row: row + 1,
                    value: v,
                    before,
                    psu: psu_label(data, options, first),
                });
            }
            Some(_) => {}
        }
    }
    let first_row: Vec<usize> = prob.iter().map(|p| p.map_or(0, |(_, r)| r)).collect();
    let fpc: Vec<f64> = prob.iter().map(|p| p.map_or(1.0, |(v, _)| v)).collect();
    // R's probabilities: the fpc becomes a population size n_h/π, the weight that size over
    // n_h, the probability its inverse (`svydesign`, `as.fpc`, `weights.survey_fpc`). This
    // can differ from π in the last bit, which Hartley–Rao's exact test `π_i + π_j == 1`
    // sees.
    let prob: Vec<f64> = fpc
        .iter()
        .zip(&stage.group_of_unit)
        .map(|(&p, &g)| {
            let n = stage.units_of_group(g as usize).len() as f64;
            1.0 / ((n / p) / n)
        })
        .collect();

    match &method {
        Pps::Brewer if options.lonely_psu == LonelyPsu::Fail => {
            // R's onestrat: a stratum of one PSU fails unless that PSU is certain.
            for (g, label) in stratum_labels.iter().enumerate() {
                if let [u] = stage.units_of_group(g)
                    && brewer_fpc(1.0, prob[*u as usize]) >= 1e-7
                {
                    return Err(DesignError::LonelyPsu {
                        stratum: label.clone(),
                        stage: 1,
                    });
                }
            }
        }
        Pps::JointProbabilities(j) => {
            if j.size() != prob.len() {
                return Err(DesignError::JointSize {
                    size: j.size(),
                    psus: prob.len(),
                });
            }
            for (i, &p) in fpc.iter().enumerate() {
                let d = j.get(i, i);
                if (d - p).abs() > 1e-9 * p {
                    return Err(DesignError::JointDiagonal {
                        row: i + 1,
                        diagonal: d,
                        probability: p,
                        column: column.clone(),
                        psu: psu_label(data, options, first_row[i]),
                    });
                }
            }
        }
        _ => {}
    }
    Ok(PpsDesign {
        method,
        variance: options.variance,
        prob,
    })
}

/// Brewer's finite population correction of a PSU in a stratum of `n` PSUs as R computes
/// it: `N_i = n/π_i` is the PSU's "population", `f = (N_i − n)/N_i` (`1 − π_i` up to
/// rounding).
pub(crate) fn brewer_fpc(n: f64, prob: f64) -> f64 {
    let population = n / prob;
    (population - n) / population
}

/// The PSU of data row `row` (from 0), in the user's terms.
fn psu_label(data: &Dataset, options: &DesignOptions, row: usize) -> String {
    match options.clusters.first() {
        Some(col) => match data.factor(col) {
            Ok(f) => {
                let code = f.codes()[row] as usize;
                let label = f
                    .labels()
                    .get(code)
                    .map_or(String::new(), |l| l.to_string());
                format!(
                    "PSU {label:?} (column {col:?}, first at data row {})",
                    row + 1
                )
            }
            Err(_) => format!("the PSU of data row {}", row + 1),
        },
        None => format!("the PSU of data row {}", row + 1),
    }
}
