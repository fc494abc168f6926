//! Charts as PNG for researchers who paste figures into Word: the chart's SVG rasterised with
//! resvg, at twice its size for sharp print, with DejaVu Sans embedded in thema (no system
//! fonts are read, so the same chart gives the same pixels on every machine).

use crate::{Error, Result};

/// DejaVu Sans (regular and bold); its licence is in `assets/fonts/DejaVu-LICENSE`.
const FONTS: [&[u8]; 2] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
];

/// Pixels per SVG unit.
const SCALE: f32 = 2.0;

/// The SVG document `svg` as PNG bytes on a white background.
pub fn rasterise(svg: &str) -> Result<Vec<u8>> {
    let mut options = resvg::usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        ..Default::default()
    };
    let fonts = options.fontdb_mut();
    for font in FONTS {
        fonts.load_font_data(font.to_vec());
    }
    fonts.set_sans_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| Error::Usage(format!("the chart is not valid SVG: {e}")))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| Error::Usage("the chart is too large to draw as PNG".into()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| Error::Usage("the chart is too large to draw as PNG".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| Error::Usage(format!("cannot encode the chart as PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_shapes_are_drawn_at_twice_the_size() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect x="0" y="0" width="10" height="20" fill="#000000"/><text x="15" y="15" font-family="DejaVu Sans" font-size="12">Ab</text></svg>"##;
        let png = rasterise(svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Width and height in the IHDR chunk.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 120);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 40);
        assert_eq!(png, rasterise(svg).unwrap(), "the same pixels every time");
        let blank = rasterise(&svg.replace(">Ab<", "><")).unwrap();
        assert_ne!(png, blank, "the text is drawn");
    }
}
