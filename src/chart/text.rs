//! Text measurement for chart labels: per-character advance widths of DejaVu Sans (the
//! font the SVG names), so a label's width is known before any browser draws it.

use super::widths::{BOLD, BOLD_UNITS, REGULAR, REGULAR_UNITS};
use unicode_width::UnicodeWidthChar;

/// The font family every chart names; its metrics are those in `widths.rs`.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans";

/// The advance width of one character at `size` px: DejaVu Sans's own width for the
/// characters in the table (Latin, Latin-1, Cyrillic with Kazakh letters, punctuation);
/// one em for wide (CJK) characters; nothing for combining marks; and, for any other
/// character, one em: wider than DejaVu's widest letter, so a label is never measured
/// shorter than it draws.
pub(crate) fn char_width(c: char, size: f64, bold: bool) -> f64 {
    let (table, units) = if bold {
        (BOLD, BOLD_UNITS)
    } else {
        (REGULAR, REGULAR_UNITS)
    };
    let cp = c as u32;
    for (first, widths) in table {
        if cp >= *first && ((cp - first) as usize) < widths.len() {
            return size * f64::from(widths[(cp - first) as usize]) / units;
        }
    }
    match c.width() {
        Some(0) => 0.0,
        _ => size,
    }
}

/// The width of `text` at `size` px, in px (no kerning: DejaVu's kerning only narrows).
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().map(|c| char_width(c, size, bold)).sum()
}

/// Breaks `text` into lines no wider than `max` px: at spaces where it can, inside a word
/// that alone is wider than `max`.
pub(crate) fn wrap(text: &str, max: f64, size: f64, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&joined, size, bold) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: cut it where it no longer fits.
        for c in word.chars() {
            if !line.is_empty() && text_width(&line, size, bold) + char_width(c, size, bold) > max {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_dejavu_sans() {
        // DejaVu Sans 2.37: 'A' is 1401 units of 2048, 'Қ' (U+049A) 1386, a space 651.
        assert!((char_width('A', 2048.0, false) - 1401.0).abs() < 1e-9);
        assert!((char_width(' ', 2048.0, false) - 651.0).abs() < 1e-9);
        assert!(char_width('Қ', 2048.0, false) > 1000.0);
        assert_eq!(char_width('中', 10.0, false), 10.0);
        assert_eq!(char_width('\u{301}', 10.0, false), 0.0);
        assert!(char_width('W', 12.0, true) > char_width('W', 12.0, false));
    }

    #[test]
    fn wrapped_lines_fit() {
        let text =
            "Мемлекеттік әлеуметтік тапсырыс бойынша жобалардың нәтижелеріне қанағаттанасыз ба";
        for max in [40.0, 80.0, 150.0, 300.0] {
            let lines = wrap(text, max, 12.0, false);
            assert!(
                lines
                    .iter()
                    .all(|l| text_width(l, 12.0, false) <= max + 1e-9)
            );
            assert_eq!(
                lines.concat().replace(' ', ""),
                text.replace(' ', ""),
                "no letter lost"
            );
        }
    }
}

#[cfg(test)]
mod against_chromium {
    use super::text_width;

    /// Headless Chromium's canvas widths of labels in DejaVu Sans 12px, regular and bold
    /// (`tests/data/chromium_text_widths.html` made them): the table's widths match
    /// them, never measuring a label narrower than the browser draws it.
    #[test]
    fn widths_match_chromium() {
        let json = include_str!("../../tests/data/chromium_text_widths.json");
        let rows: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        assert_eq!(rows.len(), 18);
        for r in rows {
            let text = r["text"].as_str().unwrap();
            let bold = r["bold"].as_bool().unwrap();
            let browser = r["width"].as_f64().unwrap();
            let ours = text_width(text, 12.0, bold);
            assert!(
                ours >= browser - 0.05 && ours <= browser * 1.02 + 0.05,
                "{text:?} bold={bold}: ours {ours}, Chromium {browser}"
            );
        }
    }
}
