//! A4 and other non-thermal printers on Windows, with no PDF program: the receipt layout
//! is drawn by the same rasteriser the ESC/POS path uses (`escpos::rasterize`, one layout,
//! no second drawing code), at the printer's resolution, and handed to the printer driver
//! through GDI (`CreateDCW`, `StartDocW`, `StartPage`, `StretchDIBits`, `EndPage`,
//! `EndDoc`). Success is reported only once `EndDoc` has succeeded, that is, once the
//! spooler holds the whole job; every failure is chosen by its Win32 code
//! (`spooler::from_win32`), never by message text.
//!
//! The geometry is plain Rust, tested on every platform ([`plan`]): a sheet layout (A4)
//! is placed at its true position on the paper (the device origin is the printable area,
//! so the physical offset is subtracted), shrunk only if the paper is smaller (Letter);
//! a ticket layout (80/58 mm) goes at the printable area's corner and, when taller than
//! one sheet, continues on the next. Each sheet is sent in bands of at most
//! [`BAND_ROWS`] raster rows: some drivers refuse one huge bitmap.

use super::escpos::Raster;

/// The raster is drawn at the printer's resolution up to this; above it, text is as sharp
/// to the eye and a 1,200 dpi A4 sheet would be 17 MB of bits.
pub const MAX_RASTER_DPI: u32 = 600;
/// Raster rows per `StretchDIBits` call.
pub const BAND_ROWS: u32 = 512;
const MM_PER_INCH: f64 = 25.4;

/// What `GetDeviceCaps` says of the printer's page, in device units (dots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    /// LOGPIXELSX / LOGPIXELSY.
    pub dpi_x: u32,
    pub dpi_y: u32,
    /// PHYSICALWIDTH / PHYSICALHEIGHT: the whole sheet.
    pub physical_w: u32,
    pub physical_h: u32,
    /// PHYSICALOFFSETX / PHYSICALOFFSETY: where the printable area starts on the sheet.
    pub offset_x: u32,
    pub offset_y: u32,
    /// HORZRES / VERTRES: the printable area.
    pub printable_w: u32,
    pub printable_h: u32,
}

/// How one layout page goes to the printer: the raster to draw and the sheets it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Resolution the page is rasterised at (dots per inch).
    pub raster_dpi: u32,
    /// Raster width in dots (the `dots` of `rasterize`) and height in rows.
    pub raster_w: u32,
    pub raster_h: u32,
    pub sheets: Vec<Sheet>,
}

/// One printed sheet: which raster rows, and where they land (device units, relative to
/// the printable area's corner; negative = in the unprintable margin, clipped).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub rows: std::ops::Range<u32>,
    pub bands: Vec<Band>,
}

/// One `StretchDIBits` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// First raster row and number of rows.
    pub row: u32,
    pub rows: u32,
    /// Destination rectangle in device units.
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// Plans a layout page of `width_mm` × `height_mm` on `dev`. `sheet` is true for a page
/// that is the paper itself (A4), false for a ticket that is only as long as its content.
pub fn plan(width_mm: f32, height_mm: f32, sheet: bool, dev: &Device) -> Plan {
    let raster_dpi = dev.dpi_x.min(dev.dpi_y).clamp(72, MAX_RASTER_DPI);
    let dots = |mm: f32| (mm as f64 * raster_dpi as f64 / MM_PER_INCH).round() as u32;
    let raster_w = dots(width_mm).max(8);
    // What `rasterize` makes (same f32 arithmetic): the height at the width's dots per mm.
    let raster_h = (height_mm * (raster_w as f32 / width_mm)).ceil() as u32;
    // Device units per raster dot.
    let sx = dev.dpi_x as f64 / raster_dpi as f64;
    let sy = dev.dpi_y as f64 / raster_dpi as f64;
    let (w_dev, h_dev) = (raster_w as f64 * sx, raster_h as f64 * sy);
    let mut sheets = Vec::new();
    if sheet {
        // At its true place on the paper; shrunk to the sheet if the paper is smaller.
        let fit =
            shrink(dev.physical_w as f64, w_dev, sx).min(shrink(dev.physical_h as f64, h_dev, sy));
        let (x, y) = (-(dev.offset_x as i32), -(dev.offset_y as i32));
        sheets.push(Sheet {
            rows: 0..raster_h,
            bands: bands(0..raster_h, x, y, sx * fit, sy * fit, raster_w),
        });
    } else {
        // A ticket: at the printable corner, narrowed only if wider than the printable
        // width, continued on further sheets when longer than one.
        let fit = shrink(dev.printable_w as f64, w_dev, sx);
        let per_sheet = ((dev.printable_h as f64 / (sy * fit)).floor() as u32).max(1);
        let mut start = 0;
        while start < raster_h {
            let end = (start + per_sheet).min(raster_h);
            sheets.push(Sheet {
                rows: start..end,
                bands: bands(start..end, 0, 0, sx * fit, sy * fit, raster_w),
            });
            start = end;
        }
    }
    Plan {
        raster_dpi,
        raster_w,
        raster_h,
        sheets,
    }
}

/// The factor that fits `need` device units into `avail`: 1 unless it overflows by more
/// than two raster dots of size `dot` (the raster rounds its width to whole dots and its
/// height up, up to two dots past the exact page: no reason to shrink it).
fn shrink(avail: f64, need: f64, dot: f64) -> f64 {
    if need > avail + 2.0 * dot {
        avail / need
    } else {
        1.0
    }
}

/// Rows `rows` in bands of at most `BAND_ROWS`, the first at device (`x`, `y`), each
/// band's edges rounded from the exact positions so bands meet without gaps.
fn bands(rows: std::ops::Range<u32>, x: i32, y: i32, sx: f64, sy: f64, raster_w: u32) -> Vec<Band> {
    let w = (raster_w as f64 * sx).round() as i32;
    let top = |row: u32| y + ((row - rows.start) as f64 * sy).round() as i32;
    let mut out = Vec::new();
    let mut row = rows.start;
    while row < rows.end {
        let n = BAND_ROWS.min(rows.end - row);
        out.push(Band {
            row,
            rows: n,
            x,
            y: top(row),
            w,
            h: top(row + n) - top(row),
        });
        row += n;
    }
    out
}

/// Rows `row..row + rows` of `r` as a top-down 1-bit DIB: each row padded to a multiple
/// of 4 bytes (GDI's stride), the raster's bits inverted so that 0 = palette entry 0
/// (black) and 1 = entry 1 (white). Why white as entry 1: a driver may paint the band with
/// entry 1 and then mask entry 0 over it (Wine's PostScript driver does); with black as
/// entry 1 that left a black hairline along band edges, with white nothing shows.
pub fn dib_rows(r: &Raster, row: u32, rows: u32) -> Vec<u8> {
    let src = r.row_bytes() as usize;
    let stride = src.div_ceil(4) * 4;
    let mut out = vec![0xffu8; stride * rows as usize];
    for i in 0..rows as usize {
        let from = (row as usize + i) * src;
        for (o, b) in out[i * stride..i * stride + src]
            .iter_mut()
            .zip(&r.bits[from..from + src])
        {
            *o = !b;
        }
    }
    out
}

/// Prints `layout` on the Windows printer `printer` (the default one when `None`)
/// through GDI. Blocking: run it on a worker.
#[cfg(windows)]
pub fn print(
    layout: &super::layout::ReceiptLayout,
    printer: Option<&str>,
) -> Result<(), super::print::PrintError> {
    use super::print::PrintError;
    use super::spooler::{check_ready, default_printer, from_win32, wide};
    let name = match printer {
        Some(p) => p.to_string(),
        None => default_printer().ok_or(PrintError::NoPrinter)?,
    };
    // An unplugged or paused printer still gives a device context: ask the spooler first.
    check_ready(&name)?;
    let device = wide(&name);
    // SAFETY: `device` is a live NUL-terminated buffer; the DC is deleted on every path.
    let hdc = unsafe {
        windows_sys::Win32::Graphics::Gdi::CreateDCW(
            std::ptr::null(),
            device.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if hdc.is_null() {
        return Err(from_win32(
            &name,
            "CreateDCW",
            std::io::Error::last_os_error(),
        ));
    }
    let result = unsafe { print_on(hdc, layout, &name) };
    // SAFETY: created above, not used after this.
    unsafe { windows_sys::Win32::Graphics::Gdi::DeleteDC(hdc) };
    if result.is_ok() {
        log::info!(
            "printed {} ({} pages) on {name} through GDI",
            layout.title,
            layout.pages.len()
        );
    }
    result
}

/// The document on an open printer DC: caps, StartDocW, the sheets, EndDoc (AbortDoc on
/// any failure after StartDocW, so no half job stays queued).
///
/// # Safety
/// `hdc` must be a valid printer device context.
#[cfg(windows)]
unsafe fn print_on(
    hdc: windows_sys::Win32::Graphics::Gdi::HDC,
    layout: &super::layout::ReceiptLayout,
    name: &str,
) -> Result<(), super::print::PrintError> {
    use super::layout::ReceiptLayout;
    use super::spooler::{from_win32, wide};
    use crate::store::Paper;
    use windows_sys::Win32::Graphics::Gdi::{
        BI_RGB, BITMAPINFOHEADER, COLORONCOLOR, DIB_RGB_COLORS, GetDeviceCaps, HALFTONE, HORZRES,
        LOGPIXELSX, LOGPIXELSY, PHYSICALHEIGHT, PHYSICALOFFSETX, PHYSICALOFFSETY, PHYSICALWIDTH,
        RGBQUAD, SRCCOPY, SetBrushOrgEx, SetStretchBltMode, StretchDIBits, VERTRES,
    };
    use windows_sys::Win32::Storage::Xps::{
        AbortDoc, DOCINFOW, EndDoc, EndPage, StartDocW, StartPage,
    };
    /// BITMAPINFO with its two palette entries (the SDK's struct declares one).
    #[repr(C)]
    struct Mono {
        header: BITMAPINFOHEADER,
        colors: [RGBQUAD; 2],
    }
    let fail = |step| from_win32(name, step, std::io::Error::last_os_error());
    // SAFETY (whole body): `hdc` is valid (caller); every pointer passed points into a
    // live buffer of this function for the duration of the call.
    unsafe {
        let cap = |i: u32| GetDeviceCaps(hdc, i as i32).max(0) as u32;
        let dev = Device {
            dpi_x: cap(LOGPIXELSX),
            dpi_y: cap(LOGPIXELSY),
            physical_w: cap(PHYSICALWIDTH),
            physical_h: cap(PHYSICALHEIGHT),
            offset_x: cap(PHYSICALOFFSETX),
            offset_y: cap(PHYSICALOFFSETY),
            printable_w: cap(HORZRES),
            printable_h: cap(VERTRES),
        };
        log::info!("printer {name}: {dev:?}");
        if dev.dpi_x == 0 || dev.dpi_y == 0 || dev.printable_w == 0 || dev.printable_h == 0 {
            return Err(super::print::PrintError::Spooler {
                printer: name.to_string(),
                step: "GetDeviceCaps",
                code: 0,
                source: std::io::Error::other("the driver reports no page size"),
            });
        }
        let doc_name = wide(&layout.title);
        let info = DOCINFOW {
            cbSize: std::mem::size_of::<DOCINFOW>() as i32,
            lpszDocName: doc_name.as_ptr(),
            lpszOutput: std::ptr::null(),
            lpszDatatype: std::ptr::null(),
            fwType: 0,
        };
        if StartDocW(hdc, &info) <= 0 {
            return Err(fail("StartDocW"));
        }
        let sheet = layout.paper == Paper::A4;
        for page in &layout.pages {
            let p = plan(page.width_mm, page.height_mm, sheet, &dev);
            let one = ReceiptLayout {
                pages: vec![page.clone()],
                ..layout.clone()
            };
            let raster = super::escpos::rasterize(&one, p.raster_w);
            let bmi = Mono {
                header: BITMAPINFOHEADER {
                    biSize: std::mem::size_of::<BITMAPINFOHEADER>() as u32,
                    biWidth: raster.width as i32,
                    biHeight: 0,
                    biPlanes: 1,
                    biBitCount: 1,
                    biCompression: BI_RGB,
                    biSizeImage: 0,
                    biXPelsPerMeter: 0,
                    biYPelsPerMeter: 0,
                    biClrUsed: 2,
                    biClrImportant: 2,
                },
                // Entry 0 black, entry 1 white (`dib_rows` inverts the raster's bits).
                colors: [
                    RGBQUAD {
                        rgbBlue: 0,
                        rgbGreen: 0,
                        rgbRed: 0,
                        rgbReserved: 0,
                    },
                    RGBQUAD {
                        rgbBlue: 255,
                        rgbGreen: 255,
                        rgbRed: 255,
                        rgbReserved: 0,
                    },
                ],
            };
            for s in &p.sheets {
                if StartPage(hdc) <= 0 {
                    let e = fail("StartPage");
                    AbortDoc(hdc);
                    return Err(e);
                }
                // Shrinking (a sheet on smaller paper) must average, not drop, thin rules.
                let shrinking = s.bands.first().is_some_and(|b| (b.w as u32) < raster.width);
                if shrinking {
                    SetStretchBltMode(hdc, HALFTONE);
                    SetBrushOrgEx(hdc, 0, 0, std::ptr::null_mut());
                } else {
                    SetStretchBltMode(hdc, COLORONCOLOR);
                }
                for b in &s.bands {
                    let rows = b.rows.min(raster.height.saturating_sub(b.row));
                    if rows == 0 {
                        continue;
                    }
                    let bits = dib_rows(&raster, b.row, rows);
                    let mut header = bmi.header;
                    header.biHeight = -(rows as i32); // top-down
                    let band_bmi = Mono {
                        header,
                        colors: bmi.colors,
                    };
                    let drawn = StretchDIBits(
                        hdc,
                        b.x,
                        b.y,
                        b.w,
                        b.h,
                        0,
                        0,
                        p.raster_w as i32,
                        rows as i32,
                        bits.as_ptr().cast(),
                        (&band_bmi as *const Mono).cast(),
                        DIB_RGB_COLORS,
                        SRCCOPY,
                    );
                    if drawn <= 0 {
                        let e = fail("StretchDIBits");
                        AbortDoc(hdc);
                        return Err(e);
                    }
                }
                if EndPage(hdc) <= 0 {
                    let e = fail("EndPage");
                    AbortDoc(hdc);
                    return Err(e);
                }
            }
        }
        // Only now is the job whole in the spooler.
        if EndDoc(hdc) <= 0 {
            let e = fail("EndDoc");
            AbortDoc(hdc);
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A4 on a 600 dpi laser: 4,960 × 7,016 dots, 4.2 mm unprintable on each side.
    const LASER_600: Device = Device {
        dpi_x: 600,
        dpi_y: 600,
        physical_w: 4960,
        physical_h: 7016,
        offset_x: 100,
        offset_y: 100,
        printable_w: 4760,
        printable_h: 6816,
    };

    fn rows_covered(p: &Plan) -> Vec<u32> {
        p.sheets
            .iter()
            .flat_map(|s| s.bands.iter().flat_map(|b| b.row..b.row + b.rows))
            .collect()
    }

    #[test]
    fn an_a4_page_is_drawn_at_true_size_where_it_lies_on_the_sheet() {
        let p = plan(210.0, 297.0, true, &LASER_600);
        assert_eq!(p.raster_dpi, 600);
        assert_eq!((p.raster_w, p.raster_h), (4961, 7017));
        assert_eq!(p.sheets.len(), 1);
        let first = p.sheets[0].bands[0];
        // The sheet's corner is 100 dots up-left of the printable area's.
        assert_eq!((first.x, first.y), (-100, -100));
        assert_eq!(first.w, 4961);
        // Bands tile the page: every row once, in order, no gap between destinations.
        assert_eq!(rows_covered(&p), (0..7017).collect::<Vec<_>>());
        let bands = &p.sheets[0].bands;
        assert_eq!(bands.len(), 7017usize.div_ceil(BAND_ROWS as usize));
        for w in bands.windows(2) {
            assert_eq!(w[0].y + w[0].h, w[1].y);
        }
        assert!(bands.iter().all(|b| b.rows <= BAND_ROWS));
    }

    #[test]
    fn a_1200_dpi_printer_gets_a_600_dpi_raster_stretched_two_to_one() {
        let dev = Device {
            dpi_x: 1200,
            dpi_y: 1200,
            physical_w: 9921,
            physical_h: 14031,
            offset_x: 200,
            offset_y: 200,
            printable_w: 9521,
            printable_h: 13631,
        };
        let p = plan(210.0, 297.0, true, &dev);
        assert_eq!(p.raster_dpi, MAX_RASTER_DPI);
        let b = p.sheets[0].bands[0];
        assert_eq!(b.w, 2 * p.raster_w as i32);
        assert_eq!(b.h, 2 * b.rows as i32);
        // Unequal resolutions (600 × 1200): the lower one, each axis stretched to its own.
        let p = plan(210.0, 297.0, true, &Device { dpi_x: 600, ..dev });
        assert_eq!(p.raster_dpi, 600);
        let b = p.sheets[0].bands[0];
        assert_eq!((b.w, b.h), (p.raster_w as i32, 2 * b.rows as i32));
    }

    #[test]
    fn an_a4_page_on_letter_paper_is_shrunk_to_the_sheet() {
        // US Letter at 300 dpi: 2,550 × 3,300 dots; A4 is 2,480 × 3,508.
        let letter = Device {
            dpi_x: 300,
            dpi_y: 300,
            physical_w: 2550,
            physical_h: 3300,
            offset_x: 50,
            offset_y: 50,
            printable_w: 2450,
            printable_h: 3200,
        };
        let p = plan(210.0, 297.0, true, &letter);
        let bands = &p.sheets[0].bands;
        let last = bands.last().unwrap();
        assert!(last.y + last.h - bands[0].y <= 3300, "fits the sheet");
        assert!(
            bands[0].w < p.raster_w as i32,
            "narrower by the same factor"
        );
    }

    #[test]
    fn a_long_ticket_continues_on_the_next_sheet() {
        // An 80 mm ticket 700 mm long on the laser: A4's printable height is ~288 mm.
        let p = plan(80.0, 700.0, false, &LASER_600);
        assert_eq!(p.raster_w, 1890);
        assert_eq!(p.sheets.len(), 3);
        assert_eq!(rows_covered(&p), (0..p.raster_h).collect::<Vec<_>>());
        for s in &p.sheets {
            let first = s.bands[0];
            assert_eq!((first.x, first.y), (0, 0), "at the printable corner");
            let last = s.bands.last().unwrap();
            assert!(last.y + last.h <= LASER_600.printable_h as i32);
        }
        // A short ticket is one sheet.
        assert_eq!(plan(80.0, 120.0, false, &LASER_600).sheets.len(), 1);
    }

    #[test]
    fn a_ticket_wider_than_the_printable_width_is_narrowed() {
        // A 58 mm roll printer's driver: 203 dpi, 48 mm printable (384 dots).
        let roll = Device {
            dpi_x: 203,
            dpi_y: 203,
            physical_w: 463,
            physical_h: 26_000,
            offset_x: 40,
            offset_y: 0,
            printable_w: 384,
            printable_h: 26_000,
        };
        let p = plan(80.0, 150.0, false, &roll);
        assert_eq!(p.raster_dpi, 203);
        assert_eq!(p.sheets[0].bands[0].w, 384);
    }

    #[test]
    fn dib_rows_are_inverted_and_padded_to_four_bytes() {
        // 72 dots = 9 bytes a row → 12-byte stride.
        let r = Raster {
            width: 72,
            height: 3,
            bits: (0..27).collect(),
        };
        let d = dib_rows(&r, 1, 2);
        assert_eq!(d.len(), 24);
        let inverted = |range: std::ops::Range<u8>| range.map(|b| !b).collect::<Vec<u8>>();
        assert_eq!(&d[..9], &inverted(9..18)[..]);
        assert_eq!(&d[12..21], &inverted(18..27)[..]);
        // Raster byte 9 = 0b0000_1001: its first dot is white → DIB bit 1 (entry 1, white);
        // its fifth dot is black → DIB bit 0 (entry 0, black).
        assert_eq!(d[0] & 0x80, 0x80);
        assert_eq!(d[0] & 0x08, 0);
    }
}
