// The messages between the page and its Web Workers, all in one place. Each worker owns one
// WebAssembly module and runs one training run at a time; the page never trains on its own thread.
//
// page → worker
//   {type: 'init', moduleUrl, mnistUrl}              load the module (digits fetched on first use)
//   {type: 'run', id, config}                         train one run (config: see wasm/run.h)
//   {type: 'evaluate', id, config, trainable}         rebuild a run from θ_d and evaluate it
//   {type: 'path', id, config, points}                train a d = 2 run, recording θ_d ~points times
//   {type: 'grid', id, config, points: [[x, y]]}      training loss and test accuracy at each θ_d
//   {type: 'pretrain', id, config}                    full training; its θ as a model file's bytes
// worker → page
//   {type: 'ready', version, backend}
//   {type: 'progress', id, epoch, step (since the start), loss, stepsPerSecond}  ≤ 10 a second
//   {type: 'epoch', id, epoch, testAccuracy, testLoss, trainLoss}             ≤ 10 a second
//   {type: 'done', id, result, trainable (Float32Array, or null for full training), dimFull, dimTrainable}
//   {type: 'evaluated', id, accuracy, loss, dimFull, dimTrainable}
//   {type: 'path-part', id, path: [[x, y, loss]]}     the path so far, as it is trained
//   {type: 'path-done', id, path, dimFull}
//   {type: 'grid-done', id, loss: [..], accuracy: [..]}   in the order of the points
//   {type: 'pretrained', id, modelFile (Uint8Array), testAccuracy, dimFull}
//   {type: 'error', id, message}                      any C++ or JS error, as text
// Stopping a search terminates its workers: runs that finished keep their results.

export const Msg = Object.freeze({
  init: 'init', run: 'run', evaluate: 'evaluate', path: 'path', grid: 'grid', pretrain: 'pretrain',
  ready: 'ready', progress: 'progress', epoch: 'epoch', done: 'done', evaluated: 'evaluated', error: 'error',
  pathPart: 'path-part', pathDone: 'path-done', gridDone: 'grid-done', pretrained: 'pretrained',
});

export const initMessage = (moduleUrl, mnistUrl) => ({ type: Msg.init, moduleUrl, mnistUrl });
export const runMessage = (id, config) => ({ type: Msg.run, id, config });
export const evaluateMessage = (id, config, trainable) => ({ type: Msg.evaluate, id, config, trainable });
export const errorMessage = (id, error) => ({ type: Msg.error, id, message: String(error?.message ?? error) });

// The tasks that need the MNIST digits loaded into the module first.
export const needsMnist = (config) => config.task === 'mnist14' || config.task === 'mnist28';
