// The pretraining section: pretrain in a worker (or take a model file written by `idim train
// --save`), then the two searches on the downstream digits one after the other (the random
// start's first: its baseline is the threshold of both), drawn on one chart.
import { PRETRAIN, downstreamPlans, networkOfFile, pretrainConfig, ratioInWords, withBaseline } from './pretrain.js';
import { pretrainChart, updatePretrainChart } from './pretrain_chart.js';
import { evaluateModel } from './model_io.js';
import { WorkerPool } from './pool.js';
import { Msg } from './protocol.js';
import { Sweep } from './sweep.js';

const $ = (id) => document.getElementById(id);
const digits = (list) => `${list[0]}–${list.at(-1)}`;

// The pretraining run in a worker of its own (a pool of one) → {modelFile, testAccuracy, dimFull}.
function pretrainInWorker(config) {
  return new Promise((resolve, reject) => {
    const fail = (text) => reject(new Error(`pretraining: ${text}`));
    const pool = new WorkerPool(1, {
      message: (job, m) => {
        if (m.type === Msg.pretrained) { pool.stop(); resolve(m); }
        else if (m.type === Msg.error) { pool.stop(); fail(m.message); }
      },
      failed: fail,
    }).start();
    pool.queue({ id: 0, message: { type: Msg.pretrain, id: 0, config } });
  });
}

// getContext(): {idim, presets} once the module has loaded (null before); workers: pool size.
export function setupPretrain(getContext, workers) {
  const chart = pretrainChart($('pre-chart'));
  const status = $('pre-status'), result = $('pre-result');
  let current = null;   // the comparison shown: {sweeps: {random, pretrained}, threshold}

  // A new comparison (or a file refused) ends the one in progress; its searches' failures are
  // then not reported (job !== current).
  const cancel = () => {
    const job = current;
    current = null;
    for (const sweep of Object.values(job?.sweeps ?? {})) sweep?.stop();
  };
  const say = (state, text) => { status.dataset.state = state; status.textContent = text; };
  const draw = (job) => updatePretrainChart(chart, job.sweeps, job.threshold);

  // One search to its end (or failure) → the Sweep.
  const search = (idim, plan, key, job) => new Promise((resolve, reject) => {
    const sweep = new Sweep(idim, plan, (s) => {
      if (job === current) draw(job);
      if (s.state === 'running') return;
      if (s.state === 'done') resolve(s); else reject(new Error(s.error ?? `the ${key} search stopped`));
    });
    job.sweeps[key] = sweep;
    sweep.start();
  });

  async function compare(network, startFrom, origin) {
    const ctx = getContext();
    if (!ctx) return;
    cancel();
    const job = current = { sweeps: { random: null, pretrained: null }, threshold: null };
    result.textContent = '';
    delete result.dataset.random;
    delete result.dataset.pretrained;
    const started = performance.now();
    try {
      const start = await startFrom(ctx);
      if (job !== current) return;
      const plans = downstreamPlans(ctx.idim, ctx.presets, network, start.modelFile, workers);
      say('running', `${origin(start)} Searching d_int90 of digits ${digits(PRETRAIN.downstreamClasses)} from a random start…`);
      const random = await search(ctx.idim, plans.random, 'random', job);
      job.threshold = random.threshold;
      say('running', `Random start: d_int90 = ${random.dint ?? 'not reached'} (median of ${random.searchCount} searches). ` +
        'Now from the pretrained start…');
      const pretrained = await search(ctx.idim, withBaseline(plans.pretrained, random.baseline), 'pretrained', job);
      if (job !== current) return;
      draw(job);
      const seconds = (performance.now() - started) / 1000;
      say('done', `Done in ${seconds.toFixed(0)} s. Full training on ${digits(PRETRAIN.downstreamClasses)} from a random start: ` +
        `${random.baseline.toFixed(4)}; threshold ${random.threshold.toFixed(4)}.`);
      result.dataset.random = String(random.dint ?? '');
      result.dataset.pretrained = String(pretrained.dint ?? '');
      result.dataset.randomRange = JSON.stringify(random.range);
      result.dataset.pretrainedRange = JSON.stringify(pretrained.range);
      result.textContent = `${ratioInWords(random, pretrained)}.`;
    } catch (e) {
      if (job === current) say('failed', `Stopped: ${e.message}`);
    }
  }

  $('pre-run').addEventListener('click', () => {
    const widths = PRETRAIN.networks[$('pre-net').value];
    const classes = PRETRAIN.pretrainings[$('pre-task').value];
    const network = { task: PRETRAIN.task, model: 'fc', widths };
    const on = `digits ${digits(classes)}`;
    say('running', `Pretraining FC ${[196, ...widths, classes.length].join('-')} on ${on}…`);
    compare(network, async (ctx) => pretrainInWorker(pretrainConfig(ctx.presets, network, classes)),
            (p) => `Pretrained: test accuracy ${p.testAccuracy.toFixed(4)} on ${on}.`);
  });

  $('pre-open').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    const ctx = getContext();
    if (!file || !ctx) return;
    cancel();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let network, header;
    try {
      header = ctx.idim.inspectModelFile(bytes, file.name);
      network = networkOfFile(header, file.name);
    } catch (e) {
      say('failed', e.message);
      return;
    }
    // One run from the file in a worker first: a network that does not fit is refused, named,
    // before any search starts (the random start's would not notice).
    const check = async (c) => {
      const { config } = downstreamPlans(c.idim, c.presets, network, bytes, workers).pretrained;
      await evaluateModel({ config: { ...config, d: 1, seed: 0 }, theta_d: [0] });
      return { modelFile: bytes };
    };
    compare(network, check,
            () => `Starting point: ${file.name} (${header.model}${network.widths.length ? ` ${network.widths.join('-')}` : ''}, ` +
              `D = ${header.D.toLocaleString('en')}, trained on ${header.data.split('\n')[0]}).`);
  });
}
