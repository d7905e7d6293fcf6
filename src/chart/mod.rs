//! Charts as SVG, written by the crate: no browser, font library or system library.
//!
//! Three kinds, each a builder that takes the crate's typed answers and renders a
//! [`Chart`]:
//!
//! - [`DivergingBars`]: a Likert item or a battery as diverging stacked bars, the
//!   unfavourable levels to the left of zero and the favourable ones to the right, the
//!   neutral level split across zero, and non-substantive answers ("hard to answer",
//!   refused) drawn apart on the right, on the same scale;
//! - [`DotPlot`]: estimates (shares, means, any [`Estimate`], a [`LikertSummary`](crate::LikertSummary)'s boxes) with their confidence
//!   intervals, one row each, by domain too;
//! - [`RankedBars`]: the options of a multiple-response question as bars sorted by share,
//!   with their intervals.
//!
//! Labels are measured with the advance widths of DejaVu Sans, the font every chart names
//! (`font-family="DejaVu Sans"`; Debian's `fonts-dejavu-core`): Latin, Cyrillic with the
//! Kazakh letters, and punctuation from the font's own metrics, wide (CJK) characters as
//! one em, anything else as one em (wider than any DejaVu letter). Long labels wrap, and
//! every text stays inside its box ([`Chart::labels_fit`]).
//!
//! Colours are colour-blind safe: the diverging bars use ColorBrewer's `RdBu` scheme
//! (red for the unfavourable end, blue for the favourable one, light grey for neutral),
//! non-substantive answers greys, and points and bars Okabe–Ito blue (`#0072B2`) with black
//! intervals.
//!
//! ```
//! use survey_stats::chart::DivergingBars;
//! use survey_stats::{Dataset, Survey};
//!
//! let data = Dataset::builder()
//!     .column("q1", vec![1u8, 2, 3, 4, 5, 5, 4, 9])
//!     .build()?;
//! let survey = Survey::srs(data)?;
//! let q1 = survey.frequencies("q1")?; // 9 = "hard to answer" stays in the base
//! let chart = DivergingBars::new([1.0, 2.0, 3.0, 4.0, 5.0])
//!     .title("Satisfaction with the project")
//!     .row("All respondents", &q1)
//!     .render();
//! assert!(chart.svg().starts_with("<svg"));
//! assert!(chart.labels_fit());
//! # Ok::<(), survey_stats::Error>(())
//! ```

mod diverging;
mod intervals;
pub(crate) mod svg;
pub(crate) mod text;
mod widths;

pub use diverging::DivergingBars;
pub use intervals::{DotPlot, RankedBars};

/// A rendered chart: an SVG document of known size.
///
/// ```
/// use survey_stats::chart::DotPlot;
/// let chart = DotPlot::new().point_values("mean score", 3.7, Some((3.5, 3.9))).render();
/// assert!(chart.width() > 0.0 && chart.height() > 0.0);
/// assert!(chart.svg().contains("font-family=\"DejaVu Sans"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    svg: String,
    width: f64,
    height: f64,
    labels: Vec<svg::Label>,
}

impl Chart {
    pub(crate) fn new(svg: svg::Svg, width: f64, height: f64, title: &str) -> Self {
        let labels = svg.labels.clone();
        Self {
            svg: svg.finish(height, title),
            width,
            height,
            labels,
        }
    }

    /// The SVG document (one `<svg>` element with the SVG namespace, ready to inline in
    /// HTML or write to a `.svg` file).
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// Writes the chart as an `.svg` file (with an XML declaration).
    ///
    /// ```
    /// use survey_stats::chart::DotPlot;
    /// let path = std::env::temp_dir().join("survey-stats-doc-chart.svg");
    /// DotPlot::new().point_values("mean", 3.7, Some((3.5, 3.9))).render().write_svg(&path)?;
    /// assert!(std::fs::read_to_string(&path)?.starts_with("<?xml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) naming the file when it cannot be
    /// written.
    pub fn write_svg(&self, path: impl AsRef<std::path::Path>) -> crate::Result<()> {
        let path = path.as_ref();
        let text = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", self.svg);
        std::fs::write(path, text).map_err(|e| crate::report::output_error(path, e))
    }

    /// Width in px.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Height in px.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// Whether every text of the chart, measured with DejaVu Sans's advance widths, lies
    /// inside the box it was given (its label column, its bar segment, the chart) — what
    /// the builders guarantee by wrapping and leaving out what does not fit.
    ///
    /// ```
    /// use survey_stats::chart::RankedBars;
    /// let chart = RankedBars::new()
    ///     .bar("Қаржыландырудың жеткіліксіздігі және мемлекеттік органдардың бюрократиясы", 0.47, Some((0.41, 0.53)))
    ///     .bar("Ақпараттың жетіспеуі", 0.45, Some((0.39, 0.51)))
    ///     .width(360.0)
    ///     .render();
    /// assert!(chart.labels_fit());
    /// ```
    pub fn labels_fit(&self) -> bool {
        self.labels.iter().all(|l| {
            l.left >= l.bound.0 - 0.01
                && l.left + l.width <= l.bound.1 + 0.01
                && l.left >= -0.01
                && l.left + l.width <= self.width + 0.01
        })
    }
}

/// Sizes shared by the chart kinds, in px.
pub(crate) mod layout {
    /// Label and tick text.
    pub const FONT: f64 = 12.0;
    /// Title text.
    pub const TITLE: f64 = 14.0;
    /// Line height of label text.
    pub const LINE: f64 = 15.0;
    /// Height of a bar.
    pub const BAR: f64 = 14.0;
    /// Smallest height of a row.
    pub const ROW: f64 = 22.0;
    /// Outer margin.
    pub const MARGIN: f64 = 8.0;
    /// Default chart width.
    pub const WIDTH: f64 = 720.0;
    /// Smallest width a chart accepts.
    pub const MIN_WIDTH: f64 = 240.0;
}

/// A width as given, or the smallest usable one (a NaN or tiny width would draw nothing).
pub(crate) fn usable_width(w: f64) -> f64 {
    if w.is_finite() && w >= layout::MIN_WIDTH {
        w.min(10_000.0)
    } else {
        layout::MIN_WIDTH.max(if w.is_finite() { 0.0 } else { layout::WIDTH })
    }
}

/// A number formatted for a chart: a share as a percent with one decimal (`47.3%`), other
/// values with up to three significant decimals.
pub(crate) fn format_value(x: f64, percent: bool) -> String {
    let shown = if percent { 100.0 * x } else { x };
    if !shown.is_finite() {
        "—".into()
    } else if shown.abs() >= 1e6 || (shown != 0.0 && shown.abs() < 1e-3) {
        format!("{shown:.2e}{}", if percent { "%" } else { "" })
    } else if percent {
        format!("{shown:.1}%")
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// Round tick positions covering `[lo, hi]`: the step is 1, 2 or 5 times a power of ten,
/// giving about five intervals. Returns the ticks, first and last covering the range.
pub(crate) fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    ticks_n(lo, hi, 5.0)
}

/// As [`ticks`], with about `intervals` intervals.
pub(crate) fn ticks_n(lo: f64, hi: f64, intervals: f64) -> Vec<f64> {
    let ends = vec![lo.max(f64::MIN), hi.min(f64::MAX)];
    let (lo, hi) = if hi - lo > 1e-12 * lo.abs().max(hi.abs()).max(1.0) {
        (lo, hi)
    } else {
        // Padded within the range of f64 (a value near ±1.8e308 padded by a tenth would
        // be infinite, and an axis of one point has no scale).
        (
            (lo - 0.5_f64.max(lo.abs() * 0.1)).max(f64::MIN),
            (hi + 0.5_f64.max(hi.abs() * 0.1)).min(f64::MAX),
        )
    };
    if !(hi - lo).is_finite() {
        // A range wider than f64 holds: its two ends are the ticks.
        return ends;
    }
    let raw = (hi - lo) / intervals;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    // A tick past the range of f64 (round steps beyond a range near ±1.8e308) is infinite,
    // and so is a span of ticks wider than f64 holds.
    if !step.is_finite()
        || step <= 0.0
        || !(last - first).is_finite()
        || last - first > 100.0
        || !(first * step).is_finite()
        || !(last * step).is_finite()
        || !((last - first) * step).is_finite()
    {
        return vec![lo, hi];
    }
    // Strip the float noise of k·step (0.6000000000000001) at the step's decimals.
    let scale = 10f64.powi((-step.log10().floor()).max(0.0) as i32 + 1);
    ((first as i64)..=(last as i64))
        .map(|k| {
            let t = k as f64 * step;
            let rounded = (t * scale).round() / scale;
            if rounded.is_finite() { rounded } else { t }
        })
        .collect()
}

/// The label of a domain in a chart: its labels (or values) joined.
pub(crate) fn domain_label(d: &crate::Domain) -> String {
    d.values
        .iter()
        .map(|(_, v, l)| l.clone().unwrap_or_else(|| v.to_string()))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(crate) use crate::Estimate;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range() {
        assert_eq!(ticks(0.0, 1.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = ticks(0.13, 0.61);
        assert!(t[0] <= 0.13 && *t.last().unwrap() >= 0.61);
        assert!(ticks(3.0, 3.0).len() >= 2);
        // Near the end of f64's range a round tick would be infinite: the ends instead.
        for x in [-1.7571406979181078e308, 1.7571406979181078e308, 5.2e225] {
            let t = ticks(x, x);
            assert!(
                t.len() >= 2 && t.iter().all(|v| v.is_finite()),
                "{x}: {t:?}"
            );
            assert!(t[0] <= x && *t.last().unwrap() >= x, "{x}: {t:?}");
        }
        // Round ticks whose span is wider than f64 holds: the ends instead.
        let t = ticks(-235540.5, 1.2680455416286958e308);
        assert!((t[t.len() - 1] - t[0]).is_finite(), "{t:?}");
    }
}
