//! Opening the kiosk window on whatever graphics the PC has, and saying so when none works.
//!
//! Renderers are tried in order: glow (OpenGL 2+, the one CI and Linux use), then on
//! Windows eframe's wgpu (Direct3D 12, Vulkan or its own GL path), for PCs with no vendor
//! driver whose OpenGL is Windows' 1.1. winit's event loop is made once per process and
//! eframe keeps it between `run_native` calls (`run_and_return`), so a second attempt after
//! a failed one works. Each attempt and its failure go to the log; when nothing starts,
//! Windows shows a native message box in Spanish with the log's path (a GUI exe has no
//! console), other systems write to stderr.
//!
//! `MOTORDESK_RENDERER=glow` or `=wgpu` tries only that one (support, smoke tests).

use motordesk::ui::KioskApp;
use std::path::Path;

/// One way to draw the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Glow,
    #[cfg(windows)]
    Wgpu,
}

impl Renderer {
    fn name(self) -> &'static str {
        match self {
            Renderer::Glow => "glow (OpenGL)",
            #[cfg(windows)]
            Renderer::Wgpu => "wgpu (Direct3D 12 / Vulkan / GL)",
        }
    }

    fn eframe(self) -> eframe::Renderer {
        match self {
            Renderer::Glow => eframe::Renderer::Glow,
            #[cfg(windows)]
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// The renderers to try, in order, given `MOTORDESK_RENDERER` (`None` = all).
pub fn order(forced: Option<&str>) -> Result<Vec<Renderer>, String> {
    let all = vec![
        Renderer::Glow,
        #[cfg(windows)]
        Renderer::Wgpu,
    ];
    match forced.map(str::trim) {
        None | Some("") => Ok(all),
        Some("glow") => Ok(vec![Renderer::Glow]),
        #[cfg(windows)]
        Some("wgpu") => Ok(vec![Renderer::Wgpu]),
        Some(other) => Err(format!(
            "MOTORDESK_RENDERER={other:?} is not a renderer of this build (glow{})",
            if cfg!(windows) { ", wgpu" } else { "" }
        )),
    }
}

/// Runs the window until it closes. `Err` lists every renderer tried and why it failed.
pub fn run(app: KioskApp, viewport: egui::ViewportBuilder) -> Result<(), String> {
    let forced = std::env::var("MOTORDESK_RENDERER").ok();
    let order = order(forced.as_deref())?;
    let mut slot = Some(app);
    let mut failures = Vec::new();
    for r in order {
        let Some(app) = slot.take() else {
            // The app was handed to a renderer that then failed; it cannot be rebuilt.
            break;
        };
        log::info!("window: trying renderer {}", r.name());
        let native = eframe::NativeOptions {
            viewport: viewport.clone(),
            renderer: r.eframe(),
            ..Default::default()
        };
        let mut pending = Some(app);
        let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            eframe::run_native(
                "MotorDesk",
                native,
                Box::new(|_cc| {
                    log::info!("window: renderer {} is drawing", r.name());
                    let app = pending.take().expect("the app creator runs once");
                    Ok(Box::new(app))
                }),
            )
        }));
        match started {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => {
                log::error!("window: renderer {} failed: {e}", r.name());
                failures.push(format!("{}: {e}", r.name()));
            }
            Err(panic) => {
                let why = panic_text(&*panic);
                log::error!("window: renderer {} panicked: {why}", r.name());
                failures.push(format!("{}: panic: {why}", r.name()));
            }
        }
        // Not created yet: the next renderer gets the same app (store already open).
        slot = pending.take();
    }
    Err(failures.join("; "))
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// The Spanish text shown when the kiosk cannot start: what failed, the technical detail
/// and where the log is.
pub fn fatal_text(what: &str, detail: &str, log_dir: Option<&Path>) -> String {
    let mut t = format!("{what}\n\nDetalle técnico: {detail}");
    if let Some(d) = log_dir {
        t.push_str(&format!(
            "\n\nEl registro completo está en:\n{}",
            d.join("motordesk.log").display()
        ));
    }
    t.push_str("\n\nSi el problema sigue, llame a soporte técnico con este mensaje.");
    t
}

/// Tells the person at the PC that the kiosk cannot start: a message box on Windows
/// (no console there), stderr elsewhere. Always logged too.
pub fn show_fatal(text: &str) {
    log::error!("start-up failed: {}", text.replace('\n', " "));
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            MB_ICONERROR, MB_OK, MB_SETFOREGROUND, MessageBoxW,
        };
        let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
        let (body, title) = (wide(text), wide("MotorDesk no pudo iniciar"));
        // SAFETY: both strings are NUL-terminated and outlive the call; no owner window.
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                body.as_ptr(),
                title.as_ptr(),
                MB_OK | MB_ICONERROR | MB_SETFOREGROUND,
            );
        }
    }
    #[cfg(not(windows))]
    eprintln!("{text}");
}

/// Sends panics to the log file too: on Windows stderr goes nowhere.
pub fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log::error!("panic: {info}");
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glow_is_tried_first_and_a_forced_renderer_alone() {
        let all = order(None).unwrap();
        assert_eq!(all[0], Renderer::Glow);
        assert_eq!(all.len(), if cfg!(windows) { 2 } else { 1 });
        assert_eq!(order(Some("glow")).unwrap(), vec![Renderer::Glow]);
        assert!(order(Some("direct2d")).unwrap_err().contains("direct2d"));
        #[cfg(not(windows))]
        assert!(order(Some("wgpu")).is_err(), "Linux builds carry no wgpu");
    }

    #[test]
    fn the_fatal_text_names_the_log() {
        let t = fatal_text(
            "No se pudo abrir la ventana.",
            "glow: NoGlutinConfigs",
            Some(Path::new("/datos/logs")),
        );
        assert!(t.starts_with("No se pudo abrir la ventana."));
        assert!(t.contains("glow: NoGlutinConfigs"));
        assert!(t.contains(&Path::new("/datos/logs/motordesk.log").display().to_string()));
    }
}
