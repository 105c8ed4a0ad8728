//! Text on video frames in English and Japanese.
//!
//! OpenCV's built-in Hershey fonts are ASCII only, so Japanese cues are drawn from a system
//! font with Japanese glyphs (Noto Sans CJK from `fonts-noto-cjk`, found through fontconfig).
//! Without one, English text is still drawn with the Hershey font and the caller is told that
//! Japanese cannot be shown.

use crate::error::{Error, Result};
use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use opencv::core::{Mat, Point, Scalar};
use opencv::imgproc;
use opencv::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// Where Debian's and other distributions' CJK fonts usually are, tried when `fc-match` is
/// missing.
const KNOWN_FONTS: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
];

fn find_cjk_font() -> Option<PathBuf> {
    let from_fontconfig = std::process::Command::new("fc-match")
        .args(["-f", "%{file}", "sans-serif:lang=ja"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ttc") || e.eq_ignore_ascii_case("otf"))
                && p.to_string_lossy().contains("CJK")
        });
    from_fontconfig.or_else(|| KNOWN_FONTS.iter().map(PathBuf::from).find(|p| p.is_file()))
}

/// A rasterised glyph: its coverage (0..255, row-major), placement from the pen position on
/// the baseline, and advance, in pixels.
#[derive(Clone, Default)]
struct Glyph {
    coverage: Vec<u8>,
    width: i32,
    height: i32,
    left: i32,
    top: i32,
    advance: f32,
}

/// Draws text lines onto BGR frames.
pub struct TextPainter {
    /// Glyphs are parsed only when first drawn, so the large CJK font costs little memory.
    font: Option<FontVec>,
    glyphs: HashMap<(char, u32), Glyph>,
}

impl TextPainter {
    /// Loads the system's Japanese font, or falls back to OpenCV's ASCII font.
    pub fn new() -> TextPainter {
        let font = find_cjk_font().and_then(|path| {
            let bytes = std::fs::read(&path).ok()?;
            FontVec::try_from_vec_and_index(bytes, 0).ok()
        });
        TextPainter {
            font,
            glyphs: HashMap::new(),
        }
    }

    /// Whether Japanese text can be drawn.
    pub fn has_japanese(&self) -> bool {
        self.font.is_some()
    }

    /// Width in pixels of `text` at `px` pixels per em.
    pub fn width(&mut self, text: &str, px: f32) -> i32 {
        if self.font.is_none() {
            let scale = f64::from(px) / 30.0;
            return imgproc::get_text_size(text, imgproc::FONT_HERSHEY_SIMPLEX, scale, 1, &mut 0)
                .map_or(0, |s| s.width);
        }
        text.chars()
            .map(|c| self.glyph(c, px).advance)
            .sum::<f32>()
            .round() as i32
    }

    /// `text` broken into lines no wider than `max_width` pixels at `px`: between words where
    /// it has spaces, else between characters (Japanese). A word wider than the line stands
    /// alone.
    pub fn wrap(&mut self, text: &str, px: f32, max_width: i32) -> Vec<String> {
        let tokens: Vec<String> = if text.contains(' ') {
            text.split_inclusive(' ').map(str::to_string).collect()
        } else {
            text.chars().map(String::from).collect()
        };
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for token in tokens {
            let longer = format!("{line}{token}");
            if !line.is_empty() && self.width(longer.trim_end(), px) > max_width {
                lines.push(line.trim_end().to_string());
                line = token;
            } else {
                line = longer;
            }
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        lines
    }

    /// Draws `text` with its top-left corner at (x, y), `px` pixels per em, on a dark band
    /// so it reads on any background.
    pub fn draw(
        &mut self,
        image: &mut Mat,
        text: &str,
        x: i32,
        y: i32,
        px: f32,
        bgr: (u8, u8, u8),
    ) -> Result<()> {
        let width = self.width(text, px);
        let height = (px * 1.3).round() as i32;
        let pad = (px * 0.2).round() as i32;
        darken(image, x - pad, y - pad, width + 2 * pad, height + 2 * pad)?;
        if self.font.is_none() {
            let scale = f64::from(px) / 30.0;
            let colour = Scalar::new(bgr.0.into(), bgr.1.into(), bgr.2.into(), 0.0);
            let thickness = (px / 14.0).round().max(1.0) as i32;
            imgproc::put_text(
                image,
                text,
                Point::new(x, y + (px * 0.95) as i32),
                imgproc::FONT_HERSHEY_SIMPLEX,
                scale,
                colour,
                thickness,
                imgproc::LINE_AA,
                false,
            )?;
            return Ok(());
        }
        let (cols, rows) = (image.cols(), image.rows());
        let baseline = (y as f32 + px * 0.95).round() as i32;
        let mut pen = x as f32;
        let pixels = image.data_bytes_mut()?;
        for c in text.chars() {
            let glyph = self.glyph(c, px).clone();
            let (left, top) = (pen.round() as i32 + glyph.left, baseline + glyph.top);
            for gy in 0..glyph.height {
                for gx in 0..glyph.width {
                    let (px_x, px_y) = (left + gx, top + gy);
                    if px_x < 0 || px_y < 0 || px_x >= cols || px_y >= rows {
                        continue;
                    }
                    let a = u32::from(glyph.coverage[(gy * glyph.width + gx) as usize]);
                    if a == 0 {
                        continue;
                    }
                    let at = ((px_y * cols + px_x) * 3) as usize;
                    for (channel, value) in [bgr.0, bgr.1, bgr.2].into_iter().enumerate() {
                        let old = u32::from(pixels[at + channel]);
                        pixels[at + channel] =
                            ((old * (255 - a) + u32::from(value) * a) / 255) as u8;
                    }
                }
            }
            pen += glyph.advance;
        }
        Ok(())
    }

    fn glyph(&mut self, c: char, px: f32) -> &Glyph {
        let font = self.font.as_ref();
        self.glyphs
            .entry((c, px.round() as u32))
            .or_insert_with(|| font.map_or_else(Glyph::default, |f| rasterise(f, c, px)))
    }
}

fn rasterise(font: &FontVec, c: char, px: f32) -> Glyph {
    // `PxScale` is the font's ascent-to-descent height; `px` is the em size.
    let scale = PxScale::from(px * font.height_unscaled() / font.units_per_em().unwrap_or(1000.0));
    let id = font.glyph_id(c);
    let advance = font.as_scaled(scale).h_advance(id);
    let Some(outline) = font.outline_glyph(id.with_scale_and_position(scale, point(0.0, 0.0)))
    else {
        return Glyph {
            advance,
            ..Glyph::default()
        };
    };
    let bounds = outline.px_bounds();
    let (width, height) = (bounds.width() as i32, bounds.height() as i32);
    let mut coverage = vec![0u8; (width * height).max(0) as usize];
    outline.draw(|gx, gy, v| {
        if let Some(cell) = coverage.get_mut((gy as i32 * width + gx as i32) as usize) {
            *cell = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    });
    Glyph {
        coverage,
        width,
        height,
        left: bounds.min.x as i32,
        top: bounds.min.y as i32,
        advance,
    }
}

impl Default for TextPainter {
    fn default() -> Self {
        TextPainter::new()
    }
}

/// Halves the brightness of a rectangle (clipped to the image).
fn darken(image: &mut Mat, x: i32, y: i32, w: i32, h: i32) -> Result<()> {
    let (cols, rows) = (image.cols(), image.rows());
    let (x0, y0) = (x.clamp(0, cols), y.clamp(0, rows));
    let (x1, y1) = ((x + w).clamp(0, cols), (y + h).clamp(0, rows));
    if image.typ() != opencv::core::CV_8UC3 {
        return Err(Error::Internal(
            "text drawing needs a BGR 8-bit frame".into(),
        ));
    }
    let pixels = image.data_bytes_mut()?;
    for row in y0..y1 {
        let start = ((row * cols + x0) * 3) as usize;
        let end = ((row * cols + x1) * 3) as usize;
        for v in &mut pixels[start..end] {
            *v /= 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::CV_8UC3;

    fn lit_pixels(image: &Mat) -> usize {
        image
            .data_bytes()
            .unwrap()
            .chunks(3)
            .filter(|p| p.iter().all(|&v| v > 200))
            .count()
    }

    #[test]
    fn japanese_text_draws_glyph_pixels_inside_its_box() {
        let mut painter = TextPainter::new();
        assert!(
            painter.has_japanese(),
            "no Japanese font found: install fonts-noto-cjk (scripts/setup.sh does)"
        );
        let mut image =
            Mat::new_rows_cols_with_default(120, 400, CV_8UC3, Scalar::all(60.0)).unwrap();
        let text = "股関節から曲げましょう";
        let width = painter.width(text, 24.0);
        assert!((200..300).contains(&width), "width {width}");
        painter
            .draw(&mut image, text, 10, 40, 24.0, (255, 255, 255))
            .unwrap();
        let lit = lit_pixels(&image);
        assert!(lit > 300, "only {lit} glyph pixels");
        let outside = image
            .data_bytes()
            .unwrap()
            .chunks(3)
            .enumerate()
            .filter(|(i, p)| {
                let (x, y) = ((i % 400) as i32, (i / 400) as i32);
                p[0] > 200 && !(x >= 10 && x <= 10 + width + 2 && (35..=75).contains(&y))
            })
            .count();
        assert_eq!(outside, 0);
    }

    #[test]
    fn long_text_wraps_within_the_width_keeping_every_word() {
        let mut painter = TextPainter::new();
        for text in [
            crate::cli::analyze::RED_FLAG_EN,
            crate::cli::analyze::RED_FLAG_JA,
        ] {
            let lines = painter.wrap(text, 16.0, 300);
            assert!(lines.len() >= 2, "{lines:?}");
            for line in &lines {
                assert!(painter.width(line, 16.0) <= 300, "{line}");
            }
            let joined = lines.join(if text.contains(' ') { " " } else { "" });
            assert_eq!(joined, text);
        }
    }
}
