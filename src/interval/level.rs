//! The confidence level newtype.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{IntervalError, Result};

/// A confidence level, strictly between 0 and 1 (e.g. 0.95 for a 95% interval).
///
/// The invariant is checked once, by [`ConfidenceLevel::new`] (or by deserialization, which
/// goes through the same check), so everything that receives a `ConfidenceLevel` can trust it.
/// The default is 0.95. It serializes as a plain number.
///
/// Two-sided intervals put `alpha / 2` in each tail:
///
/// ```text
/// alpha = 1 - level        two-sided quantile = Q(1 - alpha / 2)
/// ```
///
/// # Example
///
/// ```
/// use survey_stats::interval::ConfidenceLevel;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let level = ConfidenceLevel::new(0.9)?;
/// assert_eq!(level.value(), 0.9);
/// assert_eq!(ConfidenceLevel::default().value(), 0.95);
/// assert_eq!(serde_json::to_string(&level)?, "0.9");
/// let parsed: ConfidenceLevel = serde_json::from_str("0.99")?;
/// assert_eq!(parsed.value(), 0.99);
/// assert!(serde_json::from_str::<ConfidenceLevel>("1.0").is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// The 95% level, the default.
    pub const NINETY_FIVE: ConfidenceLevel = ConfidenceLevel(0.95);

    /// Checks that `level` is strictly between 0 and 1.
    ///
    /// # Errors
    ///
    /// [`IntervalError::InvalidLevel`] if `level <= 0`, `level >= 1` or `level` is NaN.
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::ConfidenceLevel;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// assert_eq!(ConfidenceLevel::new(0.95)?.value(), 0.95);
    /// assert!(ConfidenceLevel::new(0.0).is_err());
    /// assert!(ConfidenceLevel::new(f64::NAN).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(level: f64) -> Result<Self> {
        if level > 0.0 && level < 1.0 {
            Ok(ConfidenceLevel(level))
        } else {
            Err(IntervalError::InvalidLevel { level })
        }
    }

    /// The level as a number in (0, 1).
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::ConfidenceLevel;
    ///
    /// assert_eq!(ConfidenceLevel::NINETY_FIVE.value(), 0.95);
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }

    /// The total tail probability `alpha = 1 - level`.
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::ConfidenceLevel;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// assert_eq!(ConfidenceLevel::new(0.75)?.alpha(), 0.25);
    /// # Ok(())
    /// # }
    /// ```
    pub fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// The probability in each tail of a two-sided interval, `alpha / 2 = (1 - level) / 2`.
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::ConfidenceLevel;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// assert_eq!(ConfidenceLevel::new(0.5)?.tail(), 0.25);
    /// # Ok(())
    /// # }
    /// ```
    pub fn tail(self) -> f64 {
        (1.0 - self.0) / 2.0
    }
}

impl Default for ConfidenceLevel {
    fn default() -> Self {
        ConfidenceLevel::NINETY_FIVE
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = IntervalError;

    fn try_from(level: f64) -> Result<Self> {
        ConfidenceLevel::new(level)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> f64 {
        level.0
    }
}

impl fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
