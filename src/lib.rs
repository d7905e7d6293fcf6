//! survey-stats: design-based estimation for questionnaire data.

pub mod data;
pub mod design;
pub mod estimate;
pub mod interval;
pub mod questionnaire;
pub mod spec;
pub mod table;
pub mod test;
pub mod variance;
pub mod weighting;
