//! The annotated analysis video (`ugoki analyze --overlay out.mp4`): the skeleton, the trunk
//! chord (neck to mid-hip), and where the forward bend was measured the traced back outline and
//! the pelvis surface tangent (the two inclinations the hip and spinal parts come from), angle
//! arcs with values at hip and knee, a repetition counter coloured by
//! the repetition's verdict, a running timeline of the movement's main angle, and over the
//! first seconds the red-flag notice. Frame for frame the input's length; line widths and text
//! scale from 480p to 1080p.

use super::overlay::{draw_skeleton, rewrite_video};
use crate::cli::analyze::AnalysisReport;
use crate::criteria::scoring::Verdict;
use crate::error::Result;
use crate::kinematics::spine::ForwardBend;
use crate::kinematics::Kinematics;
use crate::movement::{Movement, Segment};
use crate::report::lettering::TextPainter;
use crate::source::FrameSource;
use crate::text::Lang;
use crate::track::PoseTrack;
use opencv::core::{Mat, Point, Rect, Scalar, Size, Vector};
use opencv::imgproc;
use opencv::prelude::*;
use std::collections::HashMap;
use std::path::Path;

const WHITE: (f64, f64, f64) = (255.0, 255.0, 255.0);
/// Share of the frame's height the timeline strip takes at the bottom.
const TIMELINE_SHARE: f64 = 0.14;
/// BGR of the traced back outline (magenta) and of the pelvis surface tangent (green).
pub const BACK_COLOUR: (f64, f64, f64) = (255.0, 0.0, 255.0);
pub const PELVIS_COLOUR: (f64, f64, f64) = (0.0, 255.0, 0.0);

fn bgr((b, g, r): (f64, f64, f64)) -> Scalar {
    Scalar::new(b, g, r, 0.0)
}

/// BGR colour of a repetition's verdict (grey when nothing was judged on it).
fn verdict_colour(v: Option<Verdict>) -> (f64, f64, f64) {
    match v {
        Some(Verdict::Pass) => (80.0, 180.0, 60.0),
        Some(Verdict::Warn) => (0.0, 190.0, 255.0),
        Some(Verdict::Fail) => (60.0, 60.0, 220.0),
        _ => (150.0, 150.0, 150.0),
    }
}

/// The channel the timeline shows.
fn main_channel(m: Movement) -> &'static str {
    match m {
        Movement::Hinge | Movement::Sts => "trunk",
        Movement::Gait => "left_knee_flexion",
        Movement::Rotation => "shoulders",
    }
}

/// The segments the counter counts and their worst judged verdict.
fn counted_segments(report: &AnalysisReport) -> Vec<(&Segment, Option<Verdict>)> {
    let Some(a) = &report.analysis else {
        return Vec::new();
    };
    a.segments
        .iter()
        .filter(|s| s.kind != "sit")
        .map(|s| {
            let on = s.id();
            let worst = report.assessment.as_ref().and_then(|x| {
                x.criteria
                    .iter()
                    .flat_map(|c| c.judgements.iter())
                    .filter(|j| j.on == on && j.verdict != Verdict::CannotAssess)
                    .map(|j| j.verdict)
                    .max()
            });
            (s, worst)
        })
        .collect()
}

struct Painter<'a> {
    kinematics: &'a Kinematics,
    bend: Option<&'a ForwardBend>,
    segments: Vec<(&'a Segment, Option<Verdict>)>,
    channel: Option<&'a crate::kinematics::AngleChannel>,
    range: (f64, f64),
    duration: f64,
}

impl Painter<'_> {
    fn point(&self, name: &str, position: usize) -> Option<Point> {
        let p = self.kinematics.points.iter().find(|p| p.name == name)?;
        let (x, y) = (p.x.get(position).copied()??, p.y.get(position).copied()??);
        Some(Point::new(x.round() as i32, y.round() as i32))
    }

    /// Outline and fill widths of text at `scale`.
    const TEXT_STROKES: [f64; 2] = [4.0, 1.5];

    fn text_thickness(width: f64, scale: f64) -> i32 {
        (width * scale).round().max(1.0) as i32
    }

    /// The size of `text` as [`Self::text`] draws it, outline included, and its baseline.
    fn text_size(text: &str, scale: f64) -> Result<(Size, i32)> {
        let outline = Self::text_thickness(Self::TEXT_STROKES[0], scale);
        let mut baseline = 0;
        let size = imgproc::get_text_size(
            text,
            imgproc::FONT_HERSHEY_SIMPLEX,
            0.7 * scale,
            outline,
            &mut baseline,
        )?;
        Ok((size, baseline))
    }

    fn text(
        image: &mut Mat,
        text: &str,
        at: Point,
        scale: f64,
        colour: (f64, f64, f64),
    ) -> Result<()> {
        let [outline, fill] = Self::TEXT_STROKES;
        for (c, t) in [((0.0, 0.0, 0.0), outline), (colour, fill)] {
            imgproc::put_text(
                image,
                text,
                at,
                imgproc::FONT_HERSHEY_SIMPLEX,
                0.7 * scale,
                bgr(c),
                Self::text_thickness(t, scale),
                imgproc::LINE_AA,
                false,
            )?;
        }
        Ok(())
    }

    /// An arc at `joint` between its two neighbours, with the channel's value beside it.
    fn arc(
        &self,
        image: &mut Mat,
        position: usize,
        scale: f64,
        [a, joint, b]: [&str; 3],
        channel: &str,
    ) -> Result<()> {
        let (Some(pa), Some(pj), Some(pb)) = (
            self.point(a, position),
            self.point(joint, position),
            self.point(b, position),
        ) else {
            return Ok(());
        };
        let Some(value) = self
            .kinematics
            .angle(channel)
            .and_then(|c| c.values.get(position).copied().flatten())
        else {
            return Ok(());
        };
        let dir = |p: Point| {
            f64::from(p.y - pj.y)
                .atan2(f64::from(p.x - pj.x))
                .to_degrees()
        };
        let (mut start, mut end) = (dir(pa), dir(pb));
        // The inner (shorter) arc between the two segments.
        if end - start > 180.0 {
            start += 360.0;
        } else if start - end > 180.0 {
            end += 360.0;
        }
        let radius = (28.0 * scale).round() as i32;
        imgproc::ellipse(
            image,
            pj,
            Size::new(radius, radius),
            0.0,
            start.min(end),
            start.max(end),
            bgr((0.0, 230.0, 255.0)),
            (2.0 * scale).round().max(1.0) as i32,
            imgproc::LINE_AA,
            0,
        )?;
        let at = Point::new(pj.x + radius + (4.0 * scale) as i32, pj.y);
        Self::text(
            image,
            &format!("{value:.0}"),
            at,
            scale,
            (0.0, 230.0, 255.0),
        )
    }

    fn paint(&self, image: &mut Mat, position: Option<usize>, time_s: f64) -> Result<()> {
        let scale = (image.rows().max(image.cols()) as f64 / 720.0).max(0.6);
        if let Some(p) = position {
            if let (Some(neck), Some(hip)) = (self.point("neck", p), self.point("mid_hip", p)) {
                imgproc::line(
                    image,
                    neck,
                    hip,
                    bgr(WHITE),
                    (3.0 * scale).round() as i32,
                    imgproc::LINE_AA,
                    0,
                )?;
            }
            self.back_line(image, p, scale)?;
            // The side nearer the camera: the one with the more confident leg.
            let confidence = |side: &str| {
                ["hip", "knee", "ankle"]
                    .iter()
                    .filter_map(|j| {
                        let ch = self
                            .kinematics
                            .points
                            .iter()
                            .find(|c| c.name == format!("{side}_{j}"))?;
                        ch.confidence.get(p).copied()
                    })
                    .sum::<f64>()
            };
            let side = if confidence("left") >= confidence("right") {
                "left"
            } else {
                "right"
            };
            let name = |j: &str| format!("{side}_{j}");
            self.arc(
                image,
                p,
                scale,
                ["neck", &name("hip"), &name("knee")],
                &name("hip_flexion"),
            )?;
            self.arc(
                image,
                p,
                scale,
                [&name("hip"), &name("knee"), &name("ankle")],
                &name("knee_flexion"),
            )?;
        }
        self.counter(image, time_s, scale)?;
        self.timeline(image, time_s, scale)
    }

    /// The traced back outline and the pelvis surface tangent, where the outline was accepted.
    fn back_line(&self, image: &mut Mat, position: usize, scale: f64) -> Result<()> {
        let Some(line) = self
            .bend
            .and_then(|b| b.back_lines.get(position))
            .and_then(Option::as_ref)
        else {
            return Ok(());
        };
        let px = |p: &[f64; 2]| Point::new(p[0].round() as i32, p[1].round() as i32);
        let outline: Vector<Point> = line.points.iter().map(px).collect();
        let mut lines = Vector::<Vector<Point>>::new();
        lines.push(outline);
        imgproc::polylines(
            image,
            &lines,
            false,
            bgr(BACK_COLOUR),
            (2.5 * scale).round().max(1.0) as i32,
            imgproc::LINE_AA,
            0,
        )?;
        imgproc::line(
            image,
            px(&line.pelvis_tangent[0]),
            px(&line.pelvis_tangent[1]),
            bgr(PELVIS_COLOUR),
            (2.5 * scale).round().max(1.0) as i32,
            imgproc::LINE_AA,
            0,
        )?;
        Ok(())
    }

    fn counter(&self, image: &mut Mat, time_s: f64, scale: f64) -> Result<()> {
        let Some((kind, _)) = self.segments.first().map(|(s, _)| (s.kind.clone(), ())) else {
            return Ok(());
        };
        let total = self.segments.iter().filter(|(s, _)| s.kind == kind).count();
        let current = self
            .segments
            .iter()
            .rev()
            .find(|(s, _)| s.start_s <= time_s);
        let (label, colour) = match current {
            Some((s, verdict)) => (
                format!("{} {}/{}", s.kind, s.number, total.max(s.number)),
                verdict_colour(*verdict),
            ),
            None => (format!("{kind} 0/{total}"), verdict_colour(None)),
        };
        // The box grows with the label ("step 12/14" is wider than "rep 1/3"), so the text
        // never runs over its edge at any frame size.
        let pad = (10.0 * scale).round() as i32;
        let inner = (8.0 * scale).round() as i32;
        let (text, baseline) = Self::text_size(&label, scale)?;
        let box_size = Size::new(
            text.width + 2 * inner,
            (36.0 * scale)
                .round()
                .max(f64::from(text.height + baseline + inner)) as i32,
        );
        imgproc::rectangle(
            image,
            Rect::new(pad, pad, box_size.width, box_size.height),
            bgr(colour),
            -1,
            imgproc::LINE_8,
            0,
        )?;
        let text_top = pad + (box_size.height - text.height - baseline) / 2;
        Self::text(
            image,
            &label,
            Point::new(pad + inner, text_top + text.height),
            scale,
            WHITE,
        )
    }

    /// The main angle over the whole clip along the bottom, repetitions coloured by verdict and
    /// a cursor at the current time.
    fn timeline(&self, image: &mut Mat, time_s: f64, scale: f64) -> Result<()> {
        let Some(channel) = self.channel else {
            return Ok(());
        };
        let (w, h) = (image.cols(), image.rows());
        let strip = timeline_height(h);
        let top = h - strip;
        imgproc::rectangle(
            image,
            Rect::new(0, top, w, strip),
            bgr((30.0, 30.0, 30.0)),
            -1,
            imgproc::LINE_8,
            0,
        )?;
        let x_of = |t: f64| ((t / self.duration.max(1e-6)) * f64::from(w - 1)).round() as i32;
        let band = (4.0 * scale).round().max(2.0) as i32;
        for (s, verdict) in &self.segments {
            let (a, b) = (x_of(s.start_s), x_of(s.end_s));
            imgproc::rectangle(
                image,
                Rect::new(a, h - band, (b - a).max(1), band),
                bgr(verdict_colour(*verdict)),
                -1,
                imgproc::LINE_8,
                0,
            )?;
        }
        // The curve runs below the channel's name, so the two never cross.
        let label = format!("{} (deg)", channel.name);
        let label_scale = scale * 0.7;
        let (label_size, label_baseline) = Self::text_size(&label, label_scale)?;
        let label_top = top + (4.0 * scale).round() as i32;
        let plot_top = label_top + label_size.height + label_baseline;
        let plot_height = (h - 2 * band - plot_top).max(band);
        let (lo, hi) = self.range;
        let y_of = |v: f64| {
            plot_top + ((hi - v) / (hi - lo).max(1e-6) * f64::from(plot_height)).round() as i32
        };
        let mut line = Vector::<Point>::new();
        let mut lines = Vector::<Vector<Point>>::new();
        for (t, v) in self.kinematics.times_s.iter().zip(&channel.values) {
            match v {
                Some(v) => line.push(Point::new(x_of(*t), y_of(*v))),
                None if !line.is_empty() => lines.push(std::mem::take(&mut line)),
                None => {}
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        imgproc::polylines(
            image,
            &lines,
            false,
            bgr((230.0, 200.0, 120.0)),
            (1.5 * scale).round().max(1.0) as i32,
            imgproc::LINE_AA,
            0,
        )?;
        let cursor = x_of(time_s);
        imgproc::line(
            image,
            Point::new(cursor, top),
            Point::new(cursor, h),
            bgr(WHITE),
            (1.5 * scale).round().max(1.0) as i32,
            imgproc::LINE_8,
            0,
        )?;
        Self::text(
            image,
            &label,
            Point::new((6.0 * scale) as i32, label_top + label_size.height),
            label_scale,
            WHITE,
        )
    }
}

/// Re-reads the clip and writes it with the analysis drawn on, frame for frame; `bend` adds
/// the back outline and pelvis tangent where it traced them.
pub fn write_annotated(
    source: Box<dyn FrameSource>,
    track: &PoseTrack,
    kinematics: &Kinematics,
    bend: Option<&ForwardBend>,
    report: &AnalysisReport,
    lang: Lang,
    out: &Path,
) -> Result<()> {
    let channel = report
        .analysis
        .as_ref()
        .and_then(|a| kinematics.angle(main_channel(a.movement)));
    let range = channel
        .map(|c| {
            c.values
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                })
        })
        .filter(|(lo, hi)| lo.is_finite() && hi.is_finite())
        .unwrap_or((0.0, 1.0));
    let painter = Painter {
        kinematics,
        bend,
        segments: counted_segments(report),
        channel,
        range,
        duration: kinematics
            .times_s
            .last()
            .copied()
            .unwrap_or(report.duration_s),
    };
    let positions: HashMap<usize, usize> = kinematics
        .frame_indices
        .iter()
        .enumerate()
        .map(|(position, frame)| (*frame, position))
        .collect();
    let mut lettering = TextPainter::new();
    // Japanese needs a font with its glyphs; without one the notice is drawn in English.
    let lang = if lettering.has_japanese() {
        lang
    } else {
        Lang::En
    };
    let notice = report.notice.line(lang);
    rewrite_video(source, out, |frame| {
        if let Some(s) = track
            .frames
            .get(frame.index)
            .and_then(|f| f.skeleton.as_ref())
        {
            draw_skeleton(&mut frame.image, s)?;
        }
        painter.paint(
            &mut frame.image,
            positions.get(&frame.index).copied(),
            frame.time_s,
        )?;
        if frame.time_s < NOTICE_S {
            draw_notice(&mut frame.image, &notice, &mut lettering)?;
        }
        Ok(())
    })
}

/// Height in pixels of the timeline strip on a frame `h` pixels high.
fn timeline_height(h: i32) -> i32 {
    (f64::from(h) * TIMELINE_SHARE).round() as i32
}

/// How long (seconds) the red-flag notice stays on the annotated video, from its start.
pub const NOTICE_S: f64 = 4.0;

/// The notice, wrapped to the frame's width, just above the timeline strip.
fn draw_notice(image: &mut Mat, notice: &str, lettering: &mut TextPainter) -> Result<()> {
    let (w, h) = (image.cols(), image.rows());
    let scale = (w.max(h) as f32 / 720.0).max(0.6);
    let px = 14.0 * scale;
    let x = (10.0 * scale) as i32;
    let lines = lettering.wrap(notice, px, w - 2 * x);
    let step = (px * 1.5) as i32;
    let strip_top = h - timeline_height(h);
    for (i, line) in lines.iter().enumerate() {
        let y = strip_top - (lines.len() - i) as i32 * step - (6.0 * scale) as i32;
        lettering.draw(image, line, x, y, px, (235, 235, 235))?;
    }
    Ok(())
}
