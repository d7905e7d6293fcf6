//! Category passes kept for the next estimate of the same question.
//!
//! A report asks several things of one question: its frequency table, then the share of one
//! answer with its interval. The table's pass already holds every answer's per-unit sums,
//! so a later share of one answer (or a net of several) of the same column, with the same
//! exclusions, over the whole population of the same design, is read off those sums
//! instead of passing over the rows again: the same sums (one answer's are copied as they
//! are, a net's added per unit), counts and PSU flags as its own pass. An entry names all
//! that its sums depend on: the dataset, the very weights, units and column storage (held),
//! the design's threads, the column's name and the exclusions; only plain one-stage
//! designs keep or read (a replicate or calibrated design's pass holds more than sums).

use super::pass::{DomainPass, lean_design};
use crate::data::{Held, NumericColumn};
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

/// Passes of more sums than this (16 MB) are not kept: a table of many answers over many
/// units (a simple random sample's rows are its units) would cost more to copy and hold
/// than a later share's own pass.
const MOST_SUMS: usize = 2 << 20;

/// What a category pass over the whole population depends on: a design, the dataset (its
/// identity), a column's name and storage, and the exclusions.
#[derive(Clone, Copy)]
pub(crate) struct Question<'a> {
    pub design: &'a Design,
    pub data: u64,
    pub variable: &'a str,
    pub column: &'a NumericColumn,
    pub exclude: &'a [String],
}

/// A frequency table's pass over the whole population of a plain design.
struct Kept {
    data: u64,
    /// The design's weights and units, and the column's numbers, held so that no other
    /// design's or column's can take their place.
    weights: Weights,
    stages: Arc<Vec<Stage>>,
    column: Held,
    /// The design's threads (the order of the additions).
    threads: usize,
    variable: String,
    exclude: Vec<String>,
    /// The numeric code of each of the pass's variables but the last (the base).
    codes: Vec<Option<f64>>,
    pass: Arc<DomainPass>,
}

impl KeptPasses {
    /// Keeps the pass of `question`'s categories (`codes`: each pass variable's code),
    /// unless it is too large or the design not a plain one, and hands it back shared.
    pub(crate) fn keep(
        &self,
        question: &Question<'_>,
        codes: Vec<Option<f64>>,
        pass: DomainPass,
    ) -> Arc<DomainPass> {
        let design = question.design;
        let pass = Arc::new(pass);
        if !lean_design(design) || !pass.is_lean() || pass.n_sums() > MOST_SUMS {
            return pass;
        }
        let kept = Kept {
            data: question.data,
            weights: design.weights().clone(),
            stages: Arc::clone(design.stages_shared()),
            column: question.column.held(),
            threads: design.threads(),
            variable: question.variable.to_string(),
            exclude: question.exclude.to_vec(),
            codes,
            pass: Arc::clone(&pass),
        };
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.retain(|k| !k.is(question, &kept.column));
        if all.len() == KEPT {
            all.remove(0);
        }
        all.push(kept);
        pass
    }

    /// The kept pass of `question`, narrowed to the categories of `codes` (their sum, each
    /// counted once) and the base; `None` when there is none, or a code is not one of its
    /// categories.
    pub(crate) fn narrowed(&self, question: &Question<'_>, codes: &[f64]) -> Option<DomainPass> {
        if !lean_design(question.design) {
            return None;
        }
        let column = question.column.held();
        let all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = all.iter().find(|k| k.is(question, &column))?;
        let mut slots = codes
            .iter()
            .map(|&c| kept.codes.iter().position(|&k| k == Some(c)))
            .collect::<Option<Vec<usize>>>()?;
        slots.sort_unstable();
        slots.dedup();
        Some(kept.pass.narrowed(&slots))
    }
}

impl Kept {
    /// Whether this is the pass of `question` (whose column is held in `column`).
    fn is(&self, question: &Question<'_>, column: &Held) -> bool {
        let design = question.design;
        self.data == question.data
            && self.weights.same(design.weights())
            && Arc::ptr_eq(&self.stages, design.stages_shared())
            && self.column.same(column)
            && self.threads == design.threads()
            && self.variable == question.variable
            && self.exclude == question.exclude
    }
}
