# Builds the Windows kiosk and its installer. Run in PowerShell on Windows with Rust
# (MSVC toolchain) and Inno Setup 6 installed:  .\packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
cargo build --release --locked --bin motordesk --bin motordesk-server
$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (-not (Test-Path $iscc)) { throw "Inno Setup 6 not found at $iscc" }
& $iscc "packaging\windows\motordesk.iss"
Write-Host "Installer written to target\installer\"
