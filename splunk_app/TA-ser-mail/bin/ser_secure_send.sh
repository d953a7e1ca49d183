#!/bin/sh
# Generated from src/splunk/wrappers.ts (npm run generate). Do not edit.
# splunkd runs this for the ser_secure_send alert action. It needs Node.js >= 20, looked for in this order:
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
      /^[ \t]*\[/ { s = $0; gsub(/^[ \t]*\[|\][ \t\r]*$/, "", s); next }
      s == "node" && /^[ \t]*path[ \t]*=/ { sub(/^[ \t]*path[ \t]*=[ \t]*/, ""); sub(/[ \t\r]*$/, ""); print; exit }
    ' "$f")
    if [ -n "$v" ]; then
      printf '%s\n' "$v"
      return 0
    fi
  done
  return 1
}

# Prints the major version of node $1, or fails.
node_major() {
  v=$("$1" --version 2>/dev/null) || return 1
  m=${v#v}
  m=${m%%.*}
  case $m in '' | *[!0-9]*) return 1 ;; esac
  printf '%s\n' "$m"
}

NODE=
TRIED=
consider() {
  [ -n "$NODE" ] && return 0
  if [ -z "$2" ]; then
    TRIED="$TRIED, $1 (${3:-not set})"
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
  if [ "$major" -lt 20 ]; then
    TRIED="$TRIED, $1 $2 (v$major, too old)"
    return 1
  fi
  NODE=$2
  return 0
}

SETTING=${TA_SER_MAIL_NODE:-$(conf_node_path)}
case $SETTING in '$SPLUNK_HOME'*) SETTING="${SPLUNK_HOME}${SETTING#'$SPLUNK_HOME'}" ;; esac
consider "[node] path" "$SETTING"
if [ -n "$SPLUNK_HOME" ]; then consider "\$SPLUNK_HOME/bin/node" "$SPLUNK_HOME/bin/node"; else consider "\$SPLUNK_HOME/bin/node" ""; fi
consider "node on PATH" "$(command -v node 2>/dev/null)" "not found"

if [ -z "$NODE" ]; then
  echo "ERROR TA-ser-mail: no Node.js >= 20 found; tried:${TRIED#,}. Install Node.js 20+ and set [node] path in $APP_DIR/local/ta_ser_mail_settings.conf" >&2
  exit 1
fi
if [ -n "$SETTING" ] && [ "$NODE" != "$SETTING" ]; then
  echo "WARN TA-ser-mail: [node] path $SETTING is not usable (${TRIED#, }); running $NODE" >&2
fi
if [ "$NODE" != "$SPLUNK_HOME/bin/node" ]; then
  # splunkd's own library path and OpenSSL config break a Node built for the host.
  unset LD_LIBRARY_PATH OPENSSL_CONF
fi
exec "$NODE" "$APP_DIR/bin/ta-ser-mail.cjs" alert ser_secure_send "$@"
