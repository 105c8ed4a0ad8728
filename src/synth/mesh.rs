//! The body's surface as triangles: swept soft-tissue volumes around the spine and limbs,
//! ellipsoids for the head, face, hands and shoes, boxes for props.
//!
//! The trunk is one surface swept along the spinal joints with each cross-section turned with
//! the vertebral segments, so a flexed lumbar spine rounds the back on the silhouette the way
//! it does on a person, and an arched one hollows it.

use super::body::{Body, Side, SIDES};
use super::math::{Mat3, Vec3};
use super::pose::{face, Frame, Landmark, Posed, Segment};

/// One triangle: vertex indices and what it is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triangle {
    pub vertices: [u32; 3],
    /// Albedo, RGB in 0..1.
    pub colour: [f32; 3],
    /// True for the person (the mask), false for props such as a chair.
    pub person: bool,
}

/// A triangle mesh with per-vertex normals, in world coordinates.
#[derive(Debug, Clone, Default)]
pub struct Mesh {
    pub positions: Vec<Vec3>,
    pub normals: Vec<Vec3>,
    pub triangles: Vec<Triangle>,
}

/// Points around each cross-section of a swept surface.
const AROUND: usize = 20;
/// Rows in each end cap of a swept surface.
const CAP_ROWS: usize = 4;

/// One cross-section of a swept surface: an ellipse in the x–z plane of `rotation`.
#[derive(Debug, Clone, Copy)]
struct Section {
    centre: Vec3,
    rotation: Mat3,
    /// Semi-axis along the frame's x (front–back).
    depth: f64,
    /// Semi-axis along the frame's z (side to side).
    width: f64,
    colour: [f32; 3],
}

/// How an ellipsoid is shaped and which of its parts are kept.
struct Ellipsoid<'a> {
    frame: &'a Frame,
    centre: Vec3,
    radii: Vec3,
    /// 1 = ellipsoid; below 1 squarer (a superellipsoid), used for shoe soles.
    squareness: f64,
    colour: [f32; 3],
    /// Keeps a triangle when its centroid, on the unit sphere, passes this test.
    keep: &'a dyn Fn(Vec3) -> bool,
}

impl Mesh {
    /// Adds a grid of rows (each a closed loop of the same length) as a surface; normals come
    /// from neighbouring points, pointing away from each row's centre.
    fn add_rows(&mut self, rows: &[Vec<Vec3>], row_colours: &[[f32; 3]], person: bool) {
        let base = self.positions.len() as u32;
        let n = rows[0].len();
        let centroid =
            |r: &Vec<Vec3>| r.iter().fold(Vec3::ZERO, |a, &p| a + p) * (1.0 / r.len() as f64);
        let centres: Vec<Vec3> = rows.iter().map(centroid).collect();
        for (i, row) in rows.iter().enumerate() {
            let prev = &rows[i.saturating_sub(1)];
            let next = &rows[(i + 1).min(rows.len() - 1)];
            for j in 0..n {
                let around = row[(j + 1) % n] - row[(j + n - 1) % n];
                let along = next[j] - prev[j];
                let mut normal = around.cross(along).normalized();
                let outward = if around.norm() < 1e-12 {
                    // A pole: every point of the row coincides.
                    let neighbour = if i == 0 { centres[1] } else { centres[i - 1] };
                    normal = (row[j] - neighbour).normalized();
                    normal
                } else {
                    row[j] - centres[i]
                };
                if normal.dot(outward) < 0.0 {
                    normal = -normal;
                }
                self.positions.push(row[j]);
                self.normals.push(normal);
            }
        }
        for (i, &colour) in row_colours.iter().enumerate().take(rows.len() - 1) {
            for j in 0..n {
                let a = base + (i * n + j) as u32;
                let b = base + (i * n + (j + 1) % n) as u32;
                let c = base + ((i + 1) * n + j) as u32;
                let d = base + ((i + 1) * n + (j + 1) % n) as u32;
                self.triangles.push(Triangle {
                    vertices: [a, b, d],
                    colour,
                    person,
                });
                self.triangles.push(Triangle {
                    vertices: [a, d, c],
                    colour,
                    person,
                });
            }
        }
    }

    /// A surface swept through `sections`, closed with rounded caps at both ends.
    fn add_sweep(&mut self, sections: &[Section], person: bool) {
        let ring = |s: &Section, scale: f64, shift: Vec3| -> Vec<Vec3> {
            (0..AROUND)
                .map(|j| {
                    let t = std::f64::consts::TAU * j as f64 / AROUND as f64;
                    let local =
                        Vec3::new(s.depth * scale * t.cos(), 0.0, s.width * scale * t.sin());
                    s.centre + shift + s.rotation * local
                })
                .collect()
        };
        let mut rows = Vec::new();
        let mut colours = Vec::new();
        let cap =
            |s: &Section, outward: Vec3, rows: &mut Vec<Vec<Vec3>>, colours: &mut Vec<[f32; 3]>| {
                let reach = s.depth.min(s.width);
                let mut cap_rows: Vec<Vec<Vec3>> = (1..=CAP_ROWS)
                    .map(|k| {
                        let phi = std::f64::consts::FRAC_PI_2 * k as f64 / CAP_ROWS as f64;
                        ring(s, phi.cos(), outward * (reach * phi.sin()))
                    })
                    .collect();
                cap_rows.reverse();
                for r in cap_rows {
                    rows.push(r);
                    colours.push(s.colour);
                }
            };
        let first = &sections[0];
        let start_out = (first.centre - sections[1].centre).normalized();
        cap(first, start_out, &mut rows, &mut colours);
        for s in sections {
            rows.push(ring(s, 1.0, Vec3::ZERO));
            colours.push(s.colour);
        }
        let last = &sections[sections.len() - 1];
        let end_out = (last.centre - sections[sections.len() - 2].centre).normalized();
        let mut end_rows = Vec::new();
        let mut end_colours = Vec::new();
        cap(last, end_out, &mut end_rows, &mut end_colours);
        end_rows.reverse();
        rows.extend(end_rows);
        colours.extend(end_colours);
        self.add_rows(&rows, &colours, person);
    }

    fn add_ellipsoid(&mut self, e: &Ellipsoid, person: bool) {
        const LAT: usize = 12;
        const LON: usize = 18;
        let power = |v: f64| v.signum() * v.abs().powf(e.squareness);
        let base = self.positions.len() as u32;
        let mut units = Vec::new();
        for i in 0..=LAT {
            let phi = -std::f64::consts::FRAC_PI_2 + std::f64::consts::PI * i as f64 / LAT as f64;
            for j in 0..LON {
                let theta = std::f64::consts::TAU * j as f64 / LON as f64;
                let unit = Vec3::new(phi.cos() * theta.cos(), phi.sin(), phi.cos() * theta.sin());
                let shaped = Vec3::new(
                    power(phi.cos()) * power(theta.cos()),
                    power(phi.sin()),
                    power(phi.cos()) * power(theta.sin()),
                );
                let local = e.centre
                    + Vec3::new(
                        shaped.x * e.radii.x,
                        shaped.y * e.radii.y,
                        shaped.z * e.radii.z,
                    );
                // The gradient of the implicit surface; for squareness 1 the ellipsoid's normal.
                let grad = Vec3::new(
                    shaped.x / e.radii.x,
                    shaped.y / e.radii.y,
                    shaped.z / e.radii.z,
                );
                self.positions.push(e.frame.point(local));
                self.normals.push(e.frame.direction(grad).normalized());
                units.push(unit);
            }
        }
        for i in 0..LAT {
            for j in 0..LON {
                let idx = |r: usize, c: usize| r * LON + c % LON;
                let (a, b, c, d) = (idx(i, j), idx(i, j + 1), idx(i + 1, j), idx(i + 1, j + 1));
                let centroid = (units[a] + units[b] + units[c] + units[d]) * 0.25;
                if !(e.keep)(centroid) {
                    continue;
                }
                let v = |k: usize| base + k as u32;
                self.triangles.push(Triangle {
                    vertices: [v(a), v(b), v(d)],
                    colour: e.colour,
                    person,
                });
                self.triangles.push(Triangle {
                    vertices: [v(a), v(d), v(c)],
                    colour: e.colour,
                    person,
                });
            }
        }
    }

    /// An axis-aligned box in the world (for props), flat-shaded.
    pub fn add_box(&mut self, min: Vec3, max: Vec3, colour: [f32; 3]) {
        let corner = |i: usize| {
            Vec3::new(
                if i & 1 == 0 { min.x } else { max.x },
                if i & 2 == 0 { min.y } else { max.y },
                if i & 4 == 0 { min.z } else { max.z },
            )
        };
        let faces: [([usize; 4], Vec3); 6] = [
            ([0, 2, 6, 4], Vec3::new(-1.0, 0.0, 0.0)),
            ([1, 5, 7, 3], Vec3::new(1.0, 0.0, 0.0)),
            ([0, 4, 5, 1], Vec3::new(0.0, -1.0, 0.0)),
            ([2, 3, 7, 6], Vec3::new(0.0, 1.0, 0.0)),
            ([0, 1, 3, 2], Vec3::new(0.0, 0.0, -1.0)),
            ([4, 6, 7, 5], Vec3::new(0.0, 0.0, 1.0)),
        ];
        for (quad, normal) in faces {
            let base = self.positions.len() as u32;
            for &c in &quad {
                self.positions.push(corner(c));
                self.normals.push(normal);
            }
            self.triangles.push(Triangle {
                vertices: [base, base + 1, base + 2],
                colour,
                person: false,
            });
            self.triangles.push(Triangle {
                vertices: [base, base + 2, base + 3],
                colour,
                person: false,
            });
        }
    }
}

/// Re-orthonormalises the average of two rotations (keeping the long axis of the average).
fn blend(a: &Mat3, b: &Mat3, t: f64) -> Mat3 {
    let mix = |i: usize| a.column(i) * (1.0 - t) + b.column(i) * t;
    let y = mix(1).normalized();
    let x0 = mix(0);
    let x = (x0 - y * x0.dot(y)).normalized();
    Mat3::from_columns(x, y, x.cross(y))
}

/// A limb: elliptical sections at fractions of the segment's length.
/// Each entry: (fraction along the segment, front–back semi-axis, side semi-axis, forward
/// shift of the centre), all but the fraction in units of height.
type Profile = [(f64, f64, f64, f64)];

const THIGH: &Profile = &[
    (0.0, 0.060, 0.058, 0.0),
    (0.3, 0.054, 0.050, 0.002),
    (0.7, 0.042, 0.038, 0.0),
    (1.0, 0.033, 0.033, 0.0),
];
const SHANK: &Profile = &[
    (0.0, 0.032, 0.032, 0.0),
    (0.25, 0.036, 0.032, -0.006),
    (0.75, 0.024, 0.021, -0.002),
    (1.0, 0.02, 0.019, 0.0),
];
const UPPER_ARM: &Profile = &[
    (0.0, 0.034, 0.036, 0.0),
    (0.4, 0.030, 0.028, 0.0),
    (1.0, 0.024, 0.024, 0.0),
];
const FOREARM: &Profile = &[
    (0.0, 0.024, 0.026, 0.0),
    (0.3, 0.026, 0.028, 0.0),
    (1.0, 0.014, 0.02, 0.0),
];
const NECK: &Profile = &[(0.0, 0.036, 0.034, 0.0), (1.0, 0.032, 0.03, 0.0)];

/// Fraction of the upper arm covered by the sleeve.
const SLEEVE: f64 = 0.55;

/// The sections of a limb hanging along −y of `frame`, `length` long.
fn limb_sections(
    frame: &Frame,
    length: f64,
    profile: &Profile,
    h: f64,
    colour: impl Fn(f64) -> [f32; 3],
) -> Vec<Section> {
    let mut out = Vec::new();
    for pair in profile.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let steps = 3;
        for k in 0..steps {
            let t = k as f64 / steps as f64;
            let f = a.0 + (b.0 - a.0) * t;
            let lerp = |p: f64, q: f64| p + (q - p) * t;
            out.push(Section {
                centre: frame.point(Vec3::new(lerp(a.3, b.3) * h, -f * length, 0.0)),
                rotation: frame.rotation,
                depth: lerp(a.1, b.1) * h,
                width: lerp(a.2, b.2) * h,
                colour: colour(f),
            });
        }
    }
    let last = profile[profile.len() - 1];
    out.push(Section {
        centre: frame.point(Vec3::new(last.3 * h, -length, 0.0)),
        rotation: frame.rotation,
        depth: last.1 * h,
        width: last.2 * h,
        colour: colour(1.0),
    });
    out
}

/// Trunk cross-sections: (front–back semi-axis, side semi-axis, back-skin distance behind the
/// spinal joint) at spinal joints 1..=6, in units of height.
const TRUNK: [(f64, f64, f64); 6] = [
    (0.060, 0.087, 0.042),
    (0.057, 0.083, 0.040),
    (0.061, 0.088, 0.042),
    (0.067, 0.096, 0.046),
    (0.066, 0.100, 0.046),
    (0.046, 0.086, 0.030),
];
/// Pelvis cross-sections in the pelvis frame: (centre x, centre y, front–back, side).
const PELVIS: [(f64, f64, f64, f64); 4] = [
    (-0.004, -0.07, 0.05, 0.075),
    (-0.012, -0.035, 0.072, 0.1),
    (-0.01, 0.01, 0.07, 0.102),
    (-0.006, 0.045, 0.066, 0.095),
];

/// Catmull-Rom point between `p1` and `p2`.
fn catmull_rom(p0: Vec3, p1: Vec3, p2: Vec3, p3: Vec3, t: f64) -> Vec3 {
    let t2 = t * t;
    let t3 = t2 * t;
    (p1 * 2.0
        + (p2 - p0) * t
        + (p0 * 2.0 - p1 * 5.0 + p2 * 4.0 - p3) * t2
        + (p1 * 3.0 - p0 - p2 * 3.0 + p3) * t3)
        * 0.5
}

/// The trunk: pelvis sections, then one section per spinal joint turned with the spine, with
/// smooth sections in between.
fn trunk_sections(body: &Body, posed: &Posed) -> Vec<Section> {
    let h = body.height;
    let g = body.build;
    let look = &body.appearance;
    let pelvis = posed.frame(Segment::Pelvis);
    let mut coarse: Vec<Section> = PELVIS
        .iter()
        .enumerate()
        .map(|(i, &(x, y, d, w))| Section {
            centre: pelvis.point(Vec3::new(x * h, y * h, 0.0)),
            rotation: pelvis.rotation,
            depth: d * h * g,
            width: w * h * g,
            colour: if i < 3 { look.trousers } else { look.top },
        })
        .collect();
    let segment_below = |joint: usize| match joint {
        0 => Segment::Pelvis,
        1..=3 => Segment::Lumbar(joint - 1),
        _ => Segment::Thoracic(joint - 4),
    };
    let segment_above = |joint: usize| match joint {
        0..=2 => Segment::Lumbar(joint),
        3..=5 => Segment::Thoracic(joint - 3),
        _ => Segment::Neck,
    };
    for (k, &(d, w, back)) in TRUNK.iter().enumerate() {
        let joint = k + 1;
        let rotation = blend(
            &posed.frame(segment_below(joint)).rotation,
            &posed.frame(segment_above(joint)).rotation,
            0.5,
        );
        let spine = posed.landmark(Landmark::Spine(joint));
        let depth = d * h * g;
        coarse.push(Section {
            centre: spine + rotation.column(0) * (depth - back * h * g),
            rotation,
            depth,
            width: w * h * g,
            colour: look.top,
        });
    }
    let mut fine = Vec::new();
    for i in 0..coarse.len() - 1 {
        let p0 = coarse[i.saturating_sub(1)].centre;
        let p3 = coarse[(i + 2).min(coarse.len() - 1)].centre;
        let (a, b) = (coarse[i], coarse[i + 1]);
        let steps = 3;
        for k in 0..steps {
            let t = k as f64 / steps as f64;
            fine.push(Section {
                centre: catmull_rom(p0, a.centre, b.centre, p3, t),
                rotation: blend(&a.rotation, &b.rotation, t),
                depth: a.depth + (b.depth - a.depth) * t,
                width: a.width + (b.width - a.width) * t,
                colour: if t < 0.5 { a.colour } else { b.colour },
            });
        }
    }
    fine.push(coarse[coarse.len() - 1]);
    fine
}

/// Keeps the hair off the face: drops the front of the cap below the hairline.
fn hair_keeps(unit: Vec3) -> bool {
    !(unit.x > 0.25 && unit.y < 0.55)
        && unit.y > -0.35
        && !(unit.x > -0.3 && unit.y < 0.0 && unit.z.abs() > 0.6)
}

/// The whole posed body as one mesh.
pub fn body_mesh(body: &Body, posed: &Posed) -> Mesh {
    let h = body.height;
    let g = body.build;
    let look = body.appearance;
    let mut mesh = Mesh::default();
    mesh.add_sweep(&trunk_sections(body, posed), true);
    let everything = |_: Vec3| true;
    for side in SIDES {
        let s = side.sign();
        let thigh = posed.frame(Segment::Thigh(side));
        let shank = posed.frame(Segment::Shank(side));
        let limb =
            |frame: &Frame, len: f64, profile: &Profile, colour: &dyn Fn(f64) -> [f32; 3]| {
                let scaled: Vec<(f64, f64, f64, f64)> = profile
                    .iter()
                    .map(|&(f, d, w, x)| (f, d * g, w * g, x))
                    .collect();
                limb_sections(frame, len, &scaled, h, colour)
            };
        mesh.add_sweep(&limb(thigh, body.thigh, THIGH, &|_| look.trousers), true);
        mesh.add_sweep(&limb(shank, body.shank, SHANK, &|_| look.trousers), true);
        let upper = posed.frame(Segment::UpperArm(side));
        let sleeve = |f: f64| if f < SLEEVE { look.top } else { look.skin };
        mesh.add_sweep(&limb(upper, body.upper_arm, UPPER_ARM, &sleeve), true);
        mesh.add_sweep(
            &limb(
                posed.frame(Segment::Forearm(side)),
                body.forearm,
                FOREARM,
                &|_| look.skin,
            ),
            true,
        );
        // Deltoid: rounds the shoulder over the joint.
        mesh.add_ellipsoid(
            &Ellipsoid {
                frame: upper,
                centre: Vec3::new(0.0, -0.01 * h, 0.004 * h * s),
                radii: Vec3::new(0.038, 0.042, 0.036) * (h * g),
                squareness: 1.0,
                colour: look.top,
                keep: &everything,
            },
            true,
        );
        mesh.add_ellipsoid(
            &Ellipsoid {
                frame: posed.frame(Segment::Hand(side)),
                centre: Vec3::new(0.004 * h, -0.045 * h, 0.0),
                radii: Vec3::new(0.026 * h, 0.052 * h, 0.013 * h),
                squareness: 1.0,
                colour: look.skin,
                keep: &everything,
            },
            true,
        );
        let foot = posed.frame(Segment::Foot(side));
        let length = body.heel_back + body.toe_front;
        mesh.add_ellipsoid(
            &Ellipsoid {
                frame: foot,
                centre: Vec3::new(
                    (body.toe_front - body.heel_back) * 0.5,
                    -body.ankle_height + 0.024 * h,
                    0.0,
                ),
                radii: Vec3::new(length * 0.5, 0.024 * h, body.foot_half_width),
                squareness: 0.55,
                colour: look.shoes,
                keep: &everything,
            },
            true,
        );
    }
    mesh.add_sweep(&neck_sections(body, posed), true);
    add_head(&mut mesh, body, posed.frame(Segment::Head));
    mesh
}

fn neck_sections(body: &Body, posed: &Posed) -> Vec<Section> {
    let neck = posed.frame(Segment::Neck);
    let head = posed.frame(Segment::Head);
    let h = body.height;
    let (a, b) = (NECK[0], NECK[1]);
    let centre_low = neck.origin + neck.rotation.column(0) * (0.012 * h);
    let centre_high = head.point(Vec3::new(0.01 * h, 0.0, 0.0));
    let section = |t: f64| {
        let rotation = blend(&neck.rotation, &head.rotation, t);
        Section {
            centre: centre_low.lerp(centre_high, t),
            rotation,
            depth: (a.1 + (b.1 - a.1) * t) * h * body.build,
            width: (a.2 + (b.2 - a.2) * t) * h * body.build,
            colour: body.appearance.skin,
        }
    };
    (0..=3).map(|k| section(k as f64 / 3.0)).collect()
}

/// Cranium, jaw, hair, ears, eyes, brows, nose and mouth: a pose model finds the head by its
/// face features, so they are modelled, not painted.
fn add_head(mesh: &mut Mesh, body: &Body, head: &Frame) {
    let h = body.height;
    let look = body.appearance;
    let v = |p: [f64; 3]| Vec3::new(p[0], p[1], p[2]) * h;
    let everything = |_: Vec3| true;
    let mut part = |centre: Vec3, radii: Vec3, colour: [f32; 3], keep: &dyn Fn(Vec3) -> bool| {
        mesh.add_ellipsoid(
            &Ellipsoid {
                frame: head,
                centre,
                radii,
                squareness: 1.0,
                colour,
                keep,
            },
            true,
        );
    };
    part(
        v(face::CRANIUM),
        v(face::CRANIUM_RADII),
        look.skin,
        &everything,
    );
    part(
        v([0.03, -0.008, 0.0]),
        v([0.04, 0.037, 0.037]),
        look.skin,
        &everything,
    );
    part(
        v([0.066, 0.018, 0.0]),
        v([0.012, 0.02, 0.009]),
        look.skin,
        &everything,
    );
    part(
        v([0.062, -0.008, 0.0]),
        v([0.004, 0.004, 0.012]),
        [0.55, 0.2, 0.2],
        &everything,
    );
    if let Some(hair) = look.hair {
        part(
            v([-0.004, 0.04, 0.0]),
            v([0.062, 0.063, 0.051]),
            hair,
            &hair_keeps,
        );
    }
    for side in [Side::Left, Side::Right] {
        let s = side.sign();
        let ear = face::EAR;
        part(
            v([ear[0], ear[1], ear[2] * s]),
            v([0.013, 0.021, 0.007]),
            look.skin,
            &everything,
        );
        let eye = face::EYE;
        part(
            v([eye[0] - 0.002, eye[1], eye[2] * s]),
            v([0.004, 0.006, 0.01]),
            [0.95, 0.95, 0.95],
            &everything,
        );
        part(
            v([eye[0], eye[1], eye[2] * s]),
            v([0.004, 0.0055, 0.0055]),
            [0.08, 0.06, 0.05],
            &everything,
        );
        let brow = look.hair.unwrap_or([0.2, 0.15, 0.1]);
        part(
            v([eye[0] - 0.004, eye[1] + 0.012, eye[2] * s]),
            v([0.004, 0.003, 0.012]),
            brow,
            &everything,
        );
    }
}

/// A chair with its seat's front edge centred at `front` (on the floor plane), facing +x
/// rotated by `heading` radians about the vertical, `seat_height` metres high.
pub fn chair_mesh(front: Vec3, heading: f64, seat_height: f64, back_rest: bool) -> Mesh {
    // Built facing +x with the front edge at the origin, then turned and placed.
    let mut local = Mesh::default();
    let wood = [0.45, 0.3, 0.18];
    let (depth, width, thick) = (0.42, 0.46, 0.04);
    local.add_box(
        Vec3::new(-depth, seat_height - thick, -width / 2.0),
        Vec3::new(0.0, seat_height, width / 2.0),
        wood,
    );
    for (x, z) in [
        (-0.03, -width / 2.0 + 0.03),
        (-0.03, width / 2.0 - 0.03),
        (-depth + 0.03, -width / 2.0 + 0.03),
        (-depth + 0.03, width / 2.0 - 0.03),
    ] {
        local.add_box(
            Vec3::new(x - 0.02, 0.0, z - 0.02),
            Vec3::new(x + 0.02, seat_height - thick, z + 0.02),
            wood,
        );
    }
    if back_rest {
        local.add_box(
            Vec3::new(-depth, seat_height, -width / 2.0),
            Vec3::new(-depth + 0.03, seat_height + 0.45, width / 2.0),
            wood,
        );
    }
    let turn = Mat3::rot_y(heading);
    local
        .positions
        .iter_mut()
        .for_each(|p| *p = front + turn * *p);
    local.normals.iter_mut().for_each(|n| *n = turn * *n);
    local
}

impl Mesh {
    /// Appends another mesh.
    pub fn extend(&mut self, other: &Mesh) {
        let base = self.positions.len() as u32;
        self.positions.extend_from_slice(&other.positions);
        self.normals.extend_from_slice(&other.normals);
        self.triangles
            .extend(other.triangles.iter().map(|t| Triangle {
                vertices: t.vertices.map(|v| v + base),
                ..*t
            }));
    }
}
