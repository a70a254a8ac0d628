; MotorDesk installer (NSIS 3, 64-bit installer, x64 Windows only). Built on Linux or
; Windows by packaging/windows/build-installer.sh / build.ps1:
;   makensis -DVERSION=<Cargo.toml version> -DBIN_DIR=<folder with the two exes> motordesk.nsi
; Why NSIS and not Inno Setup: packaging/windows/README.md (makensis is in Debian, so the
; installer is built and tested under Wine on the Linux machines; Inno is not).
;
; - The kiosk is one executable (fonts embedded, icon and version info from build.rs);
;   nothing is needed beside it (static C runtime, see .cargo/config.toml).
; - Per machine: Program Files, HKLM uninstall entry, shortcuts for every user.
; - Data: %ProgramData%\MotorDesk, shared by every Windows user of the PC; the Users group
;   gets modify rights on it so any cashier's login opens the same store. Uninstalling
;   never deletes it: it holds the shop's sales.
; - Autostart (on by default): a shortcut in the common Startup folder opens the kiosk full
;   screen (--kiosk) at every Windows login.
; - Server (optional, off by default; /SERVIDOR selects it in a silent install):
;   motordesk-server.exe as the Windows service MotorDeskServidor (--service: it answers
;   the service control protocol, so Stop and a Windows shutdown end it gracefully),
;   automatic start, restarted by the service manager after a failure, with an inbound
;   firewall rule for its port (8787) limited to that program.
;
; Silent: MotorDesk-Setup-<version>.exe /S [/SERVIDOR] [/SINAUTOINICIO]; uninstall.exe /S.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "VERSION is not defined: makensis -DVERSION=x.y.z (the version in Cargo.toml)"
!endif
!ifndef BIN_DIR
  !define BIN_DIR "..\..\target\x86_64-pc-windows-gnu\release"
!endif
!ifndef OUT_DIR
  !define OUT_DIR "..\..\target\installer"
!endif

; The AppId the Inno Setup script used: an upgrade from an Inno-built install finds it.
!define APP_ID "{6F1C2A47-3B8E-4D5A-9C61-2E7B0D4F8A13}"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define SERVICE "MotorDeskServidor"
!define SERVER_PORT 8787
!define FIREWALL_RULE "MotorDesk Servidor"
; BUILTIN\Users by SID: the group's name is "Usuarios" on a Spanish Windows.
!define USERS_SID "*S-1-5-32-545"

!include MUI2.nsh
!include x64.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh

Name "MotorDesk"
OutFile "${OUT_DIR}\MotorDesk-Setup-${VERSION}.exe"
InstallDir "$PROGRAMFILES64\MotorDesk"
BrandingText "MotorDesk ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1034 "ProductName" "MotorDesk"
VIAddVersionKey /LANG=1034 "FileDescription" "Instalador de MotorDesk"
VIAddVersionKey /LANG=1034 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1034 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1034 "CompanyName" "MotorDesk"
VIAddVersionKey /LANG=1034 "LegalCopyright" "MotorDesk"

!define MUI_ICON "..\..\assets\motordesk.ico"
!define MUI_UNICON "..\..\assets\motordesk.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\motordesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Abrir MotorDesk"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Spanish"

; Runs a command hidden and writes its exit code to the install log (never fatal: a
; missing netsh on a stripped Windows must not stop the kiosk from installing).
!macro Run CMD
  nsExec::ExecToLog '${CMD}'
  Pop $0
  DetailPrint `exit $0: ${CMD}`
!macroend

Section "MotorDesk (kiosco de caja)" SecKiosk
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${BIN_DIR}\motordesk.exe"
  SetOutPath "$INSTDIR\licenses"
  File "..\..\fonts\LICENSE-DejaVu.txt"
  SetOutPath "$INSTDIR"

  ; Shared data folder (with "all" context $APPDATA is %ProgramData%): every user may
  ; read and write; the store is sealed with its own keys.
  CreateDirectory "$APPDATA\MotorDesk"
  !insertmacro Run '"$SYSDIR\icacls.exe" "$APPDATA\MotorDesk" /grant ${USERS_SID}:(OI)(CI)M'

  CreateDirectory "$SMPROGRAMS\MotorDesk"
  CreateShortcut "$SMPROGRAMS\MotorDesk\MotorDesk.lnk" "$INSTDIR\motordesk.exe" "--kiosk" "$INSTDIR\motordesk.exe" 0
  CreateShortcut "$SMPROGRAMS\MotorDesk\MotorDesk (ventana).lnk" "$INSTDIR\motordesk.exe" "" "$INSTDIR\motordesk.exe" 0

  WriteUninstaller "$INSTDIR\uninstall.exe"
  SetRegView 64
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "MotorDesk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "MotorDesk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\motordesk.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Abrir MotorDesk en pantalla completa al iniciar Windows" SecAutostart
  SetShellVarContext all
  CreateShortcut "$SMSTARTUP\MotorDesk.lnk" "$INSTDIR\motordesk.exe" "--kiosk" "$INSTDIR\motordesk.exe" 0
SectionEnd

Section /o "Acceso directo en el escritorio" SecDesktop
  SetShellVarContext all
  CreateShortcut "$DESKTOP\MotorDesk.lnk" "$INSTDIR\motordesk.exe" "--kiosk" "$INSTDIR\motordesk.exe" 0
SectionEnd

Section /o "Servidor MotorDesk (sincroniza las cajas; arranca con Windows)" SecServer
  SetShellVarContext all
  ; An upgrade replaces a running server: stop it first (fails harmlessly on a first install).
  !insertmacro Run '"$SYSDIR\sc.exe" stop ${SERVICE}'
  Sleep 2000
  SetOutPath "$INSTDIR"
  File "${BIN_DIR}\motordesk-server.exe"
  CreateDirectory "$APPDATA\MotorDesk\servidor"
  ; A service that starts with Windows (as LocalSystem), restarted 5 s after a failure.
  !insertmacro Run '"$SYSDIR\sc.exe" create ${SERVICE} binPath= "\"$INSTDIR\motordesk-server.exe\" --service --addr 0.0.0.0:${SERVER_PORT} --data-dir \"$APPDATA\MotorDesk\servidor\"" start= auto DisplayName= "MotorDesk Servidor"'
  !insertmacro Run '"$SYSDIR\sc.exe" description ${SERVICE} "Servidor de sincronización de MotorDesk (envío a SUNAT, respaldo de los kioscos)"'
  !insertmacro Run '"$SYSDIR\sc.exe" failure ${SERVICE} reset= 86400 actions= restart/5000/restart/5000/restart/60000'
  !insertmacro Run '"$SYSDIR\netsh.exe" advfirewall firewall delete rule name="${FIREWALL_RULE}"'
  !insertmacro Run '"$SYSDIR\netsh.exe" advfirewall firewall add rule name="${FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${SERVER_PORT} program="$INSTDIR\motordesk-server.exe"'
  !insertmacro Run '"$SYSDIR\sc.exe" start ${SERVICE}'
  SetRegView 64
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "MotorDeskServer" 1
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecKiosk} "El programa de caja. Los datos quedan en %ProgramData%\MotorDesk, compartidos por todos los usuarios de Windows."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAutostart} "MotorDesk se abre solo, en pantalla completa, cada vez que alguien inicia sesión."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Un acceso directo en el escritorio de todos los usuarios."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecServer} "Solo en la PC que hará de servidor de la tienda: servicio de Windows con el puerto ${SERVER_PORT} abierto en el firewall."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "MotorDesk necesita Windows de 64 bits (x64)." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ; Command line of a silent install: /SERVIDOR adds the server, /SINAUTOINICIO leaves
  ; out the autostart shortcut.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/SERVIDOR" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecServer}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/SINAUTOINICIO" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecAutostart}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  ReadRegDWORD $0 HKLM "${UNINSTALL_KEY}" "MotorDeskServer"
  ${If} $0 == 1
    !insertmacro Run '"$SYSDIR\sc.exe" stop ${SERVICE}'
    Sleep 2000
    !insertmacro Run '"$SYSDIR\sc.exe" delete ${SERVICE}'
    !insertmacro Run '"$SYSDIR\netsh.exe" advfirewall firewall delete rule name="${FIREWALL_RULE}"'
  ${EndIf}
  Delete "$INSTDIR\motordesk.exe"
  Delete "$INSTDIR\motordesk-server.exe"
  Delete "$INSTDIR\licenses\LICENSE-DejaVu.txt"
  RMDir "$INSTDIR\licenses"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMSTARTUP\MotorDesk.lnk"
  Delete "$DESKTOP\MotorDesk.lnk"
  Delete "$SMPROGRAMS\MotorDesk\MotorDesk.lnk"
  Delete "$SMPROGRAMS\MotorDesk\MotorDesk (ventana).lnk"
  RMDir "$SMPROGRAMS\MotorDesk"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ; $APPDATA\MotorDesk (%ProgramData%\MotorDesk) is never touched: it holds the sales.
SectionEnd
