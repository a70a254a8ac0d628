//! Windows builds only: puts the icon (`assets/motordesk.ico`) and the version
//! information (product, company, version from Cargo.toml) into `motordesk.exe`, so
//! Explorer, the taskbar and the installer show them. Other targets do nothing here.
//!
//! No build dependency: the GNU target compiles a small `.rc` with mingw's `windres`
//! into a COFF object handed to the linker; the MSVC target uses `rc.exe` (on PATH in a
//! Visual Studio developer shell, which `packaging/windows/build.ps1` needs anyway) and
//! links the `.res`. A missing resource compiler is a warning, not a failed build: the
//! exe then simply has no icon.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/motordesk.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rc = out.join("motordesk.rc");
    std::fs::write(&rc, resource_script()).expect("writing the .rc into OUT_DIR");
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let compiled = if env == "msvc" {
        compile_msvc(&rc, &out)
    } else {
        compile_gnu(&rc, &out)
    };
    match compiled {
        Ok(object) => println!("cargo:rustc-link-arg-bin=motordesk={}", object.display()),
        Err(e) => println!("cargo:warning=motordesk.exe gets no icon or version info: {e}"),
    }
}

/// The icon and a VERSIONINFO block; strings in Spanish (es-PE, code page 1200 = UTF-16).
fn resource_script() -> String {
    let icon = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
        .join("assets")
        .join("motordesk.ico");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let mut parts: Vec<u16> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    parts.resize(4, 0);
    let comma = parts
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let description = std::env::var("CARGO_PKG_DESCRIPTION").unwrap_or_default();
    // windres and rc both take forward slashes; backslashes would need escaping.
    let icon = icon.to_string_lossy().replace('\\', "/");
    format!(
        r#"#pragma code_page(65001)
1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {comma}
PRODUCTVERSION {comma}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "280a04b0"
    BEGIN
      VALUE "CompanyName", "MotorDesk"
      VALUE "FileDescription", "MotorDesk - caja y taller"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "motordesk"
      VALUE "LegalCopyright", "MIT"
      VALUE "OriginalFilename", "motordesk.exe"
      VALUE "ProductName", "MotorDesk"
      VALUE "ProductVersion", "{version}"
      VALUE "Comments", "{description}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x280a, 1200
  END
END
"#
    )
}

/// mingw `windres`: `.rc` → COFF object (linked as any object file).
fn compile_gnu(rc: &Path, out: &Path) -> Result<PathBuf, String> {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let object = out.join("motordesk-res.o");
    let candidates = [format!("{arch}-w64-mingw32-windres"), "windres".to_string()];
    let mut last = String::new();
    for tool in &candidates {
        match Command::new(tool)
            .arg("--input")
            .arg(rc)
            .arg("--output-format=coff")
            .arg("--output")
            .arg(&object)
            .output()
        {
            Ok(o) if o.status.success() => return Ok(object),
            Ok(o) => {
                return Err(format!(
                    "{tool} failed: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
            }
            Err(e) => last = format!("{tool}: {e}"),
        }
    }
    Err(format!("no windres found ({last})"))
}

/// `rc.exe` from the Windows SDK: `.rc` → `.res`, which link.exe takes as an input.
fn compile_msvc(rc: &Path, out: &Path) -> Result<PathBuf, String> {
    let res = out.join("motordesk.res");
    let o = Command::new("rc.exe")
        .arg("/nologo")
        .arg("/fo")
        .arg(&res)
        .arg(rc)
        .output()
        .map_err(|e| format!("rc.exe: {e} (run from a Visual Studio developer shell)"))?;
    if o.status.success() {
        Ok(res)
    } else {
        Err(format!(
            "rc.exe failed: {}",
            String::from_utf8_lossy(&o.stdout).trim()
        ))
    }
}
