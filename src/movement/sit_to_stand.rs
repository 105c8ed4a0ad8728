//! Sit-to-stand: each rise and sit, with seat-off and full stand, the four phases of
//! Schenkman et al. (1990, Phys Ther 70:638-648) and the measures of 004 §5-2.
//!
//! Seated and standing come from the thighs' inclination (about 90° from vertical seated,
//! near 0 standing) with hysteresis and a minimum time in each state, so a wobble is never a
//! rise. In a front or back view, where the thighs point at the camera while seated, they come
//! from how far the hips sit below their standing height instead. The facing is read locally,
//! from where the knees point while seated, because the clip's passes may be decided on the
//! walking part of a test.
//!
//! Seat-off is the end of the forward lean that precedes it: the middle of the time the trunk
//! stays near its largest inclination (in a front or back view, where the lean does not show as
//! an angle, the shoulders near their lowest). Full stand is where the shoulders stop rising,
//! which needs both the hips up and the trunk back upright.

use super::segment::{dwell, fit_ramp, nearest};
use super::series::{self, derivative, fill_gaps, inclination, mean_of, MAX_FILL_S};
use super::spine::SpineMeasures;
use super::{Event, Measure, Movement, MovementAnalysis, Phase, Segment};
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::Text;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// Thigh inclination (degrees from vertical) at or above which the subject is seated.
pub const SEATED_DEG: f64 = 60.0;
/// ... and at or below which they are standing.
pub const STANDING_DEG: f64 = 40.0;
/// Shortest stay (seconds) in a state.
pub const MIN_STATE_S: f64 = 0.3;
/// In a front or back view: hips at least this far (trunk lengths) below their standing height
/// are seated, and at most this far are standing. Seated hips sit about 0.6 trunk lengths
/// below standing ones in the image.
pub const FRONTAL_SEATED_DROP: f64 = 0.4;
pub const FRONTAL_STANDING_DROP: f64 = 0.2;
/// Seat-off lies in the dwell where the lean stays within this fraction of its range of its
/// peak: wider than the pose model's jitter there (about 1° on a 35° lean, so a band of 5 %
/// was set by one noisy frame at either end), narrow against the lean itself.
pub const SEAT_OFF_BAND: f64 = 0.15;
/// Full stand is the end of the shoulders' rise: the end of the minimum-jerk ramp fitted to
/// their height from this long (seconds) before seat-off, where the lean has brought them
/// lowest. A threshold on their speed (Schenkman et al. end the extension phase when the hips
/// stop extending) fired up to 3 frames early or late at random, the last of the rise being
/// lost in the pose model's jitter; from the front most of all, where the straightening trunk
/// carries the shoulders away from the camera.
pub const RISE_FIT_LEAD_S: f64 = 0.2;
/// The ramp may begin up to this long (seconds) before the fitted frames, for a seat-off timed
/// late.
pub const RISE_START_SLACK_S: f64 = 0.5;
/// The fit reaches this long (seconds) after seat-off at most.
pub const RISE_FIT_MAX_S: f64 = 3.0;
/// ... and no further than the shoulders stay within this fraction of their rise of their
/// standing level.
pub const STANDING_BAND: f64 = 0.1;
/// The subject is stable after full stand once the trunk turns slower than
/// [`STABLE_TRUNK_DEG_S`] (degrees per second) and the hips rise or fall slower than
/// [`STABLE_HIP_SPEED`] (trunk lengths per second) for this long (seconds): walking off (a
/// Timed Up and Go) swings both through zero at every step, and one such frame read the same
/// rise as stable 0.4 s or 1 s after full stand.
pub const STABLE_HOLD_S: f64 = 0.2;
pub const STABLE_TRUNK_DEG_S: f64 = 20.0;
pub const STABLE_HIP_SPEED: f64 = 0.1;
/// Shortest seated stay (seconds) that counts as sitting on a seat: the bottom of a deep squat
/// also has horizontal thighs, but only for a moment. A stay the clip starts in is exempt.
pub const MIN_SEATED_S: f64 = 0.8;
/// From this share of the rise with a hand on a thigh, the back's outline is not read: leaning
/// forward with the hands on the thighs brings the upper arm along the back, where a side view
/// cannot tell it from the back itself. (Rendered rises with the hands on the thighs: 0.59–0.68
/// of the rise seen from the side, and the outline read 35–52° of spinal flexion where the
/// spine flexed 10°; every rendered rise without them ≤ 0.04.)
pub const HANDS_ON_THIGHS_SHARE: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Posture {
    Seated,
    Standing,
}

/// Runs of posture from a signal that grows as the subject sits (seated at or above `seated`,
/// standing at or below `standing`): (posture, first position, last position).
fn postures(
    sitting: &[Option<f64>],
    seated: f64,
    standing: f64,
    times: &[f64],
) -> Vec<(Posture, usize, usize)> {
    let mut runs: Vec<(Posture, usize, usize)> = Vec::new();
    let mut current: Option<(Posture, usize, usize)> = None;
    for (i, v) in sitting.iter().enumerate() {
        let Some(v) = *v else { continue };
        let here = if v >= seated {
            Some(Posture::Seated)
        } else if v <= standing {
            Some(Posture::Standing)
        } else {
            None
        };
        match (current, here) {
            (Some((p, a, _)), Some(q)) if p == q => current = Some((p, a, i)),
            (Some(run), Some(q)) => {
                runs.push(run);
                current = Some((q, i, i));
            }
            (None, Some(q)) => current = Some((q, i, i)),
            (_, None) => {}
        }
    }
    runs.extend(current);
    // Drop stays shorter than the minimum, then merge neighbours of the same posture.
    let first = sitting.iter().position(Option::is_some).unwrap_or(0);
    runs.retain(|(p, a, b)| {
        let stay = times[*b] - times[*a];
        match p {
            Posture::Seated => stay >= MIN_SEATED_S || (*a <= first && stay >= MIN_STATE_S),
            Posture::Standing => stay >= MIN_STATE_S,
        }
    });
    let mut merged: Vec<(Posture, usize, usize)> = Vec::new();
    for run in runs {
        match merged.last_mut() {
            Some(last) if last.0 == run.0 => last.2 = run.2,
            _ => merged.push(run),
        }
    }
    merged
}

/// The last position of the standing run `standing` (within `in_reach`) where `height` still
/// lies within [`STANDING_BAND`] of the rise from `from` of its standing level (its median over
/// the run), so a fit of the rise leaves out the start of the next sit, which would pull the
/// level down.
fn standing_until(
    height: &[Option<f64>],
    from: usize,
    standing: RangeInclusive<usize>,
    in_reach: impl Fn(usize) -> bool,
) -> usize {
    let (first, last) = (*standing.start(), *standing.end());
    let heights: Vec<f64> = height[standing.clone()].iter().flatten().copied().collect();
    let lowest = height[from..=first]
        .iter()
        .flatten()
        .copied()
        .reduce(f64::min);
    let (Some(level), Some(lowest)) = (series::median(&heights), lowest) else {
        return last;
    };
    let near = level - STANDING_BAND * (level - lowest);
    standing
        .rev()
        .find(|i| in_reach(*i) && height[*i].is_some_and(|h| h >= near))
        .unwrap_or(last)
}

fn argmax(values: &[Option<f64>], range: RangeInclusive<usize>) -> Option<usize> {
    range
        .filter_map(|i| values[i].map(|v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The first frame of `candidates` from which `still` holds for [`STABLE_HOLD_S`] over frames
/// up to `last`; the end of `candidates` when there is none.
fn first_held(
    t: &[f64],
    candidates: RangeInclusive<usize>,
    last: usize,
    still: impl Fn(usize) -> bool,
) -> usize {
    let end = *candidates.end();
    candidates
        .into_iter()
        .find(|&i| {
            t[last] - t[i] >= STABLE_HOLD_S
                && (i..=last)
                    .take_while(|&j| t[j] - t[i] <= STABLE_HOLD_S)
                    .all(&still)
        })
        .unwrap_or(end)
}

struct Signals {
    trunk: Vec<Option<f64>>,
    trunk_speed: Vec<Option<f64>>,
    /// Mid-hip height, trunk lengths (y up, from the image's top).
    hip_height: Vec<Option<f64>>,
    hip_speed: Vec<Option<f64>>,
    /// Shoulder midpoint height, trunk lengths (y up, from the image's top).
    neck_height: Vec<Option<f64>>,
    shank: Vec<Option<f64>>,
}

fn signals(k: &Kinematics, trunk_px: f64) -> Signals {
    let t = &k.times_s;
    let trunk = fill_gaps(
        &inclination(&series::angle(k, "trunk"), 90.0),
        t,
        MAX_FILL_S,
    );
    let height = |name: &str| {
        let y: Vec<Option<f64>> = series::point(k, name)
            .iter()
            .map(|p| p.map(|p| -p.1 / trunk_px))
            .collect();
        fill_gaps(&y, t, MAX_FILL_S)
    };
    let hip_height = height("mid_hip");
    let neck_height = height("neck");
    let shank = mean_of(
        &inclination(&series::angle(k, "left_shank"), -90.0),
        &inclination(&series::angle(k, "right_shank"), -90.0),
    );
    let hip_speed = derivative(&hip_height, t);
    Signals {
        trunk_speed: derivative(&trunk, t),
        hip_speed,
        trunk,
        hip_height,
        neck_height,
        shank,
    }
}

/// +1 when the knees point to +x while seated.
fn seated_facing(k: &Kinematics, seated: (usize, usize)) -> Option<f64> {
    let hip = series::point(k, "mid_hip");
    let lk = series::point(k, "left_knee");
    let rk = series::point(k, "right_knee");
    let d: Vec<f64> = (seated.0..=seated.1)
        .filter_map(|i| {
            let knee = match (lk[i], rk[i]) {
                (Some(a), Some(b)) => 0.5 * (a.0 + b.0),
                (a, b) => a.or(b)?.0,
            };
            Some(knee - hip[i]?.0)
        })
        .collect();
    let m = series::median(&d)?;
    (m.abs() > 1.0).then_some(m.signum())
}

fn hand_support(k: &Kinematics, range: RangeInclusive<usize>, trunk_px: f64) -> Option<f64> {
    let names = [("left_hip", "left_knee"), ("right_hip", "right_knee")];
    type PointSeries = Vec<Option<(f64, f64)>>;
    let thighs: Vec<(PointSeries, PointSeries)> = names
        .iter()
        .map(|(h, kn)| (series::point(k, h), series::point(k, kn)))
        .collect();
    let wrists = [
        series::point(k, "left_wrist"),
        series::point(k, "right_wrist"),
    ];
    let mut seen = 0usize;
    let mut on = 0usize;
    for i in range {
        let mut any_wrist = false;
        let mut touching = false;
        for w in wrists.iter().filter_map(|w| w[i]) {
            any_wrist = true;
            for (hip, knee) in &thighs {
                if let (Some(a), Some(b)) = (hip[i], knee[i]) {
                    if distance_to_segment(w, a, b) < 0.3 * trunk_px {
                        touching = true;
                    }
                }
            }
        }
        if any_wrist {
            seen += 1;
            on += touching as usize;
        }
    }
    (seen > 0).then(|| on as f64 / seen as f64)
}

fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let f = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - f * dx).hypot(p.1 - a.1 - f * dy)
}

/// Signed hip flexion (degrees) at `i` with facing sign `f`: the thigh against the trunk line.
fn hip_flexion(k: &Kinematics, i: usize, f: f64) -> Option<f64> {
    let hip = series::point(k, "mid_hip")[i]?;
    let neck = series::point(k, "neck")[i]?;
    let knee = match (
        series::point(k, "left_knee")[i],
        series::point(k, "right_knee")[i],
    ) {
        (Some(a), Some(b)) => ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
        (a, b) => a.or(b)?,
    };
    // Both vectors with y up; the angle from "trunk reversed" (pointing down) to the thigh.
    let down = (hip.0 - neck.0, neck.1 - hip.1);
    let thigh = (knee.0 - hip.0, hip.1 - knee.1);
    let angle = (down.0 * thigh.1 - down.1 * thigh.0)
        .atan2(down.0 * thigh.0 + down.1 * thigh.1)
        .to_degrees();
    Some(f * angle)
}

/// Analyses a clip for rises and sits.
pub fn analyze(k: &Kinematics, spine: &SpineMeasures) -> MovementAnalysis {
    let t = &k.times_s;
    let n = t.len();
    let mut notes = Vec::new();
    let mut segments = Vec::new();
    let thigh = fill_gaps(
        &mean_of(
            &inclination(&series::angle(k, "left_thigh"), -90.0),
            &inclination(&series::angle(k, "right_thigh"), -90.0),
        ),
        t,
        MAX_FILL_S,
    );
    let Some(trunk_px) = series::trunk_length(k) else {
        return MovementAnalysis {
            movement: Movement::Sts,
            view: View::Unknown,
            segments,
            metrics: BTreeMap::new(),
            notes: vec![text!(
                "the trunk is not seen: no sit-to-stand analysis",
                "体幹が見えないため、立ち上がりを解析できません"
            )],
        };
    };
    if let Err(reason) = spine.forward_bend() {
        notes.push(reason.after(&text!("spinal flexion: ", "脊柱の屈曲: ")));
    }
    let s = signals(k, trunk_px);
    let frontal = n > 0 && series::frontal(series::main_view(k, 0..n));
    // How far the trunk has come forward before seat-off: its inclination, or from the front
    // (where it leans towards the camera) how low the shoulders have come.
    let lean: Vec<Option<f64>> = if frontal {
        s.neck_height.iter().map(|h| h.map(|h| -h)).collect()
    } else {
        s.trunk.clone()
    };
    let runs = if frontal {
        let standing = series::percentile(&s.hip_height, 95.0).unwrap_or(0.0);
        let drop: Vec<Option<f64>> = s
            .hip_height
            .iter()
            .map(|h| h.map(|h| standing - h))
            .collect();
        postures(&drop, FRONTAL_SEATED_DROP, FRONTAL_STANDING_DROP, t)
    } else {
        postures(&thigh, SEATED_DEG, STANDING_DEG, t)
    };
    let mut rises = 0;
    let mut sits = 0;
    for pair in runs.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let event = |name: &str, i: usize| Event {
            name: name.into(),
            position: i,
            time_s: t[i],
        };
        match (a.0, b.0) {
            (Posture::Seated, Posture::Standing) => {
                rises += 1;
                let f = seated_facing(k, (a.1, a.2)).unwrap_or(1.0);
                let window_start = (a.1..=a.2).find(|i| t[a.2] - t[*i] <= 1.5).unwrap_or(a.2);
                let Some(most) = argmax(&lean, window_start..=b.1) else {
                    continue;
                };
                let peak = lean[most].unwrap_or(0.0);
                let base = lean[window_start..=most]
                    .iter()
                    .flatten()
                    .copied()
                    .fold(peak, f64::min);
                let lean_held = dwell(
                    &lean,
                    t,
                    window_start..=b.1,
                    most,
                    SEAT_OFF_BAND * (peak - base),
                );
                let seat_off = lean_held.centre;
                // Between frames: at 15 frames/s a whole frame is a sizeable share of the 2-frame
                // tolerance, and the nearest frame to a dwell's middle rounds it early on ties.
                let seat_off_s = lean_held.middle_s(t);
                let start = (window_start..=seat_off)
                    .rev()
                    .find(|i| lean[*i].is_some_and(|v| v <= base + 0.1 * (peak - base)))
                    .unwrap_or(window_start);
                let fit_from = (window_start..=seat_off)
                    .find(|i| t[*i] >= seat_off_s - RISE_FIT_LEAD_S)
                    .unwrap_or(seat_off);
                let fit_to = standing_until(&s.neck_height, fit_from, b.1..=b.2, |i| {
                    t[i] - seat_off_s <= RISE_FIT_MAX_S
                });
                let full_stand_s =
                    fit_ramp(&s.neck_height, t, fit_from..=fit_to, RISE_START_SLACK_S)
                        .map_or(t[b.1], |ramp| ramp.end_s);
                let full_stand = nearest(t, seat_off..=b.2, full_stand_s).unwrap_or(b.1);
                let max_dorsiflexion = argmax(&s.shank, seat_off..=full_stand.max(seat_off));
                let settle_end = (full_stand..=b.2)
                    .rev()
                    .find(|i| t[*i] - t[full_stand] <= 1.0)
                    .unwrap_or(full_stand);
                let still = |i: usize| {
                    s.trunk_speed[i].is_some_and(|v| v.abs() < STABLE_TRUNK_DEG_S)
                        && s.hip_speed[i].is_some_and(|v| v.abs() < STABLE_HIP_SPEED)
                };
                let stable = first_held(t, full_stand..=settle_end, b.2, still);
                let mut events = vec![
                    event("rise_start", start),
                    Event {
                        name: "seat_off".into(),
                        position: seat_off,
                        time_s: seat_off_s,
                    },
                ];
                let mut phases = vec![Phase {
                    name: "flexion_momentum".into(),
                    start_s: t[start],
                    end_s: seat_off_s,
                }];
                if let Some(md) = max_dorsiflexion {
                    events.push(event("max_ankle_dorsiflexion", md));
                    phases.push(Phase {
                        name: "momentum_transfer".into(),
                        start_s: seat_off_s,
                        end_s: t[md],
                    });
                    phases.push(Phase {
                        name: "extension".into(),
                        start_s: t[md],
                        end_s: full_stand_s.max(t[md]),
                    });
                } else {
                    notes.push(text!("rise {rises}: the shanks are not seen, so momentum transfer and extension are one phase", "立ち上がり {rises}: すねが見えないため、勢いの移行と伸展を 1 つの相としています"));
                    phases.push(Phase {
                        name: "momentum_transfer_and_extension".into(),
                        start_s: seat_off_s,
                        end_s: full_stand_s,
                    });
                }
                events.push(Event {
                    name: "full_stand".into(),
                    position: full_stand,
                    time_s: full_stand_s,
                });
                events.push(event("stable", stable));
                phases.push(Phase {
                    name: "stabilisation".into(),
                    start_s: full_stand_s,
                    end_s: t[stable].max(full_stand_s),
                });
                let confidence = series::mean_confidence(
                    k,
                    &[
                        "left_hip",
                        "right_hip",
                        "left_knee",
                        "right_knee",
                        "left_shoulder",
                        "right_shoulder",
                    ],
                    start..full_stand + 1,
                );
                let mut metrics = BTreeMap::new();
                let lean_method = "trunk (mid-hip→neck) inclination from vertical at seat-off (its peak forward lean)";
                metrics.insert(
                    "trunk_inclination_at_seat_off".into(),
                    if frontal {
                        Measure::missing("deg", lean_method, text!("not a side view: in a front or back view the trunk leans towards or away from the camera, so its inclination is not seen as an angle", "側方からの撮影ではありません: 正面や後方からは体幹がカメラに近づく・遠ざかる方向に傾くため、傾きが角度として見えません"))
                    } else {
                        Measure::value(peak, "deg", lean_method, confidence)
                    },
                );
                let foot = {
                    let knee = series::pair_mean_x(k, "knee");
                    let ankle = series::pair_mean_x(k, "ankle");
                    let shank_px = series::median(
                        &(a.1..=b.1)
                            .filter_map(|i| {
                                let kn = series::point(k, "left_knee")[i]?;
                                let an = series::point(k, "left_ankle")[i]?;
                                Some((kn.0 - an.0).hypot(kn.1 - an.1))
                            })
                            .collect::<Vec<_>>(),
                    );
                    match (knee[seat_off], ankle[seat_off], shank_px) {
                        (Some(kx), Some(ax), Some(len)) if len > 1.0 => Measure::value(f * (kx - ax) / len, "shank_lengths", "horizontal distance of the ankles behind the knees at seat-off, over the shank length", confidence),
                        _ => Measure::missing("shank_lengths", "ankles behind knees at seat-off", text!("the knees or ankles are not seen at seat-off", "お尻が座面から離れる時に膝または足首が見えません")),
                    }
                };
                metrics.insert("foot_behind_knee".into(), foot);
                let hands_on_thighs = hand_support(k, start..=full_stand, trunk_px);
                metrics.insert("hand_support".into(), Measure::from_option(hands_on_thighs, "fraction", "share of rise frames with a wrist within 0.3 trunk lengths of a thigh (hands on thighs or knees)", confidence, text!("the wrists are not seen during the rise", "立ち上がりの間、手首が見えません")));
                metrics.insert("hip_flexion_at_full_stand".into(), Measure::from_option((full_stand..=stable).filter_map(|i| hip_flexion(k, i, f)).reduce(f64::min), "deg", "least hip flexion (thigh against the trunk line) from full stand to stable, facing from where the knees pointed while seated", confidence, text!("hips, knees or neck not seen at full stand", "立ち切った時に腰・膝または首が見えません")));
                metrics.insert("rise_duration".into(), Measure::value(full_stand_s - t[start], "s", "rise start (the trunk starts leaning) to full stand (the end of a minimum-jerk ramp fitted to the shoulders' height from seat-off)", confidence));
                let peak_speed = s.trunk_speed[start..=full_stand]
                    .iter()
                    .flatten()
                    .map(|v| v.abs())
                    .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
                metrics.insert(
                    "peak_trunk_angular_velocity".into(),
                    Measure::from_option(
                        peak_speed,
                        "deg/s",
                        "largest trunk inclination speed during the rise",
                        confidence,
                        text!(
                            "trunk not seen during the rise",
                            "立ち上がりの間、体幹が見えません"
                        ),
                    ),
                );
                // Relative to the rise start, as the fault is a rounding made to get up; this
                // also leaves out the seated posture's own flexion.
                let spinal = spine.forward_bend().map(|b| &b.spinal_part).map_err(Text::clone).and_then(|s| match hands_on_thighs {
                    Some(share) if share >= HANDS_ON_THIGHS_SHARE => {
                        let percent = 100.0 * share;
                        Err(text!(
                            "back occluded: the hands rest on the thighs for {percent:.0}% of the rise, which brings the arm along the back, where the outline cannot tell it from the back (rise once with the arms crossed to check the back)",
                            "背中が隠れています: 立ち上がりの {percent:.0}% で手が太ももに置かれ、腕が背中に重なるため、輪郭から背中を読み取れません（背中を確かめるには腕を組んで一度立ち上がってください）"
                        ))
                    }
                    _ => Ok(s),
                });
                let method = "spinal part of the forward-bend measurement (side view) minus its value at the rise start; it includes thoracic flexion";
                for (key, at) in [
                    ("spinal_flexion_at_seat_off", seat_off..=seat_off),
                    ("peak_spinal_flexion", start..=full_stand),
                ] {
                    let measured = spinal.clone().and_then(|s| {
                        let base = s.values[start].ok_or_else(|| {
                            text!(
                                "spinal part not measured at the rise start",
                                "立ち上がりの始まりで脊柱部分を測れていません"
                            )
                        })?;
                        let (_, v, c) = super::spine::peak(s, at)?;
                        Ok((v - base, c.min(s.confidence[start])))
                    });
                    metrics.insert(
                        key.into(),
                        match measured {
                            Ok((v, c)) => Measure::value(v, "deg", method, c),
                            Err(reason) => Measure::missing("deg", method, reason),
                        },
                    );
                }
                metrics.insert(
                    "sparc".into(),
                    Measure::from_option(
                        super::smoothness::sparc_of(&s.hip_height, t, start..full_stand + 1),
                        "dimensionless",
                        "SPARC of hip vertical speed over the rise",
                        confidence,
                        text!(
                            "too few frames in the rise",
                            "立ち上がりのフレームが少なすぎます"
                        ),
                    ),
                );
                segments.push(Segment {
                    kind: "rise".into(),
                    number: rises,
                    start_s: t[start],
                    end_s: t[stable],
                    events,
                    phases,
                    metrics,
                    view: series::view_at(k, seat_off),
                });
            }
            (Posture::Standing, Posture::Seated) => {
                sits += 1;
                let seated_h = series::median(
                    &s.hip_height[b.1..=b.2]
                        .iter()
                        .flatten()
                        .copied()
                        .collect::<Vec<_>>(),
                );
                let standing_h = series::median(
                    &s.hip_height[a.1..=a.2]
                        .iter()
                        .flatten()
                        .copied()
                        .collect::<Vec<_>>(),
                );
                let (start, end) = match (seated_h, standing_h) {
                    (Some(lo), Some(hi)) => {
                        let start = (a.1..=b.1)
                            .rev()
                            .find(|i| s.hip_height[*i].is_some_and(|h| h >= lo + 0.95 * (hi - lo)))
                            .unwrap_or(a.2);
                        let end = (start..=b.2)
                            .find(|i| s.hip_height[*i].is_some_and(|h| h <= lo + 0.05 * (hi - lo)))
                            .unwrap_or(b.1);
                        (start, end)
                    }
                    _ => (a.2, b.1),
                };
                let confidence =
                    series::mean_confidence(k, &["left_hip", "right_hip"], start..end + 1);
                let mut metrics = BTreeMap::new();
                metrics.insert(
                    "sit_duration".into(),
                    Measure::value(
                        t[end] - t[start],
                        "s",
                        "hip leaves standing height (95%) to seated height (5%)",
                        confidence,
                    ),
                );
                segments.push(Segment {
                    kind: "sit".into(),
                    number: sits,
                    start_s: t[start],
                    end_s: t[end],
                    events: vec![event("sit_start", start), event("seated", end)],
                    phases: Vec::new(),
                    metrics,
                    view: series::view_at(k, end),
                });
            }
            _ => {}
        }
    }
    let mut metrics = BTreeMap::new();
    let method = if frontal {
        format!("seated/standing from the hips' drop below their standing height in this front or back view (≥ {FRONTAL_SEATED_DROP} / ≤ {FRONTAL_STANDING_DROP} trunk lengths, ≥ 0.3 s in each state)")
    } else {
        format!("seated/standing from thigh inclination (≥ {SEATED_DEG}° / ≤ {STANDING_DEG}° from vertical, ≥ 0.3 s in each state)")
    };
    metrics.insert(
        "rise_count".into(),
        Measure::value(rises as f64, "rises", method.clone(), 1.0),
    );
    metrics.insert(
        "sit_count".into(),
        Measure::value(sits as f64, "sits", method, 1.0),
    );
    let rise_starts: Vec<&Segment> = segments.iter().filter(|s| s.kind == "rise").collect();
    let stand_time = |s: &Segment| {
        s.events
            .iter()
            .find(|e| e.name == "full_stand")
            .map(|e| e.time_s)
    };
    metrics.insert("five_times_sts_time".into(), if rise_starts.len() >= 5 {
        match stand_time(rise_starts[4]) {
            Some(end) => Measure::value(end - rise_starts[0].start_s, "s", "first rise start to the fifth full stand (Bohannon 2006, five-repetition sit-to-stand)", 1.0),
            None => Measure::missing("s", "five-repetition sit-to-stand", text!("the fifth full stand was not found", "5 回目の立ち切りが見つかりません")),
        }
    } else {
        let rises = rise_starts.len();
        Measure::missing("s", "five-repetition sit-to-stand", text!("not a five-times sit-to-stand test: {rises} rise(s) in the clip", "5 回立ち上がりテストではありません: 動画の立ち上がりは {rises} 回です"))
    });
    metrics.insert(
        "thirty_second_chair_stands".into(),
        match rise_starts.first() {
            Some(first) if t.last().is_some_and(|end| end - first.start_s >= 30.0) => {
                let count = rise_starts
                    .iter()
                    .filter(|s| stand_time(s).is_some_and(|e| e - first.start_s <= 30.0))
                    .count();
                Measure::value(
                    count as f64,
                    "rises",
                    "full stands within 30 s of the first rise start (Jones, Rikli & Beam 1999)",
                    1.0,
                )
            }
            _ => Measure::missing(
                "rises",
                "30-second chair stand",
                text!(
                    "not a 30-second chair-stand test: the clip does not run 30 s from the first rise",
                    "30 秒椅子立ち上がりテストではありません: 最初の立ち上がりから 30 秒続く動画ではありません"
                ),
            ),
        },
    );
    let view = match rise_starts.first() {
        Some(r) => r.view,
        None if n > 0 => series::main_view(k, 0..n),
        None => View::Unknown,
    };
    if rises == 0 {
        notes.push(text!(
            "no rise from sitting to standing was found",
            "座った姿勢からの立ち上がりが見つかりませんでした"
        ));
    }
    MovementAnalysis {
        movement: Movement::Sts,
        view,
        segments,
        metrics,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stability_needs_a_held_stillness_not_one_still_frame() {
        // 10 frames/s: still at frame 2 only (walking through a zero of the speeds), then from
        // frame 5 on.
        let t: Vec<f64> = (0..12).map(|i| f64::from(i) * 0.1).collect();
        let still = |i: usize| i == 2 || i >= 5;
        assert_eq!(first_held(&t, 0..=9, 11, still), 5);
        // Walking on to the end: the last candidate.
        assert_eq!(first_held(&t, 0..=9, 11, |i| i == 2), 9);
    }
}
