//! A minimal SVG writer: elements as strings, every text and attribute escaped.

use super::text::{FONT_FAMILY, text_width};
use std::fmt::Write;

/// Escapes text for XML and HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line ends, and the non-characters
            // U+FFFE and U+FFFF, are not allowed in XML.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal anchor of a text.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// One text drawn on a chart, kept so tests can check it against its box.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Label {
    /// Left edge, in px.
    pub left: f64,
    /// Measured width, in px.
    pub width: f64,
    /// The box it must stay in: `[left, right]`, in px.
    pub bound: (f64, f64),
}

/// An SVG document being written.
pub(crate) struct Svg {
    width: f64,
    body: String,
    pub(crate) labels: Vec<Label>,
}

/// Numbers in SVG: two decimals are finer than a pixel.
fn n(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

impl Svg {
    pub(crate) fn new(width: f64) -> Self {
        Self {
            width,
            body: String::new(),
            labels: Vec::new(),
        }
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}""#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        );
        if fill.eq_ignore_ascii_case("#f7f7f7") || fill.eq_ignore_ascii_case("#ffffff") {
            self.body
                .push_str(r##" stroke="#969696" stroke-width="0.5""##);
        }
        if title.is_empty() {
            self.body.push_str("/>");
        } else {
            let _ = write!(self.body, "><title>{}</title></rect>", escape(title));
        }
    }

    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width)
        );
    }

    pub(crate) fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, title: &str) {
        let _ = write!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}"><title>{}</title></circle>"#,
            n(cx),
            n(cy),
            n(r),
            escape(title)
        );
    }

    /// Writes `text` with its baseline at `y`, recording its extent against `bound`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        anchor: Anchor,
        bold: bool,
        fill: &str,
        bound: (f64, f64),
    ) {
        let width = text_width(text, size, bold);
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        self.labels.push(Label { left, width, bound });
        let a = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{a}" fill="{fill}"{}>{}</text>"#,
            n(x),
            n(y),
            n(size),
            if bold { r#" font-weight="bold""# } else { "" },
            escape(text)
        );
    }

    /// The finished document, `height` px tall.
    pub(crate) fn finish(self, height: f64, title: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}, sans-serif" role="img"><title>{t}</title>{body}</svg>"#,
            w = n(self.width),
            h = n(height),
            t = escape(title),
            body = self.body
        )
    }
}
