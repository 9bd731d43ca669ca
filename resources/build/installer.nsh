; Keystead's additions to electron-builder's NSIS installer (nsis.include in electron-builder.config.ts).
; keystead.cmd (next to Keystead.exe, from resources/cli) runs the command line through the app's executable;
; the installer puts the install folder on the user's PATH and the uninstaller takes it off again.
; A PATH longer than NSIS's string limit is left untouched (reading it would cut it short).
!include "StrFunc.nsh"
${StrStr}
${UnStrRep}

!macro customInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $2 $0
  ${If} $2 < ${NSIS_MAX_STRLEN}
    ${StrStr} $1 ";$0;" ";$INSTDIR;"
    ${If} $1 == ""
      ${If} $0 == ""
        WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}
!macroend

!macro customUnInstall
  ReadRegStr $0 HKCU "Environment" "Path"
  StrLen $2 $0
  ${If} $2 < ${NSIS_MAX_STRLEN}
    ${UnStrRep} $1 ";$0;" ";$INSTDIR;" ";"
    ; Drop the separators added around it above.
    StrCpy $1 $1 "" 1
    StrCpy $1 $1 -1
    ${If} $1 != $0
      WriteRegExpandStr HKCU "Environment" "Path" "$1"
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}
!macroend
