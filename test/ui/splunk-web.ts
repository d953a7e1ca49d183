import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

/**
 * A stand-in for the part of Splunk Web the configuration page touches, in front of the splunkd
 * stand-in (src/sim/splunkd.ts):
 * - `/en-US/app/<app>/<view>`: reads the view XML, renders its `type="html"` template (only the
 *   `${make_url('…')}` expressions the template uses) and sets the CSRF cookie;
 * - `/en-US/config?autoload=1`: `window.$C`, as Splunk Web serves it; `/static/js/i18n.js`,
 *   `/i18ncatalog` (no translations), the layout API `/static/@<build>/build/api/layout.js`
 *   (`layout-dark.js` for the dark theme) and the theme API `…/build/api/get_theme.js`, which
 *   answers the signed-in user's theme (`setTheme`);
 * - `/en-US/static/app/<app>/…`: the app's appserver/static (the bundle from `staticDir`);
 * - `/en-US/splunkd/__raw/…`: the proxy to splunkd. Like Splunk Web it refuses a write whose
 *   `X-Splunk-Form-Key` does not match the cookie, and adds the session key itself.
 * Every proxied exchange is recorded with the full reply body the page received.
 */
export interface ProxiedCall {
  method: string;
  /** Path after `/en-US/splunkd/__raw`, with the query string. */
  url: string;
  requestBody: string;
  status: number;
  responseBody: string;
  formKeyOk: boolean;
}

export interface SplunkWebOptions {
  appDir: string;
  /** Folder served as the app's appserver/static/config (the freshly built bundle). */
  bundleDir: string;
  splunkdUrl: string;
  sessionKey: string;
  /** CA that signed the splunkd stand-in's certificate. */
  ca?: string;
  /** The user's Splunk Web theme the theme API answers; default `light`. */
  theme?: string;
}

export interface SplunkWeb {
  url: string;
  csrfToken: string;
  calls(): ProxiedCall[];
  /** Paths of the static files the browser asked for (layout and theme APIs included). */
  assets(): string[];
  setTheme(theme: string): void;
  close(): Promise<void>;
}

const PORT_FOR_COOKIE = '8000';
const SPLUNKD_PARTIALS = { '/services/server/info': { entry: [{ content: { version: '10.0.0', product_type: 'enterprise' } }] } };

/**
 * Splunk Web's layout API (`/static/build/api/layout.js`) as far as @splunk/react-page uses it:
 * `window.__splunk_layout__.create(options).getContainerElement()`. The real one draws the
 * Splunk bar and the app bar; this one marks where they go and records the options. The dark
 * variant darkens the page around the content, as the real dark layout's stylesheet does.
 */
const LAYOUT_API = (dark: boolean) => `window.__splunk_layout__ = {
  create: function (options) {
    window.__layout_options__ = options;
    var header = document.createElement('header');
    header.setAttribute('data-view', 'splunkjs/mvc/headerview');
    header.setAttribute('data-layout-header', '');
    var container = document.createElement('div');
    container.setAttribute('data-layout-container', '');
    container.style.flex = '1 0 0';
    ${dark ? "document.body.style.backgroundColor = '#171d21';" : ''}
    document.body.appendChild(header);
    document.body.appendChild(container);
    return { getContainerElement: function () { return container; } };
  }
};
`;
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8' };

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export async function startSplunkWeb(o: SplunkWebOptions): Promise<SplunkWeb> {
  const csrfToken = randomBytes(16).toString('hex');
  const calls: ProxiedCall[] = [];
  const assets: string[] = [];
  let theme = o.theme ?? 'light';
  const appName = o.appDir.split('/').filter(Boolean).pop() ?? '';

  function renderView(view: string): string | undefined {
    const xmlFile = join(o.appDir, 'default/data/ui/views', `${view}.xml`);
    if (!existsSync(xmlFile)) return undefined;
    const xml = readFileSync(xmlFile, 'utf8');
    const m = /<view[^>]*\btemplate="([^":]+):\/?([^"]+)"[^>]*>/.exec(xml);
    if (!m || !/\btype="html"/.test(m[0])) throw new Error(`${view}.xml is not a type="html" view with a template`);
    const template = readFileSync(join(o.appDir, 'appserver', m[2]!), 'utf8');
    const rendered = template
      .replace(/\$\{make_url\('([^']+)'\)\}/g, (_all, path: string) => `/en-US${path}`)
      .replace(/\$\{json_decode\(splunkd\)\}/g, JSON.stringify(SPLUNKD_PARTIALS));
    if (rendered.includes('${')) throw new Error('the template uses Mako expressions this stand-in does not render');
    return rendered;
  }

  function proxy(req: IncomingMessage, res: ServerResponse, url: string, body: Buffer): void {
    const formKeyOk = req.headers['x-splunk-form-key'] === cookie(req, `splunkweb_csrf_token_${PORT_FOR_COOKIE}`) && req.headers['x-requested-with'] === 'XMLHttpRequest';
    const record = (status: number, responseBody: string) => {
      calls.push({ method: req.method ?? 'GET', url, requestBody: body.toString('utf8'), status, responseBody, formKeyOk });
      send(res, status, 'application/json; charset=utf-8', responseBody);
    };
    if (req.method !== 'GET' && !formKeyOk) {
      record(401, JSON.stringify({ messages: [{ type: 'ERROR', text: 'Splunk Web: missing or wrong X-Splunk-Form-Key' }] }));
      return;
    }
    const target = new URL(url, o.splunkdUrl);
    const doRequest = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = doRequest(
      target,
      {
        method: req.method,
        headers: {
          authorization: `Splunk ${o.sessionKey}`,
          ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
          'content-length': String(body.length),
        },
        ...(o.ca ? { ca: o.ca } : {}),
      },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => record(upRes.statusCode ?? 502, Buffer.concat(chunks).toString('utf8')));
      },
    );
    up.on('error', (e) => record(502, JSON.stringify({ messages: [{ type: 'ERROR', text: String(e) }] })));
    up.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = u.pathname;
    if (path.startsWith('/en-US/splunkd/__raw/')) return proxy(req, res, `${path.slice('/en-US/splunkd/__raw'.length)}${u.search}`, body);
    if (path === '/en-US/config') {
      const $C = { SPLUNKD_PATH: '/en-US/splunkd/__raw', MRSPARKLE_PORT_NUMBER: PORT_FOR_COOKIE, MRSPARKLE_ROOT_PATH: '', LOCALE: 'en-US', APP_BUILD: '1', BUILD_NUMBER: 'test', BUILD_PUSH_NUMBER: 0, USERNAME: 'admin', VERSION_LABEL: '10.0.0' };
      return send(res, 200, TYPES['.js']!, `window.$C = ${JSON.stringify($C)};\n`);
    }
    if (path === '/en-US/static/js/i18n.js') return send(res, 200, TYPES['.js']!, 'window._ = window._ || function (s) { return s; };\n');
    if (path === '/en-US/i18ncatalog') return send(res, 200, TYPES['.js']!, '// no translations in the stand-in\n');
    const api = /^\/en-US\/static\/@[^/]+\/build\/api\/([a-z_-]+\.js)$/.exec(path)?.[1];
    if (api) assets.push(path);
    if (api === 'layout.js' || api === 'layout-dark.js') return send(res, 200, TYPES['.js']!, LAYOUT_API(api === 'layout-dark.js'));
    if (api === 'get_theme.js') return send(res, 200, TYPES['.js']!, `window.__get_theme__ = { getTheme: function () { return Promise.resolve(${JSON.stringify(theme)}); } };\n`);
    const view = new RegExp(`^/en-US/app/${appName}/([A-Za-z0-9_]+)$`).exec(path);
    if (view) {
      const html = renderView(view[1]!);
      if (html === undefined) return send(res, 404, 'text/plain', 'no such view');
      return send(res, 200, 'text/html; charset=utf-8', html, { 'set-cookie': `splunkweb_csrf_token_${PORT_FOR_COOKIE}=${csrfToken}; Path=/; SameSite=Strict` });
    }
    const prefix = `/en-US/static/app/${appName}/`;
    if (path.startsWith(prefix)) {
      const rel = normalize(decodeURIComponent(path.slice(prefix.length)));
      if (rel.startsWith('..')) return send(res, 403, 'text/plain', 'forbidden');
      const file = rel.startsWith('config/') ? join(o.bundleDir, rel.slice('config/'.length)) : join(o.appDir, 'appserver/static', rel);
      if (!existsSync(file)) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    return send(res, 404, 'text/plain', 'not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, 'text/plain', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    csrfToken,
    calls: () => calls.slice(),
    assets: () => assets.slice(),
    setTheme: (t: string) => {
      theme = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
