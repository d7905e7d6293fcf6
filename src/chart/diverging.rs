//! Diverging stacked bars of a rating item or a battery of items.

use super::intervals::{draw_axis, draw_row_label, draw_title, label_column};
use super::layout::{BAR, FONT, LINE, MARGIN, ROW, WIDTH};
use super::svg::{Anchor, Svg};
use super::text::{text_width, wrap};
use super::{Chart, domain_label, ticks_n, usable_width};
use crate::{ByDomain, Frequencies, Value};

/// ColorBrewer `RdBu`, by number of levels (2 to 7), from the unfavourable (red) to the
/// favourable (blue) end; safe for the common forms of colour blindness.
const RDBU: [&[&str]; 6] = [
    &["#ef8a62", "#67a9cf"],
    &["#ef8a62", "#f7f7f7", "#67a9cf"],
    &["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
    &["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"],
    &[
        "#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac",
    ],
    &[
        "#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac",
    ],
];

/// Greys for non-substantive answers, in order of appearance.
const GREYS: [&str; 3] = ["#bdbdbd", "#969696", "#737373"];

/// The colour of level `k` of `n`, and whether text on it should be white.
fn level_colour(k: usize, n: usize) -> (&'static str, bool) {
    let palette = RDBU[n.clamp(2, 7) - 2];
    let i = if n <= 7 {
        k
    } else {
        // More than seven levels: spread them over the seven colours.
        (k * 6 + (n - 1) / 2) / (n - 1)
    };
    let c = palette[i.min(palette.len() - 1)];
    let dark = matches!(c, "#ca0020" | "#0571b0" | "#b2182b" | "#2166ac");
    (c, dark)
}

/// One answer's share in a row.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    code: f64,
    label: Option<String>,
    share: f64,
}

/// A Likert item (or each item of a battery, or each domain) as one bar of stacked
/// shares diverging from zero: the levels below the scale's middle to the left, those
/// above to the right, the middle level (odd scales) split across zero. Answers whose
/// code is not on the scale ("hard to answer", refused) are drawn apart, to the right,
/// on the same scale.
///
/// The shares are drawn as given: with "hard to answer" in the base they and the
/// non-substantive share add to 100%; with it excluded, the substantive levels do.
///
/// ```
/// use survey_stats::chart::DivergingBars;
/// let chart = DivergingBars::new([1.0, 2.0, 3.0, 4.0])
///     .title("Agreement")
///     .row_shares("item A", [(1.0, "disagree", 0.1), (2.0, "rather not", 0.2),
///                            (3.0, "rather yes", 0.3), (4.0, "agree", 0.3), (9.0, "hard to say", 0.1)])
///     .render();
/// // Five segments, one drawn apart; each carries its share in its tooltip.
/// assert_eq!(chart.svg().matches("<rect").count(), 5 + 5); // + 5 legend swatches
/// assert!(chart.svg().contains("item A: hard to say 10.0%"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DivergingBars {
    scale: Vec<f64>,
    title: String,
    width: f64,
    rows: Vec<(String, Vec<Segment>)>,
}

impl DivergingBars {
    /// A chart of items on the scale `codes`, listed from the unfavourable to the
    /// favourable end (`[1.0, 2.0, 3.0, 4.0, 5.0]`).
    pub fn new(codes: impl IntoIterator<Item = f64>) -> Self {
        Self {
            scale: codes.into_iter().collect(),
            title: String::new(),
            width: WIDTH,
            rows: Vec::new(),
        }
    }

    /// The chart's title (wrapped to the chart's width).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The width in px (default 720; at least 240).
    pub fn width(mut self, width: f64) -> Self {
        self.width = width;
        self
    }

    /// A bar from a frequency table: each category's share, labelled by its label (or
    /// code). Text categories that are not codes are left out.
    pub fn row(mut self, label: &str, frequencies: &Frequencies) -> Self {
        let segments = frequencies
            .categories
            .iter()
            .filter_map(|c| match c.value {
                Value::Code(code) => Some(Segment {
                    code,
                    label: c.label.clone(),
                    share: c.share.value,
                }),
                Value::Text(_) => None,
            })
            .collect();
        self.rows.push((label.to_string(), segments));
        self
    }

    /// A bar per domain (a domain without an answer draws as an empty bar).
    pub fn by_domain(mut self, by: &ByDomain<Frequencies>) -> Self {
        for (d, f) in by.iter() {
            match f {
                Ok(f) => self = self.row(&domain_label(d), f),
                Err(_) => self.rows.push((domain_label(d), Vec::new())),
            }
        }
        self
    }

    /// A bar from plain numbers: `(code, label, share)` per answer.
    pub fn row_shares<'a>(
        mut self,
        label: &str,
        shares: impl IntoIterator<Item = (f64, &'a str, f64)>,
    ) -> Self {
        let segments = shares
            .into_iter()
            .map(|(code, l, share)| Segment {
                code,
                label: (!l.is_empty()).then(|| l.to_string()),
                share,
            })
            .collect();
        self.rows.push((label.to_string(), segments));
        self
    }

    /// The SVG.
    pub fn render(&self) -> Chart {
        let width = usable_width(self.width);
        let n = self.scale.len();
        let level = |code: f64| self.scale.iter().position(|c| *c == code);
        // A share outside [0, 1] (or not a number) is drawn at its nearest bound.
        let share = |s: &Segment| {
            if s.share.is_finite() {
                s.share.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        // Legend entries: the scale's levels, then the other codes met, with labels.
        let mut others: Vec<f64> = Vec::new();
        let mut names: Vec<(f64, String)> = Vec::new();
        for (_, segs) in &self.rows {
            for s in segs {
                if level(s.code).is_none() && !others.contains(&s.code) {
                    others.push(s.code);
                }
                if let Some(l) = &s.label
                    && !names.iter().any(|(c, _)| *c == s.code)
                {
                    names.push((s.code, l.clone()));
                }
            }
        }
        let name_of = |code: f64| {
            names.iter().find(|(c, _)| *c == code).map_or_else(
                || super::format_value(code, false).replace(".00", ""),
                |(_, l)| l.clone(),
            )
        };
        let colour_of = |code: f64| match level(code) {
            Some(k) => level_colour(k, n),
            None => {
                let j = others.iter().position(|c| *c == code).unwrap_or(0);
                (GREYS[j.min(GREYS.len() - 1)], false)
            }
        };
        // How far each bar reaches left and right of zero.
        let mid = n / 2;
        let reach = |segs: &[Segment]| {
            let (mut left, mut right) = (0.0, 0.0);
            for s in segs {
                match level(s.code) {
                    Some(k) if n % 2 == 1 && k == mid => {
                        left += share(s) / 2.0;
                        right += share(s) / 2.0;
                    }
                    Some(k) if k < mid => left += share(s),
                    Some(_) => right += share(s),
                    None => {}
                }
            }
            (left, right)
        };
        // The scale: from the farthest left reach to the farthest right one, each rounded
        // out to a tick; one unit is the same length on both sides and for the answers
        // drawn apart.
        let (far_left, far_right) = self.rows.iter().fold((0.0_f64, 0.0_f64), |(l, r), (_, s)| {
            let (a, b) = reach(s);
            (l.max(a), r.max(b))
        });
        let step = {
            let t = ticks_n(-far_left.max(0.05), far_right.max(0.05), 6.0);
            t[1] - t[0]
        };
        let m_left = (far_left / step - 1e-9).ceil().max(1.0) * step;
        let m_right = (far_right / step - 1e-9).ceil().max(1.0) * step;
        let axis: Vec<f64> = ticks_n(-m_left, m_right, (m_left + m_right) / step)
            .into_iter()
            .filter(|t| *t >= -m_left - 1e-9 && *t <= m_right + 1e-9)
            .collect();
        let apart = self
            .rows
            .iter()
            .map(|(_, segs)| {
                segs.iter()
                    .filter(|s| level(s.code).is_none())
                    .map(share)
                    .sum::<f64>()
            })
            .fold(0.0_f64, f64::max);

        let mut svg = Svg::new(width);
        let mut y = draw_title(&mut svg, &self.title, width);
        // Legend, flowing over lines.
        let mut x = MARGIN;
        y += FONT;
        let legend: Vec<f64> = self
            .scale
            .iter()
            .copied()
            .chain(others.iter().copied())
            .collect();
        for code in legend {
            let (colour, _) = colour_of(code);
            let name = name_of(code);
            let max_text = width - 2.0 * MARGIN - 14.0;
            let lines = wrap(&name, max_text, FONT, false);
            for line in lines {
                let w = 14.0 + text_width(&line, FONT, false) + 12.0;
                if x > MARGIN && x + w > width - MARGIN {
                    x = MARGIN;
                    y += LINE + 2.0;
                }
                svg.rect(x, y - 10.0, 10.0, 10.0, colour, "");
                svg.text(
                    x + 14.0,
                    y,
                    &line,
                    FONT,
                    Anchor::Start,
                    false,
                    "#000",
                    (0.0, width - MARGIN + 0.01),
                );
                x += w;
            }
        }
        y += LINE;

        let lw = label_column(self.rows.iter().map(|(l, _)| (l.as_str(), false)), width);
        let pct = |v: f64| format!("{:.0}%", 100.0 * v);
        let apart_text = if apart > 0.0 {
            text_width("100%", FONT, false) + 6.0
        } else {
            0.0
        };
        let gap = if apart > 0.0 { 2.0 * MARGIN } else { 0.0 };
        let avail = width - MARGIN - lw - MARGIN - gap - apart_text;
        let ppu = avail / (m_left + m_right + apart);
        let zero = lw + MARGIN + m_left * ppu;
        let apart_x = zero + m_right * ppu + gap;
        let laid: Vec<(Vec<String>, f64)> = self
            .rows
            .iter()
            .map(|(l, _)| {
                let lines = wrap(l, lw - MARGIN, FONT, false);
                let h = (LINE * lines.len() as f64 + 8.0).max(ROW + 4.0);
                (lines, h)
            })
            .collect();
        let bottom = y + laid.iter().map(|(_, h)| h).sum::<f64>();
        draw_axis(
            &mut svg,
            &axis,
            &|t| zero + t * ppu,
            y,
            bottom + 2.0,
            width,
            &|t| pct(t.abs()),
        );
        svg.line(zero, y, zero, bottom + 2.0, "#444", 1.0);
        for ((label, segs), (lines, h)) in self.rows.iter().zip(laid) {
            let cy = y + h / 2.0;
            draw_row_label(&mut svg, &lines, lw, cy, false);
            let (left, _) = reach(segs);
            let mut ordered: Vec<&Segment> =
                segs.iter().filter(|s| level(s.code).is_some()).collect();
            ordered.sort_by_key(|s| level(s.code));
            let mut at = zero - left * ppu;
            let draw = |svg: &mut Svg, s: &Segment, x: f64| {
                let w = share(s) * ppu;
                let (colour, dark) = colour_of(s.code);
                let tip = format!("{label}: {} {:.1}%", name_of(s.code), 100.0 * share(s));
                svg.rect(x, cy - BAR / 2.0 - 2.0, w, BAR + 4.0, colour, &tip);
                let text = pct(share(s));
                if text_width(&text, FONT - 1.0, false) + 4.0 <= w {
                    let fill = if dark { "#fff" } else { "#000" };
                    svg.text(
                        x + w / 2.0,
                        cy + 4.0,
                        &text,
                        FONT - 1.0,
                        Anchor::Middle,
                        false,
                        fill,
                        (x, x + w),
                    );
                }
                w
            };
            for s in ordered {
                at += draw(&mut svg, s, at);
            }
            let mut at = apart_x;
            for s in segs.iter().filter(|s| level(s.code).is_none()) {
                at += draw(&mut svg, s, at);
            }
            if at > apart_x {
                let total: f64 = segs
                    .iter()
                    .filter(|s| level(s.code).is_none())
                    .map(share)
                    .sum();
                if text_width(&pct(total), FONT - 1.0, false) + 4.0 > (at - apart_x) {
                    svg.text(
                        at + 3.0,
                        cy + 4.0,
                        &pct(total),
                        FONT - 1.0,
                        Anchor::Start,
                        false,
                        "#000",
                        (apart_x, width),
                    );
                }
            }
            y += h;
        }
        Chart::new(svg, width, bottom + FONT + 2.0 + 2.0 * MARGIN, &self.title)
    }
}
