//! The HTML page of a report: XHTML-compatible markup, inline CSS, inline SVG.

use super::{Block, Cell, Report, banner_lines, grid};
use crate::banner::Banner;
use crate::chart::svg::escape;
use crate::chart::text::FONT_FAMILY;
use crate::table::{fmt_number, looks_numeric};
use std::fmt::Write;

const CSS: &str = "body{margin:0;background:#fff;color:#111;font-family:'DejaVu Sans',sans-serif;font-size:14px;line-height:1.45}\
main{max-width:1140px;margin:0 auto;padding:16px 24px}\
h1{font-size:22px;margin:8px 0 12px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ccc}\
.scroll{overflow-x:auto;margin:8px 0 16px}\
table{border-collapse:collapse;font-size:13px}caption{text-align:left;font-weight:bold;padding:4px 0}\
th,td{border:1px solid #d0d0d0;padding:3px 7px;vertical-align:top}th{background:#f2f2f2;text-align:left}\
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
figure{margin:8px 0 20px}svg{max-width:100%;height:auto}\
sup.sig{color:#0072B2;font-weight:bold;line-height:0;margin-left:2px}\
td.low{color:#888}tr.base td{background:#fafafa;color:#555;font-size:12px}td.q{font-weight:bold}";

/// The page.
pub(super) fn page(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n",
        lang = escape(&r.lang),
        t = escape(&r.title)
    );
    debug_assert!(CSS.contains(FONT_FAMILY));
    for b in &r.blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(h));
            }
            Block::Paragraph(p) => {
                let _ = writeln!(out, "<p>{}</p>", escape(p));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(i));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { caption, table } => {
                let rows: Vec<Vec<(String, bool)>> = table
                    .rows()
                    .iter()
                    .map(|r| r.iter().map(|c| (c.clone(), looks_numeric(c))).collect())
                    .collect();
                write_table(&mut out, caption, table.headers(), &rows);
            }
            Block::Results { caption, rows } => {
                let (headers, cells) = grid(rows);
                let rows: Vec<Vec<(String, bool)>> = cells
                    .iter()
                    .map(|r| r.iter().map(cell_text).collect())
                    .collect();
                write_table(&mut out, caption, &headers, &rows);
            }
            Block::Chart(c) => {
                let _ = writeln!(out, "<figure>{}</figure>", c.svg());
            }
            Block::Banner { caption, banner } => write_banner(&mut out, caption, banner),
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// A cell's text and whether it is a number (right-aligned).
fn cell_text(c: &Cell) -> (String, bool) {
    match c {
        Cell::Value(v) | Cell::Number(v) => (fmt_number(Some(*v)), true),
        Cell::Count(n) => (n.to_string(), true),
        Cell::Text(t) => (t.clone(), false),
        Cell::Empty => (String::new(), false),
    }
}

fn write_table(out: &mut String, caption: &str, headers: &[String], rows: &[Vec<(String, bool)>]) {
    out.push_str("<div class=\"scroll\"><table>");
    if !caption.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", escape(caption));
    }
    out.push_str("<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (text, num) in r {
            if *num {
                let _ = write!(out, "<td class=\"num\">{}</td>", escape(text));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(text));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

fn write_banner(out: &mut String, caption: &str, banner: &Banner) {
    out.push_str("<div class=\"scroll\"><table>");
    let _ = write!(out, "<caption>{}</caption>", escape(caption));
    out.push_str("<thead><tr><th>question</th><th>row</th>");
    for c in banner.columns() {
        match c.letter() {
            Some(l) => {
                let _ = write!(out, "<th>{}<br/>({})</th>", escape(c.label()), escape(l));
            }
            None => {
                let _ = write!(out, "<th>{}</th>", escape(c.label()));
            }
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for line in banner_lines(banner) {
        let class = if line.base { " class=\"base\"" } else { "" };
        let _ = write!(
            out,
            "<tr{class}><td class=\"q\">{}</td><td>{}</td>",
            escape(&line.question),
            escape(&line.label)
        );
        for cell in &line.cells {
            let class = if cell.low { "num low" } else { "num" };
            let _ = write!(out, "<td class=\"{class}\">{}", escape(&cell.text));
            if cell.low {
                out.push('*');
            }
            if !cell.letters.is_empty() {
                let _ = write!(out, "<sup class=\"sig\">{}</sup>", escape(&cell.letters));
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    let mut notes = vec![format!(
        "* marks a base under {}: the cell takes part in no test.",
        banner.min_base()
    )];
    notes.extend(banner.notes().iter().cloned());
    out.push_str("<ul class=\"notes\">\n");
    for n in notes {
        let _ = writeln!(out, "<li>{}</li>", escape(&n));
    }
    out.push_str("</ul>\n");
}
