//! A grid of equally sized images with thin gaps: the "contact sheet" used to look at a data set.

use crate::raster::Raster;
use crate::{Error, Result};

/// Arranges `images` (all the same size and channel count) in rows of `columns`, separated by
/// `gap` pixels of `gap_value` grey.
pub fn contact_sheet(images: &[Raster], columns: usize, gap: usize, gap_value: u8) -> Result<Raster> {
    let first = images.first().ok_or_else(|| Error::Invalid("a contact sheet needs at least one image".into()))?;
    let (w, h, ch) = (first.width, first.height, first.channels);
    if let Some(odd) = images.iter().find(|r| (r.width, r.height, r.channels) != (w, h, ch)) {
        return Err(Error::Invalid(format!(
            "contact sheet images differ in size: {}x{}x{} and {}x{}x{}",
            w, h, ch, odd.width, odd.height, odd.channels
        )));
    }
    let columns = columns.clamp(1, images.len());
    let rows = images.len().div_ceil(columns);
    let (sw, sh) = (columns * w + (columns + 1) * gap, rows * h + (rows + 1) * gap);
    let mut pixels = vec![gap_value; sw * sh * ch];
    for (i, img) in images.iter().enumerate() {
        let (x0, y0) = (gap + (i % columns) * (w + gap), gap + (i / columns) * (h + gap));
        for y in 0..h {
            let src = &img.pixels[y * w * ch..(y + 1) * w * ch];
            let start = ((y0 + y) * sw + x0) * ch;
            pixels[start..start + w * ch].copy_from_slice(src);
        }
    }
    Raster::new(sw, sh, ch, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_images_in_a_grid() {
        let img = |v: u8| Raster::new(2, 2, 1, vec![v; 4]).unwrap();
        let sheet = contact_sheet(&[img(1), img(2), img(3)], 2, 1, 0).unwrap();
        assert_eq!((sheet.width, sheet.height), (7, 7));
        assert_eq!(sheet.pixels[8], 1); // (1, 1)
        assert_eq!(sheet.pixels[7 + 4], 2); // (4, 1)
        assert_eq!(sheet.pixels[4 * 7 + 1], 3); // (1, 4)
        assert_eq!(sheet.pixels[4 * 7 + 4], 0); // empty cell
        assert!(contact_sheet(&[img(1), Raster::new(1, 1, 1, vec![0]).unwrap()], 2, 1, 0).is_err());
    }
}
