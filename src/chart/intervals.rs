//! Estimates with their confidence intervals: a dot plot, and bars sorted by value.

use super::layout::{BAR, FONT, LINE, MARGIN, ROW, TITLE, WIDTH};
use super::svg::{Anchor, Svg};
use super::text::{text_width, wrap};
use super::{Chart, Estimate, domain_label, format_value, ticks, usable_width};
use crate::{ByDomain, LikertSummary, MultipleResponse};

/// Okabe–Ito blue: points and bars.
const BLUE: &str = "#0072B2";

/// One row: a label, and a value with its interval, or a heading, or a row without a value.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    label: String,
    value: Option<f64>,
    interval: Option<(f64, f64)>,
    heading: bool,
}

fn row(label: &str, value: f64, interval: Option<(f64, f64)>) -> Row {
    let finite = value.is_finite();
    Row {
        label: label.to_string(),
        value: finite.then_some(value),
        interval: interval.filter(|(l, u)| finite && l.is_finite() && u.is_finite() && l <= u),
        heading: false,
    }
}

fn of_estimate(label: &str, e: &Estimate) -> Row {
    row(label, e.value, e.interval.map(|i| (i.lower, i.upper)))
}

/// Settings shared by both kinds.
#[derive(Debug, Clone, PartialEq)]
struct Common {
    title: String,
    width: f64,
    percent: bool,
    rows: Vec<Row>,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            title: String::new(),
            width: WIDTH,
            percent: false,
            rows: Vec::new(),
        }
    }
}

/// A dot plot: one row per estimate, a dot at the value and a line over its confidence
/// interval, the value written at the right. By domain, a heading row names the
/// estimate and one row per domain follows.
///
/// ```
/// use survey_stats::chart::DotPlot;
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .column("region", vec![1u8, 1, 1, 2, 2, 2])
///     .column("y", vec![1.0, 2.0, 3.0, 2.0, 4.0, 6.0])
///     .build()?;
/// let survey = Survey::srs(data)?;
/// let chart = DotPlot::new()
///     .title("Mean of y")
///     .point("all", &survey.mean("y")?)
///     .by_domain("by region", &survey.by(["region"]).mean("y")?)
///     .render();
/// assert!(chart.svg().contains("<circle"));
/// assert_eq!(chart.svg().matches("<circle").count(), 3);
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DotPlot(Common);

/// Horizontal bars sorted from the largest value down, each with its confidence
/// interval: the ranking of the options of a multiple-response question.
///
/// ```
/// use survey_stats::chart::RankedBars;
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .multiple_response("q2", [1u8, 2, 3], vec![vec![1, 2], vec![2], vec![2, 3], vec![]])
///     .build()?;
/// let shares = Survey::srs(data)?.multiple_response("q2")?;
/// let chart = RankedBars::new().title("Problems").options(&shares).render();
/// // Of the 3 who chose any option, option 2 (3 of 3) comes first, then 1 and 3 (1 each).
/// let first = chart.svg().find("100.0%").unwrap();
/// assert!(first < chart.svg().find("33.3%").unwrap());
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RankedBars(Common);

impl Default for RankedBars {
    fn default() -> Self {
        RankedBars(Common {
            percent: true,
            ..Common::default()
        })
    }
}

macro_rules! common_builders {
    () => {
        /// The chart's title (wrapped to the chart's width).
        pub fn title(mut self, title: impl Into<String>) -> Self {
            self.0.title = title.into();
            self
        }

        /// The width in px (default 720; at least 240).
        pub fn width(mut self, width: f64) -> Self {
            self.0.width = width;
            self
        }

        /// A row from plain numbers: a value and its interval `(lower, upper)`. A value
        /// that is not finite draws as "—"; an interval that is not finite is left out.
        pub fn point_values(
            mut self,
            label: &str,
            value: f64,
            interval: Option<(f64, f64)>,
        ) -> Self {
            self.0.rows.push(row(label, value, interval));
            self
        }
    };
}

impl DotPlot {
    /// An empty dot plot (values as numbers; see [`DotPlot::percent`]).
    pub fn new() -> Self {
        Self::default()
    }

    common_builders!();

    /// Values are shares: written and scaled as percents.
    pub fn percent(mut self) -> Self {
        self.0.percent = true;
        self
    }

    /// A row for an estimate.
    pub fn point(mut self, label: &str, estimate: &Estimate) -> Self {
        self.0.rows.push(of_estimate(label, estimate));
        self
    }

    /// A heading row `label`, then a row per domain (a domain without an estimate draws
    /// as "—").
    pub fn by_domain(mut self, label: &str, by: &ByDomain<Estimate>) -> Self {
        self.0.rows.push(Row {
            label: label.to_string(),
            value: None,
            interval: None,
            heading: true,
        });
        for (d, e) in by.iter() {
            let name = domain_label(d);
            self.0.rows.push(match e {
                Ok(e) => of_estimate(&name, e),
                Err(_) => row(&name, f64::NAN, None),
            });
        }
        self
    }

    /// A heading row `label`, then a Likert item's top box, bottom box and net score
    /// (shares with their intervals: use with [`DotPlot::percent`]). The mean score is on
    /// the scale's own units; chart it with [`DotPlot::point`].
    ///
    /// ```
    /// use survey_stats::chart::DotPlot;
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder().column("q", vec![1u8, 2, 4, 5, 5, 3]).build()?;
    /// let q = Survey::srs(data)?.likert("q")?;
    /// let chart = DotPlot::new().percent().likert("q", &q).render();
    /// assert!(chart.svg().contains("top box: 50.0%")); // 4, 5, 5 of six
    /// assert!(chart.svg().contains("net score: 16.7%")); // 3/6 − 2/6
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn likert(mut self, label: &str, summary: &LikertSummary) -> Self {
        self.0.rows.push(Row {
            label: label.to_string(),
            value: None,
            interval: None,
            heading: true,
        });
        for (name, e) in [
            ("top box", &summary.top_box),
            ("bottom box", &summary.bottom_box),
            ("net score", &summary.net),
        ] {
            self.0.rows.push(of_estimate(name, e));
        }
        self
    }

    /// The SVG.
    pub fn render(&self) -> Chart {
        draw(&self.0, false)
    }
}

impl RankedBars {
    /// An empty chart (values as shares, written as percents).
    pub fn new() -> Self {
        Self::default()
    }

    common_builders!();

    /// Same as [`RankedBars::point_values`]: a bar from a value and its interval.
    pub fn bar(self, label: &str, value: f64, interval: Option<(f64, f64)>) -> Self {
        self.point_values(label, value, interval)
    }

    /// Values are numbers, not shares (no percent sign).
    pub fn numbers(mut self) -> Self {
        self.0.percent = false;
        self
    }

    /// A bar per option (labelled `code label`, or by its column without a label).
    pub fn options(mut self, shares: &MultipleResponse) -> Self {
        for o in &shares.options {
            let name = match &o.label {
                Some(l) => l.clone(),
                None => o.column.clone(),
            };
            self.0.rows.push(of_estimate(&name, &o.share));
        }
        self
    }

    /// The SVG, bars sorted by value (largest first; rows without a value last).
    pub fn render(&self) -> Chart {
        let mut sorted = self.0.clone();
        sorted.rows.sort_by(|a, b| match (a.value, b.value) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        draw(&sorted, true)
    }
}

/// Draws the title at the top; returns the y below it.
pub(super) fn draw_title(svg: &mut Svg, title: &str, width: f64) -> f64 {
    let mut y = MARGIN;
    if title.trim().is_empty() {
        return y;
    }
    for line in wrap(title, width - 2.0 * MARGIN, TITLE, true) {
        y += TITLE + 4.0;
        svg.text(
            MARGIN,
            y - 4.0,
            &line,
            TITLE,
            Anchor::Start,
            true,
            "#000",
            (0.0, width),
        );
    }
    y + 6.0
}

/// The width of the label column: the longest label, at most 38% of the chart.
pub(super) fn label_column<'a>(labels: impl Iterator<Item = (&'a str, bool)>, width: f64) -> f64 {
    let longest = labels
        .map(|(l, bold)| text_width(l, FONT, bold))
        .fold(0.0, f64::max);
    (longest + 2.0 * MARGIN).clamp(48.0, 0.38 * width)
}

/// Draws the row label `lines` right-aligned against `right`, centred on `mid`.
pub(super) fn draw_row_label(svg: &mut Svg, lines: &[String], right: f64, mid: f64, bold: bool) {
    let top = mid - LINE * lines.len() as f64 / 2.0;
    for (k, line) in lines.iter().enumerate() {
        let y = top + LINE * (k as f64 + 1.0) - 3.5;
        svg.text(
            right,
            y,
            line,
            FONT,
            Anchor::End,
            bold,
            "#000",
            (0.0, right + 0.01),
        );
    }
}

/// Draws an axis with ticks under the plot area `[x0, x1]` at `y`; `pos` maps a value to
/// x; tick labels through `label`.
pub(super) fn draw_axis(
    svg: &mut Svg,
    ticks: &[f64],
    pos: &dyn Fn(f64) -> f64,
    top: f64,
    y: f64,
    width: f64,
    label: &dyn Fn(f64) -> String,
) {
    for &t in ticks {
        let x = pos(t);
        svg.line(x, top, x, y, "#dddddd", 1.0);
        // A label at an end of the axis moves inward rather than past the chart's edge.
        let text = label(t);
        let half = text_width(&text, FONT - 1.0, false) / 2.0;
        let x = x.clamp(half + 1.0, (width - half - 1.0).max(half + 1.0));
        svg.text(
            x,
            y + FONT + 2.0,
            &text,
            FONT - 1.0,
            Anchor::Middle,
            false,
            "#444",
            (0.0, width),
        );
    }
}

fn draw(c: &Common, bars: bool) -> Chart {
    let width = usable_width(c.width);
    let mut svg = Svg::new(width);
    let mut y = draw_title(&mut svg, &c.title, width);
    let lw = label_column(c.rows.iter().map(|r| (r.label.as_str(), r.heading)), width);
    // Room on the right for the widest value text.
    let value_text = |r: &Row| {
        r.value
            .map_or("—".to_string(), |v| format_value(v, c.percent))
    };
    let vw = c
        .rows
        .iter()
        .map(|r| text_width(&value_text(r), FONT, false))
        .fold(text_width("—", FONT, false), f64::max);
    let x0 = lw + MARGIN;
    let x1 = (width - MARGIN - vw - 6.0).max(x0 + 40.0);
    // The scale: every value and limit, and zero for bars.
    let mut lo = if bars { 0.0 } else { f64::INFINITY };
    let mut hi = if bars { 0.0 } else { f64::NEG_INFINITY };
    for r in &c.rows {
        for v in r
            .value
            .into_iter()
            .chain(r.interval.into_iter().flat_map(|(l, u)| [l, u]))
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let ticks = ticks(lo, hi);
    let (t0, t1) = (ticks[0], ticks[ticks.len() - 1]);
    let pos = |v: f64| x0 + (v - t0) / (t1 - t0) * (x1 - x0);
    let laid: Vec<(Vec<String>, f64)> = c
        .rows
        .iter()
        .map(|r| {
            let lines = wrap(&r.label, lw - MARGIN, FONT, r.heading);
            let h = (LINE * lines.len() as f64 + 6.0).max(ROW);
            (lines, h)
        })
        .collect();
    let bottom = y + laid.iter().map(|(_, h)| h).sum::<f64>();
    draw_axis(&mut svg, &ticks, &pos, y, bottom + 2.0, width, &|t| {
        format_value(t, c.percent).replace(".0%", "%")
    });
    for (r, (lines, h)) in c.rows.iter().zip(laid) {
        let mid = y + h / 2.0;
        draw_row_label(&mut svg, &lines, lw, mid, r.heading);
        if !r.heading {
            let shown = value_text(r);
            let tip = match (r.value, r.interval) {
                (Some(v), Some((l, u))) => format!(
                    "{}: {} [{}, {}]",
                    r.label,
                    format_value(v, c.percent),
                    format_value(l, c.percent),
                    format_value(u, c.percent)
                ),
                _ => format!("{}: {shown}", r.label),
            };
            let mut right = x0;
            if let Some(v) = r.value {
                if bars {
                    svg.rect(
                        pos(0.0),
                        mid - BAR / 2.0,
                        pos(v) - pos(0.0),
                        BAR,
                        BLUE,
                        &tip,
                    );
                }
                right = pos(v);
                if let Some((l, u)) = r.interval {
                    let colour = "#000";
                    svg.line(pos(l), mid, pos(u), mid, colour, 1.5);
                    svg.line(pos(l), mid - 4.0, pos(l), mid + 4.0, colour, 1.5);
                    svg.line(pos(u), mid - 4.0, pos(u), mid + 4.0, colour, 1.5);
                    right = right.max(pos(u));
                }
                if !bars {
                    svg.circle(pos(v), mid, 4.5, BLUE, &tip);
                }
            }
            svg.text(
                right + 6.0,
                mid + 4.0,
                &shown,
                FONT,
                Anchor::Start,
                false,
                "#000",
                (x0, width),
            );
        }
        y += h;
    }
    Chart::new(svg, width, y + FONT + 2.0 + 2.0 * MARGIN, &c.title)
}
