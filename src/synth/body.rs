//! The body: segment lengths, joint offsets, soft-tissue girths and appearance, scaled by height.
//!
//! Segment lengths follow the proportions of Drillis & Contini (1966) as tabulated in
//! D. A. Winter, *Biomechanics and Motor Control of Human Movement*, 4th ed. (2009), Fig. 4.1
//! (all as fractions of standing height H): shoulder height 0.818 H, chin 0.870 H, eye 0.936 H,
//! greater trochanter (hip) 0.530 H, knee 0.285 H, ankle 0.039 H, upper arm 0.186 H,
//! forearm 0.146 H, hand 0.108 H, foot length 0.152 H, foot breadth 0.055 H, hip breadth
//! 0.191 H. The split of the trunk into a 3-segment lumbar and 3-segment thoracic spine, the
//! sagittal curvature (lordosis, kyphosis) and the girths are ours, chosen so that a 1.70 m body
//! has adult dimensions (lumbar spine 18 cm, thoracic spine 26 cm, waist depth 19 cm).
//!
//! Local frames: every segment's frame has x forward, y up, z to the subject's right when the
//! body stands in anatomical neutral facing +x; limbs hang along −y from their proximal joint.

use super::math::Vec3;
use super::rng::Rng;

/// Body sides in the order used by every per-side array.
pub const SIDES: [Side; 2] = [Side::Left, Side::Right];

/// The subject's anatomical side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The subject's left (−z at neutral).
    Left,
    /// The subject's right (+z at neutral).
    Right,
}

impl Side {
    /// −1 for left, +1 for right: the sign of the side's z coordinate at neutral.
    pub fn sign(self) -> f64 {
        match self {
            Side::Left => -1.0,
            Side::Right => 1.0,
        }
    }

    /// 0 for left, 1 for right.
    pub fn index(self) -> usize {
        match self {
            Side::Left => 0,
            Side::Right => 1,
        }
    }

    /// `left` or `right`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// Surface colours as linear-ish RGB in 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Appearance {
    pub skin: [f32; 3],
    /// `None` for a bald head.
    pub hair: Option<[f32; 3]>,
    pub top: [f32; 3],
    pub trousers: [f32; 3],
    pub shoes: [f32; 3],
}

/// Skin tones (Fitzpatrick I–VI, roughly), shirts and trousers that contrast with each other
/// and with a light background, so the parts a pose model looks for stand apart.
const SKIN_TONES: [[f32; 3]; 6] = [
    [0.93, 0.76, 0.65],
    [0.87, 0.67, 0.53],
    [0.78, 0.57, 0.42],
    [0.64, 0.45, 0.32],
    [0.47, 0.32, 0.22],
    [0.33, 0.22, 0.15],
];
const HAIR_COLOURS: [[f32; 3]; 5] = [
    [0.10, 0.08, 0.07],
    [0.25, 0.16, 0.09],
    [0.45, 0.30, 0.15],
    [0.70, 0.55, 0.30],
    [0.55, 0.55, 0.55],
];
const TOPS: [[f32; 3]; 6] = [
    [0.15, 0.35, 0.75],
    [0.75, 0.20, 0.20],
    [0.20, 0.55, 0.30],
    [0.85, 0.55, 0.10],
    [0.45, 0.25, 0.60],
    [0.10, 0.55, 0.60],
];
const TROUSERS: [[f32; 3]; 4] = [
    [0.12, 0.12, 0.16],
    [0.18, 0.22, 0.38],
    [0.30, 0.26, 0.20],
    [0.22, 0.22, 0.22],
];
const SHOES: [[f32; 3]; 3] = [[0.92, 0.92, 0.92], [0.10, 0.10, 0.10], [0.55, 0.30, 0.15]];

/// An adult body at a given height.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Standing height in metres (floor to vertex).
    pub height: f64,
    /// Half the distance between the hip joint centres.
    pub hip_half_width: f64,
    /// Lumbosacral joint (L5/S1) in the pelvis frame.
    pub sacrum: Vec3,
    /// Joint-to-joint vectors of the three lumbar segments (L5/S1 upward) in their own frames;
    /// their directions carry the lordosis.
    pub lumbar: [Vec3; 3],
    /// Joint-to-joint vectors of the three thoracic segments (T12/L1 upward); they carry the
    /// kyphosis.
    pub thoracic: [Vec3; 3],
    /// C7/T1 to the skull base (occipital condyles), in the neck frame.
    pub neck: Vec3,
    /// Glenohumeral centre (right side; the left mirrors z) in the upper thoracic frame,
    /// relative to the segment's lower joint.
    pub shoulder: Vec3,
    pub upper_arm: f64,
    pub forearm: f64,
    pub hand: f64,
    pub thigh: f64,
    pub shank: f64,
    /// Ankle joint centre above the sole.
    pub ankle_height: f64,
    /// Back of the heel behind the ankle.
    pub heel_back: f64,
    /// Toe tip ahead of the ankle.
    pub toe_front: f64,
    pub foot_half_width: f64,
    /// Scales every girth (1 = average build).
    pub build: f64,
    pub appearance: Appearance,
}

impl Body {
    /// An average body of the given height with a fixed, high-contrast appearance.
    pub fn average(height: f64) -> Body {
        let h = height;
        let seg = |len: f64, forward_deg: f64| {
            let a = forward_deg.to_radians();
            Vec3::new(len * a.sin(), len * a.cos(), 0.0)
        };
        Body {
            height: h,
            hip_half_width: 0.052 * h,
            sacrum: Vec3::new(-0.03 * h, 0.055 * h, 0.0),
            lumbar: [
                seg(0.035 * h, 14.0),
                seg(0.035 * h, 0.0),
                seg(0.035 * h, -14.0),
            ],
            thoracic: [
                seg(0.05 * h, -9.0),
                seg(0.05 * h, -2.0),
                seg(0.05 * h, 12.0),
            ],
            neck: seg(0.064 * h, 12.0),
            shoulder: Vec3::new(0.02 * h, 0.034 * h, 0.105 * h),
            upper_arm: 0.186 * h,
            forearm: 0.146 * h,
            hand: 0.108 * h,
            thigh: 0.245 * h,
            shank: 0.246 * h,
            ankle_height: 0.039 * h,
            heel_back: 0.03 * h,
            toe_front: 0.122 * h,
            foot_half_width: 0.0275 * h,
            build: 1.0,
            appearance: Appearance {
                skin: SKIN_TONES[1],
                hair: Some(HAIR_COLOURS[0]),
                top: TOPS[0],
                trousers: TROUSERS[0],
                shoes: SHOES[0],
            },
        }
    }

    /// A body of the given height whose build, hip and shoulder width and clothing vary with
    /// `seed` (seed 0 is the average body).
    pub fn varied(height: f64, seed: u64) -> Body {
        let mut body = Body::average(height);
        if seed == 0 {
            return body;
        }
        let mut rng = Rng::new(seed);
        body.build = rng.range(0.9, 1.12);
        body.hip_half_width *= rng.range(0.94, 1.06);
        body.shoulder.z *= rng.range(0.94, 1.06);
        body.appearance = Appearance {
            skin: rng.pick(&SKIN_TONES),
            hair: (rng.unit() < 0.85).then(|| rng.pick(&HAIR_COLOURS)),
            top: rng.pick(&TOPS),
            trousers: rng.pick(&TROUSERS),
            shoes: rng.pick(&SHOES),
        };
        body
    }

    /// Height of the hip joint centres above the floor when standing straight.
    pub fn standing_hip_height(&self) -> f64 {
        self.thigh + self.shank + self.ankle_height
    }
}
