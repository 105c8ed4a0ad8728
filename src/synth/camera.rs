//! A pinhole camera: world points to pixels (origin top-left, y down).

use super::math::Vec3;
use serde::Serialize;

/// A pinhole camera without lens distortion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Camera {
    /// Centre of projection, metres.
    pub position: [f64; 3],
    /// Unit vectors of the image's right, up and viewing directions in the world.
    pub right: [f64; 3],
    pub up: [f64; 3],
    pub forward: [f64; 3],
    /// Focal length in pixels (square pixels).
    pub focal_px: f64,
    /// Principal point, pixels.
    pub cx: f64,
    pub cy: f64,
    pub width: u32,
    pub height: u32,
}

/// A projected point: pixel coordinates and depth along the viewing direction (metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projected {
    pub x: f64,
    pub y: f64,
    pub depth: f64,
}

/// Points nearer than this to the camera are not drawn.
pub const NEAR: f64 = 0.05;

impl Camera {
    /// A camera at `position` looking at `target`, level (no roll), with the given horizontal
    /// field of view.
    pub fn look_at(
        position: Vec3,
        target: Vec3,
        horizontal_fov_deg: f64,
        width: u32,
        height: u32,
    ) -> Camera {
        let forward = (target - position).normalized();
        let right = forward.cross(Vec3::new(0.0, 1.0, 0.0)).normalized();
        let up = right.cross(forward);
        let focal_px = width as f64 * 0.5 / (horizontal_fov_deg.to_radians() * 0.5).tan();
        Camera {
            position: position.to_array(),
            right: right.to_array(),
            up: up.to_array(),
            forward: forward.to_array(),
            focal_px,
            cx: width as f64 * 0.5,
            cy: height as f64 * 0.5,
            width,
            height,
        }
    }

    /// Vertical field of view in radians.
    pub fn vertical_fov(&self) -> f64 {
        2.0 * (self.height as f64 * 0.5 / self.focal_px).atan()
    }

    /// The pixel a world point projects to; `None` behind the near plane.
    pub fn project(&self, p: Vec3) -> Option<Projected> {
        let v = |a: [f64; 3]| Vec3::new(a[0], a[1], a[2]);
        let rel = p - v(self.position);
        let depth = rel.dot(v(self.forward));
        if depth < NEAR {
            return None;
        }
        Some(Projected {
            x: self.cx + self.focal_px * rel.dot(v(self.right)) / depth,
            y: self.cy - self.focal_px * rel.dot(v(self.up)) / depth,
            depth,
        })
    }

    /// The world direction of the ray through pixel (x, y), unit length.
    pub fn ray(&self, x: f64, y: f64) -> Vec3 {
        let v = |a: [f64; 3]| Vec3::new(a[0], a[1], a[2]);
        (v(self.forward) * self.focal_px + v(self.right) * (x - self.cx)
            - v(self.up) * (y - self.cy))
            .normalized()
    }

    /// The centre of projection as a vector.
    pub fn origin(&self) -> Vec3 {
        Vec3::new(self.position[0], self.position[1], self.position[2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_on_the_axis_lands_on_the_principal_point_and_up_is_up() {
        let cam = Camera::look_at(
            Vec3::new(0.0, 1.0, 3.0),
            Vec3::new(0.0, 1.0, 0.0),
            60.0,
            640,
            360,
        );
        let p = cam.project(Vec3::new(0.0, 1.0, 0.0)).unwrap();
        assert!(
            (p.x - 320.0).abs() < 1e-9
                && (p.y - 180.0).abs() < 1e-9
                && (p.depth - 3.0).abs() < 1e-12
        );
        let above = cam.project(Vec3::new(0.0, 1.5, 0.0)).unwrap();
        assert!(above.y < 180.0);
        let r = cam.ray(above.x, above.y);
        let expected = (Vec3::new(0.0, 1.5, 0.0) - cam.origin()).normalized();
        assert!((r - expected).norm() < 1e-12);
    }
}
