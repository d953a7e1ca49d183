@echo off
rem Generated from src/splunk/wrappers.ts (npm run generate). Do not edit.
rem splunkd runs this for the mail_metadata modular input. It needs Node.js >= 20, looked for in this order:
rem   1. TA_SER_MAIL_NODE, or [node] path in ta_ser_mail_settings.conf (local\, then default\)
rem   2. %SPLUNK_HOME%\bin\node.exe, if it is new enough
rem   3. node.exe on PATH
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..") do set "APP_DIR=%%~fI"
set "TA_SER_MAIL_APP_DIR=%APP_DIR%"
set "SETTING=%TA_SER_MAIL_NODE%"
set "CONF=%APP_DIR%\local\ta_ser_mail_settings.conf"
if not defined SETTING call :conf_node_path
set "CONF=%APP_DIR%\default\ta_ser_mail_settings.conf"
if not defined SETTING call :conf_node_path
if not defined SETTING goto search
set "SETTING=%SETTING:"=%"
if not defined SETTING goto search
if not defined SPLUNK_HOME goto search
if /i "%SETTING:~0,12%"=="$SPLUNK_HOME" set "SETTING=%SPLUNK_HOME%%SETTING:~12%"
:search
set "ONPATH="
for %%I in (node.exe) do set "ONPATH=%%~$PATH:I"
setlocal EnableDelayedExpansion
set "NODE="
set "TRIED="
set "SEP="
set "LABEL=[node] path"
set "CANDIDATE=!SETTING!"
set "WHY=not set"
call :consider
set "LABEL=$SPLUNK_HOME\bin\node.exe"
set "CANDIDATE="
if defined SPLUNK_HOME set "CANDIDATE=!SPLUNK_HOME!\bin\node.exe"
call :consider
set "LABEL=node.exe on PATH"
set "CANDIDATE=!ONPATH!"
set "WHY=not found"
call :consider
if not defined NODE (
  >&2 echo ERROR TA-ser-mail: no Node.js ^>= 20 found; tried: !TRIED!. Install Node.js 20+ and set [node] path in !APP_DIR!\local\ta_ser_mail_settings.conf
  exit /b 1
)
if defined SETTING if /i not "!NODE!"=="!SETTING!" >&2 echo WARN TA-ser-mail: [node] path !SETTING! is not usable ^(!TRIED!^); running !NODE!
if /i not "!NODE!"=="!SPLUNK_HOME!\bin\node.exe" set "OPENSSL_CONF="
setlocal DisableDelayedExpansion
"%NODE%" "%APP_DIR%\bin\ta-ser-mail.cjs" modinput mail_metadata %*
exit /b %ERRORLEVEL%

:conf_node_path
if not exist "%CONF%" exit /b 0
set "INNODE="
for /f "usebackq tokens=1,* delims==	 " %%K in ("%CONF%") do (
  set "KEY=%%K"
  call :conf_key
  if defined INNODE if /i "%%K"=="path" if not defined SETTING set "SETTING=%%L"
)
exit /b 0

:conf_key
set "KEY=%KEY:"=%"
if not defined KEY exit /b 0
if "%KEY:~0,1%"=="[" set "INNODE="
if /i "%KEY%"=="[node]" set "INNODE=1"
exit /b 0

:consider
if defined NODE exit /b 0
if not defined CANDIDATE (set "REASON=!LABEL! (!WHY!)" & goto tried)
if not exist "!CANDIDATE!" (set "REASON=!LABEL! !CANDIDATE! (not found)" & goto tried)
set "MAJOR="
for /f "tokens=1 delims=v." %%V in ('""!CANDIDATE!" --version" 2^>nul') do if not defined MAJOR set "MAJOR=%%V"
if not defined MAJOR goto no_run
set "MAJOR=%MAJOR:"=%"
if not defined MAJOR goto no_run
for /f "delims=0123456789" %%X in ("%MAJOR%") do goto no_run
if %MAJOR% LSS 20 (set "REASON=!LABEL! !CANDIDATE! (v%MAJOR%, too old)" & goto tried)
set "NODE=!CANDIDATE!"
exit /b 0
:no_run
set "REASON=!LABEL! !CANDIDATE! (does not run)"
goto tried
:tried
set "TRIED=!TRIED!!SEP!!REASON!"
set "SEP=, "
exit /b 1
