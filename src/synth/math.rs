//! Small 3-D vector and rotation algebra for the body model, in `f64`.
//!
//! World axes (see `synth` module docs): x forward (the subject's initial facing), y up, z to the
//! subject's right; right-handed. Rotations are 3×3 matrices acting on column vectors.

use std::ops::{Add, Mul, Neg, Sub};

/// A point or direction in metres.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vec3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Vec3 {
    /// The zero vector.
    pub const ZERO: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    /// A vector from its components.
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Vec3 { x, y, z }
    }

    /// Scalar product.
    pub fn dot(self, o: Vec3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    /// Vector product.
    pub fn cross(self, o: Vec3) -> Vec3 {
        Vec3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }

    /// Euclidean length.
    pub fn norm(self) -> f64 {
        self.dot(self).sqrt()
    }

    /// The unit vector along `self` (the zero vector stays zero).
    pub fn normalized(self) -> Vec3 {
        let n = self.norm();
        if n > 0.0 {
            self * (1.0 / n)
        } else {
            self
        }
    }

    /// The components as an array.
    pub fn to_array(self) -> [f64; 3] {
        [self.x, self.y, self.z]
    }

    /// Linear interpolation from `self` (t = 0) to `o` (t = 1).
    pub fn lerp(self, o: Vec3, t: f64) -> Vec3 {
        self + (o - self) * t
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for Vec3 {
    type Output = Vec3;
    fn mul(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
}

impl Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

/// A rotation matrix, rows of columns-vector form: `m[row][col]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mat3 {
    pub m: [[f64; 3]; 3],
}

impl Mat3 {
    /// The identity rotation.
    pub const IDENTITY: Mat3 = Mat3 {
        m: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    };

    /// Rotation by `a` radians about the x axis.
    pub fn rot_x(a: f64) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3 {
            m: [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]],
        }
    }

    /// Rotation by `a` radians about the y axis.
    pub fn rot_y(a: f64) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3 {
            m: [[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]],
        }
    }

    /// Rotation by `a` radians about the z axis.
    pub fn rot_z(a: f64) -> Mat3 {
        let (s, c) = a.sin_cos();
        Mat3 {
            m: [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]],
        }
    }

    /// The transpose (the inverse, for a rotation).
    pub fn transpose(&self) -> Mat3 {
        let m = &self.m;
        Mat3 {
            m: [
                [m[0][0], m[1][0], m[2][0]],
                [m[0][1], m[1][1], m[2][1]],
                [m[0][2], m[1][2], m[2][2]],
            ],
        }
    }

    /// Column `i`: where the local axis `i` points in the parent frame.
    pub fn column(&self, i: usize) -> Vec3 {
        Vec3::new(self.m[0][i], self.m[1][i], self.m[2][i])
    }

    /// The matrix from its three columns.
    pub fn from_columns(x: Vec3, y: Vec3, z: Vec3) -> Mat3 {
        Mat3 {
            m: [[x.x, y.x, z.x], [x.y, y.y, z.y], [x.z, y.z, z.z]],
        }
    }

    /// The unit quaternion `[w, x, y, z]` of this rotation, with `w ≥ 0` (Shepperd's method,
    /// stable for every angle).
    pub fn to_quaternion(&self) -> [f64; 4] {
        let m = &self.m;
        let trace = m[0][0] + m[1][1] + m[2][2];
        let q = if trace > 0.0 {
            let s = (trace + 1.0).sqrt() * 2.0;
            [
                0.25 * s,
                (m[2][1] - m[1][2]) / s,
                (m[0][2] - m[2][0]) / s,
                (m[1][0] - m[0][1]) / s,
            ]
        } else if m[0][0] > m[1][1] && m[0][0] > m[2][2] {
            let s = (1.0 + m[0][0] - m[1][1] - m[2][2]).sqrt() * 2.0;
            [
                (m[2][1] - m[1][2]) / s,
                0.25 * s,
                (m[0][1] + m[1][0]) / s,
                (m[0][2] + m[2][0]) / s,
            ]
        } else if m[1][1] > m[2][2] {
            let s = (1.0 + m[1][1] - m[0][0] - m[2][2]).sqrt() * 2.0;
            [
                (m[0][2] - m[2][0]) / s,
                (m[0][1] + m[1][0]) / s,
                0.25 * s,
                (m[1][2] + m[2][1]) / s,
            ]
        } else {
            let s = (1.0 + m[2][2] - m[0][0] - m[1][1]).sqrt() * 2.0;
            [
                (m[1][0] - m[0][1]) / s,
                (m[0][2] + m[2][0]) / s,
                (m[1][2] + m[2][1]) / s,
                0.25 * s,
            ]
        };
        if q[0] < 0.0 {
            q.map(|v| -v)
        } else {
            q
        }
    }
}

impl Mul for Mat3 {
    type Output = Mat3;
    fn mul(self, o: Mat3) -> Mat3 {
        let mut m = [[0.0; 3]; 3];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (0..3).map(|k| self.m[i][k] * o.m[k][j]).sum();
            }
        }
        Mat3 { m }
    }
}

impl Mul<Vec3> for Mat3 {
    type Output = Vec3;
    fn mul(self, v: Vec3) -> Vec3 {
        let m = &self.m;
        Vec3::new(
            m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
            m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z,
        )
    }
}

/// Cardan angles of a joint rotation in the sequence z (about the proximal segment's
/// medio-lateral axis), then x (antero-posterior), then y (the distal segment's long axis):
/// `R = Rz(z) · Rx(x) · Ry(y)`. This is the sequence the ISB recommends for the spine and hip
/// (Wu et al. 2002, 2005), with our axis names.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cardan {
    /// Rotation about z in radians.
    pub z: f64,
    /// Rotation about x in radians.
    pub x: f64,
    /// Rotation about y in radians.
    pub y: f64,
}

impl Cardan {
    /// The rotation `Rz(z) · Rx(x) · Ry(y)`.
    pub fn to_matrix(self) -> Mat3 {
        Mat3::rot_z(self.z) * Mat3::rot_x(self.x) * Mat3::rot_y(self.y)
    }

    /// The angles of a rotation (the x angle is kept within ±90°).
    pub fn from_matrix(r: &Mat3) -> Cardan {
        let m = &r.m;
        Cardan {
            x: m[2][1].clamp(-1.0, 1.0).asin(),
            z: (-m[0][1]).atan2(m[1][1]),
            y: (-m[2][0]).atan2(m[2][2]),
        }
    }
}

/// Orientation of a segment in the world as heading about the vertical, then a tilt about the
/// segment's medio-lateral axis, then a list about its antero-posterior axis:
/// `R = Ry(heading) · Rz(tilt) · Rx(list)`. Used for the pelvis, whose tilt must not depend on
/// which way the subject faces.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadingTiltList {
    /// Rotation about the vertical in radians (positive turns the front to the subject's left).
    pub heading: f64,
    /// Rotation about z in radians (positive tips the top backwards).
    pub tilt: f64,
    /// Rotation about x in radians (positive tips the top to the subject's right).
    pub list: f64,
}

impl HeadingTiltList {
    /// The rotation `Ry(heading) · Rz(tilt) · Rx(list)`.
    pub fn to_matrix(self) -> Mat3 {
        Mat3::rot_y(self.heading) * Mat3::rot_z(self.tilt) * Mat3::rot_x(self.list)
    }

    /// The angles of a rotation (tilt kept within ±90°).
    pub fn from_matrix(r: &Mat3) -> HeadingTiltList {
        let m = &r.m;
        HeadingTiltList {
            tilt: m[1][0].clamp(-1.0, 1.0).asin(),
            heading: (-m[2][0]).atan2(m[0][0]),
            list: (-m[1][2]).atan2(m[1][1]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardan_round_trips() {
        let a = Cardan {
            z: 0.7,
            x: -0.3,
            y: 1.1,
        };
        let b = Cardan::from_matrix(&a.to_matrix());
        assert!(
            (a.z - b.z).abs() < 1e-12 && (a.x - b.x).abs() < 1e-12 && (a.y - b.y).abs() < 1e-12
        );
    }

    #[test]
    fn heading_tilt_list_round_trips() {
        let a = HeadingTiltList {
            heading: -2.0,
            tilt: 0.4,
            list: -0.2,
        };
        let b = HeadingTiltList::from_matrix(&a.to_matrix());
        assert!((a.heading - b.heading).abs() < 1e-12);
        assert!((a.tilt - b.tilt).abs() < 1e-12 && (a.list - b.list).abs() < 1e-12);
    }

    #[test]
    fn quaternion_matches_the_matrix() {
        let r = Cardan {
            z: 2.9,
            x: -0.4,
            y: 1.3,
        }
        .to_matrix();
        let [w, x, y, z] = r.to_quaternion();
        let back = [
            [
                1.0 - 2.0 * (y * y + z * z),
                2.0 * (x * y - w * z),
                2.0 * (x * z + w * y),
            ],
            [
                2.0 * (x * y + w * z),
                1.0 - 2.0 * (x * x + z * z),
                2.0 * (y * z - w * x),
            ],
            [
                2.0 * (x * z - w * y),
                2.0 * (y * z + w * x),
                1.0 - 2.0 * (x * x + y * y),
            ],
        ];
        for (row, expected) in back.iter().zip(&r.m) {
            for (v, e) in row.iter().zip(expected) {
                assert!((v - e).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn positive_heading_turns_the_front_to_the_left() {
        let front = Mat3::rot_y(0.5) * Vec3::new(1.0, 0.0, 0.0);
        assert!(front.z < 0.0, "left is -z");
    }
}
