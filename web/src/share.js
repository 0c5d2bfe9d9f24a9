// A finished search as a link: the plan (every setting and seed) and each run's outcome under its
// job key, with θ_d for runs of small d (so their models can be exported again), gzip-compressed
// into the URL's fragment (never sent to a server). Opening the link replays the core's procedure
// through those outcomes (sweep.js), which rebuilds the same chart without training.
export const SHARE_KEY = 'search';
export const SHARE_THETA_MAX_D = 32;   // θ_d travels in the link up to this d (a few hundred bytes each)
const FORMAT = 'idim-web-search';

async function gzip(text, direction) {
  const stream = new Blob([text]).stream().pipeThrough(
    direction === 'in' ? new CompressionStream('gzip') : new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const toBase64Url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

// sweep: a Sweep (its plan and journal) → the page's URL with the search in its fragment.
export async function shareLink(sweep, base) {
  const { workers, ...plan } = sweep.plan;
  const runs = sweep.journal.map(({ key, outcome: o }) => {
    const r = o.result;
    const theta = o.trainable && o.trainable.length <= SHARE_THETA_MAX_D ? Array.from(o.trainable) : null;
    return { key, result: [r.testAccuracy, r.diverged, r.stoppedEarly, r.steps, r.seconds, r.stop], D: o.dimFull,
             d: o.dimTrainable, theta };
  });
  const doc = JSON.stringify({ format: FORMAT, version: 1, plan, runs });
  const url = new URL(base);
  url.hash = `${SHARE_KEY}=${toBase64Url(await gzip(doc, 'in'))}`;
  return url.href;
}

const fail = (what) => { throw new Error(`this shared link is broken: ${what}`); };

// The fragment's payload → {plan (without workers), journal}. Throws an Error naming what is wrong.
export async function readShareLink(payload) {
  let doc;
  try {
    doc = JSON.parse(new TextDecoder().decode(await gzip(fromBase64Url(payload), 'out')));
  } catch (e) {
    fail(`its data does not decode (${e.message}); was it cut short?`);
  }
  if (doc?.format !== FORMAT) fail(`it does not hold an idim search ("format" is not "${FORMAT}")`);
  if (doc.version !== 1) fail(`version ${doc.version} is not one this page reads (1)`);
  const plan = doc.plan;
  for (const part of ['config', 'baselineConfig', 'search'])
    if (typeof plan?.[part] !== 'object' || plan[part] === null) fail(`the plan has no "${part}"`);
  if (!Array.isArray(doc.runs)) fail('it has no "runs" list');
  const journal = doc.runs.map((run, i) => {
    const [testAccuracy, diverged, stoppedEarly, steps, seconds, stop] = Array.isArray(run?.result) ? run.result : [];
    if (typeof run?.key !== 'string' || typeof diverged !== 'boolean' || typeof stoppedEarly !== 'boolean' ||
        !(typeof testAccuracy === 'number' || testAccuracy === null))
      fail(`run ${i + 1} is malformed`);
    if (run.theta != null && (!Array.isArray(run.theta) || run.theta.length !== run.d || run.theta.some((x) => typeof x !== 'number')))
      fail(`run ${i + 1}: θ_d does not hold d = ${run.d} numbers`);
    return { key: run.key, outcome: { result: { testAccuracy: testAccuracy ?? NaN, diverged, stoppedEarly, steps, seconds, stop },
                                      dimFull: run.D, dimTrainable: run.d, trainable: run.theta ? new Float32Array(run.theta) : null } };
  });
  return { plan, journal };
}
