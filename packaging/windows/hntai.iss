; HNTAI for Windows: Inno Setup 6 script. See README.md beside it (it cannot be built on
; the Linux build machine). Per-machine install into Program Files; silent installs with
;   hntai-setup-<version>.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG=<file>
; The file list, the ProgramData directories and the policy file come from
; packaging/layout.toml through `python packaging\layout.py iss` (shared with the .deb).

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=0.1.0 packaging\windows\hntai.iss
#endif

[Setup]
AppId={{6F1C2B7E-4A8D-4C21-9B3E-5D0A7E9F1C42}
AppName=HNTAI
AppVersion={#AppVersion}
AppPublisher=HNTAI
DefaultDirName={autopf}\HNTAI
DefaultGroupName=HNTAI
DisableProgramGroupPage=yes
; Per machine: Program Files, ProgramData and the machine PATH need an administrator.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesEnvironment=yes
CloseApplications=yes
SetupIconFile=..\..\build\icons\hntai.ico
UninstallDisplayIcon={app}\hntai.ico
OutputDir=..\..\build
OutputBaseFilename=hntai-setup-{#AppVersion}
; Model weights do not compress: fast settings lose little.
Compression=lzma2/fast
SolidCompression=no
WizardStyle=modern

[Tasks]
Name: desktopicon; Description: "Create a desktop shortcut"; Flags: unchecked

; [Dirs] [Files] [Icons] from packaging/layout.toml.
#include "..\..\build\layout.generated.iss"

[Registry]
; hntai.exe and the bundled tesseract.exe on the machine PATH (the engine runs `tesseract`).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app};{app}\tesseract"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\hntai-desktop.exe"; Description: "Start HNTAI"; Flags: nowait postinstall skipifsilent unchecked

[Code]
const
  EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE, EnvKey, 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure RemoveFromPath(Dir: string);
var
  Path: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE, EnvKey, 'Path', Path) then
    exit;
  Path := ';' + Path + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Path));
  if P = 0 then
    exit;
  Delete(Path, P, Length(Dir) + 1);
  Path := Copy(Path, 2, Length(Path) - 2);
  RegWriteExpandStringValue(HKEY_LOCAL_MACHINE, EnvKey, 'Path', Path);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { Program files go; %ProgramData%\HNTAI (policy, models, data) stays: see README.md. }
  if CurUninstallStep = usPostUninstall then
  begin
    RemoveFromPath(ExpandConstant('{app}\tesseract'));
    RemoveFromPath(ExpandConstant('{app}'));
  end;
end;
