// InsideLLM collector viewer: the router. One ES module per page, loaded by the browser as they are (no build step).
// Everything shown comes from model output and user input and is untrusted: it is only ever put on the page as text
// (see dom.js), never parsed as HTML.

import { runsPage } from './runs.js';
import { runPage } from './run.js';
import { eventsPage } from './events-page.js';
import { livePage } from './live.js';
import { analyticsPage } from './analytics.js';

let cleanup = null;

function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const hash = location.hash || '#/runs';
  const [path, qs] = hash.slice(1).split('?');
  const params = new URLSearchParams(qs || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] || 'runs';
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', a.dataset.nav === section || (section === 'run' && a.dataset.nav === 'runs')));
  let result;
  if (section === 'run' && parts[1]) result = runPage(parts[1], parts[2]);
  else if (section === 'live') result = livePage(params);
  else if (section === 'events') result = eventsPage(params);
  else if (section === 'analytics') result = analyticsPage(params);
  else result = runsPage(params);
  if (typeof result === 'function') cleanup = result;
  document.title = 'InsideLLM · ' + section.charAt(0).toUpperCase() + section.slice(1);
}

// Events the collector refused are easy to miss (the SDK that sent them may not say): show their count, from /health.
async function showRejections() {
  const badge = document.getElementById('rejected');
  try {
    const ingest = (await (await fetch('/health')).json()).ingest || {};
    badge.hidden = !(ingest.rejected > 0);
    badge.textContent = ingest.rejected + ' events rejected';
    badge.title = 'Last: ' + (ingest.last_rejection || '');
  } catch (e) { badge.hidden = true; }
}

window.addEventListener('hashchange', () => { route(); showRejections(); });
route();
showRejections();
