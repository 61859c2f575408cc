// What the browser scripts share (e2e.mjs, bench.mjs): their --key value
// arguments, and headless Debian Chromium driven by playwright-core over the
// page served from a folder on localhost (web/serve.mjs, in its own
// process). Exits 77 (skipped) when Chromium or playwright-core is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
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

// web/serve.mjs on `webDir` in a process of its own, as a real server is:
// in this script's process, its answers would wait while playwright pushes
// a large file into the page. Resolves to { port, close() }.
function startServer(webDir) {
  const script = fileURLToPath(new URL('../serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, webDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`web/serve.mjs exited (${code}) before serving`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const port = /localhost:(\d+)\//.exec(out);
      if (port) resolve({ port: Number(port[1]), close: () => child.kill() });
    });
  });
}

// Serves `webDir` on a free port and starts Chromium (software WebGL, no
// background traffic). Returns { browser, server, origin }.
export async function openBrowser(webDir) {
  const chromium = loadChromium();
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} is missing (tools/setup.sh installs it)`);
    process.exit(77);
  }
  const server = await startServer(webDir);
  process.on('exit', () => server.close());
  const origin = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
           '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  return { browser, server, origin };
}
