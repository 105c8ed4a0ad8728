//! Choosing the one subject among the candidates followed through a clip.

use super::candidates::{Candidate, POINT_MIN_SCORE};
use crate::error::{Error, Result};
use crate::skeleton::{BoxPx, Joint, Skeleton};
use serde::{Deserialize, Serialize};

/// How the subject is chosen when the user does not point at one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectRule {
    /// The person who travels furthest (for gait); falls back to `largest` when nobody travels
    /// at least two body heights.
    Auto,
    /// The person with the greatest displacement of the hips (movements that travel: gait).
    Travel,
    /// The largest, most present person (movements in place).
    Largest,
}

/// "The person under pixel (x, y) at time t" (`--subject T:X,Y`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SubjectPick {
    pub time_s: f64,
    pub x: f32,
    pub y: f32,
}

impl std::str::FromStr for SubjectPick {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("'{s}' is not T:X,Y (seconds:pixel x,pixel y), e.g. 2.5:640,400");
        let (t, xy) = s.split_once(':').ok_or_else(bad)?;
        let (x, y) = xy.split_once(',').ok_or_else(bad)?;
        let num = |v: &str| v.trim().parse::<f64>().map_err(|_| bad());
        Ok(SubjectPick {
            time_s: num(t)?,
            x: num(x)? as f32,
            y: num(y)? as f32,
        })
    }
}

/// Candidates that are one person seen in separate stretches, joined in time order.
#[derive(Debug, Clone)]
pub struct Chain {
    pub observations: Vec<(usize, Skeleton)>,
}

impl Chain {
    fn hip_centres(&self) -> impl Iterator<Item = (f32, f32)> + '_ {
        self.observations.iter().filter_map(|(_, s)| {
            s.midpoint(Joint::LeftHip, Joint::RightHip, POINT_MIN_SCORE)
                .map(|k| (k.x, k.y))
        })
    }

    /// Largest distance between hip positions, in pixels (coarse: range per axis).
    pub fn displacement(&self) -> f32 {
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        let mut any = false;
        for (x, y) in self.hip_centres() {
            any = true;
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if any {
            (x1 - x0).hypot(y1 - y0)
        } else {
            0.0
        }
    }

    /// Median height of the person's box, in pixels.
    pub fn median_height(&self) -> f32 {
        let mut h: Vec<f32> = self
            .observations
            .iter()
            .filter_map(|(_, s)| s.bbox(POINT_MIN_SCORE).map(|b| b.height()))
            .collect();
        if h.is_empty() {
            return 0.0;
        }
        h.sort_by(f32::total_cmp);
        h[h.len() / 2]
    }

    fn box_at(&self, frame: usize) -> Option<BoxPx> {
        let i = self
            .observations
            .binary_search_by_key(&frame, |o| o.0)
            .ok()?;
        self.observations[i].1.bbox(POINT_MIN_SCORE)
    }
}

/// Joins candidates that pick up where another left off (same place, soon after).
pub fn chain_candidates(mut candidates: Vec<Candidate>, fps: f64) -> Vec<Chain> {
    candidates.retain(|c| !c.observations.is_empty());
    candidates.sort_by_key(|c| c.first_frame());
    let max_gap = (1.5 * fps).round() as usize;
    let mut chains: Vec<(Chain, usize)> = Vec::new();
    for c in candidates {
        let first_box = c.observations[0].1.bbox(POINT_MIN_SCORE);
        let join = chains.iter_mut().find(|(chain, last)| {
            let gap = c.first_frame().saturating_sub(*last);
            let Some((_, end)) = chain.observations.last() else {
                return false;
            };
            match (end.bbox(POINT_MIN_SCORE), first_box) {
                (Some(a), Some(b)) if c.first_frame() > *last && gap <= max_gap => {
                    let (ax, ay) = a.center();
                    let (bx, by) = b.center();
                    // Same place and same size: a reflection or somebody further away is
                    // not the same person picked up again.
                    let ratio = b.height() / a.height().max(1.0);
                    (ax - bx).hypot(ay - by) <= a.height().max(b.height())
                        && (0.67..=1.5).contains(&ratio)
                }
                _ => false,
            }
        });
        let last = c.last_frame();
        match join {
            Some((chain, chain_last)) => {
                chain.observations.extend(c.observations);
                *chain_last = last;
            }
            None => chains.push((
                Chain {
                    observations: c.observations,
                },
                last,
            )),
        }
    }
    chains.into_iter().map(|(c, _)| c).collect()
}

/// Picks the subject's chain. `frame_times` maps frame index to seconds (for `pick`).
pub fn choose(
    chains: &[Chain],
    rule: SubjectRule,
    pick: Option<SubjectPick>,
    frame_times: &[f64],
) -> Result<usize> {
    if chains.is_empty() {
        return Err(Error::NoSubject(
            "no person found in the video; check that the whole body is in view and lit".into(),
        ));
    }
    if let Some(p) = pick {
        let frame = frame_times
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - p.time_s).abs().total_cmp(&(b.1 - p.time_s).abs()))
            .map(|(i, _)| i)
            .unwrap_or(0);
        // The person whose box (with a small margin) holds the point, nearest in time.
        let mut best: Option<(usize, usize)> = None;
        for (ci, chain) in chains.iter().enumerate() {
            for (f, _) in &chain.observations {
                let Some(b) = chain.box_at(*f) else { continue };
                let m = 0.1 * b.height();
                let grown = BoxPx {
                    x0: b.x0 - m,
                    y0: b.y0 - m,
                    x1: b.x1 + m,
                    y1: b.y1 + m,
                };
                let dt = f.abs_diff(frame);
                if grown.contains(p.x, p.y) && dt <= 5 && best.is_none_or(|(_, d)| dt < d) {
                    best = Some((ci, dt));
                }
            }
        }
        return best.map(|(ci, _)| ci).ok_or_else(|| {
            Error::NoSubject(format!(
                "no person at pixel ({}, {}) at {:.2} s; check --subject against the video",
                p.x, p.y, p.time_s
            ))
        });
    }
    let total_frames = frame_times.len().max(1) as f32;
    let presence_size =
        |c: &Chain| c.median_height() * (c.observations.len() as f32 / total_frames);
    let by = |f: &dyn Fn(&Chain) -> f32| {
        (0..chains.len())
            .max_by(|&a, &b| f(&chains[a]).total_cmp(&f(&chains[b])))
            .unwrap_or(0)
    };
    let traveller = by(&|c: &Chain| c.displacement());
    Ok(match rule {
        SubjectRule::Travel => traveller,
        SubjectRule::Largest => by(&presence_size),
        SubjectRule::Auto => {
            let t = &chains[traveller];
            if t.displacement() >= 2.0 * t.median_height() {
                traveller
            } else {
                by(&presence_size)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_pick_parses_and_rejects() {
        let p: SubjectPick = "2.5:640,400".parse().unwrap();
        assert_eq!((p.time_s, p.x, p.y), (2.5, 640.0, 400.0));
        assert!("2.5-640,400".parse::<SubjectPick>().is_err());
        assert!("x:1,2".parse::<SubjectPick>().is_err());
    }
}
