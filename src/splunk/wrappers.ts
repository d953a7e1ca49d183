/**
 * The app's bin/ wrappers, generated for every entry from one template per shell (committed;
 * the drift test regenerates them). Each finds Node.js >= 20 — TA_SER_MAIL_NODE or
 * [node] path in ta_ser_mail_settings.conf (local/ over default/), then $SPLUNK_HOME/bin/node
 * if new enough, then node on PATH — and runs the bundled bin/ta-ser-mail.cjs with the entry's
 * command. Nothing found: one line naming every candidate tried, exit 1.
 */
export interface WrapperEntry {
  /** File name without extension: the modular input scheme or the alert action. */
  name: string;
  /** What splunkd runs it for (a comment in the file). */
  what: string;
  /** Arguments before splunkd's own (--scheme, --execute …). */
  command: string[];
}

export const WRAPPER_ENTRIES: WrapperEntry[] = [
  { name: 'ser_report', what: 'the ser_report modular input', command: ['modinput', 'ser_report'] },
  { name: 'mail_metadata', what: 'the mail_metadata modular input', command: ['modinput', 'mail_metadata'] },
  { name: 'ser_secure_send', what: 'the ser_secure_send alert action', command: ['alert', 'ser_secure_send'] },
];

export const MIN_NODE_MAJOR = 20;
export const BUNDLE = 'ta-ser-mail.cjs';

export function wrapperSh(e: WrapperEntry): string {
  return `#!/bin/sh
# Generated from src/splunk/wrappers.ts (npm run generate). Do not edit.
# splunkd runs this for ${e.what}. It needs Node.js >= ${MIN_NODE_MAJOR}, looked for in this order:
#   1. TA_SER_MAIL_NODE, or [node] path in ta_ser_mail_settings.conf (local/, then default/)
#   2. $SPLUNK_HOME/bin/node, if it is new enough (Splunk 10.1+ ships none)
#   3. node on PATH
APP_DIR=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
TA_SER_MAIL_APP_DIR=$APP_DIR
export TA_SER_MAIL_APP_DIR

conf_node_path() {
  for f in "$APP_DIR/local/ta_ser_mail_settings.conf" "$APP_DIR/default/ta_ser_mail_settings.conf"; do
    [ -f "$f" ] || continue
    v=$(awk '
      /^[ \\t]*\\[/ { s = $0; gsub(/^[ \\t]*\\[|\\][ \\t\\r]*$/, "", s); next }
      s == "node" && /^[ \\t]*path[ \\t]*=/ { sub(/^[ \\t]*path[ \\t]*=[ \\t]*/, ""); sub(/[ \\t\\r]*$/, ""); print; exit }
    ' "$f")
    if [ -n "$v" ]; then
      printf '%s\\n' "$v"
      return 0
    fi
  done
  return 1
}

# Prints the major version of node $1, or fails.
node_major() {
  v=$("$1" --version 2>/dev/null) || return 1
  m=\${v#v}
  m=\${m%%.*}
  case $m in '' | *[!0-9]*) return 1 ;; esac
  printf '%s\\n' "$m"
}

NODE=
TRIED=
consider() {
  [ -n "$NODE" ] && return 0
  if [ -z "$2" ]; then
    TRIED="$TRIED, $1 (\${3:-not set})"
    return 1
  fi
  if ! command -v "$2" >/dev/null 2>&1 && [ ! -x "$2" ]; then
    TRIED="$TRIED, $1 $2 (not found)"
    return 1
  fi
  if ! major=$(node_major "$2"); then
    TRIED="$TRIED, $1 $2 (does not run)"
    return 1
  fi
  if [ "$major" -lt ${MIN_NODE_MAJOR} ]; then
    TRIED="$TRIED, $1 $2 (v$major, too old)"
    return 1
  fi
  NODE=$2
  return 0
}

SETTING=\${TA_SER_MAIL_NODE:-$(conf_node_path)}
case $SETTING in '$SPLUNK_HOME'*) SETTING="\${SPLUNK_HOME}\${SETTING#'$SPLUNK_HOME'}" ;; esac
consider "[node] path" "$SETTING"
if [ -n "$SPLUNK_HOME" ]; then consider "\\$SPLUNK_HOME/bin/node" "$SPLUNK_HOME/bin/node"; else consider "\\$SPLUNK_HOME/bin/node" ""; fi
consider "node on PATH" "$(command -v node 2>/dev/null)" "not found"

if [ -z "$NODE" ]; then
  echo "ERROR TA-ser-mail: no Node.js >= ${MIN_NODE_MAJOR} found; tried:\${TRIED#,}. Install Node.js ${MIN_NODE_MAJOR}+ and set [node] path in $APP_DIR/local/ta_ser_mail_settings.conf" >&2
  exit 1
fi
if [ -n "$SETTING" ] && [ "$NODE" != "$SETTING" ]; then
  echo "WARN TA-ser-mail: [node] path $SETTING is not usable (\${TRIED#, }); running $NODE" >&2
fi
if [ "$NODE" != "$SPLUNK_HOME/bin/node" ]; then
  # splunkd's own library path and OpenSSL config break a Node built for the host.
  unset LD_LIBRARY_PATH OPENSSL_CONF
fi
exec "$NODE" "$APP_DIR/bin/${BUNDLE}" ${e.command.join(' ')} "$@"
`;
}

export function wrapperCmd(e: WrapperEntry): string {
  const lines = [
    '@echo off',
    'rem Generated from src/splunk/wrappers.ts (npm run generate). Do not edit.',
    `rem splunkd runs this for ${e.what}. It needs Node.js >= ${MIN_NODE_MAJOR}, looked for in this order:`,
    'rem   1. TA_SER_MAIL_NODE, or [node] path in ta_ser_mail_settings.conf (local\\, then default\\)',
    'rem   2. %SPLUNK_HOME%\\bin\\node.exe, if it is new enough',
    'rem   3. node on PATH',
    'setlocal EnableExtensions EnableDelayedExpansion',
    'for %%I in ("%~dp0..") do set "APP_DIR=%%~fI"',
    'set "TA_SER_MAIL_APP_DIR=%APP_DIR%"',
    'set "NODE="',
    'set "TRIED="',
    'set "SETTING=%TA_SER_MAIL_NODE%"',
    'if not defined SETTING call :conf_node_path "%APP_DIR%\\local\\ta_ser_mail_settings.conf"',
    'if not defined SETTING call :conf_node_path "%APP_DIR%\\default\\ta_ser_mail_settings.conf"',
    'if defined SETTING if defined SPLUNK_HOME set "SETTING=!SETTING:$SPLUNK_HOME=%SPLUNK_HOME%!"',
    'call :consider "[node] path" "%SETTING%"',
    // The label has no %: `call` would expand it a second time.
    'if defined SPLUNK_HOME (call :consider "$SPLUNK_HOME\\bin\\node.exe" "%SPLUNK_HOME%\\bin\\node.exe") else (call :consider "$SPLUNK_HOME\\bin\\node.exe" "")',
    'set "ONPATH="',
    'for /f "delims=" %%N in (\'where node 2^>nul\') do if not defined ONPATH set "ONPATH=%%N"',
    'call :consider "node on PATH" "%ONPATH%" "not found"',
    'if not defined NODE (',
    // Inside a ( ) block a path must never be %-expanded: cmd parses the block after %-expansion,
    // and the ")" of "Program Files (x86)" would close it. !VAR! expands after parsing.
    `  echo ERROR TA-ser-mail: no Node.js ^>= ${MIN_NODE_MAJOR} found; tried:!TRIED:~1!. Install Node.js ${MIN_NODE_MAJOR}+ and set [node] path in !APP_DIR!\\local\\ta_ser_mail_settings.conf 1>&2`,
    '  exit /b 1',
    ')',
    // splunkd's OpenSSL configuration breaks a Node built for the host (as the .sh wrappers do).
    'if /i not "!NODE!"=="!SPLUNK_HOME!\\bin\\node.exe" set "OPENSSL_CONF="',
    `"%NODE%" "%APP_DIR%\\bin\\${BUNDLE}" ${e.command.join(' ')} %*`,
    'exit /b %ERRORLEVEL%',
    '',
    ':conf_node_path',
    'if not exist "%~1" exit /b 0',
    'set "SECTION="',
    'for /f "usebackq tokens=* delims=" %%A in ("%~1") do (',
    '  set "LINE=%%A"',
    '  if "!LINE:~0,1!"=="[" (',
    '    set "SECTION=!LINE: =!"',
    '  ) else if /i "!SECTION!"=="[node]" (',
    '    for /f "tokens=1,* delims==" %%K in ("!LINE!") do (',
    '      set "KEY=%%K"',
    '      set "KEY=!KEY: =!"',
    '      if /i "!KEY!"=="path" if not defined SETTING for /f "tokens=*" %%V in ("%%L") do set "SETTING=%%V"',
    '    )',
    '  )',
    ')',
    'exit /b 0',
    '',
    ':consider',
    'if defined NODE exit /b 0',
    'set "WHY=%~3"',
    'if not defined WHY set "WHY=not set"',
    'if "%~2"=="" (set "TRIED=!TRIED!, %~1 (!WHY!)" & exit /b 1)',
    'if not exist "%~2" (set "TRIED=!TRIED!, %~1 %~2 (not found)" & exit /b 1)',
    'set "VER="',
    // The doubled quotes survive `cmd /c`, but leave the path bare to the for-in parser: it is
    // expanded with !…!, after parsing, so "(x86)" cannot end the in ( ) clause.
    'set "CANDIDATE=%~2"',
    'for /f "delims=" %%V in (\'""!CANDIDATE!" --version" 2^>nul\') do set "VER=%%V"',
    'if not defined VER (set "TRIED=!TRIED!, %~1 %~2 (does not run)" & exit /b 1)',
    'set "VER=!VER:~1!"',
    'for /f "tokens=1 delims=." %%M in ("!VER!") do set "MAJOR=%%M"',
    `if !MAJOR! LSS ${MIN_NODE_MAJOR} (set "TRIED=!TRIED!, %~1 %~2 (v!MAJOR!, too old)" & exit /b 1)`,
    'set "NODE=%~2"',
    'exit /b 0',
    '',
  ];
  // Windows batch files want CRLF line ends.
  return lines.join('\r\n');
}
