@echo off
rem Generated from src/splunk/wrappers.ts (npm run generate). Do not edit.
rem splunkd runs this for the ser_secure_send alert action. It needs Node.js >= 20, looked for in this order:
rem   1. TA_SER_MAIL_NODE, or [node] path in ta_ser_mail_settings.conf (local\, then default\)
rem   2. %SPLUNK_HOME%\bin\node.exe, if it is new enough
rem   3. node on PATH
setlocal EnableExtensions EnableDelayedExpansion
for %%I in ("%~dp0..") do set "APP_DIR=%%~fI"
set "TA_SER_MAIL_APP_DIR=%APP_DIR%"
set "NODE="
set "TRIED="
set "SETTING=%TA_SER_MAIL_NODE%"
if not defined SETTING call :conf_node_path "%APP_DIR%\local\ta_ser_mail_settings.conf"
if not defined SETTING call :conf_node_path "%APP_DIR%\default\ta_ser_mail_settings.conf"
if defined SETTING if defined SPLUNK_HOME set "SETTING=!SETTING:$SPLUNK_HOME=%SPLUNK_HOME%!"
call :consider "[node] path" "%SETTING%"
if defined SPLUNK_HOME (call :consider "$SPLUNK_HOME\bin\node.exe" "%SPLUNK_HOME%\bin\node.exe") else (call :consider "$SPLUNK_HOME\bin\node.exe" "")
set "ONPATH="
for /f "delims=" %%N in ('where node 2^>nul') do if not defined ONPATH set "ONPATH=%%N"
call :consider "node on PATH" "%ONPATH%" "not found"
if not defined NODE (
  echo ERROR TA-ser-mail: no Node.js ^>= 20 found; tried:!TRIED:~1!. Install Node.js 20+ and set [node] path in !APP_DIR!\local\ta_ser_mail_settings.conf 1>&2
  exit /b 1
)
if /i not "!NODE!"=="!SPLUNK_HOME!\bin\node.exe" set "OPENSSL_CONF="
"%NODE%" "%APP_DIR%\bin\ta-ser-mail.cjs" alert ser_secure_send %*
exit /b %ERRORLEVEL%

:conf_node_path
if not exist "%~1" exit /b 0
set "SECTION="
for /f "usebackq tokens=* delims=" %%A in ("%~1") do (
  set "LINE=%%A"
  if "!LINE:~0,1!"=="[" (
    set "SECTION=!LINE: =!"
  ) else if /i "!SECTION!"=="[node]" (
    for /f "tokens=1,* delims==" %%K in ("!LINE!") do (
      set "KEY=%%K"
      set "KEY=!KEY: =!"
      if /i "!KEY!"=="path" if not defined SETTING for /f "tokens=*" %%V in ("%%L") do set "SETTING=%%V"
    )
  )
)
exit /b 0

:consider
if defined NODE exit /b 0
set "WHY=%~3"
if not defined WHY set "WHY=not set"
if "%~2"=="" (set "TRIED=!TRIED!, %~1 (!WHY!)" & exit /b 1)
if not exist "%~2" (set "TRIED=!TRIED!, %~1 %~2 (not found)" & exit /b 1)
set "VER="
set "CANDIDATE=%~2"
for /f "delims=" %%V in ('""!CANDIDATE!" --version" 2^>nul') do set "VER=%%V"
if not defined VER (set "TRIED=!TRIED!, %~1 %~2 (does not run)" & exit /b 1)
set "VER=!VER:~1!"
for /f "tokens=1 delims=." %%M in ("!VER!") do set "MAJOR=%%M"
if !MAJOR! LSS 20 (set "TRIED=!TRIED!, %~1 %~2 (v!MAJOR!, too old)" & exit /b 1)
set "NODE=%~2"
exit /b 0
