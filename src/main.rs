//! The MotorDesk kiosk: flags, data dir, optional demo store, then the eframe window.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

mod datadir;
mod window;

use motordesk::store::{DB_FILE, Store, create_private_dir};
use motordesk::ui::{AppOptions, KioskApp, PanelId};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "motordesk [--data-dir DIR] [--demo] [--demo-invoices N] [--kiosk] [--server URL]
          [--panel ventas|comprobantes|caja|resumen|clientes|flota|recordatorios|sincronizacion|ajustes] [--autologin] [--no-print]
          [--demo-printer PRINTER] [--demo-paper 80|58|a4]

  --data-dir DIR      where the store and saved receipts live (default: %ProgramData%\\MotorDesk
                      on Windows, shared by every user; the user's data dir elsewhere)
  --demo              create a demo store (admin / motordesk) if none exists
  --demo-invoices N   documents in the demo history (default 2000)
  --kiosk             fullscreen, no window decorations
  --server URL        MotorDesk server to sync with (saved in the settings)
  --panel NAME        panel shown after login
  --autologin         with --demo only: log in as admin straight away (screenshots)
  --no-print          save receipt PDFs but do not send them to the printer
  --demo-printer P    with --demo, when the demo store is created: its printer setting
                      (tcp://IP[:9100], escpos://QUEUE or a queue name; smoke tests)
  --demo-paper P      with --demo, when the demo store is created: its paper (80, 58, a4)

  MOTORDESK_RENDERER=glow|wgpu   try only that renderer (default: glow, then wgpu on Windows)

motordesk export-xml --data-dir DIR --user U --password P --out OUTDIR [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                      writes every signed comprobante as RUC-TT-SERIE-NUMERO.xml (no window)";

#[derive(Debug, Default)]
struct Args {
    data_dir: Option<PathBuf>,
    demo: bool,
    demo_invoices: usize,
    kiosk: bool,
    server: Option<String>,
    panel: Option<PanelId>,
    autologin: bool,
    no_print: bool,
    demo_printer: Option<String>,
    demo_paper: Option<motordesk::store::Paper>,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        demo_invoices: 2000,
        ..Args::default()
    };
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--data-dir" => a.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--demo" => a.demo = true,
            "--demo-invoices" => {
                let v = value("--demo-invoices")?;
                a.demo_invoices = v
                    .parse()
                    .map_err(|_| format!("--demo-invoices: not a number: {v}"))?;
            }
            "--kiosk" => a.kiosk = true,
            "--server" => a.server = Some(value("--server")?),
            "--panel" => {
                let v = value("--panel")?;
                a.panel = Some(PanelId::parse(&v).ok_or(format!("unknown panel {v:?}"))?);
            }
            "--autologin" => a.autologin = true,
            "--no-print" => a.no_print = true,
            "--demo-printer" => a.demo_printer = Some(value("--demo-printer")?),
            "--demo-paper" => {
                use motordesk::store::Paper;
                a.demo_paper = Some(match value("--demo-paper")?.as_str() {
                    "80" => Paper::Ticket80,
                    "58" => Paper::Ticket58,
                    "a4" | "A4" => Paper::A4,
                    other => return Err(format!("--demo-paper: 80, 58 or a4, not {other:?}")),
                })
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    Ok(a)
}

/// `--demo`: creates and fills a store if there is none. Returns the open store when
/// `--autologin` asked for it.
fn prepare_demo(
    data_dir: &std::path::Path,
    invoices: usize,
    autologin: bool,
    printer: Option<&str>,
    paper: Option<motordesk::store::Paper>,
) -> Result<Option<Store>, String> {
    let db = data_dir.join(DB_FILE);
    let exists = Store::is_initialized(&db).map_err(|e| e.to_string())?;
    let store = if exists {
        log::info!("demo: using existing store at {}", db.display());
        None
    } else {
        log::info!(
            "demo: creating store at {} with {invoices} documents",
            db.display()
        );
        let mut store =
            Store::create(&db, "admin", "motordesk", "Administrador").map_err(|e| e.to_string())?;
        let started = std::time::Instant::now();
        let report = motordesk::demo::generate(&store, invoices, 42).map_err(|e| e.to_string())?;
        // The bulk load leaves freed pages behind; give them back once.
        store.compact().map_err(|e| e.to_string())?;
        if let Some(p) = printer {
            let mut settings = store.settings().map_err(|e| e.to_string())?;
            settings.printer = Some(p.to_string());
            store.save_settings(&settings).map_err(|e| e.to_string())?;
            log::info!("demo: printer set to {p}");
        }
        if let Some(paper) = paper {
            let mut settings = store.settings().map_err(|e| e.to_string())?;
            settings.receipt_format = paper;
            store.save_settings(&settings).map_err(|e| e.to_string())?;
            log::info!("demo: paper set to {}", paper.label());
        }
        log::info!(
            "demo data ready in {:.1} s: {report:?}",
            started.elapsed().as_secs_f32()
        );
        Some(store)
    };
    if !autologin {
        return Ok(None);
    }
    let store = match store {
        Some(s) => s,
        None => {
            Store::unlock(&db, "admin", "motordesk").map_err(|e| format!("demo autologin: {e}"))?
        }
    };
    // What the login screen does after a login: seal receipts an older version left.
    let receipts = motordesk::receipt::receipts_dir(data_dir);
    if let Err(e) = motordesk::receipt::seal_plain_receipts(&store, &receipts) {
        log::error!("sealing old receipt PDFs in {}: {e}", receipts.display());
    }
    Ok(Some(store))
}

/// `motordesk export-xml ...`: no window; exit 0 on success, 1 when the store refused,
/// 2 on bad flags.
fn export_xml(args: impl Iterator<Item = String>) -> ExitCode {
    use motordesk::export::{ExportError, ExportOptions, export_xml};
    let result = ExportOptions::parse(args).and_then(|o| export_xml(&o).map(|r| (o, r)));
    match result {
        Ok((o, r)) => {
            println!(
                "{} comprobantes and {} CDRs written to {}{}",
                r.written,
                r.cdrs,
                o.out.display(),
                if r.unsigned_skipped > 0 {
                    format!(
                        "; {} not signed yet (import the certificate in Ajustes) were left out",
                        r.unsigned_skipped
                    )
                } else {
                    String::new()
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("export-xml: {e}");
            ExitCode::from(if matches!(e, ExportError::Usage(_)) {
                2
            } else {
                1
            })
        }
    }
}

fn main() -> ExitCode {
    let mut raw = std::env::args().skip(1).peekable();
    if raw.peek().map(String::as_str) == Some("export-xml") {
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
        raw.next();
        return export_xml(raw);
    }
    let args = match parse_args(raw) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let (data_dir, moved) = match args.data_dir.clone() {
        Some(d) => (d, Vec::new()),
        None => {
            let c = datadir::default_data_dir();
            (c.dir, c.notes)
        }
    };
    // Owner only: the store and the saved receipts are sealed, but nobody else needs to
    // list or copy them either.
    if let Err(e) = create_private_dir(&data_dir) {
        env_logger::init();
        window::show_fatal(&window::fatal_text(
            &format!(
                "MotorDesk no pudo crear su carpeta de datos:\n{}",
                data_dir.display()
            ),
            &e.to_string(),
            None,
        ));
        return ExitCode::FAILURE;
    }
    motordesk::logfile::init(&data_dir);
    window::log_panics();
    log::info!(
        "motordesk {} starting; data dir: {}",
        env!("CARGO_PKG_VERSION"),
        data_dir.display()
    );
    for note in moved {
        log::warn!("data dir: {note}");
    }
    let log_dir = motordesk::logfile::log_dir(&data_dir);
    if args.autologin && !args.demo {
        log::warn!("--autologin is only honoured together with --demo; ignoring it");
    }
    let preopened = if args.demo {
        match prepare_demo(
            &data_dir,
            args.demo_invoices,
            args.autologin,
            args.demo_printer.as_deref(),
            args.demo_paper,
        ) {
            Ok(s) => s,
            Err(e) => {
                window::show_fatal(&window::fatal_text(
                    "No se pudo preparar la tienda de demostración.",
                    &e,
                    Some(&log_dir),
                ));
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };

    let mut opts = AppOptions::new(data_dir);
    opts.server_url = args.server.clone();
    opts.print = !args.no_print;
    opts.ask_opening_float = true;
    if let Some(p) = args.panel {
        opts.start_panel = p;
    }
    let app = match preopened {
        Some(store) => KioskApp::with_store(opts, store),
        None => KioskApp::new(opts),
    };

    let mut viewport = egui::ViewportBuilder::default()
        .with_title("MotorDesk")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([1024.0, 700.0]);
    if args.kiosk {
        viewport = viewport.with_fullscreen(true).with_decorations(false);
    }
    match window::run(app, viewport) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            window::show_fatal(&window::fatal_text(
                "MotorDesk no pudo abrir su ventana: ningún modo de dibujo de pantalla \
                 funcionó en este equipo (OpenGL, Direct3D, Vulkan). Instale o actualice el \
                 controlador de la tarjeta de video.",
                &e,
                Some(&log_dir),
            ));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(s.split_whitespace().map(str::to_string))
    }

    #[test]
    fn flags_parse() {
        let a =
            args("--demo --demo-invoices 50 --panel flota --autologin --data-dir /tmp/x").unwrap();
        assert!(a.demo && a.autologin);
        assert_eq!(a.demo_invoices, 50);
        assert_eq!(a.panel, Some(PanelId::Flota));
        assert_eq!(a.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(args("--panel nada").is_err());
        assert!(args("--demo-invoices").is_err());
    }
}
