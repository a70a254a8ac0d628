# Builds the Windows kiosk, its server and the installer. Run in PowerShell on Windows with
# Rust (MSVC toolchain) and NSIS 3 installed:  .\packaging\windows\build.ps1
# (On Linux: packaging/windows/build-installer.sh from the cross-built exes.)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
cargo build --release --locked --bin motordesk --bin motordesk-server
# The root package's version, as build-installer.sh reads it.
$version = (Select-String -Path Cargo.toml -Pattern '^version\s*=\s*"([^"]+)"' |
    Select-Object -First 1).Matches[0].Groups[1].Value
$makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe"
if (-not (Test-Path $makensis)) { throw "NSIS 3 not found at $makensis" }
$bin = (Resolve-Path "target\release").Path
New-Item -ItemType Directory -Force target\installer | Out-Null
$out = (Resolve-Path "target\installer").Path
& $makensis -V2 "-DVERSION=$version" "-DBIN_DIR=$bin" "-DOUT_DIR=$out" "packaging\windows\motordesk.nsi"
if ($LASTEXITCODE -ne 0) { throw "makensis failed ($LASTEXITCODE)" }
Write-Host "Installer written to target\installer\MotorDesk-Setup-$version.exe"
