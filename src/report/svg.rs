//! Small inline SVG plots for the HTML report: lines over time with shaded repetition bands and
//! event marks, and grouped bars per repetition. Every plot has labelled axes; values that
//! could not be measured are gaps (lines) or "n/a" marks (bars), never zeros.

use std::fmt::Write as _;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 180.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 48.0;

/// Line and bar colours, distinguishable in colour-blind palettes (Okabe-Ito).
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
];

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line: a name and a value per x (`None` leaves a gap).
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A shaded stretch of the x axis (a repetition, rise or turn).
pub struct Band {
    pub start: f64,
    pub end: f64,
    pub label: String,
}

/// A vertical mark at one x (an event).
pub struct Mark {
    pub at: f64,
    pub label: String,
}

/// A line plot over a shared x axis.
pub struct LinePlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: Vec<f64>,
    pub series: Vec<Series>,
    pub bands: Vec<Band>,
    pub marks: Vec<Mark>,
}

/// Grouped bars: one group per repetition, one bar per series.
pub struct BarPlot {
    pub title: String,
    /// What the groups are (e.g. "repetition").
    pub x_label: String,
    pub y_label: String,
    pub groups: Vec<String>,
    pub series: Vec<Series>,
    /// Bars of one group stacked on each other instead of side by side.
    pub stacked: bool,
}

/// A range padded so that lines do not touch the frame; a flat range gets a unit of height.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if hi - lo < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        let pad = (hi - lo) * 0.06;
        (lo - pad, hi + pad)
    }
}

/// About five round tick values covering `lo..hi`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let mut out = Vec::new();
    let mut t = (lo / step).ceil() * step;
    while t <= hi + step * 1e-6 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

fn tick_label(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)
    }
    fn py(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }
}

fn open_svg(out: &mut String, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}"><text class="title" x="{LEFT}" y="20">{t}</text>"#,
        t = escape(title)
    );
}

/// Axes with ticks; `x_ticks` false for category axes (labelled by the caller).
fn axes(out: &mut String, f: &Frame, x_label: &str, y_label: &str, x_ticks: bool) {
    let (l, r, b, t) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let _ = write!(
        out,
        r##"<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#333"/><line class="axis" x1="{l}" y1="{b}" x2="{l}" y2="{t}" stroke="#333"/>"##
    );
    for v in ticks(f.y0, f.y1) {
        let y = f.py(v);
        let _ = write!(
            out,
            r##"<line x1="{l}" y1="{y:.1}" x2="{r}" y2="{y:.1}" stroke="#e4e4e4"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            l - 6.0,
            y + 4.0,
            tick_label(v)
        );
    }
    if x_ticks {
        for v in ticks(f.x0, f.x1) {
            let x = f.px(v);
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{b}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                b + 5.0,
                b + 18.0,
                tick_label(v)
            );
        }
    }
    let _ = write!(
        out,
        r#"<text class="xlabel" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="ylabel" x="14" y="{:.1}" text-anchor="middle" transform="rotate(-90 14 {:.1})">{}</text>"#,
        (l + r) / 2.0,
        HEIGHT - 8.0,
        escape(x_label),
        (t + b) / 2.0,
        (t + b) / 2.0,
        escape(y_label)
    );
}

fn legend(out: &mut String, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        let y = TOP + 8.0 + 18.0 * i as f64;
        let x = WIDTH - RIGHT + 12.0;
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{:.1}" width="12" height="12" fill="{}"/><text class="legend" x="{:.1}" y="{:.1}">{}</text>"#,
            y - 10.0,
            PALETTE[i % PALETTE.len()],
            x + 16.0,
            y,
            escape(name)
        );
    }
}

impl LinePlot {
    /// The plot as an `<svg>` element, or `None` when no series has a value.
    pub fn to_svg(&self) -> Option<String> {
        let values = self.series.iter().flat_map(|s| s.values.iter().flatten());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
        let (x_lo, x_hi) = (self.x.first()?, self.x.last()?);
        // Also refuses a NaN or empty x range.
        if !lo.is_finite() || x_hi.partial_cmp(x_lo) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let (y0, y1) = padded(lo, hi);
        let f = Frame {
            x0: *x_lo,
            x1: *x_hi,
            y0,
            y1,
        };
        let mut out = String::new();
        open_svg(&mut out, &self.title);
        for band in &self.bands {
            let (a, b) = (f.px(band.start), f.px(band.end));
            let _ = write!(
                out,
                r##"<rect class="band" x="{a:.1}" y="{TOP}" width="{:.1}" height="{:.1}" fill="#f1ecd9"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                (b - a).max(0.0),
                HEIGHT - TOP - BOTTOM,
                (a + b) / 2.0,
                TOP - 2.0,
                escape(&band.label)
            );
        }
        axes(&mut out, &f, &self.x_label, &self.y_label, true);
        for mark in &self.marks {
            let x = f.px(mark.at);
            let _ = write!(
                out,
                r##"<line class="event" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#888" stroke-dasharray="3 3"><title>{}</title></line>"##,
                HEIGHT - BOTTOM,
                escape(&mark.label)
            );
        }
        for (i, s) in self.series.iter().enumerate() {
            // One path with a move-to after each gap, so missing frames stay visible as gaps.
            let mut d = String::new();
            let mut pen_down = false;
            for (x, v) in self.x.iter().zip(&s.values) {
                match v {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{:.1} {:.1} ",
                            if pen_down { "L" } else { "M" },
                            f.px(*x),
                            f.py(*v)
                        );
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            let _ = write!(
                out,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="1.8"><title>{}</title></path>"#,
                d.trim_end(),
                PALETTE[i % PALETTE.len()],
                escape(&s.name)
            );
        }
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        legend(&mut out, &names);
        out.push_str("</svg>");
        Some(out)
    }
}

impl BarPlot {
    /// The plot as an `<svg>` element, or `None` when no bar has a value.
    pub fn to_svg(&self) -> Option<String> {
        let heights: Vec<f64> = if self.stacked {
            // Every running total: a negative part (a spine extended past standing) leaves
            // the stack's top above its sum.
            (0..self.groups.len())
                .flat_map(|g| {
                    self.series
                        .iter()
                        .filter_map(|s| s.values.get(g)?.as_ref())
                        .scan(0.0, |total, v| {
                            *total += v;
                            Some(*total)
                        })
                        .collect::<Vec<f64>>()
                })
                .collect()
        } else {
            self.series
                .iter()
                .flat_map(|s| s.values.iter().flatten().copied())
                .collect()
        };
        let unmeasured = |s: &Series| s.values.iter().all(Option::is_none);
        // A stack with a part never measured would show a share that is not there.
        let incomplete = if self.stacked {
            self.series.iter().any(unmeasured)
        } else {
            self.series.iter().all(unmeasured)
        };
        if heights.is_empty() || incomplete {
            return None;
        }
        let lo = heights.iter().copied().fold(0.0, f64::min);
        let hi = heights.iter().copied().fold(0.0, f64::max);
        let (y0, y1) = padded(lo, hi);
        let f = Frame {
            x0: 0.0,
            x1: self.groups.len() as f64,
            y0: if lo >= 0.0 { 0.0 } else { y0 },
            y1,
        };
        let mut out = String::new();
        open_svg(&mut out, &self.title);
        axes(&mut out, &f, &self.x_label, &self.y_label, false);
        let slot = f.px(1.0) - f.px(0.0);
        let per_group = if self.stacked { 1 } else { self.series.len() };
        let bar = slot * 0.7 / per_group as f64;
        for (g, group) in self.groups.iter().enumerate() {
            let _ = write!(
                out,
                r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                f.px(g as f64 + 0.5),
                HEIGHT - BOTTOM + 18.0,
                escape(group)
            );
            let mut base = 0.0;
            for (i, s) in self.series.iter().enumerate() {
                let slot_index = if self.stacked { 0 } else { i };
                let x = f.px(g as f64) + slot * 0.15 + bar * slot_index as f64;
                match s.values.get(g).copied().flatten() {
                    Some(v) => {
                        let (from, to) = (base, base + v);
                        let (ya, yb) = (f.py(from.max(to)), f.py(from.min(to)));
                        let _ = write!(
                            out,
                            r#"<rect x="{x:.1}" y="{ya:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {v:.2}</title></rect>"#,
                            bar * 0.92,
                            (yb - ya).max(0.5),
                            PALETTE[i % PALETTE.len()],
                            escape(&s.name)
                        );
                        if self.stacked {
                            base = to;
                        }
                    }
                    // A side-by-side slot with no value next to measured ones is a bar that does
                    // not apply (a left step has no right step time): only mark wholly
                    // unmeasured groups, and every missing part of a stack.
                    None if !self.stacked
                        && self
                            .series
                            .iter()
                            .any(|o| o.values.get(g).copied().flatten().is_some()) => {}
                    None => {
                        let _ = write!(
                            out,
                            r#"<text class="na" x="{:.1}" y="{:.1}" text-anchor="middle">n/a</text>"#,
                            x + bar / 2.0,
                            f.py(f.y0) - 4.0 - if self.stacked { 12.0 * i as f64 } else { 0.0 }
                        );
                    }
                }
            }
        }
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        legend(&mut out, &names);
        out.push_str("</svg>");
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(-3.2, 47.0);
        assert_eq!(t.first(), Some(&0.0));
        assert_eq!(t.last(), Some(&40.0));
    }

    #[test]
    fn a_gap_in_a_series_restarts_the_path() {
        let plot = LinePlot {
            title: "t".into(),
            x_label: "time (s)".into(),
            y_label: "angle (deg)".into(),
            x: vec![0.0, 1.0, 2.0, 3.0],
            series: vec![Series {
                name: "trunk".into(),
                values: vec![Some(1.0), Some(2.0), None, Some(3.0)],
            }],
            bands: vec![],
            marks: vec![],
        };
        let svg = plot.to_svg().unwrap();
        let path = svg.split("<path d=\"").nth(1).unwrap();
        assert_eq!(path.split('"').next().unwrap().matches('M').count(), 2);
        assert!(svg.contains("time (s)") && svg.contains("angle (deg)"));
    }

    #[test]
    fn nothing_measured_gives_no_plot() {
        let plot = BarPlot {
            title: "t".into(),
            x_label: "repetition".into(),
            y_label: "deg".into(),
            groups: vec!["rep 1".into()],
            series: vec![Series {
                name: "hip".into(),
                values: vec![None],
            }],
            stacked: true,
        };
        assert!(plot.to_svg().is_none());
    }
}
