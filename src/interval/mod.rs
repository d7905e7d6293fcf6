//! TEMPORARY placeholder until the interval module lands.
use serde::{Deserialize, Serialize};
#[derive(Debug, thiserror::Error)]
pub enum IntervalError {
    #[error("bad")]
    Bad,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProportionMethod {
    #[default]
    Logit,
    Mean,
}
impl std::fmt::Display for ProportionMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
pub struct ProportionInput {
    pub estimate: f64,
    pub std_error: f64,
    pub df: f64,
    pub n: f64,
}
pub fn proportion_interval(
    i: &ProportionInput,
    _m: ProportionMethod,
    _l: f64,
) -> Result<(f64, f64), IntervalError> {
    Ok((i.estimate, i.estimate))
}
pub fn mean_interval(e: f64, se: f64, df: f64, level: f64) -> Result<(f64, f64), IntervalError> {
    use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
    let p = 1.0 - (1.0 - level) / 2.0;
    let q = if df.is_finite() {
        StudentsT::new(0.0, 1.0, df)
            .map_err(|_| IntervalError::Bad)?
            .inverse_cdf(p)
    } else {
        Normal::new(0.0, 1.0).unwrap().inverse_cdf(p)
    };
    Ok((e - q * se, e + q * se))
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinomialMethod {
    #[default]
    Wilson,
}
#[derive(Debug, Clone, Copy)]
pub struct ConfidenceLevel(f64);
impl ConfidenceLevel {
    pub fn new(l: f64) -> Result<Self, IntervalError> {
        Ok(Self(l))
    }
    pub fn value(self) -> f64 {
        self.0
    }
}
pub struct Interval {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}
pub fn binomial_interval(
    _x: u64,
    _n: u64,
    _l: ConfidenceLevel,
    _m: BinomialMethod,
) -> Result<Interval, IntervalError> {
    Err(IntervalError::Bad)
}
