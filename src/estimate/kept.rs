//! Category passes kept for the next estimate of the same question.
//!
//! A report asks several things of one question: its frequency table, then the share of one
//! answer with its interval. The table's pass already holds every answer's per-unit sums,
//! so a later share of one answer (or a net of several) of the same column, with the same
//! exclusions, over the whole population of the same design, is read off those sums
//! instead of passing over the rows again: the same sums (one answer's are copied as they
//! are, a net's added per unit), counts and PSU flags as its own pass.

use super::pass::DomainPass;
use crate::design::{Design, Stage, Weights};
use std::sync::{Arc, Mutex, PoisonError};

/// Passes kept beside a design (shared by the designs cloned from it, each finding only
/// its own: an entry names the weights and units it was made with).
#[derive(Default)]
pub(crate) struct KeptPasses(Mutex<Vec<Kept>>);

impl std::fmt::Debug for KeptPasses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().unwrap_or_else(PoisonError::into_inner).len();
        write!(f, "KeptPasses({n})")
    }
}

/// At most this many passes are kept (the latest ones).
const KEPT: usize = 4;

/// A frequency table's pass over the whole population of a plain design.
struct Kept {
    data: u64,
    /// The design's weights and units, held so that no other design's can take their place.
    weights: Weights,
    stages: Arc<Vec<Stage>>,
    variable: String,
    exclude: Vec<String>,
    /// The numeric code of each of the pass's variables but the last (the base).
    codes: Vec<Option<f64>>,
    pass: Arc<DomainPass>,
}

impl KeptPasses {
    /// Keeps the pass of `variable`'s categories (`codes`: each variable's code) made with
    /// `exclude` on `design` over the rows of dataset `data`.
    pub(crate) fn keep(
        &self,
        design: &Design,
        data: u64,
        variable: &str,
        exclude: &[String],
        codes: Vec<Option<f64>>,
        pass: &DomainPass,
    ) {
        let kept = Kept {
            data,
            weights: design.weights().clone(),
            stages: Arc::clone(design.stages_shared()),
            variable: variable.to_string(),
            exclude: exclude.to_vec(),
            codes,
            pass: Arc::new(pass.clone()),
        };
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.retain(|k| !k.is(design, data, variable, exclude));
        if all.len() == KEPT {
            all.remove(0);
        }
        all.push(kept);
    }

    /// The kept pass of `variable` made with `exclude` on `design` over dataset `data`,
    /// narrowed to the categories of `codes` (their sum) and the base; `None` when there is
    /// none, or a code is not one of its categories.
    pub(crate) fn narrowed(
        &self,
        design: &Design,
        data: u64,
        variable: &str,
        exclude: &[String],
        codes: &[f64],
    ) -> Option<DomainPass> {
        let all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = all.iter().find(|k| k.is(design, data, variable, exclude))?;
        let slots = codes
            .iter()
            .map(|&c| kept.codes.iter().position(|&k| k == Some(c)))
            .collect::<Option<Vec<usize>>>()?;
        Some(kept.pass.narrowed(&slots))
    }
}

impl Kept {
    fn is(&self, design: &Design, data: u64, variable: &str, exclude: &[String]) -> bool {
        self.data == data
            && self.weights.same(design.weights())
            && Arc::ptr_eq(&self.stages, design.stages_shared())
            && self.variable == variable
            && self.exclude == exclude
    }
}
