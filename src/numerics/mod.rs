//! The crate's numerics, in one place: distribution functions and quantiles ([`dist`]), root
//! finding ([`roots`]) and small dense linear algebra ([`linalg`]).
//!
//! This is the lowest layer: it imports nothing from the rest of the crate, and every other
//! module that needs a t quantile, a beta quantile, a p-value, a root or an eigenvalue comes
//! here. The functions assume valid arguments (the layers above validate once, at their
//! boundary; [`crate::interval::dist`] is the checked public face of [`dist`]) and fail only
//! with [`NoConvergence`], which valid input does not produce.
//!
//! Accuracy is the point: results match R to about 1e-13 at any degrees of freedom and any
//! shape parameters. statrs is used only where it is that accurate (see [`dist`]).

pub(crate) mod dist;
pub(crate) mod linalg;
pub(crate) mod quadform;
pub(crate) mod roots;

/// An iterative computation did not converge within its bound (not expected for valid
/// input; each iteration here has one, so none can loop for ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{what} did not converge")]
pub(crate) struct NoConvergence {
    /// Which computation failed.
    pub(crate) what: &'static str,
}
