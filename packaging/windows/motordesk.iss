; Inno Setup 6 script for MotorDesk (x64 only).
;
; - The kiosk is one executable (fonts embedded, icon and version info from build.rs);
;   nothing else is needed beside it (static C runtime, see .cargo/config.toml).
; - Data: %ProgramData%\MotorDesk, shared by every Windows user of the PC; the Users group
;   gets modify rights on it so any cashier's login opens the same store. The first start
;   of this version moves an older per-user store (%APPDATA%\MotorDesk\MotorDesk\data)
;   there (src/datadir.rs). Uninstalling never deletes it: it holds the shop's sales.
; - Autostart (task, on by default): a shortcut in the common Startup folder opens the
;   kiosk full screen (--kiosk) at every Windows login.
; - Server (optional component): motordesk-server.exe as the Windows service
;   MotorDeskServidor (--service: it answers the service control protocol, so Stop and a
;   Windows shutdown end it gracefully), automatic start, restarted by the service manager
;   if it fails, log in %ProgramData%\MotorDesk\servidor\motordesk-server.log, with an
;   inbound firewall rule for its port (8787).
[Setup]
AppId={{6F1C2A47-3B8E-4D5A-9C61-2E7B0D4F8A13}
AppName=MotorDesk
AppVersion=0.1.0
AppPublisher=MotorDesk
AppVerName=MotorDesk 0.1.0
DefaultDirName={autopf}\MotorDesk
DefaultGroupName=MotorDesk
DisableProgramGroupPage=yes
OutputDir=..\..\target\installer
OutputBaseFilename=MotorDesk-Setup
SetupIconFile=..\..\assets\motordesk.ico
UninstallDisplayIcon={app}\motordesk.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
CloseApplications=yes

[Languages]
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Types]
Name: "caja"; Description: "Caja (solo el kiosco)"
Name: "servidor"; Description: "Caja y servidor de la tienda"
Name: "custom"; Description: "Personalizada"; Flags: iscustom

[Components]
Name: "kiosco"; Description: "MotorDesk (kiosco de caja)"; Types: caja servidor custom; Flags: fixed
Name: "servidor"; Description: "Servidor MotorDesk (sincroniza las cajas; arranca con Windows)"; Types: servidor

[Tasks]
Name: "autostart"; Description: "Abrir MotorDesk en pantalla completa al iniciar sesión en Windows"; Components: kiosco
Name: "desktopicon"; Description: "Acceso directo en el escritorio"; Components: kiosco

[Dirs]
; Shared data: every user may read and write (the store is sealed with its own keys).
Name: "{commonappdata}\MotorDesk"; Permissions: users-modify; Flags: uninsneveruninstall
Name: "{commonappdata}\MotorDesk\servidor"; Permissions: users-readexec; Flags: uninsneveruninstall; Components: servidor

[Files]
Source: "..\..\target\release\motordesk.exe"; DestDir: "{app}"; Flags: ignoreversion; Components: kiosco
Source: "..\..\target\release\motordesk-server.exe"; DestDir: "{app}"; Flags: ignoreversion; Components: servidor
Source: "..\..\fonts\LICENSE-DejaVu.txt"; DestDir: "{app}\licenses"; Flags: ignoreversion

[Icons]
Name: "{group}\MotorDesk"; Filename: "{app}\motordesk.exe"; Parameters: "--kiosk"
Name: "{group}\MotorDesk (ventana)"; Filename: "{app}\motordesk.exe"
Name: "{autodesktop}\MotorDesk"; Filename: "{app}\motordesk.exe"; Parameters: "--kiosk"; Tasks: desktopicon
Name: "{commonstartup}\MotorDesk"; Filename: "{app}\motordesk.exe"; Parameters: "--kiosk"; Tasks: autostart

[Run]
; Server: a service that starts with Windows (as LocalSystem), restarted 5 s after a
; failure; by hand: sc start / sc stop MotorDeskServidor.
Filename: "{sys}\sc.exe"; Parameters: "create MotorDeskServidor binPath= ""\""{app}\motordesk-server.exe\"" --service --addr 0.0.0.0:8787 --data-dir \""{commonappdata}\MotorDesk\servidor\"""" start= auto DisplayName= ""MotorDesk Servidor"""; Flags: runhidden; Components: servidor; StatusMsg: "Instalando el servicio del servidor..."
Filename: "{sys}\sc.exe"; Parameters: "description MotorDeskServidor ""Servidor de sincronización de MotorDesk (envío a SUNAT, respaldo de los kioscos)"""; Flags: runhidden; Components: servidor
Filename: "{sys}\sc.exe"; Parameters: "failure MotorDeskServidor reset= 86400 actions= restart/5000/restart/5000/restart/60000"; Flags: runhidden; Components: servidor
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""MotorDesk Servidor"" dir=in action=allow protocol=TCP localport=8787 program=""{app}\motordesk-server.exe"""; Flags: runhidden; Components: servidor; StatusMsg: "Abriendo el puerto 8787 en el firewall..."
Filename: "{sys}\sc.exe"; Parameters: "start MotorDeskServidor"; Flags: runhidden; Components: servidor
Filename: "{app}\motordesk.exe"; Description: "Abrir MotorDesk"; Flags: nowait postinstall skipifsilent; Components: kiosco

[UninstallRun]
Filename: "{sys}\sc.exe"; Parameters: "stop MotorDeskServidor"; Flags: runhidden; RunOnceId: "StopServer"; Components: servidor
Filename: "{sys}\sc.exe"; Parameters: "delete MotorDeskServidor"; Flags: runhidden; RunOnceId: "DeleteServerService"; Components: servidor
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""MotorDesk Servidor"""; Flags: runhidden; RunOnceId: "DeleteFirewallRule"; Components: servidor
; {commonappdata}\MotorDesk is never removed (uninsneveruninstall above): the sales stay.
