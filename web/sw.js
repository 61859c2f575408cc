// The page's service worker: ecglens keeps working offline after one visit,
// from any static host and any path, with no server headers of its own.
//
// Online, every request goes to the network first and a good answer
// replaces the cached copy, so a new deployment (or a rebuild under
// `make run`) is what the page runs, never a stale cache. Offline (the
// network fails), the cached copy answers. On installation, and whenever the
// page asks ('fill'), the files listed in precache.json (written by
// wasm/bundle_web.cmake: the page, app.js/app.wasm, the bundled models and
// their ONNX files, the demo beats) that are not cached yet are fetched, so
// the Demo button and every bundled model work offline even if they were
// never opened online. ONNX Runtime Web (14 MB) is not fetched ahead: it is
// cached the first time the engine switch uses it.
//
// Why a service worker rather than the browser's HTTP cache: what a static
// host sends as Cache-Control is not ours to set, and an HTTP cache that must
// revalidate fails offline; a service worker's cache answers either way.
'use strict';

const CACHE = 'ecglens';

// Resolves to how many of the listed files are now cached.
async function fill() {
  const cache = await caches.open(CACHE);
  const response = await fetch('precache.json', { cache: 'no-store' });
  if (!response.ok) throw new Error('precache.json: HTTP ' + response.status);
  await cache.put('precache.json', response.clone());
  const files = await response.json();
  let cached = 0;
  for (const file of files) {
    if (!(await cache.match(file))) {
      try {
        await cache.add(file);
      } catch (e) {
        continue;  // a file the host does not serve: the page says so when it asks for it
      }
    }
    ++cached;
  }
  return { cached, listed: files.length };
}

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(fill().catch(() => {}));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  if (event.data !== 'fill') return;
  const port = event.ports[0];
  event.waitUntil(fill().then((r) => port.postMessage(r), (e) => port.postMessage({ error: String(e) })));
});

// A navigation to the page (any query: ?model=, ?workers=) is the page.
const cacheKey = (request) => (request.mode === 'navigate' ? new URL('./', self.registration.scope).href : request);

async function answer(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (request.method === 'GET' && response.ok && response.type === 'basic') {
      await cache.put(cacheKey(request), response.clone());
    }
    return response;
  } catch (offline) {
    const cached = await cache.match(request.method === 'HEAD'
      ? new Request(request.url) : cacheKey(request));
    if (!cached) throw offline;
    // HEAD asks whether a file exists (the engine switch does, for .onnx).
    return request.method === 'HEAD'
      ? new Response(null, { status: cached.status, headers: cached.headers }) : cached;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.method !== 'GET' && request.method !== 'HEAD') return;
  event.respondWith(answer(request));
});
