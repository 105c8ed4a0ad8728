//! A z-buffer triangle rasterizer with per-pixel Lambert + ambient shading, parallel over bands
//! of rows (rayon).

use super::camera::Camera;
use super::math::Vec3;
use super::mesh::Mesh;
use rayon::prelude::*;

/// Rows per parallel work item.
const BAND: usize = 16;

/// Lights: an ambient term and directional lights (direction towards the light, intensity).
#[derive(Debug, Clone, PartialEq)]
pub struct Lighting {
    pub ambient: f32,
    pub lights: Vec<(Vec3, f32)>,
}

impl Lighting {
    /// A key light from above, front and to one side of the camera, and a weaker fill from the
    /// camera; the ambient keeps shadowed sides readable.
    pub fn studio(camera: &Camera) -> Lighting {
        let back = Vec3::new(-camera.forward[0], -camera.forward[1], -camera.forward[2]);
        let right = Vec3::new(camera.right[0], camera.right[1], camera.right[2]);
        let key = (back + Vec3::new(0.0, 1.2, 0.0) + right * 0.6).normalized();
        Lighting {
            ambient: 0.35,
            lights: vec![(key, 0.6), (back, 0.25)],
        }
    }
}

/// A BGR 8-bit image with a person mask, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    /// BGR bytes, `width * height * 3`.
    pub bgr: Vec<u8>,
    /// 255 where the person is the nearest surface, else 0.
    pub mask: Vec<u8>,
}

impl Canvas {
    /// A canvas holding a copy of `background` (BGR) and an empty mask.
    pub fn from_background(width: usize, height: usize, background: &[u8]) -> Canvas {
        Canvas {
            width,
            height,
            bgr: background.to_vec(),
            mask: vec![0; width * height],
        }
    }
}

/// A triangle in screen space.
struct ScreenTriangle {
    x: [f32; 3],
    y: [f32; 3],
    inv_depth: [f32; 3],
    normals: [Vec3; 3],
    colour: [f32; 3],
    person: bool,
    y_min: usize,
    y_max: usize,
}

/// Draws `mesh` over the canvas (depth-tested against itself only: the background is behind
/// everything).
pub fn rasterize(mesh: &Mesh, camera: &Camera, lighting: &Lighting, canvas: &mut Canvas) {
    let (w, h) = (canvas.width, canvas.height);
    let projected: Vec<Option<(f32, f32, f32)>> = mesh
        .positions
        .iter()
        .map(|&p| {
            camera
                .project(p)
                .map(|q| (q.x as f32, q.y as f32, (1.0 / q.depth) as f32))
        })
        .collect();
    let mut triangles = Vec::with_capacity(mesh.triangles.len());
    for t in &mesh.triangles {
        let [a, b, c] = t.vertices.map(|v| projected[v as usize]);
        let (Some(a), Some(b), Some(c)) = (a, b, c) else {
            continue;
        };
        let y_lo = a.1.min(b.1).min(c.1).floor().max(0.0);
        let y_hi = a.1.max(b.1).max(c.1).ceil().min(h as f32 - 1.0);
        let x_lo = a.0.min(b.0).min(c.0);
        let x_hi = a.0.max(b.0).max(c.0);
        if y_hi < y_lo || x_hi < 0.0 || x_lo > w as f32 - 1.0 {
            continue;
        }
        let area = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        if area.abs() < 1e-6 {
            continue;
        }
        triangles.push(ScreenTriangle {
            x: [a.0, b.0, c.0],
            y: [a.1, b.1, c.1],
            inv_depth: [a.2, b.2, c.2],
            normals: t.vertices.map(|v| mesh.normals[v as usize]),
            colour: t.colour,
            person: t.person,
            y_min: y_lo as usize,
            y_max: y_hi as usize,
        });
    }
    let bands = h.div_ceil(BAND);
    let mut bins: Vec<Vec<u32>> = vec![Vec::new(); bands];
    for (i, t) in triangles.iter().enumerate() {
        for bin in &mut bins[t.y_min / BAND..=t.y_max / BAND] {
            bin.push(i as u32);
        }
    }
    let view = Vec3::new(camera.forward[0], camera.forward[1], camera.forward[2]);
    canvas
        .bgr
        .par_chunks_mut(BAND * w * 3)
        .zip(canvas.mask.par_chunks_mut(BAND * w))
        .zip(bins.par_iter())
        .enumerate()
        .for_each(|(band, ((bgr, mask), bin))| {
            let row0 = band * BAND;
            let rows = mask.len() / w;
            let mut depth = vec![0.0f32; rows * w];
            for &ti in bin {
                draw(
                    &triangles[ti as usize],
                    row0,
                    rows,
                    w,
                    view,
                    lighting,
                    bgr,
                    mask,
                    &mut depth,
                );
            }
        });
}

#[allow(clippy::too_many_arguments)]
fn draw(
    t: &ScreenTriangle,
    row0: usize,
    rows: usize,
    w: usize,
    view: Vec3,
    lighting: &Lighting,
    bgr: &mut [u8],
    mask: &mut [u8],
    depth: &mut [f32],
) {
    let y_start = t.y_min.max(row0);
    let y_end = t.y_max.min(row0 + rows - 1);
    let x_start = t.x[0].min(t.x[1]).min(t.x[2]).floor().max(0.0) as usize;
    let x_end = (t.x[0].max(t.x[1]).max(t.x[2]).ceil() as usize).min(w - 1);
    let area = (t.x[1] - t.x[0]) * (t.y[2] - t.y[0]) - (t.y[1] - t.y[0]) * (t.x[2] - t.x[0]);
    let inv_area = 1.0 / area;
    for y in y_start..=y_end {
        let py = y as f32 + 0.5;
        for x in x_start..=x_end {
            let px = x as f32 + 0.5;
            let edge = |i: usize, j: usize| {
                (t.x[j] - t.x[i]) * (py - t.y[i]) - (t.y[j] - t.y[i]) * (px - t.x[i])
            };
            let w0 = edge(1, 2) * inv_area;
            let w1 = edge(2, 0) * inv_area;
            let w2 = edge(0, 1) * inv_area;
            if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                continue;
            }
            let z = w0 * t.inv_depth[0] + w1 * t.inv_depth[1] + w2 * t.inv_depth[2];
            let k = (y - row0) * w + x;
            if z <= depth[k] {
                continue;
            }
            depth[k] = z;
            let n = t.normals[0] * w0 as f64 + t.normals[1] * w1 as f64 + t.normals[2] * w2 as f64;
            let mut n = n.normalized();
            if n.dot(view) > 0.0 {
                // Interpolated normals at a silhouette can face away; light the visible side.
                n = -n;
            }
            let light = lighting.ambient
                + lighting
                    .lights
                    .iter()
                    .map(|(d, i)| i * (n.dot(*d).max(0.0) as f32))
                    .sum::<f32>();
            let px_out = &mut bgr[k * 3..k * 3 + 3];
            for (c, out) in px_out.iter_mut().enumerate() {
                *out = (t.colour[2 - c] * light * 255.0).clamp(0.0, 255.0) as u8;
            }
            mask[k] = if t.person { 255 } else { 0 };
        }
    }
}
