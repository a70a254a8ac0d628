; Inno Setup script: one executable (fonts and assets are embedded in the binary), a
; Start-menu and desktop shortcut that opens the kiosk full screen, and an uninstaller.
; The data dir (%APPDATA%\MotorDesk\MotorDesk\data) is NOT removed on uninstall: it holds
; the shop's sales.
[Setup]
AppName=MotorDesk
AppVersion=0.1.0
AppPublisher=MotorDesk
DefaultDirName={autopf}\MotorDesk
DefaultGroupName=MotorDesk
OutputDir=..\..\target\installer
OutputBaseFilename=MotorDesk-Setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin

[Languages]
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Files]
Source: "..\..\target\release\motordesk.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\..\target\release\motordesk-server.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\..\fonts\LICENSE-DejaVu.txt"; DestDir: "{app}\licenses"; Flags: ignoreversion

[Icons]
Name: "{group}\MotorDesk"; Filename: "{app}\motordesk.exe"; Parameters: "--kiosk"
Name: "{group}\MotorDesk (ventana)"; Filename: "{app}\motordesk.exe"
Name: "{autodesktop}\MotorDesk"; Filename: "{app}\motordesk.exe"; Parameters: "--kiosk"

[Run]
Filename: "{app}\motordesk.exe"; Description: "Abrir MotorDesk"; Flags: nowait postinstall skipifsilent
