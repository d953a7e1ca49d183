/**
 * What tools/windows/check-cmd-wrappers.ts runs: each case is an install laid out under
 * "C:\Program Files (x86)" (which Node.exe files exist, what the settings files say), the
 * environment splunkd would give, and what the wrapper must do — run which node.exe with which
 * arguments and OPENSSL_CONF, or print which ERROR line — following the lookup order documented
 * in src/splunk/wrappers.ts (the same as the .sh wrappers).
 */
export const HOME = 'C:\\Program Files (x86)\\Splunk';
/**
 * An install path with & and more parentheses. Not ^, % or !: Wine 8's cmd keeps a caret that
 * escapes "^", drops a "%" from a path given to cmd /c, and expands the value of !VAR! a second
 * time (eating a "!" in it), where Windows' cmd does none of these. The parse model
 * (test/splunk/cmd-wrapper.test.ts) covers ^ and %; ! rests on cmd's documented rules.
 */
export const HOSTILE_HOME = 'C:\\Program Files (x86)\\R&D (1) Splunk';
export const NODE_DIR_NEW = 'C:\\Program Files (x86)\\Node (20)';
export const NODE_DIR_OLD = 'C:\\Program Files (x86)\\Node (18)';
export const N20 = `${NODE_DIR_NEW}\\node.exe`;
export const N18 = `${NODE_DIR_OLD}\\node.exe`;
/** A file called node.exe that is no program. */
export const FAKE = 'C:\\Program Files (x86)\\Not Node (x)\\node.exe';
export const MISSING = 'C:\\Program Files (x86)\\Missing (x)\\node.exe';
export const SPLUNK_OPENSSL_CONF = 'C:\\Program Files (x86)\\Splunk\\openssl.cnf';
const SYSTEM = 'C:\\windows\\system32;C:\\windows';
export const PATH_NONE = SYSTEM;
export const PATH_NEW = `${SYSTEM};${NODE_DIR_NEW}`;
export const PATH_OLD = `${SYSTEM};${NODE_DIR_OLD}`;

export const appDir = (home: string): string => `${home}\\etc\\apps\\TA-ser-mail`;
export const splunkNode = (home: string): string => `${home}\\bin\\node.exe`;

export interface Install {
  home: string;
  /** What %SPLUNK_HOME%\bin\node.exe is. */
  splunkNode: 'new' | 'old' | 'none';
  /** local\ta_ser_mail_settings.conf (absent when undefined). */
  local?: string;
  /** default\ta_ser_mail_settings.conf (the shipped one when undefined). */
  default?: string;
}

export interface Runs {
  node: string;
  openssl: 'kept' | 'cleared';
  argv: string[];
  /** The wrapper's whole stderr (a WARN line, or nothing). */
  stderr: string;
  exit: number;
  stdin?: string;
}

export interface Case {
  name: string;
  wrapper: 'ser_report' | 'mail_metadata' | 'ser_secure_send';
  /** splunkd's arguments, as they stand on the command line. */
  args: string;
  env: { SPLUNK_HOME?: string; TA_SER_MAIL_NODE?: string; PATH: string; PROBE_EXIT?: number };
  install: Install;
  stdin?: string;
  expect: Runs | { error: string };
}

const conf = (...lines: string[]): string => `${lines.join('\n')}\n`;
const errorLine = (home: string, tried: string): string =>
  `ERROR TA-ser-mail: no Node.js >= 20 found; tried: ${tried}. Install Node.js 20+ and set [node] path in ${appDir(home)}\\local\\ta_ser_mail_settings.conf`;
const warnLine = (setting: string, tried: string, running: string): string => `WARN TA-ser-mail: [node] path ${setting} is not usable (${tried}); running ${running}`;
const SCHEME = ['modinput', 'ser_report', '--scheme'];
const PAYLOAD = '<?xml version="1.0" encoding="UTF-8"?><alert><sid>scheduler__admin_c2VhcmNo_at_1765000000_1</sid><configuration><stanza name="ser_secure_send"/></configuration></alert>';

export const CASES: Case[] = [
  {
    name: "Splunk's node.exe, new enough",
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new' },
    expect: { node: splunkNode(HOME), openssl: 'kept', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: "Splunk's node.exe too old: node.exe on PATH",
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NEW },
    install: { home: HOME, splunkNode: 'old' },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: '[node] path in local (CRLF file) wins over Splunk\'s node.exe',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new', local: conf('[proxy]', 'use_env = true', '', '[node]', `path = ${N20}`).replace(/\n/g, '\r\n') },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: '[node] path in default (indented, tabs)',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'none', default: conf('[logging]', 'level = info', '  [node]', `\tpath\t=\t${N20}`, '[splunkd]', 'insecure_localhost = 0') },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'local over default',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'none', local: conf('[node]', `path = ${N20}`), default: conf('[node]', `path = ${MISSING}`) },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'a path outside [node] and a commented one are not [node] path',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'none', local: conf('[node]', `# path = ${MISSING}`, '', '[other]', `path = ${MISSING}`), default: conf('[node]', `path = ${N20}`) },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'TA_SER_MAIL_NODE over the settings files',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, TA_SER_MAIL_NODE: N20, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new', local: conf('[node]', `path = ${MISSING}`) },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'a quoted [node] path',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'none', local: conf('[node]', `path = "${N20}"`) },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'a quoted TA_SER_MAIL_NODE',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, TA_SER_MAIL_NODE: `"${N20}"`, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'old' },
    expect: { node: N20, openssl: 'cleared', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: '$SPLUNK_HOME in [node] path',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NEW },
    install: { home: HOME, splunkNode: 'new', local: conf('[node]', 'path = $SPLUNK_HOME\\bin\\node.exe') },
    expect: { node: splunkNode(HOME), openssl: 'kept', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'a missing [node] path: WARN, then node.exe on PATH',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NEW },
    install: { home: HOME, splunkNode: 'none', local: conf('[node]', `path = ${MISSING}`) },
    expect: {
      node: N20,
      openssl: 'cleared',
      argv: SCHEME,
      stderr: warnLine(MISSING, `[node] path ${MISSING} (not found), $SPLUNK_HOME\\bin\\node.exe ${splunkNode(HOME)} (not found)`, N20),
      exit: 0,
    },
  },
  {
    name: "a too old [node] path: WARN, then Splunk's node.exe",
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, TA_SER_MAIL_NODE: N18, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new' },
    expect: { node: splunkNode(HOME), openssl: 'kept', argv: SCHEME, stderr: warnLine(N18, `[node] path ${N18} (v18, too old)`, splunkNode(HOME)), exit: 0 },
  },
  {
    name: 'a [node] path that is no program: WARN, then node.exe on PATH',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, TA_SER_MAIL_NODE: FAKE, PATH: PATH_NEW },
    install: { home: HOME, splunkNode: 'old' },
    expect: {
      node: N20,
      openssl: 'cleared',
      argv: SCHEME,
      stderr: warnLine(FAKE, `[node] path ${FAKE} (does not run), $SPLUNK_HOME\\bin\\node.exe ${splunkNode(HOME)} (v18, too old)`, N20),
      exit: 0,
    },
  },
  {
    name: 'no Node.js anywhere: ERROR naming every candidate, exit 1',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'none' },
    expect: { error: errorLine(HOME, `[node] path (not set), $SPLUNK_HOME\\bin\\node.exe ${splunkNode(HOME)} (not found), node.exe on PATH (not found)`) },
  },
  {
    name: 'no usable Node.js: ERROR with each reason, exit 1',
    wrapper: 'ser_secure_send',
    args: '--execute',
    env: { SPLUNK_HOME: HOME, PATH: PATH_OLD },
    install: { home: HOME, splunkNode: 'old', local: conf('[node]', `path = ${MISSING}`) },
    expect: {
      error: errorLine(HOME, `[node] path ${MISSING} (not found), $SPLUNK_HOME\\bin\\node.exe ${splunkNode(HOME)} (v18, too old), node.exe on PATH ${N18} (v18, too old)`),
    },
  },
  {
    name: 'SPLUNK_HOME not set: ERROR says so, exit 1',
    wrapper: 'mail_metadata',
    args: '--scheme',
    env: { PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new' },
    expect: { error: errorLine(HOME, '[node] path (not set), $SPLUNK_HOME\\bin\\node.exe (not set), node.exe on PATH (not found)') },
  },
  {
    name: "the alert action: --execute and splunkd's payload on stdin",
    wrapper: 'ser_secure_send',
    args: '--execute',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE },
    install: { home: HOME, splunkNode: 'new' },
    stdin: PAYLOAD,
    expect: { node: splunkNode(HOME), openssl: 'kept', argv: ['alert', 'ser_secure_send', '--execute'], stderr: '', exit: 0, stdin: PAYLOAD },
  },
  {
    name: 'mail_metadata --validate-arguments, exit code 3 returned',
    wrapper: 'mail_metadata',
    args: '--validate-arguments',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NEW, PROBE_EXIT: 3 },
    install: { home: HOME, splunkNode: 'none' },
    stdin: '<items/>',
    expect: { node: N20, openssl: 'cleared', argv: ['modinput', 'mail_metadata', '--validate-arguments'], stderr: '', exit: 3, stdin: '<items/>' },
  },
  {
    name: 'arguments with spaces, parentheses, & and ! pass through unchanged',
    wrapper: 'ser_report',
    args: '--execute "a b" "C:\\Program Files (x86)\\x & y" !bang!',
    env: { SPLUNK_HOME: HOME, PATH: PATH_NONE, PROBE_EXIT: 255 },
    install: { home: HOME, splunkNode: 'new' },
    expect: { node: splunkNode(HOME), openssl: 'kept', argv: ['modinput', 'ser_report', '--execute', 'a b', 'C:\\Program Files (x86)\\x & y', '!bang!'], stderr: '', exit: 255 },
  },
  {
    name: 'SPLUNK_HOME with & and ( ) in it',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOSTILE_HOME, PATH: PATH_NONE },
    install: { home: HOSTILE_HOME, splunkNode: 'new', local: conf('[node]', 'path = $SPLUNK_HOME\\bin\\node.exe') },
    expect: { node: splunkNode(HOSTILE_HOME), openssl: 'kept', argv: SCHEME, stderr: '', exit: 0 },
  },
  {
    name: 'SPLUNK_HOME with & and ( ) in it, no Node.js: ERROR, exit 1',
    wrapper: 'ser_report',
    args: '--scheme',
    env: { SPLUNK_HOME: HOSTILE_HOME, PATH: PATH_NONE },
    install: { home: HOSTILE_HOME, splunkNode: 'none' },
    expect: { error: errorLine(HOSTILE_HOME, `[node] path (not set), $SPLUNK_HOME\\bin\\node.exe ${splunkNode(HOSTILE_HOME)} (not found), node.exe on PATH (not found)`) },
  },
];
