// The core's per-d rules (intrinsic_dim.h, dint_procedure.h) on the page's thread, through the
// module loaded there: a failed run (diverged, or no finite accuracy) counts 0; per d the mean of
// that over seeds; d_int is the first d, in increasing order, whose mean reaches the threshold; the
// result is named after its fraction of the baseline. The chart, the LoRA view and files opened
// from `idim dint --json` all use these, so the page holds no copy of the rule.

let core = null;   // the module on the page's thread (useCore), once loaded

export function useCore(idim) { core = idim; }

function module() {
  if (!core) throw new Error('the WebAssembly module is still loading');
  return core;
}

// runs: [{d, seed, accuracy, diverged}] → [{d, runs, diverged, mean, min, max}] sorted by d.
export const summarise = (runs) => module().summarise(runs);
// The first d whose mean counted accuracy reaches the threshold (or null).
export const firstPassingD = (runs, threshold) => module().firstPassingD(runs, threshold);
// What a run adds to its d's mean: its accuracy, or 0 if it failed.
export const countedAccuracy = (run) => module().countedAccuracy(run);
// The search's fraction of the baseline unless told otherwise (DintConfig's: 0.9, d_int90).
export const defaultFraction = () => module().defaults().dint.fraction;
// "d_int90", "d_int100": as the CLI names it.
export const dintName = (fraction) => module().dIntName(fraction ?? defaultFraction());
