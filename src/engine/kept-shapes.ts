// Compiled code kept from being thrown away: small objects of the engine's classes, kept for the life
// of the process, and an ArrayBuffer detached when the engine loads (below).
//
// The objects are kept so that V8 keeps the code it compiled for them. V8 compiles a hot method for
// the hidden classes ("maps") of the objects it has seen, and that code holds those maps weakly. An object made by a class's constructor gets a map
// that lives only while some object has it. Once the last object with it is gone (the reader and the
// builders of a table when the table is stored, a data diff's indexes when it has answered), a full
// garbage collection frees the map and throws away every method compiled for it (V8's deopt for
// "weak objects"), and the next table read or data diff runs slowly until V8 compiles them again.
// Registering a 100k-row CSV table right after a full collection took 75-106 ms so, against 35-40 ms
// warm; a compute worker collects its garbage after each data diff (worker.ts), so every data diff
// started cold (by hand). Each module of such classes keeps one small object of each here, made for
// this, holding next to no memory.

const kept: object[] = [];

/** Keeps `objects` (small ones, made for this) alive for the life of the process. */
export function keepShapes(...objects: object[]): void {
  kept.push(...objects);
}

// The first ArrayBuffer detached in a thread (moved to another one: a compare's files to a worker, a
// worker's rows back) makes V8 throw away all the code it compiled over typed arrays in that thread,
// which had assumed that none ever would be (its array-buffer-detaching protector). In a compute
// worker that happened as the first compare's first rows left it, so that its second compare ran
// as cold as the first (by hand: 100k rows again in a worker took 104-130 ms, where the first took
// 119-157; 64-92 ms with this). One throwaway buffer is detached here, when the engine loads in a
// thread, before any code is compiled.
const throwaway = new ArrayBuffer(8);
structuredClone(throwaway, { transfer: [throwaway] });
