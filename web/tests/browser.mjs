// What the browser scripts share (e2e.mjs, bench.mjs): their --key value
// arguments, and headless Debian Chromium driven by playwright-core over the
// page served from a folder on localhost, in a process of its own: by
// web/serve.mjs at the root, or, as a static host would, by Python's
// http.server at a sub-path. Exits 77 (skipped) when Chromium or
// playwright-core is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

// ['--web', 'x', '--rounds', '3'] -> { web: 'x', rounds: '3' }
export function parseArgs(argv) {
  return Object.fromEntries(argv.reduce((pairs, a, i, all) => {
    if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1] ?? '']);
    return pairs;
  }, []));
}

function loadChromium() {
  try {
    const require = createRequire(path.join(process.cwd(), 'noop.js'));
    const paths = [process.cwd(), ...(process.env.NODE_PATH || '').split(':').filter(Boolean)];
    return require(require.resolve('playwright-core', { paths })).chromium;
  } catch (e) {
    console.log('SKIP: playwright-core is not installed (tools/setup.sh installs it)');
    process.exit(77);
  }
}

export const PYTHON = '/usr/bin/python3';

// A server for `webDir` in a process of its own, as a real server is: in
// this script's process, its answers would wait while playwright pushes a
// large file into the page. base '/': web/serve.mjs. Any other base
// ('/a/b/'): Python's http.server, a plain static server (Content-Type from
// the file name, no headers of ours), over a temporary root where `base`
// is a link to `webDir`. Resolves to { port, close() }; close() stops it at
// once, as a host going away does.
function startServer(webDir, base) {
  let command, argv, portPattern, cleanup = () => {};
  if (base === '/') {
    command = process.execPath;
    argv = [fileURLToPath(new URL('../serve.mjs', import.meta.url)), webDir, '--port', '0'];
    portPattern = /localhost:(\d+)\//;
  } else {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ecglens-site-'));
    const link = path.join(root, ...base.split('/').filter(Boolean));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.resolve(webDir), link, 'dir');
    cleanup = () => fs.rmSync(root, { recursive: true, force: true });
    command = PYTHON;
    argv = ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root];
    portPattern = /port (\d+)/;
  }
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${path.basename(command)} exited (${code}) before serving`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const port = portPattern.exec(out);
      if (port) resolve({ port: Number(port[1]), close: () => { child.kill('SIGKILL'); cleanup(); } });
    });
  });
}

// Serves `webDir` at `base` ('/' or '/a/b/') on a free port and starts
// Chromium (software WebGL, no background traffic). Returns { browser,
// server, origin, url }: url is the page's address.
export async function openBrowser(webDir, base = '/') {
  const chromium = loadChromium();
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} is missing (tools/setup.sh installs it)`);
    process.exit(77);
  }
  if (!/^\/([\w.-]+\/)*$/.test(base)) throw new Error(`--base must look like /a/b/: ${base}`);
  if (base !== '/' && !fs.existsSync(PYTHON)) {
    console.log(`SKIP: ${PYTHON} is missing (Debian's python3 serves the page at ${base})`);
    process.exit(77);
  }
  const server = await startServer(webDir, base);
  process.on('exit', () => server.close());
  const origin = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
           '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  return { browser, server, origin, url: origin + base };
}
