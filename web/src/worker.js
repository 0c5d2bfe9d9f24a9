// One Web Worker: owns one instance of the WebAssembly module and trains one run at a time,
// posting progress as it goes (protocol.js). Training blocks this worker's thread, never the page.
import { parseMnistBin } from './mnist_data.js';
import { Msg, errorMessage, needsMnist } from './protocol.js';

let idim = null;
let mnistUrl = null;
let mnistLoaded = false;

async function init(message) {
  const { default: createIdim } = await import(/* @vite-ignore */ message.moduleUrl);
  idim = await createIdim();
  mnistUrl = message.mnistUrl;
  postMessage({ type: Msg.ready, version: idim.version(), backend: idim.backend() });
}

async function ensureData(config) {
  if (!needsMnist(config) || mnistLoaded) return;
  const response = await fetch(mnistUrl);
  if (!response.ok) throw new Error(`cannot load the MNIST digits (${mnistUrl}: HTTP ${response.status})`);
  const d = parseMnistBin(await response.arrayBuffer());
  idim.loadMnist(d.palette, d.labels, d.pixels);
  mnistLoaded = true;
}

function train(id, config) {
  const run = new idim.Run(config);
  try {
    const start = performance.now();
    const result = run.train((p) => {
      if (p.type === 'epoch') {
        postMessage({ type: Msg.epoch, id, epoch: p.epoch, testAccuracy: p.testAccuracy,
                      testLoss: p.testLoss, trainLoss: p.trainLoss });
        return;
      }
      postMessage({ type: Msg.progress, id, epoch: p.epoch, step: p.totalStep, loss: p.loss,
                    stepsPerSecond: p.totalStep / ((performance.now() - start) / 1000) });
    });
    const subspace = config.method !== 'full';
    const trainable = subspace ? run.getTrainable() : null;
    postMessage({ type: Msg.done, id, result, trainable, dimFull: run.dimFull(), dimTrainable: run.dimTrainable() },
                trainable ? [trainable.buffer] : []);
  } finally {
    run.delete();
  }
}

function evaluate(id, config, trainable) {
  const run = new idim.Run(config);
  try {
    run.setTrainable(trainable);
    const { test } = run.evaluate();
    postMessage({ type: Msg.evaluated, id, accuracy: test.accuracy, loss: test.loss,
                  dimFull: run.dimFull(), dimTrainable: run.dimTrainable() });
  } finally {
    run.delete();
  }
}

// Trains a d = 2 run with the trainer's own mini-batches, as train() would (without its early
// stops: a landscape path shows the whole training), recording θ_d along the way.
function path(id, config, points) {
  const run = new idim.Run(config);
  try {
    const total = config.epochs * run.stepsPerEpoch();
    const every = Math.max(1, Math.floor(total / points));
    const trail = [[0, 0, NaN]];
    let lastPost = performance.now();
    for (let done = 0; done < total;) {
      const n = Math.min(every, total - done);
      const loss = run.steps(n);
      done += n;
      const [x, y] = run.getTrainable();
      if (!Number.isFinite(loss)) break;   // diverged: the path ends where it was
      trail.push([x, y, loss]);
      if (performance.now() - lastPost > 100) { postMessage({ type: Msg.pathPart, id, path: trail }); lastPost = performance.now(); }
    }
    postMessage({ type: Msg.pathDone, id, path: trail, dimFull: run.dimFull() });
  } finally {
    run.delete();
  }
}

function grid(id, config, points) {
  const run = new idim.Run(config);
  try {
    const loss = [], accuracy = [];
    for (const p of points) {
      run.setTrainable(p);
      loss.push(run.evaluateTrain().loss);
      accuracy.push(run.evaluate().test.accuracy);
    }
    postMessage({ type: Msg.gridDone, id, loss, accuracy });
  } finally {
    run.delete();
  }
}

function pretrain(id, config) {
  const run = new idim.Run(config);
  try {
    const result = run.train(null);
    if (result.diverged) throw new Error('pretraining diverged');
    const modelFile = run.modelFile();
    postMessage({ type: Msg.pretrained, id, modelFile, testAccuracy: result.testAccuracy, dimFull: run.dimFull() },
                [modelFile.buffer]);
  } finally {
    run.delete();
  }
}

// One message at a time: the next waits until the current one is done.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const m = event.data;
  queue = queue.then(async () => {
    try {
      if (m.type === Msg.init) await init(m);
      else if (m.type === Msg.run) { await ensureData(m.config); train(m.id, m.config); }
      else if (m.type === Msg.evaluate) { await ensureData(m.config); evaluate(m.id, m.config, m.trainable); }
      else if (m.type === Msg.path) { await ensureData(m.config); path(m.id, m.config, m.points); }
      else if (m.type === Msg.pretrain) { await ensureData(m.config); pretrain(m.id, m.config); }
      else if (m.type === Msg.grid) { await ensureData(m.config); grid(m.id, m.config, m.points); }
      else throw new Error(`worker: unknown message type '${m.type}'`);
    } catch (e) {
      postMessage(errorMessage(m.id ?? null, e));
    }
  });
};
