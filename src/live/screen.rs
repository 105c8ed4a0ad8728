//! What the person sees: their skeleton and back line, the repetition count, the last
//! repetition's verdicts as short cues, its tempo, and what to fix before starting.

use super::reps::Announcement;
use super::setup_check::SetupProblem;
use crate::cli::analyze::Notice;
use crate::criteria::scoring::Verdict;
use crate::error::Result;
use crate::movement::Movement;
use crate::report::lettering::TextPainter;
use crate::report::overlay::draw_skeleton;
use crate::skeleton::{Joint, Skeleton};
use crate::text::Lang;
use opencv::core::{Mat, Point, Scalar};
use opencv::imgproc;
use opencv::prelude::*;

const MIN_SCORE: f32 = 0.3;

/// BGR colour of a verdict.
fn verdict_colour(v: Option<Verdict>) -> (u8, u8, u8) {
    match v {
        Some(Verdict::Pass) => (110, 220, 90),
        Some(Verdict::Warn) => (0, 200, 255),
        Some(Verdict::Fail) => (90, 90, 255),
        _ => (220, 220, 220),
    }
}

/// Everything drawn on one frame.
pub struct ScreenState<'a> {
    pub skeleton: Option<&'a Skeleton>,
    /// The segments counted on screen (since the last reset).
    pub counted: &'a [Announcement],
    pub setup: &'a [SetupProblem],
    pub paused: bool,
    pub lang: Lang,
    /// What is counted before the first segment is.
    pub movement: Movement,
}

/// What the counter counts for `movement` (rises, not sits; turns to either side), how many,
/// and the last of them.
fn counter(
    movement: Movement,
    counted: &[Announcement],
) -> (&'static str, usize, Option<&Announcement>) {
    let kind = match movement {
        Movement::Hinge => "rep",
        Movement::Sts => "rise",
        Movement::Gait => "step",
        Movement::Rotation => "turn",
    };
    let counts = |a: &&Announcement| a.kind.starts_with(kind);
    let last = counted.iter().rev().find(counts);
    (kind, counted.iter().filter(counts).count(), last)
}

fn label(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("rep", Lang::En) => "Reps",
        ("rep", Lang::Ja) => "回数",
        ("rise", Lang::En) => "Rises",
        ("rise", Lang::Ja) => "立ち上がり",
        ("step", Lang::En) => "Steps",
        ("step", Lang::Ja) => "歩数",
        (_, Lang::En) => "Turns",
        (_, Lang::Ja) => "回旋",
    }
}

/// Draws the back line (mid-hip to mid-shoulder) with its inclination from vertical.
fn back_line(image: &mut Mat, s: &Skeleton, scale: f32, text: &mut TextPainter) -> Result<()> {
    let (Some(hip), Some(shoulder)) = (
        s.midpoint(Joint::LeftHip, Joint::RightHip, MIN_SCORE)
            .or_else(|| s.confident(Joint::LeftHip, MIN_SCORE))
            .or_else(|| s.confident(Joint::RightHip, MIN_SCORE)),
        s.midpoint(Joint::LeftShoulder, Joint::RightShoulder, MIN_SCORE)
            .or_else(|| s.confident(Joint::LeftShoulder, MIN_SCORE))
            .or_else(|| s.confident(Joint::RightShoulder, MIN_SCORE)),
    ) else {
        return Ok(());
    };
    let p = |x: f32, y: f32| Point::new(x.round() as i32, y.round() as i32);
    imgproc::line(
        image,
        p(hip.x, hip.y),
        p(shoulder.x, shoulder.y),
        Scalar::new(255.0, 255.0, 255.0, 0.0),
        (4.0 * scale).round() as i32,
        imgproc::LINE_AA,
        0,
    )?;
    let inclination = f64::from(shoulder.x - hip.x)
        .atan2(f64::from(hip.y - shoulder.y))
        .to_degrees()
        .abs();
    text.draw(
        image,
        &format!("{inclination:.0}°"),
        (shoulder.x + 12.0 * scale) as i32,
        (shoulder.y - 10.0 * scale) as i32,
        22.0 * scale,
        (255, 255, 255),
    )
}

/// Draws the state onto `image` (a copy of the camera frame).
pub fn draw(image: &mut Mat, state: &ScreenState, text: &mut TextPainter) -> Result<()> {
    let scale = (image.rows().max(image.cols()) as f32 / 720.0).max(0.6);
    if let Some(s) = state.skeleton {
        draw_skeleton(image, s)?;
        back_line(image, s, scale, text)?;
    }
    let line = (34.0 * scale) as i32;
    let (x, mut y) = ((12.0 * scale) as i32, (12.0 * scale) as i32);
    let (kind, count, last) = counter(state.movement, state.counted);
    let worst = last.and_then(|a| a.verdicts.iter().map(|v| v.verdict).max());
    text.draw(
        image,
        &format!("{} {count}", label(kind, state.lang)),
        x,
        y,
        30.0 * scale,
        verdict_colour(worst),
    )?;
    y += (44.0 * scale) as i32;
    if let Some(a) = last {
        let tempo = match state.lang {
            Lang::En => format!("tempo {:.1} s", a.end_s - a.start_s),
            Lang::Ja => format!("テンポ {:.1} 秒", a.end_s - a.start_s),
        };
        text.draw(image, &tempo, x, y, 22.0 * scale, (255, 255, 255))?;
        y += line;
        let mut flagged: Vec<_> = a.verdicts.iter().filter(|v| v.cue.is_some()).collect();
        flagged.sort_by_key(|v| std::cmp::Reverse(v.verdict));
        for v in flagged.iter().take(3) {
            let cue = v.cue.as_deref().unwrap_or_default();
            text.draw(
                image,
                &format!("{} {cue}", v.id),
                x,
                y,
                22.0 * scale,
                verdict_colour(Some(v.verdict)),
            )?;
            y += line;
        }
        let passed = a
            .verdicts
            .iter()
            .filter(|v| v.verdict == Verdict::Pass)
            .count();
        if flagged.is_empty() && passed > 0 {
            let good = match state.lang {
                Lang::En => format!("all {passed} checks pass - well done"),
                Lang::Ja => format!("{passed}項目すべて良好です"),
            };
            text.draw(
                image,
                &good,
                x,
                y,
                22.0 * scale,
                verdict_colour(Some(Verdict::Pass)),
            )?;
        }
    }
    let mut bottom = image.rows() - (40.0 * scale) as i32;
    if state.counted.is_empty() {
        // Until the first repetition, as the documents ask: red flags come first.
        let px = 15.0 * scale;
        let width = image.cols() - 2 * x;
        let lines = text.wrap(&Notice::default().line(state.lang), px, width);
        let step = (px * 1.5) as i32;
        for (i, l) in lines.iter().enumerate() {
            let at = bottom + (40.0 * scale) as i32 - (lines.len() - i) as i32 * step;
            text.draw(image, l, x, at, px, (230, 230, 230))?;
        }
        bottom -= lines.len() as i32 * step;
    }
    if state.paused {
        let paused = match state.lang {
            Lang::En => "Paused - press space to go on",
            Lang::Ja => "一時停止中（スペースで再開）",
        };
        text.draw(image, paused, x, bottom, 24.0 * scale, (0, 220, 255))?;
    } else {
        for (i, problem) in state.setup.iter().enumerate() {
            let at = bottom - i as i32 * line;
            text.draw(
                image,
                problem.advice(state.lang),
                x,
                at,
                22.0 * scale,
                (0, 220, 255),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announced(kind: &str, number: usize) -> Announcement {
        Announcement {
            kind: kind.into(),
            number,
            start_s: number as f64,
            end_s: number as f64 + 1.0,
            available_s: number as f64 + 1.2,
            verdicts: Vec::new(),
        }
    }

    #[test]
    fn the_counter_counts_turns_to_both_sides_and_rises_not_sits() {
        let turns = [
            announced("turn_left", 1),
            announced("turn_right", 1),
            announced("turn_left", 2),
        ];
        let (kind, count, last) = counter(Movement::Rotation, &turns);
        assert_eq!((kind, count), ("turn", 3));
        assert_eq!(last.map(|a| a.number), Some(2));
        let sts = [announced("rise", 1), announced("sit", 1)];
        let (kind, count, last) = counter(Movement::Sts, &sts);
        assert_eq!(
            (kind, count, last.map(|a| a.kind.as_str())),
            ("rise", 1, Some("rise"))
        );
        assert_eq!(counter(Movement::Gait, &[]).1, 0);
    }
}
