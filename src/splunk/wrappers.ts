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
    'rem   3. node.exe on PATH',
    // Paths are read with delayed expansion off, so a "!" in them survives; the search below
    // turns it on. Paths never go through `call` arguments (call expands % again, doubles ^).
    'setlocal EnableExtensions DisableDelayedExpansion',
    'for %%I in ("%~dp0..") do set "APP_DIR=%%~fI"',
    'set "TA_SER_MAIL_APP_DIR=%APP_DIR%"',
    'set "SETTING=%TA_SER_MAIL_NODE%"',
    'set "CONF=%APP_DIR%\\local\\ta_ser_mail_settings.conf"',
    'if not defined SETTING call :conf_node_path',
    'set "CONF=%APP_DIR%\\default\\ta_ser_mail_settings.conf"',
    'if not defined SETTING call :conf_node_path',
    // Windows admins quote paths; no Windows path holds a quote. Once the quotes are gone the
    // value can be %-expanded between quotes at top level without changing the line's structure.
    // %VAR:…% of an undefined VAR leaves text that can break the line even when an `if` on the
    // same line is false, hence goto.
    'if not defined SETTING goto search',
    'set "SETTING=%SETTING:"=%"',
    'if not defined SETTING goto search',
    'if not defined SPLUNK_HOME goto search',
    'if /i "%SETTING:~0,12%"=="$SPLUNK_HOME" set "SETTING=%SPLUNK_HOME%%SETTING:~12%"',
    ':search',
    // cmd's own PATH search (no where.exe, no child process).
    'set "ONPATH="',
    'for %%I in (node.exe) do set "ONPATH=%%~$PATH:I"',
    'setlocal EnableDelayedExpansion',
    'set "NODE="',
    'set "TRIED="',
    'set "SEP="',
    'set "LABEL=[node] path"',
    'set "CANDIDATE=!SETTING!"',
    'set "WHY=not set"',
    'call :consider',
    'set "LABEL=$SPLUNK_HOME\\bin\\node.exe"',
    'set "CANDIDATE="',
    'if defined SPLUNK_HOME set "CANDIDATE=!SPLUNK_HOME!\\bin\\node.exe"',
    'call :consider',
    'set "LABEL=node.exe on PATH"',
    'set "CANDIDATE=!ONPATH!"',
    'set "WHY=not found"',
    'call :consider',
    'if not defined NODE (',
    // Inside a ( ) block a path must never be %-expanded: cmd parses the block after %-expansion,
    // and the ")" of "Program Files (x86)" would close it. !VAR! expands after parsing.
    // The redirection goes first: `echo text 1>&2` would print the space before it.
    `  >&2 echo ERROR TA-ser-mail: no Node.js ^>= ${MIN_NODE_MAJOR} found; tried: !TRIED!. Install Node.js ${MIN_NODE_MAJOR}+ and set [node] path in !APP_DIR!\\local\\ta_ser_mail_settings.conf`,
    '  exit /b 1',
    ')',
    'if defined SETTING if /i not "!NODE!"=="!SETTING!" >&2 echo WARN TA-ser-mail: [node] path !SETTING! is not usable ^(!TRIED!^); running !NODE!',
    // splunkd's OpenSSL configuration breaks a Node built for the host (as the .sh wrappers do).
    'if /i not "!NODE!"=="!SPLUNK_HOME!\\bin\\node.exe" set "OPENSSL_CONF="',
    // Delayed expansion off again: it would eat every "!" in splunkd's arguments.
    'setlocal DisableDelayedExpansion',
    `"%NODE%" "%APP_DIR%\\bin\\${BUNDLE}" ${e.command.join(' ')} %*`,
    'exit /b %ERRORLEVEL%',
    '',
    // Sets SETTING from [node] path in the file CONF. Splits each line at "=", spaces and tabs
    // (leading ones skipped): a stanza line is one token starting with "[".
    ':conf_node_path',
    'if not exist "%CONF%" exit /b 0',
    'set "INNODE="',
    'for /f "usebackq tokens=1,* delims==\t " %%K in ("%CONF%") do (',
    '  set "KEY=%%K"',
    '  call :conf_key',
    '  if defined INNODE if /i "%%K"=="path" if not defined SETTING set "SETTING=%%L"',
    ')',
    'exit /b 0',
    '',
    // Tracks whether the line's first token KEY opens [node] or another stanza. Without its
    // quotes KEY is safe to %-expand between quotes.
    ':conf_key',
    'set "KEY=%KEY:"=%"',
    'if not defined KEY exit /b 0',
    'if "%KEY:~0,1%"=="[" set "INNODE="',
    'if /i "%KEY%"=="[node]" set "INNODE=1"',
    'exit /b 0',
    '',
    // Takes the candidate in CANDIDATE (LABEL names it, WHY says why an empty one is missing):
    // sets NODE when it runs and is new enough, else adds the reason to TRIED.
    ':consider',
    'if defined NODE exit /b 0',
    'if not defined CANDIDATE (set "REASON=!LABEL! (!WHY!)" & goto tried)',
    'if not exist "!CANDIDATE!" (set "REASON=!LABEL! !CANDIDATE! (not found)" & goto tried)',
    'set "MAJOR="',
    // The doubled quotes survive `cmd /c`, but leave the path bare to the for-in parser: it is
    // expanded with !…!, after parsing, so "(x86)" cannot end the in ( ) clause. "v20.11.1"
    // splits into 20, 11, 1 at "v" and ".".
    'for /f "tokens=1 delims=v." %%V in (\'""!CANDIDATE!" --version" 2^>nul\') do if not defined MAJOR set "MAJOR=%%V"',
    'if not defined MAJOR goto no_run',
    'set "MAJOR=%MAJOR:"=%"',
    'if not defined MAJOR goto no_run',
    // Anything but digits: not a Node version. Digits only, MAJOR is safe to %-expand.
    'for /f "delims=0123456789" %%X in ("%MAJOR%") do goto no_run',
    `if %MAJOR% LSS ${MIN_NODE_MAJOR} (set "REASON=!LABEL! !CANDIDATE! (v%MAJOR%, too old)" & goto tried)`,
    'set "NODE=!CANDIDATE!"',
    'exit /b 0',
    ':no_run',
    'set "REASON=!LABEL! !CANDIDATE! (does not run)"',
    'goto tried',
    ':tried',
    'set "TRIED=!TRIED!!SEP!!REASON!"',
    'set "SEP=, "',
    'exit /b 1',
    '',
  ];
  // Windows batch files want CRLF line ends.
  return lines.join('\r\n');
}
